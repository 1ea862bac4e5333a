use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A valid 1x1 JPEG (hex); `exiftool` adds metadata to it in some tests.
pub const TINY_JPEG: &str = "FFD8FFE000104A46494600010100000100010000FFDB004300080606070605080707070909080A0C140D0C0B0B0C1912130F141D1A1F1E1D1A1C1C20242E2720222C231C1C2837292C30313434341F27393D38323C2E333432FFC0000B080001000101011100FFC4001F0000010501010101010100000000000000000102030405060708090A0BFFC400B5100002010303020403050504040000017D01020300041105122131410613516107227114328191A1082342B1C11552D1F02433627282090A161718191A25262728292A3435363738393A434445464748494A535455565758595A636465666768696A737475767778797A838485868788898A92939495969798999AA2A3A4A5A6A7A8A9AAB2B3B4B5B6B7B8B9BAC2C3C4C5C6C7C8C9CAD2D3D4D5D6D7D8D9DAE1E2E3E4E5E6E7E8E9EAF1F2F3F4F5F6F7F8F9FAFFDA0008010100003F00D2CF20FFD9";

pub const PASSPHRASE: &str = "correct horse battery staple";

/// The real CLI binary built by cargo for this test run.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_diary")
}

/// A temporary folder holding a vault directory and a passphrase file.
pub struct Vault {
    pub tmp: TempDir,
    pub dir: PathBuf,
    pub pass_file: PathBuf,
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn fails_with(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }

    /// Lines on standard error other than the one every unlock prints
    /// (`diary: opened; last log entry ...`).
    pub fn error_lines(&self) -> usize {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("diary: opened;"))
            .count()
    }

    /// The id from `added person ID`, `added order ID` and the like.
    pub fn added_id(&self, what: &str) -> String {
        let prefix = format!("added {what} ");
        let rest = self.stdout.trim().strip_prefix(&prefix);
        rest.unwrap_or_else(|| panic!("expected `{prefix}ID`: {}", self.stdout))
            .to_string()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Vault {
    /// A folder with no vault yet.
    pub fn empty() -> Vault {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        let pass_file = tmp.path().join("pass");
        std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
        Vault {
            tmp,
            dir,
            pass_file,
        }
    }

    /// A new vault with the cheapest accepted KDF, so tests stay fast.
    pub fn new() -> Vault {
        let v = Vault::empty();
        v.run(&["init", "--kdf-memory", "19", "--kdf-time", "2"])
            .ok();
        v
    }

    /// A new vault; returns it with the recovery key printed by `init`.
    pub fn with_recovery_key() -> (Vault, String) {
        let v = Vault::empty();
        let out = v
            .run(&["init", "--kdf-memory", "19", "--kdf-time", "2"])
            .ok();
        let key = out
            .stdout
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 69 && l.matches('-').count() == 13)
            .expect("recovery key line")
            .to_string();
        (v, key)
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("vault.db")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.pass_file, args)
    }

    /// Runs against the vault at `dir` instead (same passphrase), with `input`.
    pub fn run_at(&self, dir: &Path, args: &[&str], input: &str) -> Run {
        let mut cmd = Command::new(bin());
        cmd.arg("--vault")
            .arg(dir)
            .arg("--passphrase-file")
            .arg(&self.pass_file)
            .args(args);
        self.isolate(&mut cmd);
        run_with_stdin(cmd, input)
    }

    /// Runs with another passphrase source (a file, or `-` for stdin).
    pub fn command_with(&self, pass: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.arg("--vault")
            .arg(&self.dir)
            .arg("--passphrase-file")
            .arg(pass)
            .args(args);
        self.isolate(&mut cmd);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Keeps the run's data and configuration folders (the rollback
    /// anchor) inside this test's temporary folder: HOME is the test's,
    /// and nothing from the environment points elsewhere.
    pub fn isolate(&self, cmd: &mut Command) {
        cmd.env_remove("DIARY_VAULT")
            .env_remove("DIARY_ANCHOR_DIR")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", self.tmp.path())
            .env("XDG_DATA_HOME", self.tmp.path().join("data"));
    }

    /// Where the CLI keeps this test's rollback anchors by default.
    pub fn anchor_dir(&self) -> PathBuf {
        self.tmp.path().join(".config/incident-diary/anchors")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    /// Runs with `input` on standard input.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        run_with_stdin(self.command(args), input)
    }

    /// Adds an incident from JSON text and returns its number.
    pub fn add_json(&self, json: &str) -> u32 {
        let out = self.run_stdin(&["add", "--json", "-"], json).ok();
        parse_added(&out.stdout)
    }

    /// Writes a file in the temporary folder.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

pub fn run_with_stdin(mut cmd: Command, input: &str) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Run::from(child.wait_with_output().unwrap())
}

