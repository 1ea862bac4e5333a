use crate::util::{Run, Vault, incident_json, snapshot};

#[test]
fn wrong_passphrase_exits_3_and_changes_nothing_on_disk() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-14T18:30:00+00:00", "Entry"));
    // Besides the count of wrong attempts and its lock (the throttle's),
    // nothing changes.
    let vault_files = |dir| {
        snapshot(dir)
            .into_iter()
            .filter(|(p, _)| {
                !p.ends_with("unlock-attempts") && !p.ends_with("unlock-attempts.lock")
            })
            .collect::<Vec<_>>()
    };
    let before = vault_files(&v.dir);
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
        // The fourth in a row is refused before it is tried ("too many wrong passphrases").
        assert!(out.stderr.contains("wrong passphrase"));
    }
    assert_eq!(vault_files(&v.dir), before);
}

#[test]
fn the_next_unlock_says_how_many_wrong_passphrases_were_tried() {
    let v = Vault::new();
    let bad = v.file("bad", "someone guessing\n");
    for _ in 0..2 {
        Run::from(v.command_with(&bad, &["list"]).output().unwrap()).fails_with(3);
    }
    let out = v.run(&["list"]).ok();
    assert!(
        out.stderr.contains(
            "diary: 2 wrong passphrases were tried since the diary was last opened, the last at 20"
        ),
        "{}",
        out.stderr
    );
    // Said once: the count starts again at the unlock that said it.
    let again = v.run(&["list"]).ok();
    assert!(
        !again.stderr.contains("wrong passphrase"),
        "{}",
        again.stderr
    );
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
    v.isolate(&mut cmd);
    crate::util::run_with_stdin(cmd, &input).ok();
    v.run(&["list"]).fails_with(3);
    let new = v.file("new", "brand new passphrase\n");
    let cmd = v.command_with(&new, &["list", "--json"]);
    let list = crate::util::run_with_stdin(cmd, "").ok().json();
    assert_eq!(list[0]["narrative"], "Kept through recovery");
}

/// A lost recovery key is replaced, not shown again: the new one works,
/// the old one no longer does, and the passphrase is unchanged.
#[test]
fn a_new_recovery_key_replaces_the_old_one() {
    let (v, old_key) = Vault::with_recovery_key();
    v.add_json(&incident_json("2026-03-14T18:30:00+00:00", "Kept"));
    let out = v.run(&["new-recovery-key"]).ok().stdout;
    assert!(out.contains("NEW RECOVERY KEY"));
    let new_key = out
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 69 && l.matches('-').count() == 13)
        .expect("the new key")
        .to_string();
    assert_ne!(new_key, old_key);
    let recover = |key: &str, pass: &str| {
        let key_file = v.file("key", &format!("{key}\n"));
        let pass_file = v.file("next", &format!("{pass}\n"));
        v.run(&[
            "recover",
            "--recovery-key-file",
            key_file.to_str().unwrap(),
            "--new-passphrase-file",
            pass_file.to_str().unwrap(),
        ])
    };
    let refused = recover(&old_key, "never used").fails_with(3);
    assert!(
        refused.stderr.contains("wrong recovery key"),
        "{}",
        refused.stderr
    );
    v.run(&["list"]).ok();
    recover(&new_key, "set with the new key").ok();
    let cmd = v.command_with(v.tmp.path().join("next"), &["list"]);
    assert!(
        crate::util::run_with_stdin(cmd, "")
            .ok()
            .stdout
            .contains("Kept")
    );
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

