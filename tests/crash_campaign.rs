//! The crash campaign (issue 17; `scripts/crash-campaign.sh`, not in the
//! test command): the real binary is killed (SIGKILL) at random points of
//! add, amend, attach of a large file, key rotation, backup, restore and
//! export, some rounds on a nearly full disk. After every kill the vault
//! must pass `check`, every acknowledged entry and exhibit must be there
//! byte for byte, a killed write must have left its output whole or absent,
//! and once the leftovers are old enough to be swept (as at an unlock ten
//! minutes later) no temporary or partial file may remain in the vault.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::faults::{Lcg, SmallDisk, is_root};
use crate::util::{Run, Vault, incident_json, walk};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    /// Finished and said so: what it wrote must be kept.
    Done,
    /// Killed (SIGKILL).
    Killed,
    /// Refused by itself (a full disk), with a clear error.
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Amend,
    Attach,
    Rotate,
    Backup,
    Restore,
    Export,
}

const OPS: [Op; 7] = [
    Op::Add,
    Op::Amend,
    Op::Attach,
    Op::Rotate,
    Op::Backup,
    Op::Restore,
    Op::Export,
];

/// What every acknowledged write says the vault holds.
struct Model {
    /// Entry number -> narratives it may have now: the acknowledged one,
    /// and one more when an amendment was killed.
    entries: HashMap<u64, Vec<String>>,
    /// Exhibit number -> SHA-256 of its bytes; a killed attach may or may
    /// not have made one more (any it made must be whole).
    exhibits: HashMap<u64, [u8; 32]>,
    /// Passphrases that may open it: the acknowledged one, and a newer one
    /// when a rotation was killed.
    passphrases: Vec<String>,
    /// A backup that was acknowledged, to restore, and the passphrase its
    /// diary had then.
    backup: Option<(PathBuf, String)>,
}

struct Campaign {
    v: Vault,
    /// Where the vault lives (a small tmpfs in full-disk rounds' campaign).
    root: PathBuf,
    rng: Lcg,
    model: Model,
    /// How long each operation takes when left alone, to aim the kills.
    span: HashMap<&'static str, Duration>,
    seed: u64,
    /// Partial outputs a killed export or backup left beside its output,
    /// which the next unlock must remove.
    partials_pending: Vec<PathBuf>,
    /// How many the next unlock removed.
    partials_swept: usize,
    /// Staging folders a killed restore left, which the next restore into
    /// the same folder removed.
    stagings_swept: usize,
    /// Rotations killed after their commit, before their recovery key was
    /// shown (each asked for a new one).
    unshown_keys: usize,
}

/// Hidden files or folders beside `out` whose names start with its own
/// and hold `kind` (`.export.zip.partial-…`, `.restored.restore-…`).
fn hidden_beside(out: &Path, kind: &str) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|entry| {
            let other = entry.file_name().to_string_lossy().into_owned();
            other.starts_with(&format!(".{name}.")) && other.contains(kind)
        })
        .map(|entry| entry.path())
        .collect()
}