/// The number from `added incident N (id ...)`.
pub fn parse_added(stdout: &str) -> u32 {
    let rest = stdout
        .strip_prefix("added incident ")
        .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

/// Runs `args` again and again, killing it (SIGKILL) after each of `delays`
/// milliseconds, and checks that no run left `out` behind. Fails if no run
/// was interrupted at all: then the test would have tested nothing.
pub fn kill_during(v: &Vault, args: &[&str], out: &Path, delays: &[u64]) {
    let mut interrupted = 0;
    for &delay_ms in delays {
        let mut child = v
            .command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        if finished {
            let _ = std::fs::remove_dir_all(out);
            let _ = std::fs::remove_file(out);
            continue;
        }
        interrupted += 1;
        assert!(
            !out.exists(),
            "a killed run of {args:?} left {out:?} behind"
        );
    }
    assert!(
        interrupted > 0,
        "no run of {args:?} was interrupted: the test tested nothing"
    );
}

/// Runs `cmd` and kills it (SIGKILL) as soon as a file or folder whose
/// name starts with `prefix` appears in `dir` (a write's temporary name),
/// a moment later. Returns what it left there by that name; fails if the
/// run ended before any appeared (the test would have tested nothing).
pub fn kill_while_writing(mut cmd: Command, dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let found = |dir: &Path| -> Vec<PathBuf> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| e.path())
            .collect()
    };
    while found(dir).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before writing anything named {prefix}*"
        );
        assert!(
            started.elapsed().as_secs() < 60,
            "nothing named {prefix}* appeared"
        );
        std::thread::sleep(std::time::Duration::from_micros(300));
    }
    std::thread::sleep(std::time::Duration::from_millis(15));
    child.kill().unwrap();
    child.wait().unwrap();
    found(dir)
}

/// A minimal incident as JSON.
pub fn incident_json(when: &str, narrative: &str) -> String {
    serde_json::json!({"occurred_at": when, "narrative": narrative}).to_string()
}

/// Copies a folder and everything in it.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `ssh-keygen -Y verify` of a bundle folder's `SHA256SUMS`, as an officer runs it.
pub fn ssh_verify(dir: &Path) -> Run {
    let sums = std::fs::File::open(dir.join("SHA256SUMS")).unwrap();
    let out = Command::new("ssh-keygen")
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "incident-diary",
            "-n",
            "incident-diary@v1",
            "-s",
            "SHA256SUMS.sig",
        ])
        .current_dir(dir)
        .stdin(sums)
        .output()
        .expect("ssh-keygen must be installed");
    Run::from(out)
}

/// `ssh-keygen -Y verify` of a key-transition statement in a bundle folder,
/// with the bundle's `keys/allowed_signers`, as an officer runs it.
pub fn ssh_verify_statement(bundle: &Path, principal: &str, statement: &str, sig: &str) -> Run {
    let input = fs::File::open(bundle.join(statement)).unwrap();
    Run::from(
        Command::new("ssh-keygen")
            .args([
                "-Y",
                "verify",
                "-f",
                "keys/allowed_signers",
                "-I",
                principal,
            ])
            .args(["-n", "incident-diary-key-transition@v1", "-s", sig])
            .current_dir(bundle)
            .stdin(input)
            .output()
            .expect("ssh-keygen must be installed"),
    )
}

/// Keeps the rollback anchors of vaults this test process opens through
/// the library (not the binary) in cargo's temporary folder, out of HOME.
pub fn anchors_in_target() {
    incident_diary::Diary::use_anchor_folder(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("library-anchors"),
    );
}

/// The words of a PDF (pdftotext), one space between each: for finding a
/// phrase whatever line breaks the layout put in it.
pub fn pdf_words(pdf: &Path) -> String {
    let run = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/setup.sh)");
    assert!(run.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&run.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
