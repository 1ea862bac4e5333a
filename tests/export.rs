//! Export end to end: the bundle checked with the tools an officer has
//! (qpdf, pdfinfo, pdftotext, sha256sum, ssh-keygen, unzip), then tampered
//! with layer by layer.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Run, TINY_JPEG, Vault, ssh_verify};

const ARABIC: &str = "عمر الفاروق";
const POLISH: &str = "Łukasz Wójcik-Żółć";
// (poppler's pdftotext puts a space after a syllable with a vowel sign below,
// such as कु, though the PDF holds the right text: see README.)
const DEVANAGARI: &str = "अनन्या शर्मा";
const INJECTION: &str = "He wrote #import \"/etc/passwd\" and ] then $x^2$ #panic(\"boom\") *bold*";

fn tool(name: &str, args: &[&str], dir: &Path) -> Run {
    Run::from(
        Command::new(name)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("{name} must be installed (scripts/setup.sh): {e}")),
    )
}

/// A diary with people in three scripts, an order, a risk check, five
/// incidents (one amended, one withdrawn, one kept back from the officer
/// pack, one carrying markup-like text) and two exhibits.
fn diary() -> Vault {
    let v = Vault::new();
    v.run(&[
        "case",
        "set",
        "--exhibit-prefix",
        "JS",
        "--victim-name",
        "Jane Smith",
        "--crime-reference",
        "CR/2026/0042",
    ])
    .ok();
    let omar = v
        .run(&["person", "add", "--role", "perpetrator", "--name", ARABIC])
        .ok()
        .added_id("person");
    let lukasz = v
        .run(&["person", "add", "--role", "witness", "--name", POLISH])
        .ok()
        .added_id("person");
    let rajesh = v
        .run(&["person", "add", "--role", "witness", "--name", DEVANAGARI])
        .ok()
        .added_id("person");
    let order = v
        .run(&[
            "order",
            "add",
            "--type",
            "stalking_protection_order",
            "--reference",
            "SPO-7781",
            "--court",
            "Leeds Magistrates",
            "--made-on",
            "2026-02-20",
            "--condition",
            "Must not contact Jane Smith",
        ])
        .ok()
        .added_id("order");
    v.run(&[
        "risk",
        "add",
        "--date",
        "2026-03-06",
        "--answer",
        "very_frightened=yes",
        "--answer",
        "threats_of_violence=yes",
    ])
    .ok();
    let add = |json: serde_json::Value| v.add_json(&json.to_string());
    add(serde_json::json!({
        "occurred_at": "2026-03-02T08:10:00+00:00",
        "title": "Waiting outside the house",
        "narrative": "He was parked across the road when I left for work.",
        "behaviours": ["loitering", "watching"],
        "channels": ["in_person"],
        "perpetrators": [omar],
        "witnesses": [lukasz],
    }));
    add(serde_json::json!({
        "occurred_at": "2026-03-05T22:40:00+00:00",
        "title": "Threatening messages",
        "narrative": "Eleven messages. One said \"you will regret this\".",
        "behaviours": ["threats", "contact_unwanted"],
        "channels": ["text_message"],
        "perpetrators": [omar],
        "witnesses": [rajesh],
        "police": {"reported": true, "reference": "CR/2026/0042"},
        "breach": {"order": order, "condition": "Must not contact Jane Smith"},
    }));
    add(serde_json::json!({
        "occurred_at": "2026-03-09T13:00:00+00:00",
        "narrative": INJECTION,
        "behaviours": ["other"],
    }));
    add(serde_json::json!({
        "occurred_at": "2026-03-10T09:00:00+00:00",
        "narrative": "Entry made by mistake.",
    }));
    add(serde_json::json!({
        "occurred_at": "2026-03-11T09:00:00+00:00",
        "narrative": "Private note about my counselling session.",
        "exclude_from_officer_pack": true,
    }));
    crate::util::run_with_stdin(
        v.command(&[
            "amend",
            "1",
            "--json",
            "-",
            "--reason",
            "Remembered the car",
        ]),
        r#"{"location": "Outside 12 Elm Road", "identifiers_seen": ["AB12 CDE"]}"#,
    )
    .ok();
    v.run(&["withdraw", "4", "--reason", "Recorded by mistake"])
        .ok();
    let photo = v.tmp.path().join("car.jpg");
    fs::write(&photo, hex::decode(TINY_JPEG).unwrap()).unwrap();
    let letter = v.file("letter.txt", "Dear Jane, I will always find you.\n");
    v.run(&[
        "attach",
        "1",
        photo.to_str().unwrap(),
        "--description",
        "Photo of the car",
    ])
    .ok();
    v.run(&["attach", "2", letter.to_str().unwrap()]).ok();
    // An iPhone photo: typst cannot show HEIC, so the register says so.
    let heic = v.tmp.path().join("IMG_0007.HEIC");
    fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free").unwrap();
    v.run(&["attach", "2", heic.to_str().unwrap()]).ok();
    v
}

