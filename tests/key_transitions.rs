//! Exports after the diary's key was replaced: the bundle links every key
//! to the next with statements both keys signed, which `ssh-keygen` and
//! `diary verify` check, and which the PDF explains.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, Vault, incident_json};

/// Two rotations (by `passwd --rotate`, then by `recover`) with an export
/// before them; returns the vault, the passphrase file now in use, and the
/// first export.
fn rotated_twice() -> (Vault, PathBuf, PathBuf) {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let first = v.tmp.path().join("before");
    v.run(&["export", "--out", first.to_str().unwrap()]).ok();
    let second = v.file("second-pass", "second passphrase\n");
    let mut cmd = v.command(&["passwd", "--rotate", "--new-passphrase-file"]);
    cmd.arg(&second);
    Run::from(cmd.output().unwrap()).ok();
    let third = v.file("third-pass", "third passphrase\n");
    let key_file = v.file("key", "");
    let mut recover = v.command_with(&third, &["recover", "--recovery-key-file"]);
    recover.arg(&key_file);
    // The old recovery key was replaced by the first rotation.
    fs::write(&key_file, format!("{key}\n")).unwrap();
    Run::from(recover.output().unwrap()).fails_with(3);
    let out = Run::from(
        v.command_with(&second, &["new-recovery-key"])
            .output()
            .unwrap(),
    )
    .ok();
    let new_key = out
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 69 && l.matches('-').count() == 13)
        .unwrap()
        .to_string();
    fs::write(&key_file, format!("{new_key}\n")).unwrap();
    let mut recover = v.command_with(&third, &["recover", "--recovery-key-file"]);
    recover.arg(&key_file);
    let out = Run::from(recover.output().unwrap()).ok();
    assert!(out.stdout.contains("key epoch 2"), "{}", out.stdout);
    (v, third, first)
}

fn export(v: &Vault, pass: &Path, name: &str) -> PathBuf {
    let out = v.tmp.path().join(name);
    let mut cmd = v.command_with(pass, &["export", "--out"]);
    cmd.arg(&out);
    Run::from(cmd.output().unwrap()).ok();
    out
}

fn verify(path: &Path) -> Run {
    Run::from(
        Command::new(crate::util::bin())
            .arg("verify")
            .arg(path)
            .output()
            .unwrap(),
    )
}

fn manifest(bundle: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(bundle.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn every_key_change_is_signed_by_both_keys_and_checks_with_standard_tools() {
    let (v, pass, before) = rotated_twice();
    let bundle = export(&v, &pass, "after");
    let out = verify(&bundle).ok();
    assert!(out.stdout.contains("PASS keys"), "{}", out.stdout);
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    crate::util::ssh_verify(&bundle).ok();
    let sums = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&bundle)
        .output()
        .unwrap();
    assert!(sums.status.success());
    for (epoch, old, new) in [(1, 0, 1), (2, 1, 2)] {
        let statement = format!("keys/transition-{epoch}.txt");
        for (principal, sig) in [(old, "old"), (new, "new")] {
            let out = crate::util::ssh_verify_statement(
                &bundle,
                &format!("incident-diary-epoch-{principal}"),
                &statement,
                &format!("{statement}.{sig}.sig"),
            )
            .ok();
            assert!(out.stdout.contains("Good"), "{}", out.stdout);
        }
        // Each key signs only its own side: the old key's signature does
        // not pass as the new key's.
        crate::util::ssh_verify_statement(
            &bundle,
            &format!("incident-diary-epoch-{new}"),
            &statement,
            &format!("{statement}.old.sig"),
        )
        .fails_with(255);
    }
    // The first key of the chain of statements is the one that signed the
    // export made before any change: an officer holding that export can
    // link it to this one.
    let transitions = manifest(&bundle)["key_transitions"].clone();
    assert_eq!(transitions.as_array().unwrap().len(), 2);
    assert_eq!(transitions[0]["old_key"], manifest(&before)["signing_key"]);
    assert_eq!(transitions[1]["new_key"], manifest(&bundle)["signing_key"]);
    assert_eq!(transitions[1]["reason"], "recovery");
    assert_eq!(transitions[0]["reason"], "requested");
    let text = Command::new("pdftotext")
        .args(["-layout", "report.pdf", "-"])
        .current_dir(&bundle)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Key changes"), "{text}");
    assert!(text.contains("recovery key"), "{text}");
    let readme = fs::read_to_string(bundle.join("README.txt")).unwrap();
    assert!(readme.contains("keys/transition-2.txt.new.sig"), "{readme}");
}

/// A diary whose key never changed exports no `keys/` folder, and its
/// bundle has no keys layer.
#[test]
fn a_diary_whose_key_never_changed_exports_no_statements() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let bundle = export(&v, &v.pass_file, "plain");
    assert!(!bundle.join("keys").exists());
    let out = verify(&bundle).ok();
    assert!(!out.stdout.contains("keys"), "{}", out.stdout);
    assert!(manifest(&bundle).get("key_transitions").is_none());
}

/// A statement changed to name another key, a signature removed, a
/// statement added: `diary verify` fails the keys layer, whatever the sums
/// say (the attacker re-made SHA256SUMS; only its signature then fails).
#[test]
fn an_altered_statement_fails_verification() {
    let (v, pass, _) = rotated_twice();
    let bundle = export(&v, &pass, "after");
    let copy = |name: &str| {
        let to = v.tmp.path().join(name);
        crate::util::copy_tree(&bundle, &to);
        to
    };
    let altered = copy("altered");
    let path = altered.join("keys/transition-1.txt");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("log entry", "log  entry");
    fs::write(&path, text).unwrap();
    let out = verify(&altered).fails_with(4);
    assert!(
        out.stdout.contains("statement of key change 1 was altered"),
        "{}",
        out.stdout
    );

    let unsigned = copy("unsigned");
    fs::remove_file(unsigned.join("keys/transition-2.txt.old.sig")).unwrap();
    let out = verify(&unsigned).fails_with(4);
    assert!(
        out.stdout.contains("old key's signature on key change 2"),
        "{}",
        out.stdout
    );

    let planted = copy("planted");
    fs::write(
        planted.join("keys/transition-3.txt"),
        "the key was replaced",
    )
    .unwrap();
    let out = verify(&planted).fails_with(4);
    assert!(
        out.stdout
            .contains("keys/transition-3.txt is not a statement"),
        "{}",
        out.stdout
    );
}
