//! Exhibits end to end: attach, list, extract, check, damage, faults.

use std::process::Command;

use crate::util::{TINY_JPEG, Vault, incident_json, walk};

fn vault_with_incident() -> Vault {
    let v = Vault::new();
    v.run(&["case", "set", "--exhibit-prefix", "JS"]).ok();
    v.add_json(&incident_json(
        "2026-03-14T18:30:00+00:00",
        "Car outside the house",
    ));
    v
}

fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

fn write(v: &Vault, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = v.tmp.path().join(name);
    std::fs::write(&path, data).unwrap();
    path
}

fn sha256sum(path: &std::path::Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn att_files(v: &Vault) -> Vec<std::path::PathBuf> {
    let dir = v.dir.join("att");
    if dir.exists() { walk(&dir) } else { Vec::new() }
}

#[test]
fn attach_list_and_extract_keep_every_byte() {
    let v = vault_with_incident();
    let sizes = [0usize, 1, 65_536, 65_537, 200_000];
    let files: Vec<_> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| write(&v, &format!("file{i}.bin"), &bytes(n, i as u64)))
        .collect();
    let mut args = vec!["attach", "1"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    args.extend(["--description", "from my phone"]);
    let out = v.run(&args).ok();
    assert!(
        out.stdout.contains("added exhibit JS/1 to incident 1"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("added exhibit JS/5"));

    let list = v.run(&["exhibits", "--json"]).ok().json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    for (i, item) in list.iter().enumerate() {
        assert_eq!(item["label"], format!("JS/{}", i + 1));
        assert_eq!(item["size"], sizes[i] as u64);
        assert_eq!(item["sha256"], sha256sum(&files[i]));
        assert_eq!(item["original_name"], format!("file{i}.bin"));
        assert_eq!(item["description"], "from my phone");
        assert!(
            item.get("file_key").is_none(),
            "the key must never be printed"
        );
        let target = v.tmp.path().join(format!("out{i}"));
        v.run(&[
            "extract",
            &format!("JS_{}", i + 1),
            "--out",
            target.to_str().unwrap(),
        ])
        .ok();
        assert_eq!(
            std::fs::read(&target).unwrap(),
            std::fs::read(&files[i]).unwrap()
        );
    }
    let human = v.run(&["exhibits"]).ok().stdout;
    assert!(human.contains("JS/3") && human.contains(&sha256sum(&files[2])));
    assert!(
        v.run(&["check"])
            .ok()
            .stdout
            .contains("exhibits: 5 decrypted and hashed")
    );
}

#[test]
fn extract_never_overwrites_without_force() {
    let v = vault_with_incident();
    let file = write(&v, "note.txt", b"the original words");
    v.run(&["attach", "1", file.to_str().unwrap()]).ok();
    let target = write(&v, "existing.txt", b"keep me");
    let out = v
        .run(&["extract", "JS/1", "--out", target.to_str().unwrap()])
        .fails_with(2);
    assert!(out.stderr.contains("--force"));
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    v.run(&[
        "extract",
        "JS/1",
        "--out",
        target.to_str().unwrap(),
        "--force",
    ])
    .ok();
    assert_eq!(std::fs::read(&target).unwrap(), b"the original words");
    v.run(&["extract", "JS/9", "--out", "/tmp/never"])
        .fails_with(5);
}

#[test]
fn photo_claims_come_from_exif_and_type_from_content() {
    let v = vault_with_incident();
    let photo = write(&v, "IMG_0001.JPG", &hex::decode(TINY_JPEG).unwrap());
    let status = Command::new("exiftool")
        .args([
            "-q",
            "-overwrite_original",
            "-DateTimeOriginal=2026:03:14 18:30:05",
            "-OffsetTimeOriginal=+01:00",
        ])
        .args([
            "-Make=TestCam",
            "-Model=X1",
            "-GPSLatitude=51.5",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=0.12",
            "-GPSLongitudeRef=W",
        ])
        .arg(&photo)
        .status()
        .expect("exiftool");
    assert!(status.success());
    let fake = write(
        &v,
        "not-a-photo.jpg",
        b"this is text pretending to be a jpeg",
    );
    let garbage = write(
        &v,
        "broken.jpg",
        &[
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, b'E', b'x', b'i', b'f', 0, 0, 1, 2, 3,
        ],
    );
    v.run(&[
        "attach",
        "1",
        photo.to_str().unwrap(),
        fake.to_str().unwrap(),
        garbage.to_str().unwrap(),
    ])
    .ok();
    let list = v.run(&["exhibits", "--json"]).ok().json();
    let claims = &list[0]["claims"];
    assert_eq!(list[0]["media_type"], "image/jpeg");
    assert_eq!(claims["captured_at"], "2026-03-14 18:30:05");
    assert_eq!(claims["captured_offset"], "+01:00");
    assert_eq!(claims["camera_make"], "TestCam");
    assert_eq!(claims["camera_model"], "X1");
    assert!((claims["gps_latitude"].as_f64().unwrap() - 51.5).abs() < 1e-9);
    assert!((claims["gps_longitude"].as_f64().unwrap() + 0.12).abs() < 1e-9);
    // Stored as given, with no claims.
    assert_eq!(list[1]["media_type"], "text/plain");
    assert!(list[1]["claims"]["captured_at"].is_null());
    assert!(list[2]["claims"]["camera_make"].is_null());
    assert_eq!(list[2]["size"], 15);
    assert!(
        v.run(&["exhibits"])
            .ok()
            .stdout
            .contains("captured 2026-03-14 18:30:05 +01:00 (per the file)")
    );
}

/// Every kind of damage to an attachment file is reported by exhibit number, exit 4.
#[test]
fn damaged_attachment_files_are_named_by_check() {
    type Damage = fn(&std::path::Path, &std::path::Path);
    let cases: [(&str, Damage); 6] = [
        ("missing", |f, _| std::fs::remove_file(f).unwrap()),
        ("truncated", |f, _| {
            let b = std::fs::read(f).unwrap();
            std::fs::write(f, &b[..b.len() - 100]).unwrap()
        }),
        ("extended", |f, _| {
            let mut b = std::fs::read(f).unwrap();
            b.extend_from_slice(&[0u8; 64]);
            std::fs::write(f, b).unwrap()
        }),
        ("altered", |f, _| {
            let mut b = std::fs::read(f).unwrap();
            b[70_000] ^= 1;
            std::fs::write(f, b).unwrap()
        }),
        ("chunks swapped", |f, _| {
            let mut b = std::fs::read(f).unwrap();
            let (a, c) = (64, 64 + 65_536 + 16);
            let first = b[a..c].to_vec();
            let second = b[c..c + 65_552].to_vec();
            b[a..c].copy_from_slice(&second);
            b[c..c + 65_552].copy_from_slice(&first);
            std::fs::write(f, b).unwrap()
        }),
        ("swapped with another exhibit", |f, other| {
            let a = std::fs::read(f).unwrap();
            let b = std::fs::read(other).unwrap();
            std::fs::write(f, b).unwrap();
            std::fs::write(other, a).unwrap();
        }),
    ];
    for (name, damage) in cases {
        let v = vault_with_incident();
        let big = write(&v, "video.mp4", &bytes(200_000, 1));
        let small = write(&v, "other.bin", &bytes(300_000, 2));
        v.run(&[
            "attach",
            "1",
            big.to_str().unwrap(),
            small.to_str().unwrap(),
        ])
        .ok();
        let list = v.run(&["exhibits", "--json"]).ok().json();
        let path = |i: usize| {
            v.dir
                .join("att")
                .join(format!("{}.ida", list[i]["id"].as_str().unwrap()))
        };
        damage(&path(0), &path(1));
        let out = v.run(&["check"]).fails_with(4);
        assert!(
            out.stderr.contains("exhibit JS/1"),
            "{name}: {}",
            out.stderr
        );
        let target = v.tmp.path().join("out.mp4");
        v.run(&["extract", "JS/1", "--out", target.to_str().unwrap()])
            .fails_with(4);
        assert!(
            !target.exists(),
            "{name}: nothing may be written from a damaged exhibit"
        );
        // The diary itself still opens.
        v.run(&["list"]).ok();
    }
}

#[test]
fn bad_paths_give_clear_errors_and_change_nothing() {
    let v = vault_with_incident();
    let before = crate::util::snapshot(&v.dir);
    let out = v.run(&["attach", "1", "/no/such/photo.jpg"]).fails_with(5);
    assert!(out.stderr.contains("/no/such/photo.jpg"), "{}", out.stderr);
    let out = v
        .run(&["attach", "1", v.tmp.path().to_str().unwrap()])
        .fails_with(2);
    assert!(out.stderr.contains("folder"), "{}", out.stderr);
    let file = write(&v, "x.bin", b"x");
    v.run(&["attach", "99", file.to_str().unwrap()])
        .fails_with(5);
    assert_eq!(crate::util::snapshot(&v.dir), before);
}

#[test]
fn withdrawn_incidents_keep_their_exhibits_and_take_no_new_ones() {
    let v = vault_with_incident();
    let file = write(&v, "a.txt", b"evidence");
    v.run(&["attach", "1", file.to_str().unwrap()]).ok();
    v.run(&["withdraw", "1", "--reason", "reported elsewhere"])
        .ok();
    v.run(&["attach", "1", file.to_str().unwrap()])
        .fails_with(2);
    let list = v.run(&["exhibits", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    v.run(&["check"]).ok();
}

#[test]
fn attachment_content_never_reaches_the_disk_in_plaintext() {
    let v = vault_with_incident();
    let secret = "Voicemail transcript: I am watching you from the blue Vauxhall";
    let file = write(&v, "voicemail-transcript.txt", secret.as_bytes());
    v.run(&[
        "attach",
        "1",
        file.to_str().unwrap(),
        "--description",
        "Saved from the answerphone",
    ])
    .ok();
    for path in walk(&v.dir) {
        let data = std::fs::read(&path).unwrap();
        for needle in [
            secret,
            "blue Vauxhall",
            "voicemail-transcript",
            "answerphone",
            "text/plain",
        ] {
            assert!(
                !data.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in {}",
                path.display()
            );
        }
    }
}

#[test]
fn old_leftovers_are_set_aside_or_removed_and_young_ones_kept() {
    let v = vault_with_incident();
    let file = write(&v, "a.bin", &bytes(1000, 3));
    v.run(&["attach", "1", file.to_str().unwrap()]).ok();
    let att = v.dir.join("att");
    let old_orphan = att.join(format!("{}.ida", "ab".repeat(16)));
    let old_tmp = att.join(format!("{}.ida-tmp", "cd".repeat(16)));
    let young = att.join(format!("{}.ida", "ef".repeat(16)));
    for f in [&old_orphan, &old_tmp, &young] {
        std::fs::write(f, b"leftover").unwrap();
    }
    for f in [&old_orphan, &old_tmp] {
        make_old(f);
    }
    v.run(&["list"]).ok();
    assert!(!old_tmp.exists(), "an unfinished write of ours is removed");
    assert!(!old_orphan.exists());
    let kept = v
        .dir
        .join("quarantine")
        .join(old_orphan.file_name().unwrap());
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        b"leftover",
        "a file no entry refers to is set aside, never deleted"
    );
    assert!(
        young.exists(),
        "a file another program may be importing is left alone"
    );
    assert_eq!(att_files(&v).len(), 2);
    let check = v.run(&["check"]).ok();
    assert!(
        check.stdout.contains("quarantine: 1 file(s)"),
        "{}",
        check.stdout
    );
}

#[test]
fn sigkill_during_a_large_import_leaves_no_referenced_half_file() {
    let v = vault_with_incident();
    let big = write(&v, "big.mov", &bytes(40 * 1024 * 1024, 9));
    for delay_ms in [5u64, 40, 120, 300] {
        let mut child = v
            .command(&["attach", "1", big.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        v.run(&["check"]).ok();
        let list = v.run(&["exhibits", "--json"]).ok().json();
        for item in list.as_array().unwrap() {
            assert_eq!(item["sha256"], sha256sum(&big));
        }
    }
}

#[test]
fn full_disk_during_an_import_keeps_the_vault_and_leaves_nothing() {
    if !crate::faults::is_root() {
        eprintln!("SKIPPED: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let v = Vault::empty();
    let mount_point = v.tmp.path().join("small");
    let _disk = crate::faults::SmallDisk::mount(&mount_point, "2m").expect("mount a 2 MiB tmpfs");
    let dir = mount_point.join("vault");
    let run = |args: &[&str]| v.run_at(&dir, args, "");
    run(&["init", "--kdf-memory", "19", "--kdf-time", "2"]).ok();
    run(&["add", "--narrative", "before the big file"]).ok();
    let big = write(&v, "big.bin", &bytes(3 * 1024 * 1024, 4));
    let out = run(&["attach", "1", big.to_str().unwrap()]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("disk is full"), "{}", out.stderr);
    assert!(
        walk(&dir.join("att")).is_empty(),
        "no partial file may remain"
    );
    run(&["check"]).ok();
    let small = write(&v, "small.bin", &bytes(10_000, 5));
    run(&["attach", "1", small.to_str().unwrap()]).ok();
    run(&["check"]).ok();
}

#[test]
fn deleting_an_exhibit_is_logged_and_its_record_stays() {
    let v = vault_with_incident();
    let a = write(&v, "a.jpg", &bytes(5000, 6));
    let b = write(&v, "b.jpg", &bytes(5000, 7));
    v.run(&["attach", "1", a.to_str().unwrap(), b.to_str().unwrap()])
        .ok();
    v.run(&["exhibits", "delete", "JS/1", "--reason", "  "])
        .fails_with(2);
    v.run(&[
        "exhibits",
        "delete",
        "JS/1",
        "--reason",
        "photo of my child, not evidence",
    ])
    .ok();
    let list = v.run(&["exhibits", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2, "the record stays");
    assert_eq!(
        list[0]["deleted"]["reason"],
        "photo of my child, not evidence"
    );
    assert_eq!(list[0]["sha256"], sha256sum(&a));
    assert!(list[1]["deleted"].is_null());
    assert_eq!(att_files(&v).len(), 1, "the file is gone");
    v.run(&[
        "extract",
        "JS/1",
        "--out",
        v.tmp.path().join("x").to_str().unwrap(),
    ])
    .fails_with(2);
    v.run(&["exhibits", "delete", "JS/1", "--reason", "again"])
        .fails_with(2);
    assert!(
        v.run(&["exhibits"])
            .ok()
            .stdout
            .contains("[deleted: photo of my child, not evidence]")
    );
    // Numbers are never reused.
    v.run(&["attach", "1", a.to_str().unwrap()]).ok();
    assert_eq!(
        v.run(&["exhibits", "--json"]).ok().json()[2]["label"],
        "JS/3"
    );
    assert!(
        v.run(&["check"])
            .ok()
            .stdout
            .contains("exhibits: 2 decrypted")
    );
}

/// A file whose length changes while it is read (here a /proc file, whose
/// size is reported as 0) is refused, and nothing is kept.
#[test]
fn a_file_that_changes_size_while_read_is_refused() {
    let v = vault_with_incident();
    let before = crate::util::snapshot(&v.dir);
    let out = v.run(&["attach", "1", "/proc/self/status"]).fails_with(2);
    assert!(out.stderr.contains("changed size"), "{}", out.stderr);
    assert_eq!(
        v.run(&["exhibits", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let after: Vec<_> = crate::util::snapshot(&v.dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(v.dir.join("att")))
        .collect();
    assert_eq!(after, before);
    assert!(att_files(&v).is_empty());
}

/// A file the user may not read. Root reads everything, so as root the CLI
/// runs with the permission-override capabilities dropped (util-linux setpriv).
#[test]
fn an_unreadable_file_is_refused_clearly() {
    use std::os::unix::fs::PermissionsExt;
    let v = vault_with_incident();
    let file = write(&v, "locked.jpg", b"cannot read me");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let before = crate::util::snapshot(&v.dir);
    let mut cmd = if crate::faults::is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--bounding-set",
            "-dac_override,-dac_read_search",
            "--",
            crate::util::bin(),
        ]);
        c
    } else {
        Command::new(crate::util::bin())
    };
    cmd.arg("--vault")
        .arg(&v.dir)
        .arg("--passphrase-file")
        .arg(&v.pass_file);
    cmd.args(["attach", "1"]).arg(&file);
    v.isolate(&mut cmd);
    let out = crate::util::run_with_stdin(cmd, "").fails_with(2);
    assert!(out.stderr.contains("permission denied"), "{}", out.stderr);
    assert_eq!(crate::util::snapshot(&v.dir), before);
}

/// Sets a file's modification time two hours back.
fn make_old(path: &std::path::Path) {
    assert!(
        Command::new("touch")
            .args(["-d", "2 hours ago"])
            .arg(path)
            .status()
            .unwrap()
            .success()
    );
}

/// An older copy of `vault.db` put back (a rollback) must not make the
/// sweep delete the encrypted files of the newer exhibits it no longer
/// lists: they are set aside, and come back with the newer copy.
#[test]
fn a_rolled_back_database_does_not_lose_newer_exhibit_files() {
    let v = vault_with_incident();
    let older = v.tmp.path().join("vault.db.older");
    std::fs::copy(v.db(), &older).unwrap();
    let file = write(&v, "photo.bin", &bytes(5000, 7));
    v.run(&["attach", "1", file.to_str().unwrap()]).ok();
    let newer = v.tmp.path().join("vault.db.newer");
    std::fs::copy(v.db(), &newer).unwrap();
    let files = att_files(&v);
    assert_eq!(files.len(), 1);
    make_old(&files[0]);
    std::fs::copy(&older, v.db()).unwrap();
    // Refused against this device's anchor before any clean-up...
    v.run(&["list"]).fails_with(4);
    assert!(files[0].exists());
    // ...and, with no anchor to tell (another device, or the owner accepts
    // the older copy), the clean-up still deletes nothing.
    v.run(&["check", "--accept-older"]).ok();
    let set_aside = v.dir.join("quarantine").join(files[0].file_name().unwrap());
    assert!(set_aside.exists(), "the newer exhibit's file was deleted");
    // Put back by hand with the newer database, the exhibit is whole.
    std::fs::rename(&set_aside, &files[0]).unwrap();
    std::fs::copy(&newer, v.db()).unwrap();
    let check = v.run(&["check"]).ok();
    assert!(
        check.stdout.contains("exhibits: 1 decrypted"),
        "{}",
        check.stdout
    );
}

/// The file of an exhibit whose deletion is logged is removed at the next
/// unlock, however young (a crash between logging and removing).
#[test]
fn the_file_of_a_logged_deletion_is_removed() {
    let v = vault_with_incident();
    let file = write(&v, "mistake.bin", &bytes(100, 1));
    v.run(&["attach", "1", file.to_str().unwrap()]).ok();
    let stored = att_files(&v)[0].clone();
    let copy = v.tmp.path().join("copy.ida");
    std::fs::copy(&stored, &copy).unwrap();
    v.run(&["exhibits", "delete", "1", "--reason", "attached by mistake"])
        .ok();
    std::fs::copy(&copy, &stored).unwrap();
    v.run(&["list"]).ok();
    assert!(!stored.exists());
    assert!(!v.dir.join("quarantine").exists());
}

/// A vault whose `att/` is a link to another folder is refused, and nothing
/// in that folder is touched.
#[test]
fn a_linked_attachment_folder_is_refused_and_its_target_untouched() {
    let v = vault_with_incident();
    let elsewhere = v.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let precious = elsewhere.join(format!("{}.ida", "12".repeat(16)));
    std::fs::write(&precious, b"someone else's file").unwrap();
    make_old(&precious);
    let att = v.dir.join("att");
    let _ = std::fs::remove_dir_all(&att);
    std::os::unix::fs::symlink(&elsewhere, &att).unwrap();
    let out = v.run(&["list"]).fails_with(4);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    v.run(&["check"]).fails_with(4);
    assert_eq!(std::fs::read(&precious).unwrap(), b"someone else's file");
}

/// A `quarantine/` planted as a link would carry set-aside files elsewhere:
/// the vault is refused instead.
#[test]
fn a_linked_quarantine_folder_is_refused() {
    let v = vault_with_incident();
    let elsewhere = v.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, v.dir.join("quarantine")).unwrap();
    let out = v.run(&["list"]).fails_with(4);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
}
