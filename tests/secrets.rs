use crate::util::{Vault, incident_json, snapshot};

#[test]
fn wrong_passphrase_exits_3_and_changes_nothing_on_disk() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-14T18:30:00+00:00", "Entry"));
    let before = snapshot(&v.dir);
    let bad = v.file("bad", "not the passphrase\n");
    for args in [
        &["list"][..],
        &["check"],
        &["add", "--narrative", "x"],
        &["passwd", "--new-passphrase-file", "-"],
    ] {
        let cmd = v.command_with(&bad, args);
        let out = crate::util::run_with_stdin(cmd, "new one\n").fails_with(3);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "one line: {}",
            out.stderr
        );
        assert!(out.stderr.contains("wrong passphrase"));
    }
    assert_eq!(snapshot(&v.dir), before);
}

#[test]
fn passphrase_from_stdin_first_line() {
    let v = Vault::new();
    let cmd = v.command_with("-", &["add", "--json", "-"]);
    let input = format!(
        "{}\n{}",
        crate::util::PASSPHRASE,
        incident_json("2026-03-14T18:30:00+00:00", "via stdin")
    );
    crate::util::run_with_stdin(cmd, &input).ok();
    assert!(v.run(&["list"]).ok().stdout.contains("via stdin"));
}

#[test]
fn no_terminal_and_no_passphrase_file_is_a_usage_error() {
    let v = Vault::new();
    let out = std::process::Command::new(crate::util::bin())
        .args(["--vault"])
        .arg(&v.dir)
        .arg("list")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--passphrase-file"));
}

#[test]
fn passwd_replaces_the_passphrase_and_keeps_the_recovery_key() {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&incident_json(
        "2026-03-14T18:30:00+00:00",
        "Before the change",
    ));
    let new = v.file("new", "a much longer new passphrase\n");
    v.run(&["passwd", "--new-passphrase-file", new.to_str().unwrap()])
        .ok();
    v.run(&["list"]).fails_with(3);
    let cmd = v.command_with(&new, &["list", "--json"]);
    let list = crate::util::run_with_stdin(cmd, "").ok().json();
    assert_eq!(list[0]["narrative"], "Before the change");
    // The recovery key still opens the vault after a passphrase change.
    let key_file = v.file("key", &format!("{key}\n"));
    let third = v.file("third", "third passphrase\n");
    v.run(&[
        "recover",
        "--recovery-key-file",
        key_file.to_str().unwrap(),
        "--new-passphrase-file",
        third.to_str().unwrap(),
    ])
    .ok();
    let cmd = v.command_with(&third, &["check"]);
    crate::util::run_with_stdin(cmd, "").ok();
}

#[test]
fn recover_sets_a_new_passphrase_and_locks_out_the_old_one() {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&incident_json(
        "2026-03-14T18:30:00+00:00",
        "Kept through recovery",
    ));
    let input = format!(
        "{}\nbrand new passphrase\n",
        key.to_lowercase().replace('-', " ")
    );
    let mut cmd = std::process::Command::new(crate::util::bin());
    cmd.arg("--vault").arg(&v.dir).args([
        "recover",
        "--recovery-key-file",
        "-",
        "--new-passphrase-file",
        "-",
    ]);
    crate::util::run_with_stdin(cmd, &input).ok();
    v.run(&["list"]).fails_with(3);
    let new = v.file("new", "brand new passphrase\n");
    let cmd = v.command_with(&new, &["list", "--json"]);
    let list = crate::util::run_with_stdin(cmd, "").ok().json();
    assert_eq!(list[0]["narrative"], "Kept through recovery");
}

#[test]
fn wrong_or_mistyped_recovery_key_exits_3_and_changes_nothing() {
    let (v, key) = Vault::with_recovery_key();
    let (_other, other_key) = Vault::with_recovery_key();
    let before = snapshot(&v.dir);
    let mut typo: Vec<char> = key.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    for (bad, expect) in [
        (other_key.as_str(), "wrong recovery key"),
        (typo.as_str(), "typo"),
        ("ABCD", "56 letters"),
    ] {
        let f = v.file("k", &format!("{bad}\n"));
        let out = v
            .run(&[
                "recover",
                "--recovery-key-file",
                f.to_str().unwrap(),
                "--new-passphrase-file",
                f.to_str().unwrap(),
            ])
            .fails_with(3);
        assert!(out.stderr.contains(expect), "{}", out.stderr);
    }
    assert_eq!(snapshot(&v.dir), before);
}

#[test]
fn init_refuses_an_existing_vault_and_a_non_empty_folder() {
    let v = Vault::new();
    v.run(&["init", "--kdf-memory", "19", "--kdf-time", "2"])
        .fails_with(2);
    let other = v.tmp.path().join("busy");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("photo.jpg"), b"x").unwrap();
    let mut cmd = std::process::Command::new(crate::util::bin());
    cmd.arg("--vault")
        .arg(&other)
        .arg("--passphrase-file")
        .arg(&v.pass_file);
    cmd.args(["init", "--kdf-memory", "19", "--kdf-time", "2"]);
    crate::util::run_with_stdin(cmd, "").fails_with(2);
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
}

#[test]
fn kdf_below_the_floor_is_refused_at_init() {
    let v = Vault::empty();
    v.run(&["init", "--kdf-memory", "8", "--kdf-time", "2"])
        .fails_with(2);
    v.run(&["init", "--kdf-memory", "19", "--kdf-time", "1"])
        .fails_with(2);
    assert!(!v.dir.exists());
}

#[test]
fn missing_vault_is_not_found_and_never_created() {
    let v = Vault::empty();
    for args in [
        &["list"][..],
        &["check"],
        &["add", "--narrative", "x"],
        &["case", "show"],
    ] {
        let out = v.run(args).fails_with(5);
        assert!(out.stderr.contains("no diary vault"), "{}", out.stderr);
    }
    assert!(!v.dir.exists());
    // A folder that exists but holds no vault.
    std::fs::create_dir(&v.dir).unwrap();
    v.run(&["list"]).fails_with(5);
    assert_eq!(std::fs::read_dir(&v.dir).unwrap().count(), 0);
}
