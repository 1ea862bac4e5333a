//! What the tests of frozen fixtures share (`tests/data/v1/`, `tests/data/v2/`):
//! a temporary folder with the fixture's passphrases, and the damaged or
//! attacked cases (`<case>/case.txt` and the files it lays over a copy of
//! the good fixture), each run through the CLI.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, bin, copy_tree, run_with_stdin};

/// A temporary folder with the passphrase files the fixtures need.
pub struct Work {
    tmp: tempfile::TempDir,
    /// The fixture folder (`tests/data/v1`).
    base: PathBuf,
}

impl Work {
    /// For the fixtures in `base`, with their vault and backup passphrases
    /// in the files `pass` and `backup-pass`.
    pub fn new(base: PathBuf, vault_pass: &str, backup_pass: &str) -> Work {
        let work = Work {
            tmp: tempfile::tempdir().unwrap(),
            base,
        };
        work.secret("pass", vault_pass);
        work.secret("backup-pass", backup_pass);
        work
    }

    /// Restores the fixture's `backup.age` into the new folder `target`
    /// (with its backup passphrase), which must succeed.
    pub fn restore_backup(&self, target: &Path) -> Run {
        let backup = self.fixture("backup.age");
        let pass = self.path("backup-pass");
        let args = [
            "restore",
            backup.to_str().unwrap(),
            "--backup-passphrase-file",
            pass.to_str().unwrap(),
        ];
        self.diary(target, "pass", &args).ok()
    }

    /// A file of the fixture folder.
    pub fn fixture(&self, name: &str) -> PathBuf {
        self.base.join(name)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn secret(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, format!("{text}\n")).unwrap();
        path
    }

    /// Runs the CLI on `vault` with the passphrase in file `pass`.
    pub fn diary(&self, vault: &Path, pass: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.arg("--vault")
            .arg(vault)
            .arg("--passphrase-file")
            .arg(self.path(pass))
            .args(args)
            .env_remove("DIARY_VAULT")
            .env_remove("DIARY_ANCHOR_DIR")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", self.tmp.path());
        run_with_stdin(cmd, "")
    }

    /// A writable copy of the good vault (opening it may write to it).
    pub fn vault_copy(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        copy_tree(&self.base.join("vault"), &dir);
        dir
    }
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
        let good = w.base.join(fixture);
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

/// Runs every case in `folder` of the fixtures `w` holds (at least
/// `least`): each must be refused with its exit code and say why.
pub fn refuses_every_case_in(w: &Work, folder: &str, least: usize) {
    let mut cases: Vec<Case> = fs::read_dir(w.base.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(Case::load)
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= least, "only {} cases", cases.len());
    let problems: Vec<String> = cases.iter().filter_map(|c| c.problem(w)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
