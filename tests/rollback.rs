//! Rolling the diary back: someone who had the device puts an older copy
//! of the vault (or of its database, or of its last rows and sealed tip)
//! back while the owner is away. Each copy is genuine and verifies; only
//! the anchor this device keeps outside the vault folder (in the
//! configuration folder of HOME) tells, and every unlock refuses it with
//! exit 4 before anything is cleaned up.

use std::fs;
use std::path::Path;

use rusqlite::Connection;

use crate::util::{Run, Vault, copy_tree, incident_json, snapshot};

fn add(v: &Vault, n: u32) {
    let at = format!("2026-03-{n:02}T10:00:00+00:00");
    v.add_json(&incident_json(&at, &format!("Entry {n}")));
}

/// A vault with two entries, a copy of it (`old`), then a third entry and
/// an exhibit.
fn vault_and_older_copy() -> (Vault, std::path::PathBuf) {
    let v = Vault::new();
    add(&v, 1);
    add(&v, 2);
    let old = v.tmp.path().join("old-copy");
    copy_tree(&v.dir, &old);
    add(&v, 3);
    let photo = v.tmp.path().join("photo.jpg");
    fs::write(&photo, hex::decode(crate::util::TINY_JPEG).unwrap()).unwrap();
    let mut attach = v.command(&["attach", "3"]);
    attach.arg(&photo);
    Run::from(attach.output().unwrap()).ok();
    (v, old)
}

/// This vault folder's anchor (beside it: the vault's `hw-` high-water mark).
fn folder_anchor(v: &Vault) -> std::path::PathBuf {
    fs::read_dir(v.anchor_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.file_name().unwrap().to_string_lossy().starts_with("hw-"))
        .expect("the folder's anchor")
}

fn put_back(v: &Vault, old: &Path) {
    fs::remove_dir_all(&v.dir).unwrap();
    copy_tree(old, &v.dir);
}

