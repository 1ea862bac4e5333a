//! `backup` and `restore` through the real binary, and the backup file
//! through the standard `age` and `tar` tools.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use incident_diary::Durability;
use incident_diary::model::Incident;
use incident_diary::{Diary, SystemClock};

use crate::util::{PASSPHRASE, Run, TINY_JPEG, Vault, walk};

/// Writes `mib` MiB of incompressible bytes to `path`.
fn big_file(path: &Path, mib: usize, seed: u64) {
    let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let mut x = seed | 1;
    let mut chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for word in chunk.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        file.write_all(&chunk).unwrap();
    }
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// `backup --out FILE` with the diary passphrase (scripted).
fn backup(v: &Vault, out: &Path) -> Run {
    v.run(&["backup", "--out", out.to_str().unwrap(), "--json"])
}

/// `restore FILE` into `dir`, the backup passphrase from the pass file.
fn restore(v: &Vault, file: &Path, dir: &Path) -> Run {
    v.run_at(dir, &["restore", file.to_str().unwrap(), "--json"], "")
}

/// Leftover staging folders or partial files in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".config")
        .collect()
}

/// Runs `command` under a pseudo-terminal (`script`), typing `input`:
/// `age` reads passphrases only from a terminal.
fn on_terminal(command: &str, input: &str) -> Run {
    let mut script = Command::new("script");
    script.args(["-qec", command, "/dev/null"]);
    crate::util::run_with_stdin(script, input)
}

#[test]
fn a_restore_brings_back_every_entry_and_exhibit_byte_for_byte() {
    let v = Vault::new();
    // 1,000 entries, recorded through the library in one batch (the CLI
    // would take a process per entry), then exhibits through the CLI.
    {
        crate::util::anchors_in_target();
        let mut diary = Diary::unlock(
            &v.dir,
            &incident_diary::Passphrase::new(PASSPHRASE.into()),
            Box::new(SystemClock),
        )
        .unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-05T21:30:00+00:00").unwrap();
        let batch: Vec<Incident> = (0..1000)
            .map(|i| Incident::new(at, format!("Entry {i}: he was outside again")))
            .collect();
        diary.import_incidents(batch, Durability::Normal).unwrap();
    }
    let big = v.tmp.path().join("doorbell.mp4");
    big_file(&big, 200, 7);
    let photo = v.tmp.path().join("car.jpg");
    fs::write(&photo, hex::decode(TINY_JPEG).unwrap()).unwrap();
    let letter = v.file("letter.txt", "I know where you live.");
    let originals = [&big, &photo, &letter];
    v.run(&[
        "attach",
        "3",
        big.to_str().unwrap(),
        photo.to_str().unwrap(),
        letter.to_str().unwrap(),
    ])
    .ok();
    v.run(&[
        "amend",
        "2",
        "--narrative",
        "He was outside again, with a friend",
        "--reason",
        "remembered",
    ])
    .ok();
    assert!(v.run(&["check"]).ok().stdout.contains("last backup: never"));

    let file = v.tmp.path().join("diary-backup.age");
    let made = backup(&v, &file).ok().json();
    assert_eq!(made["exhibits"], 3);
    assert_eq!(made["log_entries"], 1007);
    assert!(made["bytes"].as_u64().unwrap() > 200 << 20);
    assert!(
        !v.run(&["check"]).ok().stdout.contains("never"),
        "the backup is recorded"
    );

    let restored = v.tmp.path().join("restored");
    let done = restore(&v, &file, &restored).ok().json();
    assert_eq!(done["log_entries"], 1007);
    assert_eq!(done["chain_head"], made["chain_head"]);
    let same = |args: &[&str]| {
        let before = v.run(args).ok().stdout;
        let after = v.run_at(&restored, args, "").ok().stdout;
        assert_eq!(before.len(), after.len(), "{args:?}");
        // The original has one more row (its backup record) and nothing else.
        assert_eq!(before, after, "{args:?}");
    };
    same(&["list", "--json"]);
    same(&["exhibits", "--json"]);
    same(&["show", "2", "--history", "--json"]);
    for (n, original) in originals.iter().enumerate() {
        let out = v.tmp.path().join(format!("extracted-{n}"));
        v.run_at(
            &restored,
            &[
                "extract",
                &format!("{}", n + 1),
                "--out",
                out.to_str().unwrap(),
            ],
            "",
        )
        .ok();
        let cmp = Command::new("cmp")
            .arg(original)
            .arg(&out)
            .status()
            .unwrap();
        assert!(cmp.success(), "exhibit {} differs after restore", n + 1);
        fs::remove_file(&out).unwrap();
    }
    assert!(
        v.run_at(&restored, &["check"], "")
            .ok()
            .stdout
            .contains("exhibits: 3 decrypted and hashed, all match")
    );
    assert!(leftovers(v.tmp.path()).is_empty());
}

