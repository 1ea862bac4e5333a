//! The frozen v1 fixtures (`tests/data/v1/`, made once by its `make.sh` with
//! the version that wrote format v1): every later version must open, check,
//! list, amend, export, verify and restore them, and must refuse each damaged
//! copy with the exit code it names. Formats are promises: migrate, never
//! edit v1.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, bin, copy_tree, run_with_stdin, ssh_verify};

const VAULT_PASSPHRASE: &str = "v1 fixture passphrase";
const BACKUP_PASSPHRASE: &str = "v1 backup passphrase";

fn v1() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1")
}

/// A temporary folder with the passphrase files the fixtures need.
struct Work {
    tmp: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let work = Work {
            tmp: tempfile::tempdir().unwrap(),
        };
        work.secret("pass", VAULT_PASSPHRASE);
        work.secret("backup-pass", BACKUP_PASSPHRASE);
        work
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn secret(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, format!("{text}\n")).unwrap();
        path
    }

    /// Runs the CLI on `vault` with the passphrase in file `pass`.
    fn diary(&self, vault: &Path, pass: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.arg("--vault")
            .arg(vault)
            .arg("--passphrase-file")
            .arg(self.path(pass))
            .args(args)
            .env_remove("DIARY_VAULT")
            .env_remove("DIARY_ANCHOR_DIR")
            .env_remove("XDG_CONFIG_HOME")
            .env("HOME", self.tmp.path());
        run_with_stdin(cmd, "")
    }

    /// A writable copy of the good v1 vault (opening it may write to it).
    fn vault_copy(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        copy_tree(&v1().join("vault"), &dir);
        dir
    }
}

#[test]
fn the_v1_vault_opens_checks_and_lists_everything() {
    let w = Work::new();
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
    let w = Work::new();
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
    let w = Work::new();
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
    let w = Work::new();
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
    let w = Work::new();
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
    let w = Work::new();
    let target = w.path("restored");
    let backup = v1().join("backup.age");
    w.diary(
        &target,
        "pass",
        &[
            "restore",
            backup.to_str().unwrap(),
            "--backup-passphrase-file",
            w.path("backup-pass").to_str().unwrap(),
        ],
    )
    .ok();
    let check = w.diary(&target, "pass", &["check"]).ok();
    assert!(check.stdout.contains("PASS"), "{}", check.stdout);
    let list = w.diary(&target, "pass", &["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 4);
}

/// One damaged copy (`bad/<case>/case.txt` and the files it replaces).
struct Case {
    name: String,
    dir: PathBuf,
    fields: BTreeMap<String, Vec<String>>,
}

impl Case {
    fn load(dir: PathBuf) -> Case {
        let text = fs::read_to_string(dir.join("case.txt")).unwrap();
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line.split_once(": ").expect("`key: value` lines");
            fields
                .entry(key.to_string())
                .or_default()
                .push(value.to_string());
        }
        Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
            fields,
        }
    }

    fn one(&self, key: &str) -> &str {
        match self.fields.get(key).map(Vec::as_slice) {
            Some([value]) => value,
            _ => panic!("case {}: needs exactly one `{key}:` line", self.name),
        }
    }

    fn all(&self, key: &str) -> &[String] {
        self.fields.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The good fixture with this case's files laid over it.
    fn damaged_copy(&self, w: &Work) -> PathBuf {
        let fixture = self.one("fixture");
        let target = w.path(&format!("{}-{fixture}", self.name));
        let good = v1().join(fixture);
        if good.is_dir() {
            copy_tree(&good, &target);
            for entry in walk_files(&self.dir) {
                let rel = entry.strip_prefix(&self.dir).unwrap();
                if rel != Path::new("case.txt") {
                    let to = target.join(rel);
                    fs::create_dir_all(to.parent().unwrap()).unwrap();
                    fs::copy(&entry, to).unwrap();
                }
            }
            for rel in self.all("delete") {
                fs::remove_file(target.join(rel)).unwrap();
            }
        } else {
            let own = self.dir.join(fixture);
            fs::copy(if own.exists() { &own } else { &good }, &target).unwrap();
        }
        target
    }

    /// Runs the case's command and says what was wrong with the outcome.
    fn problem(&self, w: &Work) -> Option<String> {
        let damaged = self.damaged_copy(w);
        // A case's own passphrase replaces the vault's, or the backup's.
        let (pass, backup_pass) = match self.all("passphrase") {
            [text] => {
                let name = format!("{}-pass", self.name);
                w.secret(&name, text);
                (name.clone(), name)
            }
            _ => ("pass".to_string(), "backup-pass".to_string()),
        };
        let target = w.path(&format!("{}-restored", self.name));
        let damaged_str = damaged.to_str().unwrap();
        let run = match self.one("run") {
            "check" | "list" => w.diary(&damaged, &pass, &[self.one("run")]),
            "verify" => w.diary(&damaged, &pass, &["verify", damaged_str]),
            "restore" => {
                let backup_pass = w.path(&backup_pass);
                let args = [
                    "restore",
                    damaged_str,
                    "--backup-passphrase-file",
                    backup_pass.to_str().unwrap(),
                ];
                w.diary(&target, &pass, &args)
            }
            other => panic!("case {}: unknown command {other}", self.name),
        };
        let code: i32 = self.one("exit").parse().unwrap();
        let says = self.one("says");
        let output = format!("{}{}", run.stdout, run.stderr);
        if run.code != code || !output.contains(says) || output.contains("panicked") {
            return Some(format!(
                "{}: expected exit {code} saying {says:?}, got exit {}:\n{output}",
                self.name, run.code
            ));
        }
        if self.one("run") == "restore" && target.exists() {
            return Some(format!("{}: a refused restore left {target:?}", self.name));
        }
        None
    }
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Runs every case in `folder` of the v1 fixtures (at least `least`).
fn refuses_every_case_in(folder: &str, least: usize) {
    let w = Work::new();
    let mut cases: Vec<Case> = fs::read_dir(v1().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(Case::load)
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= least, "only {} cases", cases.len());
    let problems: Vec<String> = cases.iter().filter_map(|c| c.problem(&w)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Every damaged copy is refused with its exit code and says why.
#[test]
fn every_damaged_v1_fixture_is_refused_with_its_exit_code() {
    refuses_every_case_in("bad", 20);
}

/// Every attack on the v1 files (`attacked/make.sh`: planted SQL objects,
/// a forged KDF header, crafted zips and sums) is refused and says why.
#[test]
fn every_attacked_v1_fixture_is_refused_with_its_exit_code() {
    refuses_every_case_in("attacked", 11);
}