fn export(v: &Vault, name: &str, extra: &[&str]) -> PathBuf {
    let out = v.tmp.path().join(name);
    let mut args = vec!["export", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    v.run(&args).ok();
    out
}

fn verify(path: &Path) -> Run {
    let out = Command::new(crate::util::bin())
        .arg("verify")
        .arg(path)
        .output()
        .unwrap();
    Run::from(out)
}

fn pdf_text(pdf: &Path) -> String {
    let run = tool(
        "pdftotext",
        &["-layout", pdf.to_str().unwrap(), "-"],
        Path::new("."),
    );
    assert_eq!(run.code, 0, "pdftotext: {}", run.stderr);
    run.stdout
}

#[test]
fn officer_bundle_passes_every_standard_tool() {
    let v = diary();
    let out = export(&v, "bundle", &[]);
    let pdf = out.join("report.pdf");

    let qpdf = tool("qpdf", &["--check", pdf.to_str().unwrap()], &out);
    assert_eq!(qpdf.code, 0, "qpdf --check: {}{}", qpdf.stdout, qpdf.stderr);
    assert!(qpdf.stdout.contains("No syntax or stream encoding errors"));

    let info = tool("pdfinfo", &[pdf.to_str().unwrap()], &out);
    assert_eq!(info.code, 0);
    assert!(
        info.stdout.contains("Tagged:          yes"),
        "{}",
        info.stdout
    );
    // The viewer's title bar and recent-files list show the title: it
    // does not say what the report is about or what made it.
    assert!(
        info.stdout.contains("Title:           Report\n"),
        "{}",
        info.stdout
    );
    assert!(
        !info.stdout.to_lowercase().contains("diary"),
        "{}",
        info.stdout
    );
    let pages: u32 = info
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(pages >= 5, "{pages} pages");
    let meta = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()], &out);
    assert!(
        meta.stdout.contains("<pdfaid:part>3</pdfaid:part>"),
        "{}",
        meta.stdout
    );
    assert!(
        meta.stdout
            .contains("<pdfaid:conformance>U</pdfaid:conformance>")
    );
    // manifest.json is attached inside the PDF, byte for byte.
    let attached = v.tmp.path().join("attached.json");
    let detach = tool(
        "pdfdetach",
        &[
            "-save",
            "1",
            "-o",
            attached.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
        &out,
    );
    assert_eq!(detach.code, 0, "{}", detach.stderr);
    assert_eq!(
        fs::read(&attached).unwrap(),
        fs::read(out.join("manifest.json")).unwrap()
    );

    let text = pdf_text(&pdf);
    for needle in [
        ARABIC,
        POLISH,
        DEVANAGARI,
        "Page 1 of",
        "CR/2026/0042",
        INJECTION,
    ] {
        assert!(text.contains(needle), "the PDF text lacks {needle:?}");
    }
    // The withdrawn and kept-back entries are counted, not shown.
    assert!(text.contains("1 entry withdrawn by the victim"), "{text}");
    assert!(text.contains("1 entry kept back by the victim"));
    assert!(!text.contains("counselling"));
    assert!(text.contains("Remembered the car"));
    // Entries written long after the event say so, and the report says
    // where its times come from.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let days = chrono::Utc::now()
        .signed_duration_since(
            chrono::DateTime::parse_from_rfc3339("2026-03-05T22:40:00+00:00").unwrap(),
        )
        .num_days();
    assert!(
        [days, days - 1]
            .iter()
            .any(|d| flat.contains(&format!("recorded {d} days later"))),
        "no 'recorded {days} days later' in the report"
    );
    // (typst sets the apostrophe as a typographic one)
    assert!(
        flat.contains("comes from the clock of the victim"),
        "{flat}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let exhibits = manifest["exhibits"].as_array().unwrap();
    assert_eq!(exhibits.len(), 3);
    assert!(text.contains("No preview of this"), "{text}");
    for e in exhibits {
        let sha = e["sha256"].as_str().unwrap();
        assert!(text.contains(sha), "the PDF lacks exhibit hash {sha}");
    }
    // The integrity page names the manifest's SHA-256.
    let manifest_sum = tool("sha256sum", &["manifest.json"], &out);
    let manifest_sha = manifest_sum.stdout.split_whitespace().next().unwrap();
    assert!(
        text.contains(manifest_sha),
        "the PDF lacks the manifest hash"
    );
    // The exhibit files hold the original bytes.
    assert_eq!(
        fs::read(out.join("exhibits/JS_1.jpg")).unwrap(),
        hex::decode(TINY_JPEG).unwrap()
    );

    let sums = tool("sha256sum", &["-c", "SHA256SUMS"], &out);
    assert_eq!(sums.code, 0, "{}{}", sums.stdout, sums.stderr);
    let ssh = ssh_verify(&out);
    assert_eq!(ssh.code, 0, "{}{}", ssh.stdout, ssh.stderr);
    assert!(ssh.stdout.contains("Good \"incident-diary@v1\" signature"));

    let run = verify(&out);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for layer in ["signature", "sums", "chain", "entries", "exhibits"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with("PASS") && l.contains(layer)),
            "{layer}: {}",
            run.stdout
        );
    }
    // The fingerprint shown by export, verify, the PDF and ssh-keygen agree.
    let fingerprint = manifest["signing_key_fingerprint"].as_str().unwrap();
    assert!(run.stdout.contains(fingerprint));
    assert!(ssh.stderr.contains(fingerprint) || ssh.stdout.contains(fingerprint));
    assert!(text.contains(fingerprint));
}