#[test]
fn age_and_tar_open_a_backup_without_this_program() {
    let v = Vault::new();
    v.add_json(&crate::util::incident_json(
        "2026-02-01T08:00:00Z",
        "Flowers left on the car",
    ));
    let photo = v.tmp.path().join("flowers.jpg");
    fs::write(&photo, hex::decode(TINY_JPEG).unwrap()).unwrap();
    v.run(&["attach", "1", photo.to_str().unwrap()]).ok();
    let file = v.tmp.path().join("b.age");
    backup(&v, &file).ok();
    let plain = v.tmp.path().join("b.tar");
    let run = on_terminal(
        &format!("age -d -o '{}' '{}'", plain.display(), file.display()),
        &format!("{PASSPHRASE}\n"),
    );
    assert!(
        plain.is_file(),
        "age -d failed: {} {}",
        run.stdout,
        run.stderr
    );
    let unpacked = v.tmp.path().join("unpacked");
    fs::create_dir(&unpacked).unwrap();
    let tar = Command::new("tar")
        .arg("-xf")
        .arg(&plain)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(tar.success());
    let folder = unpacked.join("incident-diary-backup");
    let sums = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&folder)
        .output()
        .unwrap();
    assert!(
        sums.status.success(),
        "{}",
        String::from_utf8_lossy(&sums.stdout)
    );
    // The unpacked folder is a vault the diary opens as it is.
    let listed = v.run_at(&folder, &["list"], "").ok().stdout;
    assert!(listed.contains("Flowers left on the car"));
    // A wrong passphrase gets nothing out of it.
    let wrong = v.tmp.path().join("wrong.tar");
    on_terminal(
        &format!("age -d -o '{}' '{}'", wrong.display(), file.display()),
        "not the passphrase\n",
    );
    assert!(!wrong.exists() || fs::metadata(&wrong).unwrap().len() == 0);
}

