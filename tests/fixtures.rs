//! The frozen v1 fixtures (`tests/data/v1/`, made once by its `make.sh` with
//! the version that wrote format v1): every later version must open, check,
//! list, amend, export, verify and restore them, and must refuse each damaged
//! copy with the exit code it names. Formats are promises: migrate, never
//! edit v1.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixture_kit::{self, Work};
use crate::util::ssh_verify;

const VAULT_PASSPHRASE: &str = "v1 fixture passphrase";
const BACKUP_PASSPHRASE: &str = "v1 backup passphrase";

fn v1() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1")
}

fn work() -> Work {
    Work::new(v1(), VAULT_PASSPHRASE, BACKUP_PASSPHRASE)
}

#[test]
fn the_v1_vault_opens_checks_and_lists_everything() {
    let w = work();
    let vault = w.vault_copy("vault");
    let check = w.diary(&vault, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("exhibits: 4 decrypted and hashed, all match")
    );

    let list = w.diary(&vault, "pass", &["list", "--json"]).ok().json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4, "{list:?}");
    let shown = w
        .diary(&vault, "pass", &["show", "1", "--history", "--json"])
        .ok()
        .json();
    let text = shown.to_string();
    assert!(text.contains("forgot to say where exactly"), "{text}");
    assert!(text.contains("Mill Lane, by the bus stop"), "{text}");
    let withdrawn = w.diary(&vault, "pass", &["show", "3"]).ok();
    assert!(
        withdrawn.stdout.to_lowercase().contains("withdrawn"),
        "{}",
        withdrawn.stdout
    );

    let exhibits = w.diary(&vault, "pass", &["exhibits", "--json"]).ok().json();
    let exhibits = exhibits.as_array().unwrap();
    assert_eq!(exhibits.len(), 5);
    assert!(exhibits.iter().all(|e| e.get("file_key").is_none()));
    for (what, count) in [("person", 2), ("order", 1), ("risk", 1)] {
        let items = w
            .diary(&vault, "pass", &[what, "list", "--json"])
            .ok()
            .json();
        assert_eq!(items.as_array().unwrap().len(), count, "{what}: {items}");
    }
    let case = w
        .diary(&vault, "pass", &["case", "show", "--json"])
        .ok()
        .json();
    assert_eq!(case["exhibit_prefix"], "JS");
}

#[test]
fn the_v1_vault_takes_new_entries_and_exhibits() {
    let w = work();
    let vault = w.vault_copy("vault");
    let out = w.path("JS_1.jpg");
    w.diary(
        &vault,
        "pass",
        &["extract", "JS/1", "--out", out.to_str().unwrap()],
    )
    .ok();
    assert_eq!(&fs::read(&out).unwrap()[..2], &[0xff, 0xd8]);

    w.diary(
        &vault,
        "pass",
        &[
            "add",
            "--occurred",
            "2026-04-01 09:00",
            "--narrative",
            "after v1",
        ],
    )
    .ok();
    let note = w.path("note.txt");
    fs::write(&note, "new exhibit").unwrap();
    w.diary(&vault, "pass", &["attach", "5", note.to_str().unwrap()])
        .ok();
    let check = w.diary(&vault, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    let list = w.diary(&vault, "pass", &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 5);
}

#[test]
fn the_v1_vault_opens_with_its_recovery_key() {
    let w = work();
    let vault = w.vault_copy("vault");
    let key = fs::read_to_string(v1().join("recovery-key.txt")).unwrap();
    let key_file = w.secret("recovery", key.trim());
    let new_pass = w.secret("new-pass", "a new passphrase after recovery");
    w.diary(
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
    w.diary(&vault, "new-pass", &["check"]).ok();
    w.diary(&vault, "pass", &["list"]).fails_with(3);
}

#[test]
fn the_v1_vault_exports_a_bundle_that_verifies() {
    let w = work();
    let vault = w.vault_copy("vault");
    let out = w.path("bundle.zip");
    w.diary(
        &vault,
        "pass",
        &["export", "--out", out.to_str().unwrap(), "--pack", "full"],
    )
    .ok();
    let verified = w
        .diary(&vault, "pass", &["verify", out.to_str().unwrap()])
        .ok();
    assert!(!verified.stdout.contains("FAIL"), "{}", verified.stdout);
}

#[test]
fn the_v1_bundles_verify_with_diary_and_standard_tools() {
    let w = work();
    let vault = w.path("unused");
    for bundle in ["bundle", "bundle.zip"] {
        let path = v1().join(bundle);
        let run = w
            .diary(&vault, "pass", &["verify", path.to_str().unwrap()])
            .ok();
        for layer in ["signature", "sums", "chain", "entries", "exhibits"] {
            assert!(
                run.stdout
                    .lines()
                    .any(|l| l.contains("PASS") && l.contains(layer)),
                "{bundle}: {layer} did not pass:\n{}",
                run.stdout
            );
        }
    }
    let dir = v1().join("bundle");
    let sums = Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        sums.status.success(),
        "{}",
        String::from_utf8_lossy(&sums.stdout)
    );
    ssh_verify(&dir).ok();
}

#[test]
fn the_v1_backup_restores_and_opens() {
    let w = work();
    let target = w.path("restored");
    w.restore_backup(&target);
    let check = w.diary(&target, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    let list = w.diary(&target, "pass", &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 4);
}

/// Every damaged copy is refused with its exit code and says why.
#[test]
fn every_damaged_v1_fixture_is_refused_with_its_exit_code() {
    fixture_kit::refuses_every_case_in(&work(), "bad", 20);
}

/// Every attack on the v1 files (`attacked/make.sh`: planted SQL objects,
/// a forged KDF header, crafted zips and sums) is refused and says why.
#[test]
fn every_attacked_v1_fixture_is_refused_with_its_exit_code() {
    fixture_kit::refuses_every_case_in(&work(), "attacked", 11);
}