fn att_files(v: &Vault) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(v.dir.join("att"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_older_copy_of_the_whole_vault_is_refused_by_every_command() {
    let (v, old) = vault_and_older_copy();
    // The last entry is 5 (three incidents, and an exhibit: its record
    // and its key).
    let before = v.run(&["list"]).ok();
    assert!(
        before.stderr.contains("last log entry 5, recorded"),
        "{}",
        before.stderr
    );
    put_back(&v, &old);
    for args in [&["list"][..], &["check"], &["exhibits"]] {
        let out = v.run(args).fails_with(4);
        assert!(out.stderr.contains("went back in time"), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("this device last saw 5 log entries, the last recorded"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("this copy holds 2"), "{}", out.stderr);
        assert!(out.stderr.contains("--accept-older"), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    }
    // Nothing may be written on the older copy either.
    let json = incident_json("2026-03-09T10:00:00+00:00", "Written on the old copy");
    v.run_stdin(&["add", "--json", "-"], &json).fails_with(4);
}

#[test]
fn an_older_database_beside_newer_exhibit_files_deletes_nothing() {
    let (v, old) = vault_and_older_copy();
    let files = att_files(&v);
    assert_eq!(files.len(), 2, "the exhibit and its thumbnail: {files:?}");
    for name in ["vault.db", "vault.db-wal", "vault.db-shm"] {
        let _ = fs::remove_file(v.dir.join(name));
    }
    fs::copy(old.join("vault.db"), v.db()).unwrap();
    let out = v.run(&["list"]).fails_with(4);
    assert!(out.stderr.contains("went back in time"), "{}", out.stderr);
    // Refused before the clean-up runs: the newer exhibit stays where it is.
    assert_eq!(att_files(&v), files);
    assert!(!v.dir.join("quarantine").exists());
}

#[test]
fn newest_rows_cut_with_an_older_sealed_tip_put_back_are_refused() {
    let v = Vault::new();
    add(&v, 1);
    add(&v, 2);
    let tip = |db: &Path| -> (Vec<u8>, Vec<u8>) {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT tip_nonce, tip_ct FROM vault", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    };
    let (nonce, ct) = tip(&v.db());
    add(&v, 3);
    add(&v, 4);
    let conn = Connection::open(v.db()).unwrap();
    conn.execute("DELETE FROM log WHERE seq > 2", []).unwrap();
    conn.execute(
        "UPDATE vault SET tip_nonce = ?1, tip_ct = ?2",
        rusqlite::params![nonce, ct],
    )
    .unwrap();
    drop(conn);
    let out = v.run(&["check"]).fails_with(4);
    assert!(
        out.stderr.contains("this device last saw 4 log entries")
            && out.stderr.contains("this copy holds 2"),
        "{}",
        out.stderr
    );
}

#[test]
fn another_copy_with_as_many_entries_is_refused() {
    let v = Vault::new();
    add(&v, 1);
    let fork = v.tmp.path().join("fork");
    copy_tree(&v.dir, &fork);
    add(&v, 2);
    // The copy goes on elsewhere (another device, so another anchor), to
    // the same number of entries with other contents.
    let mut elsewhere = std::process::Command::new(crate::util::bin());
    elsewhere
        .arg("--vault")
        .arg(&fork)
        .arg("--passphrase-file")
        .arg(&v.pass_file)
        .args(["add", "--json", "-"]);
    v.isolate(&mut elsewhere);
    elsewhere.env("DIARY_ANCHOR_DIR", v.tmp.path().join("other-device"));
    let json = incident_json("2026-03-05T10:00:00+00:00", "Not what the owner wrote");
    crate::util::run_with_stdin(elsewhere, &json).ok();
    put_back(&v, &fork);
    let out = v.run(&["list"]).fails_with(4);
    assert!(
        out.stderr
            .contains("log entry 2 is not the one this device saw"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_owner_can_accept_an_older_copy_on_purpose() {
    let (v, old) = vault_and_older_copy();
    put_back(&v, &old);
    let out = v.run(&["check", "--accept-older"]).ok();
    assert!(
        out.stdout.contains("accepted an older copy")
            && out.stdout.contains("this device last saw 5 log entries")
            && out.stdout.contains("PASS"),
        "{}",
        out.stdout
    );
    let listed = v.run(&["list"]).ok();
    assert!(listed.stdout.contains("Entry 2") && !listed.stdout.contains("Entry 3"));
    assert!(listed.stderr.contains("last log entry 2, recorded"));
    // Accepting a copy that is not older says nothing about it.
    let again = v.run(&["check", "--accept-older"]).ok();
    assert!(!again.stdout.contains("accepted"), "{}", again.stdout);
}

#[test]
fn the_anchor_lives_in_the_config_folder_never_beside_the_vault() {
    let v = Vault::new();
    add(&v, 1);
    let anchors: Vec<_> = fs::read_dir(v.anchor_dir()).unwrap().collect();
    assert_eq!(
        anchors.len(),
        2,
        "the folder's anchor and the vault's high-water mark"
    );
    let anchor = folder_anchor(&v);
    // Its name is not the vault id, and it holds no diary text.
    let vault_id = {
        let conn = Connection::open(v.db()).unwrap();
        let id: Vec<u8> = conn
            .query_row("SELECT vault_id FROM vault", [], |r| r.get(0))
            .unwrap();
        hex::encode(id)
    };
    let name = anchor.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!name.contains(&vault_id), "{name}");
    assert_eq!(fs::read(&anchor).unwrap().len(), 132);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&anchor).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for (path, _) in snapshot(&v.dir) {
        assert!(!path.to_string_lossy().contains(&name), "{path:?}");
    }
    // An environment variable may point it elsewhere.
    let mut cmd = v.command(&["list"]);
    let moved = v.tmp.path().join("moved-anchors");
    cmd.env("DIARY_ANCHOR_DIR", &moved);
    Run::from(cmd.output().unwrap()).ok();
    assert!(moved.join(&name).is_file());
}

#[test]
fn an_anchor_left_behind_by_a_kill_is_caught_up() {
    let v = Vault::new();
    add(&v, 1);
    let anchor = folder_anchor(&v);
    let behind = fs::read(&anchor).unwrap();
    add(&v, 2);
    // As if killed between the commit of entry 2 and the anchor's move.
    fs::write(&anchor, &behind).unwrap();
    v.run(&["list"]).ok();
    assert_ne!(fs::read(&anchor).unwrap(), behind, "moved on at unlock");
}

#[test]
fn a_damaged_anchor_is_reported_and_can_be_replaced_by_the_owner() {
    let v = Vault::new();
    add(&v, 1);
    let anchor = folder_anchor(&v);
    fs::write(&anchor, b"not an anchor").unwrap();
    let out = v.run(&["list"]).fails_with(4);
    assert!(out.stderr.contains("is damaged"), "{}", out.stderr);
    v.run(&["check", "--accept-older"]).ok();
    v.run(&["list"]).ok();
    assert_eq!(fs::read(&anchor).unwrap().len(), 132);
}

#[test]
fn a_restore_is_a_deliberate_rollback() {
    let v = Vault::new();
    add(&v, 1);
    let backup = v.tmp.path().join("b.age");
    let pass = v.file("backup-pass", "backup passphrase words\n");
    let mut cmd = v.command(&["backup", "--out"]);
    cmd.arg(&backup).arg("--backup-passphrase-file").arg(&pass);
    Run::from(cmd.output().unwrap()).ok();
    add(&v, 2);
    add(&v, 3);
    // The device is wiped of the vault (not of HOME), the backup restored.
    fs::remove_dir_all(&v.dir).unwrap();
    let mut restore = v.command(&["restore"]);
    restore
        .arg(&backup)
        .arg("--backup-passphrase-file")
        .arg(&pass);
    let out = Run::from(restore.output().unwrap()).ok();
    assert!(
        out.stdout.contains(
            "this device had last seen 4 log entries of this diary; it now remembers the restored 1"
        ),
        "{}",
        out.stdout
    );
    let listed = v.run(&["list"]).ok();
    assert!(listed.stdout.contains("Entry 1") && !listed.stdout.contains("Entry 2"));
}

/// The vault folder replaced by a link to an older copy elsewhere is still
/// the folder the owner opens: refused.
#[cfg(unix)]
#[test]
fn a_vault_folder_replaced_by_a_link_to_an_older_copy_is_refused() {
    let (v, old) = vault_and_older_copy();
    fs::remove_dir_all(&v.dir).unwrap();
    std::os::unix::fs::symlink(&old, &v.dir).unwrap();
    let out = v.run(&["list"]).fails_with(4);
    assert!(out.stderr.contains("went back in time"), "{}", out.stderr);
}

/// Things planted where the anchor goes (a pipe that would block an open
/// for ever, a folder, a file in place of the anchor folder) are refused at
/// once, and the owner can always start the record again.
#[cfg(unix)]
#[test]
fn whatever_is_planted_at_the_anchor_the_owner_is_never_locked_out() {
    for plant in ["fifo", "folder", "file instead of the folder"] {
        let v = Vault::new();
        add(&v, 1);
        let anchor = folder_anchor(&v);
        fs::remove_file(&anchor).unwrap();
        match plant {
            "fifo" => {
                let made = std::process::Command::new("mkfifo").arg(&anchor).status();
                assert!(made.unwrap().success());
            }
            "folder" => fs::create_dir(&anchor).unwrap(),
            _ => {
                fs::remove_dir_all(v.anchor_dir()).unwrap();
                fs::write(v.anchor_dir(), b"not a folder").unwrap();
            }
        }
        let mut cmd = std::process::Command::new("timeout");
        cmd.arg("30")
            .arg(crate::util::bin())
            .arg("--vault")
            .arg(&v.dir);
        cmd.arg("--passphrase-file").arg(&v.pass_file).arg("list");
        v.isolate(&mut cmd);
        let out = Run::from(cmd.output().unwrap());
        if plant == "file instead of the folder" {
            // As good as deleted, which nothing can tell: opened, and the
            // owner is warned that the record cannot be kept.
            let out = out.ok();
            assert!(
                out.stderr.contains("would not be noticed"),
                "{}",
                out.stderr
            );
        } else {
            let out = out.fails_with(4);
            assert!(out.stderr.contains("is damaged"), "{plant}: {}", out.stderr);
            assert!(
                out.stderr.contains("--accept-older"),
                "{plant}: {}",
                out.stderr
            );
        }
        v.run(&["check", "--accept-older"]).ok();
        let listed = v.run(&["list"]).ok();
        assert!(
            !listed.stderr.contains("warning"),
            "{plant}: {}",
            listed.stderr
        );
        assert_eq!(fs::read(&anchor).unwrap().len(), 132, "{plant}");
    }
}

/// When the record cannot be kept, the owner is told every time, and
/// `check` says so; accepting a copy then fails rather than pretend.
#[test]
fn an_anchor_that_cannot_be_kept_is_reported_not_ignored() {
    let v = Vault::new();
    add(&v, 1);
    let config = v.tmp.path().join(".config");
    fs::remove_dir_all(&config).unwrap();
    fs::write(&config, b"a file where the configuration folder goes").unwrap();
    let json = incident_json("2026-03-02T10:00:00+00:00", "Entry 2");
    let out = v.run_stdin(&["add", "--json", "-"], &json).ok();
    assert!(
        out.stderr
            .contains("an older copy of the diary put back here would not be noticed"),
        "{}",
        out.stderr
    );
    let check = v.run(&["check"]).ok();
    assert!(
        check.stdout.contains("rollback record: NOT KEPT"),
        "{}",
        check.stdout
    );
    v.run(&["check", "--accept-older"]).fails_with(1);
    // A folder for the record inside the vault folder is not used.
    let mut cmd = v.command(&["list"]);
    cmd.env("DIARY_ANCHOR_DIR", v.dir.join("anchors"));
    let inside = Run::from(cmd.output().unwrap()).ok();
    assert!(
        inside
            .stderr
            .contains("cannot be kept inside the vault folder"),
        "{}",
        inside.stderr
    );
    assert!(!v.dir.join("anchors").exists());
    // Nor one that is a link into it.
    #[cfg(unix)]
    {
        fs::create_dir(v.dir.join("inside")).unwrap();
        let link = v.tmp.path().join("looks-outside");
        std::os::unix::fs::symlink(v.dir.join("inside"), &link).unwrap();
        let mut cmd = v.command(&["list"]);
        cmd.env("DIARY_ANCHOR_DIR", &link);
        let linked = Run::from(cmd.output().unwrap()).ok();
        assert!(
            linked.stderr.contains("inside the vault folder"),
            "{}",
            linked.stderr
        );
        assert_eq!(fs::read_dir(v.dir.join("inside")).unwrap().count(), 0);
    }
}

/// The recovery key proves the owner: a damaged or tampered rollback record
/// (which `check --accept-older` could only clear with the passphrase)
/// never keeps them out of `recover`.
#[test]
fn recover_works_whatever_the_rollback_record_says() {
    let (v, key) = Vault::with_recovery_key();
    add(&v, 1);
    let anchor = folder_anchor(&v);
    let mut bytes = fs::read(&anchor).unwrap();
    bytes[100] ^= 1;
    fs::write(&anchor, &bytes).unwrap();
    v.run(&["list"]).fails_with(4);
    let key_file = v.file("key", &format!("{key}\n"));
    let mut recover = v.command(&["recover", "--recovery-key-file"]);
    recover.arg(&key_file);
    let out = Run::from(recover.output().unwrap()).ok();
    assert!(
        out.stdout.contains("opened with the recovery key"),
        "{}",
        out.stdout
    );
    v.run(&["list"]).ok();
}

/// An old copy in another folder (a shortcut or setting pointed at it) is
/// not a rollback of its own folder, but the device has seen a copy go
/// further: every unlock and `check` say so, until the owner accepts it.
#[test]
fn an_old_copy_opened_from_another_folder_is_reported() {
    let (v, old) = vault_and_older_copy();
    let out = v.run_at(&old, &["list"], "").ok();
    assert!(
        out.stderr.contains(
            "a copy of this diary with 5 log entries was used on this device, and this one holds 2"
        ),
        "{}",
        out.stderr
    );
    let check = v.run_at(&old, &["check"], "").ok();
    assert!(
        check.stdout.contains("other copies: one with 5"),
        "{}",
        check.stdout
    );
    v.run_at(&old, &["check", "--accept-older"], "").ok();
    let out = v.run_at(&old, &["list"], "").ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    // The newer copy is still the owner's to open.
    v.run(&["list"]).ok();
}

/// The key slots changed behind the owner's back (a copy's database with
/// another recovery key put in place); damaging the folder's anchor and
/// having the owner accept the copy does not hide it: the diary's
/// high-water mark remembers the header too.
#[test]
fn a_changed_key_header_stays_reported_after_the_anchor_is_damaged() {
    let v = Vault::new();
    add(&v, 1);
    let copy = v.tmp.path().join("copy");
    copy_tree(&v.dir, &copy);
    let mut elsewhere = std::process::Command::new(crate::util::bin());
    elsewhere
        .arg("--vault")
        .arg(&copy)
        .arg("--passphrase-file")
        .arg(&v.pass_file)
        .arg("new-recovery-key");
    v.isolate(&mut elsewhere);
    elsewhere.env("DIARY_ANCHOR_DIR", v.tmp.path().join("other-device"));
    Run::from(elsewhere.output().unwrap()).ok();
    for name in ["vault.db-wal", "vault.db-shm"] {
        let _ = fs::remove_file(v.dir.join(name));
    }
    fs::copy(copy.join("vault.db"), v.db()).unwrap();
    let out = v.run(&["list"]).ok();
    assert!(
        out.stderr.contains("the key slots changed"),
        "{}",
        out.stderr
    );
    fs::write(folder_anchor(&v), b"garbage").unwrap();
    v.run(&["list"]).fails_with(4);
    v.run(&["check", "--accept-older"]).fails_with(4);
    let out = v.run(&["list"]).ok();
    assert!(
        out.stderr.contains("the key slots changed"),
        "{}",
        out.stderr
    );
    // Changing the passphrase here is this device's own change: no new
    // warning comes of it once the slots were rewritten.
    v.run(&["new-recovery-key"]).ok();
    let mut passwd = v.command(&["passwd", "--new-passphrase-file"]);
    passwd.arg(&v.pass_file);
    Run::from(passwd.output().unwrap()).ok();
    let out = v.run(&["check"]).ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

/// The recovery key gets the owner in even where the record cannot be
/// written (a full disk, a folder that cannot be created).
#[test]
fn recover_works_where_the_record_cannot_be_written() {
    let (v, key) = Vault::with_recovery_key();
    add(&v, 1);
    let key_file = v.file("key", &format!("{key}\n"));
    let mut recover = v.command(&["recover", "--recovery-key-file"]);
    recover
        .arg(&key_file)
        .env("DIARY_ANCHOR_DIR", "/proc/self/cannot-be-made");
    let out = Run::from(recover.output().unwrap()).ok();
    assert!(out.stdout.contains("new passphrase set"), "{}", out.stdout);
}
