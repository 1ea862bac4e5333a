//! Key rotation: `passwd --rotate` and `recover` replace the vault key, so
//! an old passphrase or recovery key, with any copy of the vault, opens
//! nothing written after (the attack: transplant the old key slots into a
//! newer copy and read on).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rusqlite::{Connection, params};

use crate::util::{Run, Vault, incident_json, run_with_stdin};

fn recovery_key_in(stdout: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 69 && l.matches('-').count() == 13)
        .expect("a recovery key line")
        .to_string()
}

/// Rotates with `passwd --rotate`, the new passphrase in `new_pass`;
/// returns the new recovery key.
fn rotate(v: &Vault, new_pass: &Path) -> String {
    let mut cmd = v.command(&["passwd", "--rotate", "--new-passphrase-file"]);
    cmd.arg(new_pass);
    let out = Run::from(cmd.output().unwrap()).ok();
    assert!(out.stdout.contains("key epoch 1"), "{}", out.stdout);
    recovery_key_in(&out.stdout)
}

/// A run as the abuser makes it: on their own computer (no record of this
/// diary, so only the cryptography can refuse), with the old passphrase.
fn as_abuser(v: &Vault, db_dir: &Path, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(crate::util::bin());
    cmd.arg("--vault")
        .arg(db_dir)
        .arg("--passphrase-file")
        .arg(&v.pass_file)
        .args(args)
        .env_remove("DIARY_ANCHOR_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", home.path())
        .stdin(Stdio::null());
    Run::from(cmd.output().unwrap())
}

