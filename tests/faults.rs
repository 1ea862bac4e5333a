//! Faults: SIGKILL in the middle of writes, and a disk that fills up.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::util::{Vault, incident_json};

/// A small deterministic generator, seeded from the clock and printed, so a
/// failing run can be repeated.
pub struct Lcg(pub u64);

impl Lcg {
    /// `DIARY_KILL_SEED`, else the clock: printed by each test, so a
    /// failing run can be repeated.
    pub fn seed() -> u64 {
        std::env::var("DIARY_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn sigkill_at_random_points_never_loses_an_acknowledged_entry() {
    let seed = Lcg::seed();
    eprintln!("kill test seed: {seed} (set DIARY_KILL_SEED to repeat)");
    let mut rng = Lcg(seed);
    let v = Vault::new();
    // How long one add takes here, to aim the kills inside it.
    let started = Instant::now();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "warm-up entry"));
    let span = started.elapsed().as_micros() as u64 + 1;

    let mut acknowledged = vec!["warm-up entry".to_string()];
    let mut killed = 0;
    for i in 0..40 {
        let marker = format!("entry number {i} of the kill test");
        let mut child = v
            .command(&["add", "--json", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin
                .write_all(incident_json("2026-03-02T10:00:00+00:00", &marker).as_bytes())
                .unwrap();
        }
        std::thread::sleep(Duration::from_micros(rng.next() % (span * 3 / 2)));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.success() {
            acknowledged.push(marker);
        } else {
            killed += 1;
        }
        // The vault must open after every kill.
        v.run(&["check"]).ok();
    }
    eprintln!(
        "{killed} of 40 adds killed, {} acknowledged",
        acknowledged.len()
    );
    let list = v.run(&["list", "--json"]).ok().json();
    let stored: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["narrative"].as_str().unwrap())
        .collect();
    for marker in &acknowledged {
        assert!(
            stored.contains(&marker.as_str()),
            "acknowledged entry lost: {marker} (seed {seed})"
        );
    }
    // Numbers stay contiguous: a killed add leaves no hole.
    let numbers: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert!(
        killed > 0,
        "no add was interrupted; the test did not test anything (seed {seed})"
    );
}

/// A size-limited tmpfs mounted for the test and unmounted on drop.
pub struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    pub fn mount(dir: &std::path::Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .ok()?
            .success();
        ok.then(|| SmallDisk(dir.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

#[test]
fn full_disk_refuses_the_entry_and_keeps_the_vault() {
    if !is_root() {
        eprintln!("SKIPPED: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let v = Vault::empty();
    let mount_point = v.tmp.path().join("small");
    let _disk = SmallDisk::mount(&mount_point, "512k").expect("mount a 512 KiB tmpfs");
    let dir = mount_point.join("vault");
    let run = |args: &[&str], input: &str| v.run_at(&dir, args, input);
    run(&["init", "--kdf-memory", "19", "--kdf-time", "2"], "").ok();
    run(
        &["add", "--json", "-"],
        &incident_json("2026-03-01T10:00:00+00:00", "saved before the disk filled"),
    )
    .ok();
    // Fill the rest of the disk.
    let filler = mount_point.join("filler");
    let mut size = 0usize;
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        while f.write_all(&[0u8; 4096]).is_ok() {
            size += 4096;
        }
        let _ = f.sync_all();
    }
    assert!(size > 0);
    let big = "x".repeat(60_000);
    let entry = incident_json("2026-03-02T10:00:00+00:00", &big);
    // Completely full: the vault cannot even be opened for writing.
    let out = run(&["add", "--json", "-"], &entry);
    assert_ne!(out.code, 0, "add on a full disk must fail");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was saved"), "{}", out.stderr);
    // Room to open the vault but not to write the entry: fails inside the transaction.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len((size - 48 * 1024) as u64)
        .unwrap();
    let out = run(&["add", "--json", "-"], &entry);
    assert_ne!(out.code, 0, "add without room for the entry must fail");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stderr.contains("disk is full"), "{}", out.stderr);
    // Space freed: the vault opens, passes check and holds exactly the saved entry.
    std::fs::remove_file(&filler).unwrap();
    run(&["check"], "").ok();
    let list = run(&["list", "--json"], "").ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["narrative"], "saved before the disk filled");
    run(
        &["add", "--json", "-"],
        &incident_json("2026-03-02T10:00:00+00:00", "after space was freed"),
    )
    .ok();
}
