//! Bundles crafted to fool the officer's check: a file name that rewrites
//! the terminal so FAIL reads as PASS, and a `SHA256SUMS` that names files
//! outside the bundle (one that never ends, one that is private). Each is
//! refused, named, and shown escaped, and nothing outside is read.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, bin, copy_tree};

/// A copy of the frozen v1 bundle to damage.
fn bundle_copy(tmp: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/bundle");
    let to = tmp.join("bundle");
    copy_tree(&from, &to);
    to
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

/// `__MACOSX/` inside the bundle folder is not Finder's: a forged report
/// there fails as an unlisted file, while `.DS_Store` is ignored and said.
#[test]
fn litter_is_ignored_only_under_its_own_names_and_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    fs::write(bundle.join(".DS_Store"), "finder").unwrap();
    let passes = verify(&bundle).ok();
    assert!(
        passes
            .stdout
            .contains("ignored 1 file(s) that Finder or Explorer add: .DS_Store"),
        "{}",
        passes.stdout
    );
    fs::create_dir(bundle.join("__MACOSX")).unwrap();
    fs::write(bundle.join("__MACOSX/report-corrected.pdf"), "forged").unwrap();
    let run = verify(&bundle).fails_with(4);
    assert!(
        run.stdout
            .contains("__MACOSX/report-corrected.pdf is not listed in SHA256SUMS"),
        "{}",
        run.stdout
    );
}

/// A zip holding two `report.pdf` entries: `unzip` would extract the
/// second, so the bundle fails however the first one checks.
#[test]
fn a_zip_with_two_entries_of_one_name_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/bundle.zip");
    let mut archive = zip::ZipArchive::new(fs::File::open(&good).unwrap()).unwrap();
    let mut folder = String::new();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).unwrap();
        folder = entry.name().unwrap().split('/').next().unwrap().to_string();
        out.raw_copy_file(entry).unwrap();
    }
    out.start_file(
        format!("{folder}/report.pdX"),
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut out, b"%PDF forged").unwrap();
    let mut bytes = out.finish().unwrap().into_inner();
    let (from, to) = (b"report.pdX", b"report.pdf");
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + i..at + i + from.len()].copy_from_slice(to);
        at += i + from.len();
    }
    let crafted = tmp.path().join("crafted.zip");
    fs::write(&crafted, bytes).unwrap();
    let run = verify(&crafted).fails_with(4);
    assert!(
        run.stderr.contains("two entries with the same name"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// A zip whose local header names another file than its central
/// directory: a streaming unzipper would show `report.pdX`, or whatever
/// the local headers say, rather than what `verify` checked.
#[test]
fn a_zip_whose_local_headers_disagree_with_its_directory_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/bundle.zip");
    let mut bytes = fs::read(&good).unwrap();
    // The first `report.pdf` is in the entry's local header; the central
    // directory, at the end, keeps the real name.
    let at = bytes.windows(10).position(|w| w == b"report.pdf").unwrap();
    bytes[at + 9] = b'X';
    let crafted = tmp.path().join("crafted.zip");
    fs::write(&crafted, bytes).unwrap();
    let run = verify(&crafted).fails_with(4);
    assert!(
        run.stderr
            .contains("the zip's entries do not agree with its directory"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// Zips laid out otherwise than the exporter writes them can show other
/// files to other readers: bytes before the first entry, an entry whose
/// size comes only after its data (a streaming reader finds its end by
/// itself, and can be shown a hidden entry), a comment, bytes between the
/// directory and its end record. Each fails, naming what is out of place.
#[test]
fn a_zip_laid_out_otherwise_than_a_bundle_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let good =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/bundle.zip")).unwrap();
    let eocd = good.len() - 22;
    assert_eq!(good[eocd..eocd + 4], [0x50, 0x4b, 0x05, 0x06]);
    let prepended = [b"MZ-not-a-zip".as_slice(), &good].concat();
    let mut descriptor = good.clone();
    descriptor[6] |= 0x08;
    let cd = u32::from_le_bytes(good[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    descriptor[cd + 8] |= 0x08;
    let mut commented = good.clone();
    commented[eocd + 20] = 5;
    commented.extend_from_slice(b"hello");
    let between = [&good[..eocd], b"0123456789".as_slice(), &good[eocd..]].concat();
    // One directory record more than the end record counts: other tools
    // list it, the zip crate reads only as many as counted.
    let uncounted = {
        let size = u32::from_le_bytes(good[eocd + 12..eocd + 16].try_into().unwrap()) as usize;
        let (mut at, mut last) = (cd, cd);
        while at < cd + size {
            let len = |i: usize| u16::from_le_bytes([good[at + i], good[at + i + 1]]) as usize;
            last = at;
            at += 46 + len(28) + len(30) + len(32);
        }
        let record = good[last..cd + size].to_vec();
        let mut end = good[eocd..].to_vec();
        end[12..16].copy_from_slice(&((size + record.len()) as u32).to_le_bytes());
        [&good[..eocd], record.as_slice(), &end].concat()
    };
    for (name, bytes, says) in [
        ("prepended", prepended, "data before its first entry"),
        ("descriptor", descriptor, "size only after its data"),
        ("commented", commented, "a comment"),
        (
            "between",
            between,
            "between its directory and its end record",
        ),
        ("uncounted", uncounted, "more entries than it says"),
    ] {
        let crafted = tmp.path().join(format!("{name}.zip"));
        fs::write(&crafted, bytes).unwrap();
        let run = verify(&crafted).fails_with(4);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            out.contains("not laid out as a bundle is") && out.contains(says),
            "{name}: {out}"
        );
    }
}

/// A file far larger than any bundle holds is refused, not read whole.
#[test]
fn an_oversized_file_is_refused_not_read_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    let line = format!("{}  exhibits/JS_1.jpg\n", "0".repeat(64));
    fs::write(bundle.join("SHA256SUMS"), line.repeat(400_000)).unwrap();
    let run = verify(&bundle).fails_with(4);
    assert!(
        run.stdout.contains("SHA256SUMS: is larger than 16384 KiB"),
        "{}",
        run.stdout
    );
}

/// A value inside the manifest carrying a new line cannot add a line of
/// its own, such as a fake closing PASS.
#[test]
fn a_value_cannot_add_a_fake_pass_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    let path = bundle.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    manifest["chain_head"] =
        "0\nPASS: the bundle is intact and signed by the diary key shown above".into();
    fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let run = verify(&bundle).fails_with(4);
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("PASS: ")),
        "{}",
        run.stdout
    );
}