/// The old key header (KDF, checksum, format, epoch and all eight slots)
/// of `old` written over the one in `db`, as an abuser holding an older
/// copy and the old passphrase would.
fn transplant_header(old: &Path, db: &Path) {
    let old = Connection::open(old).unwrap();
    let (format, kdf, checksum): (i64, Vec<u8>, Vec<u8>) = old
        .query_row("SELECT format, kdf, checksum FROM vault", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    let slots: Vec<(i64, Vec<u8>)> = old
        .prepare("SELECT slot, data FROM keyslot")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let new = Connection::open(db).unwrap();
    new.execute(
        "UPDATE vault SET format = ?1, kdf = ?2, checksum = ?3, epoch = 0",
        params![format, kdf, checksum],
    )
    .unwrap();
    for (slot, data) in slots {
        new.execute(
            "UPDATE keyslot SET data = ?2 WHERE slot = ?1",
            params![slot, data],
        )
        .unwrap();
    }
}

/// A vault with one entry, a copy of its file from then, a rotation, and
/// an entry written after it. Returns the vault, the old copy and the new
/// passphrase file.
fn rotated_with_old_copy() -> (Vault, PathBuf, PathBuf) {
    let v = Vault::new();
    v.add_json(&incident_json(
        "2026-03-01T10:00:00+00:00",
        "Before the rotation",
    ));
    let old = v.file("old-vault.db", "");
    fs::copy(v.db(), &old).unwrap();
    let new_pass = v.file("new-pass", "a passphrase nobody else knows\n");
    rotate(&v, &new_pass);
    let mut add = v.command_with(&new_pass, &["add", "--json", "-"]);
    add.stdin(Stdio::piped());
    run_with_stdin(
        add,
        &incident_json("2026-03-02T10:00:00+00:00", "Written after the rotation"),
    )
    .ok();
    (v, old, new_pass)
}

#[test]
fn the_old_passphrase_with_the_old_key_slots_reads_nothing_written_after_a_rotation() {
    let (v, old, new_pass) = rotated_with_old_copy();
    let pristine = fs::read(v.db()).unwrap();
    type Attack<'a> = (&'a str, &'a dyn Fn(&Connection));
    let attacks: [Attack; 4] = [
        ("old key slots only", &|_| {}),
        ("and the wrapped earlier keys removed", &|c| {
            c.execute("DELETE FROM epoch_key", []).unwrap();
        }),
        ("and every row marked as of the first key", &|c| {
            c.execute("DELETE FROM epoch_key", []).unwrap();
            c.execute("UPDATE log SET epoch = 0", []).unwrap();
        }),
        ("and the rows after the rotation cut off", &|c| {
            c.execute("DELETE FROM epoch_key", []).unwrap();
            c.execute("DELETE FROM log WHERE epoch > 0", []).unwrap();
        }),
    ];
    for (what, attack) in attacks {
        let copy = tempfile::tempdir().unwrap();
        let db = copy.path().join("vault.db");
        fs::write(&db, &pristine).unwrap();
        transplant_header(&old, &db);
        attack(&Connection::open(&db).unwrap());
        let out = as_abuser(&v, copy.path(), &["list", "--json"]);
        assert_ne!(
            out.code, 0,
            "{what}: the old passphrase opened the rotated diary"
        );
        assert!(
            !out.stdout.contains("Written after"),
            "{what}: {}",
            out.stdout
        );
        assert!(matches!(out.code, 3 | 4), "{what}: exit {}", out.code);
    }
    // The owner's copy, untouched, holds both entries under the new
    // passphrase, and the old passphrase no longer opens it.
    let list = Run::from(v.command_with(&new_pass, &["list"]).output().unwrap()).ok();
    assert!(
        list.stdout.contains("Before the rotation"),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains("Written after"), "{}", list.stdout);
    v.run(&["list"]).fails_with(3);
    let check = Run::from(v.command_with(&new_pass, &["check"]).output().unwrap()).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
}

/// What the abuser could read before the rotation stays readable to them in
/// their copy (the README says so): rotation protects what comes after.
#[test]
fn an_old_copy_stays_readable_with_the_old_passphrase() {
    let (v, old, _) = rotated_with_old_copy();
    let copy = tempfile::tempdir().unwrap();
    fs::copy(&old, copy.path().join("vault.db")).unwrap();
    let out = as_abuser(&v, copy.path(), &["list"]).ok();
    assert!(out.stdout.contains("Before the rotation"), "{}", out.stdout);
}

#[test]
fn passwd_rotate_replaces_the_recovery_key_too() {
    let (v, old_key) = Vault::with_recovery_key();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let new_pass = v.file("new-pass", "another passphrase\n");
    let new_key = rotate(&v, &new_pass);
    assert_ne!(new_key, old_key);
    let recover = |key: &str, pass: &str| {
        let key_file = v.file("key", &format!("{key}\n"));
        let pass_file = v.file("pass-after", &format!("{pass}\n"));
        let mut cmd = v.command_with(&pass_file, &["recover", "--recovery-key-file"]);
        cmd.arg(&key_file);
        Run::from(cmd.output().unwrap())
    };
    recover(&old_key, "third").fails_with(3);
    let out = recover(&new_key, "third").ok();
    assert!(out.stdout.contains("key epoch 2"), "{}", out.stdout);
    let third = v.file("third", "third\n");
    let list = Run::from(v.command_with(&third, &["list"]).output().unwrap()).ok();
    assert!(list.stdout.contains("Entry 1"), "{}", list.stdout);
    let conn = Connection::open(v.db()).unwrap();
    let epochs: i64 = conn
        .query_row("SELECT COUNT(*) FROM epoch_key", [], |r| r.get(0))
        .unwrap();
    assert_eq!(epochs, 2);
}

/// `recover` always rotates: it is used when the passphrase is lost or
/// known to someone else, who may also have copied the vault.
#[test]
fn recover_replaces_the_key_and_shows_a_new_recovery_key() {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let before = fs::read(v.db()).unwrap();
    let key_file = v.file("key", &format!("{key}\n"));
    let new_pass = v.file("new-pass", "after recovery\n");
    let mut cmd = v.command_with(&new_pass, &["recover", "--recovery-key-file"]);
    cmd.arg(&key_file);
    let out = Run::from(cmd.output().unwrap()).ok();
    assert!(out.stdout.contains("NEW RECOVERY KEY"), "{}", out.stdout);
    assert_ne!(recovery_key_in(&out.stdout), key);
    assert!(
        out.stdout
            .contains("exports are now signed with a new key: SHA256:")
    );
    // History is not rewritten: the first rows are byte for byte as before.
    let rows = |db: &Path| -> Vec<(i64, Vec<u8>, Vec<u8>)> {
        let conn = Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT seq, ct, head FROM log ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let copy = v.file("before.db", "");
    fs::write(&copy, &before).unwrap();
    let (old_rows, new_rows) = (rows(&copy), rows(&v.db()));
    assert_eq!(new_rows.len(), old_rows.len() + 1);
    assert_eq!(new_rows[..old_rows.len()], old_rows[..]);
    let show = Run::from(v.command_with(&new_pass, &["show", "1"]).output().unwrap()).ok();
    assert!(show.stdout.contains("Entry 1"), "{}", show.stdout);
}

/// A passphrase change without rotation is recorded in the log too: the
/// sealed tip moves on, so a tip kept from before cannot vouch for the old
/// key slots someone puts back.
#[test]
fn every_key_change_is_an_entry_in_the_log() {
    let v = Vault::new();
    let count = || -> i64 {
        Connection::open(v.db())
            .unwrap()
            .query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(), 0);
    let new_pass = v.file("new-pass", "changed\n");
    let mut cmd = v.command(&["passwd", "--new-passphrase-file"]);
    cmd.arg(&new_pass);
    Run::from(cmd.output().unwrap()).ok();
    assert_eq!(count(), 1);
    Run::from(
        v.command_with(&new_pass, &["new-recovery-key"])
            .output()
            .unwrap(),
    )
    .ok();
    assert_eq!(count(), 2);
}

/// A kill at any moment of a rotation leaves the old keys or the new, never
/// neither: the old passphrase or the new one opens a diary that checks.
#[test]
fn a_rotation_killed_midway_leaves_the_old_keys_or_the_new() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let new_pass = v.file("new-pass", "the new one\n");
    let mut interrupted = 0;
    for delay_ms in [5u64, 20, 40, 60, 90, 130, 200] {
        let mut child = v
            .command(&["passwd", "--rotate", "--new-passphrase-file"])
            .arg(&new_pass)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let old = v.run(&["check"]);
        let pass = if old.code == 0 || old.stderr.contains("key slots changed") {
            &v.pass_file
        } else {
            &new_pass
        };
        let check = Run::from(v.command_with(pass, &["check"]).output().unwrap());
        if check.code == 4 && check.stderr.contains("key slots changed") {
            // Stopped after the change was saved and before this device
            // noted it: its new recovery key was never shown, and the
            // advice is to make one, which mends it.
            Run::from(
                v.command_with(pass, &["new-recovery-key"])
                    .output()
                    .unwrap(),
            )
            .ok();
        } else {
            assert_eq!(check.code, 0, "{}", check.stderr);
        }
        let check = Run::from(v.command_with(pass, &["check"]).output().unwrap()).ok();
        assert!(check.stdout.contains("PASS"), "{}", check.stdout);
        if pass == &new_pass {
            // Rotated: start again from the old passphrase.
            let mut back = v.command_with(&new_pass, &["passwd", "--new-passphrase-file"]);
            back.arg(&v.pass_file);
            Run::from(back.output().unwrap()).ok();
        }
    }
    assert!(interrupted > 0, "no rotation was interrupted");
}
