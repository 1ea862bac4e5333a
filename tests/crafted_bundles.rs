//! Bundles crafted to fool the officer's check: a file name that rewrites
//! the terminal so FAIL reads as PASS, and a `SHA256SUMS` that names files
//! outside the bundle (one that never ends, one that is private). Each is
//! refused, named, and shown escaped, and nothing outside is read.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, bin};

/// A copy of the frozen v1 bundle to damage.
fn bundle_copy(tmp: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/bundle");
    let to = tmp.join("bundle");
    copy_tree(&from, &to);
    to
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `diary verify`, stopped after a minute if it hangs.
fn verify(bundle: &Path) -> Run {
    let out = Command::new("timeout")
        .arg("60")
        .arg(bin())
        .arg("verify")
        .arg(bundle)
        .output()
        .unwrap();
    Run::from(out)
}

fn add_to_sums(bundle: &Path, line: &str) {
    let sums = bundle.join("SHA256SUMS");
    let mut text = fs::read_to_string(&sums).unwrap();
    text.push_str(line);
    text.push('\n');
    fs::write(sums, text).unwrap();
}

#[test]
fn a_name_that_rewrites_the_terminal_fails_and_is_shown_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    // Erases the line, moves up, and prints a fake PASS over the FAIL line.
    let name = "x\u{1b}[2K\u{1b}[1A\rPASS sums      all files match";
    fs::write(bundle.join(name), "planted").unwrap();
    let sum = "e1c1c50f61da7ea5f6195bd41b1a84a2c30d0c10c5b1c57ba6b7ef3cf27ca49b";
    add_to_sums(&bundle, &format!("{sum}  {name}"));
    let run = verify(&bundle).fails_with(4);
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stdout.contains('\r'),
        "raw control characters reached the terminal: {:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("holds control characters"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
}

#[test]
fn sums_naming_files_outside_the_bundle_are_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    fs::write(tmp.path().join("private.txt"), "not part of the bundle").unwrap();
    let zero = "0".repeat(64);
    add_to_sums(&bundle, &format!("{zero}  ../private.txt"));
    add_to_sums(&bundle, &format!("{zero}  /dev/zero"));
    let run = verify(&bundle).fails_with(4);
    assert!(
        run.stdout
            .contains("../private.txt, which is not a file inside the bundle"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("/dev/zero, which is not a file inside the bundle"),
        "{}",
        run.stdout
    );
}

/// A pipe put in place of a listed file would block a reader for ever.
#[test]
fn a_pipe_in_place_of_a_bundle_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    let readme = bundle.join("README.txt");
    fs::remove_file(&readme).unwrap();
    let made = Command::new("mkfifo").arg(&readme).status().unwrap();
    assert!(made.success());
    let run = verify(&bundle).fails_with(4);
    assert!(
        run.stdout.contains("README.txt: is not a regular file"),
        "{}",
        run.stdout
    );
}