#[test]
fn zip_bundle_tests_clean_and_verifies() {
    let v = diary();
    let zip = export(&v, "bundle.zip", &["--pack", "full"]);
    let t = tool("unzip", &["-t", zip.to_str().unwrap()], v.tmp.path());
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    let list = tool("unzip", &["-v", zip.to_str().unwrap()], v.tmp.path());
    let jpg = list
        .stdout
        .lines()
        .find(|l| l.contains("JS_1.jpg"))
        .unwrap();
    assert!(jpg.contains("Stored"), "{jpg}");
    let json = list
        .stdout
        .lines()
        .find(|l| l.contains("incidents.json"))
        .unwrap();
    assert!(json.contains("Defl"), "{json}");
    let run = verify(&zip);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The full pack shows the withdrawn and kept-back entries.
    let unpacked = v.tmp.path().join("unpacked");
    tool(
        "unzip",
        &[
            "-q",
            zip.to_str().unwrap(),
            "-d",
            unpacked.to_str().unwrap(),
        ],
        v.tmp.path(),
    );
    let folder = fs::read_dir(&unpacked)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Named as the zip is (a name the victim chose), not after the app.
    assert_eq!(folder.file_name().unwrap(), "bundle");
    let text = pdf_text(&folder.join("report.pdf"));
    assert!(text.contains("counselling"));
    assert!(text.contains("Withdrawn"));
    let sums = tool("sha256sum", &["-c", "SHA256SUMS"], &folder);
    assert_eq!(sums.code, 0);
}