/// Types `answers` at a real terminal (a pty made by util-linux `script`),
/// each one only after its prompt has appeared, and returns the screen.
fn at_terminal(v: &Vault, args: &str, answers: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    let command = format!("{} --vault {} {args}", crate::util::bin(), v.dir.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux script");
    let screen = Arc::new(Mutex::new(String::new()));
    let mut out = child.stdout.take().unwrap();
    let sink = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n @ 1..) = out.read(&mut buf) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut seen = 0;
    for (prompt, answer) in answers {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = screen.lock().unwrap().clone();
            if let Some(at) = text[seen..].find(prompt) {
                seen += at + prompt.len();
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no prompt {prompt:?}; screen: {text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait().unwrap();
    reader.join().unwrap();
    Arc::try_unwrap(screen).unwrap().into_inner().unwrap()
}

#[test]
fn terminal_prompts_read_the_passphrase_without_echo() {
    let v = Vault::empty();
    let secret = "terminal-typed secret phrase";
    let screen = at_terminal(
        &v,
        "init --kdf-memory 19 --kdf-time 2",
        &[
            ("New passphrase:", secret),
            ("Repeat the new passphrase:", secret),
        ],
    );
    assert!(screen.contains("RECOVERY KEY"), "{screen}");
    assert!(
        !screen.contains(secret),
        "the passphrase was echoed: {screen}"
    );
    let mismatch = Vault::empty();
    let screen = at_terminal(
        &mismatch,
        "init --kdf-memory 19 --kdf-time 2",
        &[
            ("New passphrase:", "one thing"),
            ("Repeat the new passphrase:", "another"),
        ],
    );
    assert!(screen.contains("differ"), "{screen}");
    assert!(!mismatch.dir.exists());
    let pass = v.file("typed", &format!("{secret}\n"));
    let entry = crate::util::incident_json("2026-03-01T10:00:00Z", "typed at a terminal");
    crate::util::run_with_stdin(v.command_with(&pass, &["add", "--json", "-"]), &entry).ok();
    let screen = at_terminal(&v, "list", &[("Passphrase:", secret)]);
    assert!(screen.contains("typed at a terminal"), "{screen}");
    assert!(
        !screen.contains(secret),
        "the passphrase was echoed: {screen}"
    );
}

/// Throttling, observed with an injectable clock rather than by sleeping:
/// three free attempts, then 1 s, 2 s, 4 s... up to 5 minutes, counted on
/// disk so that reopening does not reset it, and refusing even the right
/// passphrase while a wait runs.
#[test]
fn each_wrong_passphrase_after_the_third_doubles_the_wait() {
    use incident_diary::ManualClock;
    use incident_diary::Passphrase;
    use incident_diary::{Diary, Error};

    let v = Vault::new();
    let clock = ManualClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00+01:00").unwrap(),
    );
    let right = Passphrase::new(crate::util::PASSPHRASE.into());
    let wrong = Passphrase::new("guess".into());
    crate::util::anchors_in_target();
    let attempt = |p: &Passphrase| Diary::unlock(&v.dir, p, Box::new(clock.clone())).map(drop);
    let throttled = |r: Result<(), Error>| match r {
        Err(Error::Throttled { wait }) => Some(wait.as_secs()),
        Err(Error::WrongPassphrase) => None,
        other => panic!("unexpected {other:?}"),
    };
    for _ in 0..3 {
        assert_eq!(throttled(attempt(&wrong)), None);
    }
    let mut waits = Vec::new();
    for _ in 0..11 {
        let wait = throttled(attempt(&right)).expect("the right passphrase waits too");
        waits.push(wait);
        clock.advance(chrono::Duration::seconds(wait as i64 - 1));
        assert_eq!(throttled(attempt(&wrong)), Some(1), "one second left");
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(throttled(attempt(&wrong)), None, "tried, and wrong");
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    let left = throttled(attempt(&right)).unwrap();
    assert_eq!(left, 300);
    clock.advance(chrono::Duration::seconds(300));
    attempt(&right).expect("the right passphrase after the wait");
    // Success starts the count again.
    assert_eq!(throttled(attempt(&wrong)), None);
    assert_eq!(throttled(attempt(&wrong)), None);
    attempt(&right).unwrap();
    // A clock set back puts the last failure in the future: that wait is
    // taken as over, so a clock (or a planted count) can never lock the
    // owner out; the count itself goes on.
    for _ in 0..4 {
        let _ = attempt(&wrong);
    }
    assert!(throttled(attempt(&right)).is_some());
    clock.advance(chrono::Duration::days(-3));
    attempt(&right).expect("not locked out by a clock set back");
}

#[test]
fn the_cli_counts_wrong_passphrases_across_runs_and_says_how_long_to_wait() {
    let v = Vault::new();
    let wrong = v.file("wrong", "not it\n");
    for _ in 0..3 {
        v.command_with(&wrong, &["list"]).status().unwrap();
    }
    let counter = v.dir.join("unlock-attempts");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&counter).unwrap()).unwrap();
    assert_eq!(state["failures"], 3);
    // As if ten wrong attempts had just been made: a wait of 128 s.
    let now = chrono::Utc::now().to_rfc3339();
    std::fs::write(
        &counter,
        format!(r#"{{"failures":10,"last_failure":"{now}"}}"#),
    )
    .unwrap();
    let run = v.run(&["list"]).fails_with(3);
    assert!(
        run.stderr
            .contains("too many wrong passphrases; wait 2 minutes"),
        "{}",
        run.stderr
    );
    // A counter edited into nonsense counts as the longest wait.
    std::fs::write(&counter, "0").unwrap();
    let run = v.run(&["list"]).fails_with(3);
    assert!(run.stderr.contains("wait 5 minutes"), "{}", run.stderr);
    // Once the wait is over the right passphrase opens the diary and clears the count.
    std::fs::write(
        &counter,
        r#"{"failures":10,"last_failure":"2020-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    v.run(&["list"]).ok();
    assert!(!counter.exists());
}

/// A counter dated in the future (planted, or the clock set back) would
/// refuse the right passphrase until that date: it is taken as over, even
/// when the file cannot be rewritten, and a new count is private.
#[test]
fn a_future_dated_counter_cannot_lock_the_right_passphrase_out() {
    let v = Vault::new();
    let counter = v.dir.join("unlock-attempts");
    std::fs::write(
        &counter,
        r#"{"failures":50,"last_failure":"2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    v.run(&["list"]).ok();
    let wrong = v.file("wrong", "not it\n");
    v.command_with(&wrong, &["list"]).status().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&counter).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the counter is private");
    }
}

/// Guesses started together queue on one lock: each sees the failures
/// before it, so after the three free ones the rest are told to wait
/// instead of all reaching the key derivation at once.
#[test]
fn parallel_guesses_queue_and_are_counted() {
    let v = Vault::new();
    let wrong = v.file("wrong", "not it\n");
    let children: Vec<_> = (0..8)
        .map(|_| {
            v.command_with(&wrong, &["list"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut guessed = 0;
    let mut waited = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        if stderr.contains("too many wrong passphrases") {
            waited += 1;
        } else {
            guessed += 1;
        }
    }
    assert!(
        guessed <= 4 && waited >= 4,
        "{guessed} guesses reached the key derivation, {waited} waited"
    );
}

/// The CLI holds keys and entries in memory: it must never dump them to
/// disk. While it waits for a passphrase, its core file limit is zero, the
/// hard limit too (the soft one is often zero already by default).
#[test]
fn the_cli_cannot_leave_a_core_dump() {
    let v = Vault::new();
    let mut child = v
        .command_with("-", &["list"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let limits = format!("/proc/{}/limits", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let core_line = loop {
        let text = std::fs::read_to_string(&limits).unwrap_or_default();
        let line = text
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .map(str::to_string);
        match line {
            Some(l) if l.split_whitespace().skip(4).take(2).all(|n| n == "0") => break l,
            _ if std::time::Instant::now() > deadline => panic!("core limit not zero: {line:?}"),
            _ => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    assert!(core_line.contains(" 0 "), "{core_line}");
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{}", crate::util::PASSPHRASE).unwrap();
    assert!(child.wait().unwrap().success());
}