#[test]
fn a_backup_has_its_own_passphrase_when_given_one() {
    let v = Vault::new();
    v.add_json(&crate::util::incident_json("2026-02-01T08:00:00Z", "x"));
    let backup_pass = v.file("backup-pass", "a different backup passphrase\n");
    let file = v.tmp.path().join("b.age");
    v.run(&[
        "backup",
        "--out",
        file.to_str().unwrap(),
        "--backup-passphrase-file",
        backup_pass.to_str().unwrap(),
    ])
    .ok();
    let target = v.tmp.path().join("r");
    // The diary passphrase does not open it...
    let wrong = restore(&v, &file, &target).fails_with(3);
    assert!(
        wrong.stderr.contains("wrong passphrase for this backup"),
        "{}",
        wrong.stderr
    );
    assert!(!target.exists());
    // ...its own does, and the diary inside keeps the diary passphrase.
    v.run_at(
        &target,
        &[
            "restore",
            file.to_str().unwrap(),
            "--backup-passphrase-file",
            backup_pass.to_str().unwrap(),
        ],
        "",
    )
    .ok();
    v.run_at(&target, &["list"], "").ok();
    // An existing file is never overwritten.
    let again = v
        .run(&["backup", "--out", file.to_str().unwrap()])
        .fails_with(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn recovery_works_on_a_restored_diary() {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&crate::util::incident_json(
        "2026-02-01T08:00:00Z",
        "Call at 3am",
    ));
    let file = v.tmp.path().join("b.age");
    backup(&v, &file).ok();
    let target = v.tmp.path().join("new-phone");
    restore(&v, &file, &target).ok();
    let key_file = v.file("key", &format!("{key}\n"));
    let new_pass = v.file("new-pass", "a brand new passphrase\n");
    let mut recover = Command::new(crate::util::bin());
    recover
        .arg("--vault")
        .arg(&target)
        .args(["recover", "--recovery-key-file"])
        .arg(&key_file)
        .arg("--new-passphrase-file")
        .arg(&new_pass)
        .stdin(Stdio::null());
    v.isolate(&mut recover);
    Run::from(recover.output().unwrap()).ok();
    let mut list = Command::new(crate::util::bin());
    list.arg("--vault")
        .arg(&target)
        .arg("--passphrase-file")
        .arg(&new_pass)
        .arg("list");
    v.isolate(&mut list);
    let listed = list.output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Call at 3am"));
    v.run_at(&target, &["list"], "").fails_with(3);
    // The original diary still opens with the old passphrase.
    v.run(&["list"]).ok();
}

/// A small diary with one exhibit and its backup file.
fn small_backup() -> (Vault, PathBuf) {
    let v = Vault::new();
    v.add_json(&crate::util::incident_json("2026-02-01T08:00:00Z", "x"));
    let doc = v.tmp.path().join("doc.bin");
    big_file(&doc, 1, 3);
    v.run(&["attach", "1", doc.to_str().unwrap()]).ok();
    let file = v.tmp.path().join("b.age");
    backup(&v, &file).ok();
    (v, file)
}

#[test]
fn any_change_to_a_backup_is_detected_and_nothing_is_restored() {
    let (v, file) = small_backup();
    let good = fs::read(&file).unwrap();
    let len = good.len();
    let header_end = good.windows(4).position(|w| w == b"\n---").unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for (what, at) in [
        ("the header text", 30),
        ("the header MAC", header_end + 6),
        ("the first payload byte", header_end + 60),
        ("the middle", len / 2),
        ("the last byte", len - 1),
    ] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        cases.push((format!("a changed byte in {what}"), bad));
    }
    cases.push(("the file cut in half".into(), good[..len / 2].to_vec()));
    cases.push(("the last byte cut".into(), good[..len - 1].to_vec()));
    let mut longer = good.clone();
    longer.extend_from_slice(&[0u8; 64]);
    cases.push(("bytes added at the end".into(), longer));
    cases.push(("an empty file".into(), Vec::new()));
    for (what, bytes) in cases {
        let bad = v.tmp.path().join("bad.age");
        fs::write(&bad, &bytes).unwrap();
        let target = v.tmp.path().join("target");
        let run = restore(&v, &bad, &target);
        assert!(
            [2, 3, 4].contains(&run.code),
            "{what}: exit {} ({})",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing was restored"),
            "{what}: {}",
            run.stderr
        );
        assert!(!target.exists(), "{what}: the target was created");
        assert!(leftovers(v.tmp.path()).is_empty(), "{what}: leftovers");
    }
    // The good file still restores.
    restore(&v, &file, &v.tmp.path().join("target")).ok();
}

#[test]
fn a_non_empty_target_a_newer_format_and_a_stranger_file_are_refused() {
    let (v, file) = small_backup();
    let occupied = v.tmp.path().join("occupied");
    fs::create_dir(&occupied).unwrap();
    fs::write(occupied.join("holiday.jpg"), b"not ours").unwrap();
    let run = restore(&v, &file, &occupied).fails_with(2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert_eq!(walk(&occupied).len(), 1);
    // An empty folder is fine.
    let empty = v.tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    restore(&v, &file, &empty).ok();

    // A backup from a future version, made with the standard format.
    let manifest = serde_json::json!({"format": "incident-diary-backup", "version": 2}).to_string();
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(
        &mut header,
        "incident-diary-backup/manifest.json",
        manifest.as_bytes(),
    )
    .unwrap();
    let inner = tar.into_inner().unwrap();
    let newer = v.tmp.path().join("newer.age");
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
        PASSPHRASE.to_string(),
    ));
    let mut writer = encryptor
        .wrap_output(fs::File::create(&newer).unwrap())
        .unwrap();
    writer.write_all(&inner).unwrap();
    writer.finish().unwrap();
    let target = v.tmp.path().join("t2");
    let run = restore(&v, &newer, &target).fails_with(1);
    assert!(run.stderr.contains("newer version"), "{}", run.stderr);
    assert!(!target.exists());

    // Not a backup at all.
    let stranger = v.file("notes.txt", "shopping list");
    let run = restore(&v, &stranger, &target).fails_with(2);
    assert!(run.stderr.contains("not a diary backup"), "{}", run.stderr);
    restore(&v, &v.tmp.path().join("missing.age"), &target).fails_with(5);
    assert!(!target.exists());
    assert!(leftovers(v.tmp.path()).is_empty());
}

