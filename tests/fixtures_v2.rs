//! The frozen v2 fixtures (`tests/data/v2/`, made once by its `make.sh`):
//! a vault whose key was replaced once, the database from before the
//! rotation, a bundle with its key-transition statement, and a backup.
//! Every later version must open, check, export, verify and restore them,
//! and must refuse every attack in `attacked/` (the old passphrase against
//! the rotated vault, crafted bundles) with the exit code it names.

use std::fs;
use std::path::{Path, PathBuf};

use crate::fixture_kit::{self, Work};
use crate::util::ssh_verify;

fn v2() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v2")
}

fn work() -> Work {
    let w = Work::new(v2(), "v2 fixture passphrase", "v2 backup passphrase");
    w.secret("old-pass", "v2 old passphrase");
    w
}

#[test]
fn the_v2_vault_opens_checks_and_lists_everything() {
    let w = work();
    let vault = w.vault_copy("vault");
    let check = w.diary(&vault, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("exhibits: 4 decrypted and hashed, all match"),
        "{}",
        check.stdout
    );
    let list = w.diary(&vault, "pass", &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 4, "{list}");
    let shown = w
        .diary(&vault, "pass", &["show", "1", "--history"])
        .ok()
        .stdout;
    assert!(shown.contains("forgot to say where exactly"), "{shown}");
    // Written before the rotation, read through the wrapped old key.
    let exhibits = w.diary(&vault, "pass", &["exhibits", "--json"]).ok().json();
    assert_eq!(exhibits.as_array().unwrap().len(), 5);
    let out = w.path("JS_1.jpg");
    w.diary(
        &vault,
        "pass",
        &["extract", "JS/1", "--out", out.to_str().unwrap()],
    )
    .ok();
    assert_eq!(&fs::read(&out).unwrap()[..2], &[0xff, 0xd8]);
}

/// The old passphrase opens neither the rotated vault nor, in it, anything
/// written after the rotation; it still opens the copy from before, which
/// holds nothing written after.
#[test]
fn the_old_passphrase_opens_only_the_old_copy() {
    let w = work();
    let vault = w.vault_copy("vault");
    w.diary(&vault, "old-pass", &["list"]).fails_with(3);
    let old = w.path("old");
    fs::create_dir_all(&old).unwrap();
    fs::copy(w.fixture("old-vault.db"), old.join("vault.db")).unwrap();
    let listed = w.diary(&old, "old-pass", &["list", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert!(!listed.to_string().contains("Threat by text"));
}

#[test]
fn the_v2_vault_takes_entries_and_opens_with_its_recovery_key() {
    let w = work();
    let vault = w.vault_copy("vault");
    let note = w.path("note.txt");
    fs::write(&note, "after v2").unwrap();
    w.diary(&vault, "pass", &["attach", "2", note.to_str().unwrap()])
        .ok();
    let key = fs::read_to_string(w.fixture("recovery-key.txt")).unwrap();
    let key_file = w.secret("recovery", key.trim());
    let new_pass = w.secret("new-pass", "a new passphrase after recovery");
    let out = w
        .diary(
            &vault,
            "pass",
            &[
                "recover",
                "--recovery-key-file",
                key_file.to_str().unwrap(),
                "--new-passphrase-file",
                new_pass.to_str().unwrap(),
            ],
        )
        .ok();
    assert!(out.stdout.contains("key epoch 2"), "{}", out.stdout);
    let check = w.diary(&vault, "new-pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    let bundle = w.path("after-recovery");
    w.diary(
        &vault,
        "new-pass",
        &["export", "--out", bundle.to_str().unwrap()],
    )
    .ok();
    let verified = w
        .diary(&vault, "new-pass", &["verify", bundle.to_str().unwrap()])
        .ok();
    assert!(
        verified.stdout.contains("replaced 2 time(s)"),
        "{}",
        verified.stdout
    );
}

#[test]
fn the_v2_bundles_verify_with_diary_and_standard_tools() {
    let w = work();
    let unused = w.path("unused");
    for bundle in ["bundle", "bundle.zip"] {
        let path = w.fixture(bundle);
        let run = w
            .diary(&unused, "pass", &["verify", path.to_str().unwrap()])
            .ok();
        for layer in ["signature", "sums", "chain", "entries", "exhibits", "keys"] {
            assert!(
                run.stdout
                    .lines()
                    .any(|l| l.contains("PASS") && l.contains(layer)),
                "{bundle}: {layer} did not pass:\n{}",
                run.stdout
            );
        }
        assert!(
            run.stdout.contains("exhibit records match"),
            "{}",
            run.stdout
        );
    }
    let dir = w.fixture("bundle");
    ssh_verify(&dir).ok();
    for (principal, sig) in [
        ("incident-diary-epoch-0", "old"),
        ("incident-diary-epoch-1", "new"),
    ] {
        let sig = format!("keys/transition-1.txt.{sig}.sig");
        crate::util::ssh_verify_statement(&dir, principal, "keys/transition-1.txt", &sig).ok();
    }
}

#[test]
fn the_v2_backup_restores_and_opens() {
    let w = work();
    let target = w.path("restored");
    w.restore_backup(&target);
    let check = w.diary(&target, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    w.diary(&target, "old-pass", &["list"]).fails_with(3);
}

/// Every attack on the v2 files (`attacked/make.sh`) is refused and says why.
#[test]
fn every_attacked_v2_fixture_is_refused_with_its_exit_code() {
    fixture_kit::refuses_every_case_in(&work(), "attacked", 14);
}
