//! What an officer, a court or the owner is handed: signatures and
//! evidence bundles to verify.

use std::path::Path;
use std::sync::OnceLock;

use super::Scratch;

/// An export signature as `verify` reads it: never a panic, and one that
/// verifies is the signature the key made, however it is wrapped.
pub fn sshsig(data: &[u8]) {
    use crate::crypto::secret::SecretKey;
    use crate::crypto::sshsig::{NAMESPACE, Signer};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let signer = Signer::derive(&SecretKey::from_bytes([7; 32]));
    let public = signer.public();
    let _ = crate::crypto::sshsig::PublicKey::parse_openssh(text);
    if public.verify(NAMESPACE, b"SHA256SUMS", text).is_ok() {
        let canonical = signer.sign(NAMESPACE, b"SHA256SUMS");
        let body = |t: &str| -> String {
            t.lines()
                .filter(|l| !l.starts_with("-----"))
                .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
                .collect()
        };
        assert_eq!(body(text), body(&canonical), "a second signature verified");
    }
}

/// The signature layer's words for the real bundles the fuzzer starts
/// from (the v1 and v2 fixtures), verified once.
fn seed_signers() -> &'static [String] {
    static SIGNERS: OnceLock<Vec<String>> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let seeds = [
            &include_bytes!("../../tests/data/v1/bundle.zip")[..],
            &include_bytes!("../../tests/data/v2/bundle.zip")[..],
        ];
        let dir = Scratch::new().expect("a temporary folder");
        seeds
            .iter()
            .filter_map(|seed| {
                let path = dir.file("seed.zip", seed)?;
                let report = crate::export::verify::verify_bundle(&path).ok()?;
                signature_words(&report)
            })
            .collect()
    })
}

fn signature_words(report: &crate::export::verify::VerifyReport) -> Option<String> {
    report
        .layers
        .iter()
        .find(|l| l.name == "signature" && l.ok)
        .map(|l| l.detail.clone())
}

/// Any bytes as an evidence bundle (`.zip`) to verify: bounded, never a
/// panic, and verified only when signed by a key that signed a real bundle
/// (no signature can be made without one; the zip around the same files
/// may differ).
pub fn bundle_zip(data: &[u8]) {
    let Some(dir) = Scratch::new() else { return };
    let Some(path) = dir.file("bundle.zip", data) else {
        return;
    };
    verified_only_by_a_seed_key(&path);
}

fn verified_only_by_a_seed_key(path: &Path) {
    if let Ok(report) = crate::export::verify::verify_bundle(path)
        && report.ok()
    {
        let words = signature_words(&report).expect("a verified bundle has a signature layer");
        assert!(
            seed_signers().contains(&words),
            "verified, signed by {words}"
        );
    }
}

/// The files of a real bundle folder (`tests/data/<version>/bundle`), by
/// path inside it, sorted.
fn seed_folder(version: &str) -> &'static [(String, Vec<u8>)] {
    static V1: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    static V2: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    let cell = if version == "v1" { &V1 } else { &V2 };
    cell.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(version)
            .join("bundle");
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        files.sort();
        files
    })
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir)
        .expect("the seed bundle is there")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            out.push((name, std::fs::read(&path).expect("readable")));
        }
    }
}

/// A real bundle folder with one of its files replaced by any bytes (the
/// first byte picks the bundle and the file): `verify` never panics, and
/// passes only when nothing it vouches for changed. What it vouches for is
/// every file `SHA256SUMS` lists, `SHA256SUMS` itself (signed), and the
/// signature, up to its armour's line breaks; `allowed_signers` and the
/// README only say how to check by hand.
pub fn bundle_folder(data: &[u8]) {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let files = seed_folder(if pick & 0x80 == 0 { "v1" } else { "v2" });
    let (name, original) = &files[usize::from(pick & 0x7f) % files.len()];
    let Some(dir) = Scratch::new() else { return };
    let root = dir.path().join("bundle");
    for (path, bytes) in files {
        let full = root.join(path);
        let written = std::fs::create_dir_all(full.parent().expect("in the folder"))
            .and_then(|()| std::fs::write(&full, if path == name { content } else { bytes }));
        if written.is_err() {
            return;
        }
    }
    let Ok(report) = crate::export::verify::verify_bundle(&root) else {
        return;
    };
    if !report.ok() || content == &original[..] {
        return;
    }
    let unarmoured = |bytes: &[u8]| -> String {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect()
    };
    match name.as_str() {
        signature if signature.ends_with(".sig") => assert_eq!(
            unarmoured(content),
            unarmoured(original),
            "another signature verified"
        ),
        "allowed_signers" | "README.txt" => {}
        other => panic!("{other} changed and the bundle still verifies"),
    }
}