#[test]
fn a_full_disk_during_a_backup_leaves_no_file() {
    if !crate::faults::is_root() {
        eprintln!("SKIPPED: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let v = crate::export::diary_with_big_exhibit(3);
    let mount_point = v.tmp.path().join("usb");
    let _disk = crate::faults::SmallDisk::mount(&mount_point, "2m").expect("mount a tmpfs");
    let run = backup(&v, &mount_point.join("b.age"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("disk is full"), "{}", run.stderr);
    assert_eq!(fs::read_dir(&mount_point).unwrap().count(), 0);
    assert!(v.run(&["check"]).ok().stdout.contains("last backup: never"));
    // Restoring onto a full disk leaves nothing either.
    let file = v.tmp.path().join("b.age");
    backup(&v, &file).ok();
    let run = restore(&v, &file, &mount_point.join("restored"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(fs::read_dir(&mount_point).unwrap().count(), 0);
}

#[test]
fn a_killed_restore_leaves_nothing_once_tried_again() {
    let v = crate::export::diary_with_big_exhibit(60);
    let file = v.tmp.path().join("b.age");
    backup(&v, &file).ok();
    let target = v.tmp.path().join("r");
    let restore_command = || {
        let mut cmd = Command::new(crate::util::bin());
        cmd.arg("--vault")
            .arg(&target)
            .arg("--passphrase-file")
            .arg(&v.pass_file)
            .args(["restore", file.to_str().unwrap()]);
        v.isolate(&mut cmd);
        cmd
    };
    // Killed while unpacking: the staging folder stays until the next
    // restore into the same folder, which removes it and completes.
    let left = crate::util::kill_while_writing(restore_command(), v.tmp.path(), ".r.restore-");
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(!target.join("vault.db").exists(), "whole or nothing");
    let _ = fs::remove_dir(&target);
    restore(&v, &file, &target).ok();
    assert!(
        leftovers(v.tmp.path()).is_empty(),
        "{:?}",
        leftovers(v.tmp.path())
    );
    // A staging folder left beside a vault goes at its next unlock too.
    let stale = v.tmp.path().join(".r.restore-0badc0de");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("vault.db"), b"an unfinished copy").unwrap();
    // One of the owner's own named alike is not touched.
    let hers = v.tmp.path().join(".r.restore-my-old-copy");
    fs::create_dir(&hers).unwrap();
    fs::write(hers.join("notes.txt"), b"hers").unwrap();
    v.run_at(&target, &["list"], "").ok();
    assert!(!stale.exists());
    assert!(hers.join("notes.txt").exists());
}

#[test]
fn a_killed_backup_leaves_no_file_that_looks_complete() {
    let v = crate::export::diary_with_big_exhibit(60);
    let out = v.tmp.path().join("b.age");
    crate::util::kill_during(
        &v,
        &["backup", "--out", out.to_str().unwrap()],
        &out,
        &[30, 300, 800, 1500],
    );
    v.run(&["check"]).ok();
    assert!(
        leftovers(v.tmp.path()).is_empty(),
        "{:?}",
        leftovers(v.tmp.path())
    );
    // Killed while writing: the next unlock removes its temporary file.
    let left = crate::util::kill_while_writing(
        v.command(&["backup", "--out", out.to_str().unwrap()]),
        v.tmp.path(),
        ".b.age.partial-",
    );
    assert_eq!(left.len(), 1, "{left:?}");
    v.run(&["check"]).ok();
    assert!(
        leftovers(v.tmp.path()).is_empty(),
        "the next unlock removes a killed backup's temporary file: {:?}",
        leftovers(v.tmp.path())
    );
    backup(&v, &out).ok();
    assert!(leftovers(v.tmp.path()).is_empty());
    restore(&v, &out, &v.tmp.path().join("r")).ok();
    let extracted = v.tmp.path().join("door.out");
    v.run_at(
        &v.tmp.path().join("r"),
        &["extract", "1", "--out", extracted.to_str().unwrap()],
        "",
    )
    .ok();
    let listed = v.run(&["exhibits", "--json"]).ok().json();
    assert_eq!(listed[0]["sha256"], sha256(&extracted));
}