/// Whether a run refused for a full disk, as the CLI says it ("the disk is
/// full", or "is the disk full?" when opening could not write).
fn full_disk(stderr: &str) -> bool {
    stderr.contains("disk is full")
        || stderr.contains("is the disk full")
        || stderr.contains("space")
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl Campaign {
    fn pass_file(&self, pass: &str) -> PathBuf {
        let path = self.v.tmp.path().join(format!("pass-{pass}"));
        std::fs::write(&path, format!("{pass}\n")).unwrap();
        path
    }

    fn command(&self, pass: &str, args: &[&str]) -> Command {
        self.v.command_with(self.pass_file(pass), args)
    }

    fn run(&self, pass: &str, args: &[&str]) -> Run {
        Run::from(self.command(pass, args).output().unwrap())
    }

    /// The passphrase that opens the vault now (one of those the model
    /// allows), after which only it is allowed.
    fn settle_passphrase(&mut self) -> String {
        for pass in self.model.passphrases.clone().iter().rev() {
            let mut run = Run::from(self.command(pass, &["check"]).output().unwrap());
            // A rotation killed before its recovery key was shown: the
            // owner is told to make a new one (she never saw it), and does.
            if run.code != 0 && run.stderr.contains("new-recovery-key") {
                let made = Run::from(self.command(pass, &["new-recovery-key"]).output().unwrap());
                if made.code != 0 {
                    // Refused on a full disk, nothing saved: made once
                    // there is room again (after the round).
                    assert!(full_disk(&made.stderr), "{}", made.stderr);
                    return pass.clone();
                }
                self.unshown_keys += 1;
                run = Run::from(self.command(pass, &["check"]).output().unwrap());
            }
            if run.code == 0 {
                self.model.passphrases = vec![pass.clone()];
                return pass.clone();
            }
            assert!(
                run.stderr.contains("passphrase"),
                "check failed (seed {}): {}",
                self.seed,
                run.stderr
            );
        }
        panic!("no allowed passphrase opens the vault (seed {})", self.seed);
    }

    /// Runs `cmd`, killing it after a random part of how long runs of
    /// `what` take (learnt as it goes: longer after a kill, exact after a
    /// finished run).
    fn run_or_kill(&mut self, what: &'static str, mut cmd: Command, stdin: &[u8]) -> End {
        let span = *self.span.entry(what).or_insert(Duration::from_millis(300));
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(stdin);
        }
        let wait = span.mul_f64((self.rng.next() % 1000) as f64 / 700.0);
        while started.elapsed() < wait && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("panicked"),
            "{what} panicked (seed {}): {err}",
            self.seed
        );
        if out.status.success() {
            self.span.insert(what, started.elapsed());
            return End::Done;
        }
        if out.status.code().is_none() {
            self.span
                .insert(what, (span.mul_f64(1.2)).min(Duration::from_secs(60)));
            return End::Killed;
        }
        // A rotation killed before its recovery key was shown: the diary
        // asks for a new one before it writes again (the owner never saw
        // the key that was made), as she would be told.
        if err.contains("new recovery key") || err.contains("new-recovery-key") {
            self.settle_passphrase();
            return End::Refused;
        }
        // Otherwise it stopped by itself: only a full disk may make it.
        assert!(
            full_disk(&err),
            "{what} failed by itself (seed {}): {err}",
            self.seed
        );
        End::Refused
    }

    /// Runs `op` with `pass`, the passphrase settled before the disk was
    /// filled (opening writes in the vault's folder: on a full disk the
    /// CLI refuses it with "is the disk full?", nothing lost, which a run
    /// found and the campaign had taken for a failure).
    fn round(&mut self, op: Op, pass: String) -> End {
        let work = self.v.tmp.path().join("work");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let n = self.model.entries.len() as u64;
        let marker = format!("entry {} of the campaign", self.rng.next());
        match op {
            Op::Add => {
                let json = incident_json("2026-03-01T10:00:00+00:00", &marker);
                let end = self.run_or_kill(
                    "add",
                    self.command(&pass, &["add", "--json", "-"]),
                    json.as_bytes(),
                );
                if end == End::Done {
                    self.model.entries.insert(n + 1, vec![marker]);
                }
                end
            }
            Op::Amend => {
                let target = 1 + self.rng.next() % n;
                let number = target.to_string();
                let args = [
                    "amend",
                    &number,
                    "--reason",
                    "corrected",
                    "--narrative",
                    &marker,
                ];
                let end = self.run_or_kill("amend", self.command(&pass, &args), b"");
                let now = self.model.entries.get_mut(&target).unwrap();
                if end == End::Done {
                    *now = vec![marker];
                } else {
                    now.push(marker);
                }
                end
            }
            Op::Attach => {
                let size = (1 << 20) + (self.rng.next() as usize % (24 << 20));
                let mut bytes = vec![0u8; size];
                for (i, chunk) in bytes.chunks_mut(8).enumerate() {
                    let word = (self.rng.next() ^ i as u64).to_le_bytes();
                    chunk.copy_from_slice(&word[..chunk.len()]);
                }
                let file = work.join("evidence.bin");
                std::fs::write(&file, &bytes).unwrap();
                let target = (1 + self.rng.next() % n).to_string();
                let args = ["attach", &target, file.to_str().unwrap()];
                let end = self.run_or_kill("attach", self.command(&pass, &args), b"");
                let next = self.model.exhibits.len() as u64 + 1;
                if end == End::Done || self.exhibit_count(&pass) == next {
                    self.model.exhibits.insert(next, sha256(&bytes));
                }
                end
            }
            Op::Rotate => {
                let new = format!("pass{}", self.rng.next());
                let file = self.pass_file(&new);
                let args = [
                    "passwd",
                    "--rotate",
                    "--new-passphrase-file",
                    file.to_str().unwrap(),
                ];
                let end = self.run_or_kill("rotate", self.command(&pass, &args), b"");
                if end == End::Done {
                    self.model.passphrases = vec![new];
                } else {
                    self.model.passphrases.push(new);
                }
                end
            }
            Op::Backup => {
                let out = self
                    .v
                    .tmp
                    .path()
                    .join(format!("backup-{}.age", self.rng.next()));
                let bp = self.pass_file("backup passphrase");
                let args = [
                    "backup",
                    "--out",
                    out.to_str().unwrap(),
                    "--backup-passphrase-file",
                    bp.to_str().unwrap(),
                ];
                let end = self.run_or_kill("backup", self.command(&pass, &args), b"");
                assert_eq!(
                    out.exists(),
                    end == End::Done,
                    "a backup exists if and only if it was acknowledged (seed {})",
                    self.seed
                );
                self.partial_beside(&out);
                if end == End::Done {
                    self.model.backup = Some((out, pass.clone()));
                }
                end
            }
            Op::Restore => {
                let Some((backup, then)) = self.model.backup.clone() else {
                    return End::Done;
                };
                let into = work.join("restored");
                let bp = self.pass_file("backup passphrase");
                let then_file = self.pass_file(&then);
                let restore = |v: &Vault| {
                    let mut cmd = Command::new(crate::util::bin());
                    cmd.arg("--vault")
                        .arg(&into)
                        .arg("--passphrase-file")
                        .arg(&then_file)
                        .args([
                            "restore",
                            backup.to_str().unwrap(),
                            "--backup-passphrase-file",
                            bp.to_str().unwrap(),
                        ]);
                    v.isolate(&mut cmd);
                    cmd
                };
                let end = self.run_or_kill("restore", restore(&self.v), b"");
                // What a killed restore left, the next restore into the
                // same folder removes (as when the owner tries again).
                let stagings = hidden_beside(&into, "restore");
                if !stagings.is_empty() && !into.join("vault.db").exists() {
                    let _ = std::fs::remove_dir(&into);
                    let run = Run::from(restore(&self.v).output().unwrap());
                    assert!(
                        run.code == 0 || run.stderr.contains("disk is full"),
                        "a restore after a killed one failed (seed {}): {}",
                        self.seed,
                        run.stderr
                    );
                    for staging in &stagings {
                        assert!(
                            !staging.exists(),
                            "{} lingers after the next restore (seed {})",
                            staging.display(),
                            self.seed
                        );
                    }
                    self.stagings_swept += stagings.len();
                }
                // Whole or nothing: a vault that checks, or none at all.
                if end == End::Done || into.join("vault.db").exists() {
                    let mut check = Command::new(crate::util::bin());
                    check
                        .arg("--vault")
                        .arg(&into)
                        .arg("--passphrase-file")
                        .arg(self.pass_file(&then))
                        .arg("check");
                    self.v.isolate(&mut check);
                    let run = Run::from(check.output().unwrap());
                    assert_eq!(
                        run.code, 0,
                        "a restored vault does not check ({end:?}, seed {}): {}",
                        self.seed, run.stderr
                    );
                }
                end
            }
            Op::Export => {
                let out = work.join("export.zip");
                let end = self.run_or_kill(
                    "export",
                    self.command(&pass, &["export", "--out", out.to_str().unwrap()]),
                    b"",
                );
                assert_eq!(
                    out.exists(),
                    end == End::Done,
                    "an export exists if and only if it was acknowledged (seed {})",
                    self.seed
                );
                self.partial_beside(&out);
                end
            }
        }
    }

    /// Notes a hidden partial copy a killed write of `out` left beside it
    /// (an export's holds the diary in plain text): the next unlock must
    /// remove it (see [`Campaign::holds`]).
    fn partial_beside(&mut self, out: &Path) {
        self.partials_pending.extend(hidden_beside(out, "partial"));
    }

    fn exhibit_count(&self, pass: &str) -> u64 {
        let run = Run::from(
            self.command(pass, &["exhibits", "--json"])
                .output()
                .unwrap(),
        );
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .ok()
            .and_then(|v| v.as_array().map(|a| a.len() as u64))
            .unwrap_or(0)
    }

    /// What must hold after every round.
    fn holds(&mut self, all_exhibits: bool) {
        let pass = self.settle_passphrase();
        // That was an unlock: what killed exports and backups left is gone.
        for partial in std::mem::take(&mut self.partials_pending) {
            assert!(
                std::fs::symlink_metadata(&partial).is_err(),
                "{} lingers after the next unlock (seed {})",
                partial.display(),
                self.seed
            );
            self.partials_swept += 1;
        }
        let list: serde_json::Value =
            serde_json::from_str(&self.run(&pass, &["list", "--json"]).ok().stdout).unwrap();
        let stored: HashMap<u64, String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["number"].as_u64().unwrap(),
                    i["narrative"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for (number, allowed) in &mut self.model.entries {
            let now = stored
                .get(number)
                .unwrap_or_else(|| panic!("entry {number} lost (seed {})", self.seed));
            assert!(
                allowed.contains(now),
                "entry {number} reads {now:?} (seed {})",
                self.seed
            );
            *allowed = vec![now.clone()];
        }
        // A killed add may have been written after all: it is kept.
        for (number, narrative) in &stored {
            self.model
                .entries
                .entry(*number)
                .or_insert_with(|| vec![narrative.clone()]);
        }
        let numbers: Vec<u64> = (1..=self.model.exhibits.len() as u64).collect();
        let pick = if all_exhibits || numbers.is_empty() {
            numbers
        } else {
            vec![
                numbers[self.rng.next() as usize % numbers.len()],
                *numbers.last().unwrap(),
            ]
        };
        let out = self.v.tmp.path().join("extracted");
        for n in pick {
            self.run(
                &pass,
                &[
                    "extract",
                    &n.to_string(),
                    "--out",
                    out.to_str().unwrap(),
                    "--force",
                ],
            )
            .ok();
            let got = sha256(&std::fs::read(&out).unwrap());
            assert_eq!(
                Some(&got),
                self.model.exhibits.get(&n),
                "exhibit {n} changed (seed {})",
                self.seed
            );
        }
        let _ = std::fs::remove_file(&out);
        // Leftovers of a killed write, once old enough to sweep, are gone
        // after the next unlock.
        let past = SystemTime::now() - Duration::from_secs(11 * 60);
        for file in walk(&self.root) {
            if let Ok(f) = std::fs::File::options().append(true).open(&file) {
                let _ = f.set_modified(past);
            }
        }
        self.run(&pass, &["check"]).ok();
        for file in walk(&self.root) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let inside_quarantine = file.components().any(|c| c.as_os_str() == "quarantine");
            assert!(
                inside_quarantine || !(name.contains("tmp") || name.contains("partial")),
                "{} lingers after the next unlock (seed {})",
                file.display(),
                self.seed
            );
        }
    }
}