#[test]
fn period_limits_what_is_exported_and_counts_the_rest() {
    let v = diary();
    let out = export(&v, "march", &["--from", "2026-03-04", "--to", "2026-03-09"]);
    let incidents: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/incidents.json")).unwrap()).unwrap();
    let numbers: Vec<u64> = incidents["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 3]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["outside_period"], 3);
    // The chain still lists every entry; only the disclosed ones carry content.
    let chain: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/chain.json")).unwrap()).unwrap();
    let rows = chain["rows"].as_array().unwrap();
    assert_eq!(
        rows.len() as u64,
        manifest["chain_length"].as_u64().unwrap()
    );
    // Disclosed: the two incidents' records, and the records of their
    // exhibits (which commit to the file keys and never hold them).
    let exhibit_records = manifest["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["record"].is_u64())
        .count();
    assert_eq!(exhibit_records, 2);
    assert_eq!(
        rows.iter().filter(|r| r["disclosed"] == true).count(),
        2 + exhibit_records
    );
    assert!(verify(&out).code == 0);
    let text = pdf_text(&out.join("report.pdf"));
    assert!(
        text.contains("3 entries outside the chosen period"),
        "{text}"
    );

    v.run(&[
        "export",
        "--out",
        "x",
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-01",
    ])
    .fails_with(2);
    v.run(&["export", "--out", "x", "--from", "yesterday"])
        .fails_with(2);
}

#[test]
fn export_refuses_an_existing_destination_and_leaves_nothing_behind() {
    let v = diary();
    let out = v.tmp.path().join("exists");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let run = v
        .run(&["export", "--out", out.to_str().unwrap()])
        .fails_with(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");
    let names: Vec<_> = fs::read_dir(v.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
}

/// Copies the bundle, applies `damage`, and returns `diary verify`'s run.
fn tampered(original: &Path, tmp: &Path, name: &str, damage: impl FnOnce(&Path)) -> (PathBuf, Run) {
    let copy = tmp.join(name);
    let status = Command::new("cp")
        .args(["-r", original.to_str().unwrap(), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    damage(&copy);
    let run = verify(&copy);
    (copy, run)
}

fn flip_byte(path: &Path, at_fraction: f64) {
    let mut bytes = fs::read(path).unwrap();
    let i = ((bytes.len() as f64 * at_fraction) as usize).min(bytes.len() - 1);
    bytes[i] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

fn assert_fails(run: &Run, layer: &str) {
    assert_eq!(run.code, 4, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("FAIL") && l.split_whitespace().nth(1) == Some(layer)),
        "expected the {layer} layer to fail:\n{}",
        run.stdout
    );
}

#[test]
fn every_kind_of_tampering_is_named_by_layer() {
    let v = diary();
    let good = export(&v, "bundle", &[]);
    let tmp = v.tmp.path();

    let (copy, run) = tampered(&good, tmp, "exhibit", |b| {
        flip_byte(&b.join("exhibits/JS_2.txt"), 0.5)
    });
    assert_fails(&run, "sums");
    assert_fails(&run, "exhibits");
    assert_ne!(
        tool("sha256sum", &["-c", "--quiet", "SHA256SUMS"], &copy).code,
        0
    );

    let (copy, run) = tampered(&good, tmp, "pdf", |b| flip_byte(&b.join("report.pdf"), 0.5));
    assert_fails(&run, "sums");
    assert_ne!(
        tool("sha256sum", &["-c", "--quiet", "SHA256SUMS"], &copy).code,
        0
    );

    // An edited narrative with SHA256SUMS recomputed to match: only the
    // signature and the chain can catch it.
    let (copy, run) = tampered(&good, tmp, "incidents", |b| {
        let path = b.join("data/incidents.json");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replacen("Eleven messages", "Twelve messages", 1),
        )
        .unwrap();
        let sums = tool("sha256sum", &["manifest.json"], b);
        assert_eq!(sums.code, 0);
        let listed = fs::read_to_string(b.join("SHA256SUMS")).unwrap();
        let fixed: Vec<String> = listed
            .lines()
            .map(|l| {
                let (_, file) = l.split_once("  ").unwrap();
                let out = tool("sha256sum", &[file], b);
                out.stdout.trim().to_string()
            })
            .collect();
        fs::write(b.join("SHA256SUMS"), fixed.join("\n") + "\n").unwrap();
    });
    assert_fails(&run, "signature");
    assert_fails(&run, "entries");
    assert_eq!(
        tool("sha256sum", &["-c", "--quiet", "SHA256SUMS"], &copy).code,
        0
    );
    assert_ne!(ssh_verify(&copy).code, 0);

    let (copy, run) = tampered(&good, tmp, "sums", |b| {
        flip_byte(&b.join("SHA256SUMS"), 0.3)
    });
    assert_fails(&run, "signature");
    assert_ne!(ssh_verify(&copy).code, 0);

    let (copy, run) = tampered(&good, tmp, "dropped", |b| {
        fs::remove_file(b.join("exhibits/JS_1.jpg")).unwrap()
    });
    assert_fails(&run, "sums");
    assert_fails(&run, "exhibits");
    assert_ne!(
        tool("sha256sum", &["-c", "--quiet", "SHA256SUMS"], &copy).code,
        0
    );

    let (_, run) = tampered(&good, tmp, "reordered", |b| {
        let path = b.join("data/chain.json");
        let mut chain: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        chain["rows"].as_array_mut().unwrap().swap(3, 4);
        fs::write(&path, serde_json::to_vec_pretty(&chain).unwrap()).unwrap();
    });
    assert_fails(&run, "chain");
    assert_fails(&run, "sums");

    let (_, run) = tampered(&good, tmp, "extra", |b| {
        fs::write(b.join("exhibits/JS_9.jpg"), "planted").unwrap()
    });
    assert_fails(&run, "sums");

    // What Finder or Explorer leave behind is not tampering.
    let (_, run) = tampered(&good, tmp, "browsed", |b| {
        fs::write(b.join(".DS_Store"), "finder").unwrap();
        fs::write(b.join("exhibits/Thumbs.db"), "explorer").unwrap();
    });
    assert_eq!(run.code, 0, "{}", run.stdout);

    let run = verify(&tmp.join("no-such-bundle"));
    assert_eq!(run.code, 5, "{}", run.stderr);
    let junk = tmp.join("junk.zip");
    fs::write(&junk, "not a zip").unwrap();
    assert_eq!(verify(&junk).code, 4);
}

#[test]
fn a_bundle_signed_by_another_diary_is_told_apart_by_its_key() {
    let a = diary();
    let b = Vault::new();
    b.add_json(&crate::util::incident_json(
        "2026-01-01T10:00:00Z",
        "other diary",
    ));
    let bundle_a = export(&a, "a", &[]);
    let bundle_b = export(&b, "b", &[]);
    let fp = |dir: &Path| -> String {
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        m["signing_key_fingerprint"].as_str().unwrap().to_string()
    };
    assert_ne!(fp(&bundle_a), fp(&bundle_b));
    // The same diary signs every export with the same key.
    let again = export(&a, "a2.zip", &[]);
    assert_eq!(verify(&again).code, 0);
    assert!(verify(&again).stdout.contains(&fp(&bundle_a)));
    // Swapping in another diary's signature is refused.
    fs::copy(
        bundle_b.join("SHA256SUMS.sig"),
        bundle_a.join("SHA256SUMS.sig"),
    )
    .unwrap();
    assert_fails(&verify(&bundle_a), "signature");
}

/// A diary with one incident and a `mib` MiB exhibit of random-looking bytes.
pub(crate) fn diary_with_big_exhibit(mib: usize) -> Vault {
    let v = Vault::new();
    v.add_json(&crate::util::incident_json(
        "2026-03-01T10:00:00Z",
        "video of him at the door",
    ));
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..mib << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let video = v.tmp.path().join("door.mp4");
    fs::write(&video, data).unwrap();
    v.run(&["attach", "1", video.to_str().unwrap()]).ok();
    fs::remove_file(&video).unwrap();
    v
}

#[test]
fn a_full_disk_fails_the_export_cleanly() {
    if !crate::faults::is_root() {
        eprintln!("SKIPPED: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let v = diary_with_big_exhibit(3);
    let mount_point = v.tmp.path().join("usb");
    let _disk = crate::faults::SmallDisk::mount(&mount_point, "2m").expect("mount a tmpfs");
    for name in ["bundle", "bundle.zip"] {
        let out = mount_point.join(name);
        let run = v.run(&["export", "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("disk is full"), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
        // Nothing is left: no bundle, no partial one.
        assert_eq!(fs::read_dir(&mount_point).unwrap().count(), 0);
    }
    v.run(&["check"]).ok();
}

#[test]
fn a_killed_export_leaves_no_bundle_and_the_next_one_succeeds() {
    let v = diary_with_big_exhibit(40);
    let out = v.tmp.path().join("bundle.zip");
    // 20 ms is always mid-run (the passphrase KDF alone takes longer); the
    // others land in the exhibit copy or the typesetting on most machines.
    crate::util::kill_during(
        &v,
        &["export", "--out", out.to_str().unwrap()],
        &out,
        &[20, 150, 400, 900],
    );
    // A killed export's plain-text copy is gone at the next unlock, before
    // any export is made again.
    let leftovers = || -> Vec<String> {
        fs::read_dir(v.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains("partial"))
            .collect()
    };
    v.run(&["list"]).ok();
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    // Killed while its plain-text copy is being written, beside the output
    // (a folder of the owner's choosing): that copy is gone at the next
    // unlock, before any export is made again.
    for name in ["bundle.zip", "bundle"] {
        let left = crate::util::kill_while_writing(
            v.command(&["export", "--out", v.tmp.path().join(name).to_str().unwrap()]),
            v.tmp.path(),
            &format!(".{name}.partial-"),
        );
        assert_eq!(left.len(), 1, "the kill left the partial copy: {left:?}");
        v.run(&["list"]).ok();
        assert!(
            !left[0].exists(),
            "{:?} lingers after the next unlock",
            left[0]
        );
    }
    // So is an extracted original's.
    let door = v.tmp.path().join("door.bin");
    let left = crate::util::kill_while_writing(
        v.command(&["extract", "1", "--out", door.to_str().unwrap()]),
        v.tmp.path(),
        ".door.bin.partial-",
    );
    assert_eq!(left.len(), 1, "{left:?}");
    v.run(&["list"]).ok();
    assert!(!left[0].exists() && !door.exists());
    v.run(&["export", "--out", out.to_str().unwrap()]).ok();
    assert_eq!(verify(&out).code, 0);
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    assert_eq!(
        fs::read_dir(v.dir.join("outputs")).unwrap().count(),
        0,
        "every note of a write in progress is gone with it"
    );
}

#[test]
fn bundle_files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let v = diary();
    let out = export(&v, "bundle", &[]);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in [out.clone(), out.join("data"), out.join("exhibits")] {
        assert_eq!(mode(&dir), 0o700, "{dir:?}");
    }
    for file in crate::util::walk(&out) {
        assert_eq!(mode(&file), 0o600, "{file:?}");
    }
    let zip = export(&v, "bundle.zip", &[]);
    assert_eq!(mode(&zip), 0o600);
}

#[test]
fn export_json_summary_matches_the_bundle() {
    let v = diary();
    let out = v.tmp.path().join("b.zip");
    let run = v
        .run(&["export", "--out", out.to_str().unwrap(), "--json"])
        .ok();
    let summary = run.json();
    assert_eq!(summary["path"], out.to_str().unwrap());
    assert_eq!(summary["incidents"], 3);
    assert_eq!(summary["exhibits"], 3);
    assert_eq!(summary["left_out"], 2);
    let fingerprint = summary["fingerprint"].as_str().unwrap();
    assert!(fingerprint.starts_with("SHA256:"));
    let verified = verify(&out);
    assert!(verified.stdout.contains(fingerprint), "{}", verified.stdout);
    assert_eq!(summary["chain_head"].as_str().unwrap().len(), 64);
}

/// Exhibit records are disclosed (they commit to the file key and never
/// hold it) and `verify` checks each exhibit against its entry in the
/// chain: a register changed in the manifest fails there too, not only at
/// the signature.
#[test]
fn exhibit_records_are_checked_against_the_chain_without_any_key() {
    let v = diary();
    let out = export(&v, "records", &[]);
    let records = fs::read_to_string(out.join("data/incidents.json")).unwrap();
    assert!(records.contains("exhibit.attach"), "{records}");
    for file in crate::util::walk(&out) {
        let bytes = fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("file_key"), "{file:?} holds a file key");
        assert!(
            !text.contains("exhibit.key"),
            "{file:?} discloses a key record"
        );
    }
    let passed = verify(&out).ok();
    assert!(
        passed
            .stdout
            .contains("exhibit records match their entries in the chain"),
        "{}",
        passed.stdout
    );
    let path = out.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    manifest["exhibits"][0]["description"] = "a different photo".into();
    fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let sums = tool("sha256sum", &["-c", "SHA256SUMS"], &out);
    assert_ne!(sums.code, 0);
    let out_run = verify(&out).fails_with(4);
    assert!(
        out_run
            .stdout
            .contains("does not match its record in the chain"),
        "{}",
        out_run.stdout
    );
}