/// A folder in the bundle that is a link to elsewhere is not followed.
#[test]
fn a_linked_folder_inside_the_bundle_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("secret.txt"), "private").unwrap();
    std::os::unix::fs::symlink(&elsewhere, bundle.join("x")).unwrap();
    add_to_sums(&bundle, &format!("{}  x/secret.txt", "0".repeat(64)));
    let run = verify(&bundle).fails_with(4);
    assert!(
        run.stdout.contains("x/secret.txt: is a symbolic link"),
        "{}",
        run.stdout
    );
}

/// A manifest that says the diary holds more (or fewer) incidents than the
/// export and its reasons for leaving some out add up to: the officer is
/// told the numbers do not add up, beside the broken signature.
#[test]
fn counts_that_do_not_add_up_fail_the_contents_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_copy(tmp.path());
    let intact = verify(&bundle).ok();
    let line = intact
        .stdout
        .lines()
        .find(|l| l.starts_with("PASS contents"))
        .unwrap_or_else(|| panic!("{}", intact.stdout))
        .to_owned();
    assert!(line.contains(" incidents in the diary"), "{line}");
    let path = bundle.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let counts = &mut manifest["counts"];
    counts["incidents_in_diary"] = (counts["incidents_in_diary"].as_u64().unwrap() + 5).into();
    fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let run = verify(&bundle).fails_with(4);
    let failed = run
        .stdout
        .lines()
        .find(|l| l.starts_with("FAIL contents"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(failed.contains("do not make the"), "{failed}");
}