#[test]
#[ignore = "the crash campaign: scripts/crash-campaign.sh"]
fn killed_at_random_points_nothing_is_lost() {
    let kills: usize = std::env::var("DIARY_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(100);
    let seed = Lcg::seed();
    eprintln!("crash campaign: {kills} kills, seed {seed} (DIARY_KILL_SEED repeats it)");
    let v = Vault::empty();
    // The vault on a small disk of its own when this may mount one, so
    // some rounds run with it nearly full.
    let disk_dir = v.tmp.path().join("disk");
    let disk = is_root()
        .then(|| SmallDisk::mount(&disk_dir, "160m"))
        .flatten();
    let root = if disk.is_some() {
        disk_dir.join("vault")
    } else {
        v.dir.clone()
    };
    let v = Vault {
        dir: root.clone(),
        ..v
    };
    v.run(&["init", "--kdf-memory", "19", "--kdf-time", "2"])
        .ok();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "first entry"));
    let mut c = Campaign {
        root: root.clone(),
        rng: Lcg(seed),
        model: Model {
            entries: HashMap::from([(1, vec!["first entry".to_string()])]),
            exhibits: HashMap::new(),
            passphrases: vec![crate::util::PASSPHRASE.to_string()],
            backup: None,
        },
        span: HashMap::new(),
        seed,
        partials_pending: Vec::new(),
        partials_swept: 0,
        stagings_swept: 0,
        unshown_keys: 0,
        v,
    };
    let (mut killed, mut refused, mut rounds, mut full_rounds) = (HashMap::new(), 0, 0, 0);
    while killed.values().sum::<usize>() < kills {
        rounds += 1;
        let op = OPS[c.rng.next() as usize % OPS.len()];
        // Attachments fill a small disk: keep it to a few dozen.
        if op == Op::Attach && c.model.exhibits.len() > 12 {
            continue;
        }
        let pass = c.settle_passphrase();
        let filler = disk_dir.join("filler");
        let full = disk.is_some() && rounds % 10 == 0;
        if full {
            full_rounds += 1;
            // Fill the disk, then leave between nothing and 2 MiB free.
            let _ = Command::new("dd")
                .args([
                    "if=/dev/zero",
                    &format!("of={}", filler.display()),
                    "bs=1M",
                    "status=none",
                ])
                .stderr(Stdio::null())
                .status();
            let free = c.rng.next() % (2 << 20);
            let _ = Command::new("truncate")
                .args(["-s", &format!("-{free}"), filler.to_str().unwrap()])
                .status();
        }
        let end = c.round(op, pass);
        if full {
            let _ = std::fs::remove_file(&filler);
        }
        match end {
            End::Killed => *killed.entry(format!("{op:?}")).or_insert(0usize) += 1,
            End::Refused => refused += 1,
            End::Done => {}
        }
        c.holds(false);
        if rounds % 100 == 0 {
            eprintln!("{rounds} rounds, kills: {killed:?}");
        }
    }
    c.holds(true);
    eprintln!(
        "crash campaign passed: {rounds} rounds ({full_rounds} on a nearly full disk, {refused} writes refused), {} kills {killed:?}, {} entries and {} exhibits intact, nothing left in the vault; {} rotations killed before their recovery key was shown (a new one made, as the owner is told); {} partial exports or backups left by kills, all removed at the next unlock; {} staging folders of killed restores, removed by the next restore (seed {seed})",
        killed.values().sum::<usize>(),
        c.model.entries.len(),
        c.model.exhibits.len(),
        c.unshown_keys,
        c.partials_swept,
        c.stagings_swept
    );
    drop(disk);
}
