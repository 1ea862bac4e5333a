//! What must hold for every reader of bytes the diary did not write
//! (THREATS.md), as checks: each takes any bytes and panics only when a
//! promise breaks. The fuzz targets (`fuzz/`) run them on what libFuzzer
//! makes; the test command runs them on every crash or timeout ever found
//! and on the seeds (the tests below), so a fixed bug stays fixed. Built
//! for tests and with the `fuzzing` feature only: not part of the diary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::messages::{self, Chat, DateOrder};
use crate::model::{CaseProfile, Incident, Order, Person, RiskCheck, ValidationError};

/// A check: panics only when a promise breaks.
pub type Check = fn(&[u8]);

/// Every check, by the name of its fuzz target and of its folder of
/// regression inputs.
pub const CHECKS: &[(&str, Check)] = &[
    ("chat_text", chat_text),
    ("chat_file", chat_file),
    ("json_input", json_input),
    ("merge_patch", merge_patch),
    ("sshsig", sshsig),
    ("bundle_zip", bundle_zip),
];

/// A folder of its own under the system's temporary folder, removed when
/// dropped: where a check writes the bytes it reads back as a file.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Option<Scratch> {
        let name = format!(
            "id-fuzz-{}",
            hex::encode(crate::crypto::random::bytes::<8>())
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir).ok()?;
        Some(Scratch(dir))
    }

    /// `data` written as `name` in the folder.
    fn file(&self, name: &str, data: &[u8]) -> Option<PathBuf> {
        let path = self.0.join(name);
        std::fs::write(&path, data).ok()?;
        Some(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What holds of any chat a reader returns: every message and flagged
/// line is a line of the file, messages are in the file's order, a line
/// starts at most one message and is never both a message and flagged,
/// the bounds hold, and (WhatsApp, whose export adds them) no invisible
/// mark is left in a sender or a text. Other exports keep what was sent,
/// marks included: an email's zero-width space is the sender's own (the
/// fuzzer's first finding on `chat_file` was this check asking too much).
fn chat_holds(chat: &Chat, line_numbered: bool) {
    assert!(chat.messages.len() <= crate::model::chat::MAX_MESSAGES + messages::MAX_FLAGGED);
    assert!(chat.flagged.len() <= messages::MAX_FLAGGED + 1);
    assert!(chat.lines <= messages::MAX_LINES + 1);
    let mut last = 0;
    for m in &chat.messages {
        if line_numbered {
            assert!(
                m.line >= 1 && m.line <= chat.lines.max(1),
                "line {} of {}",
                m.line,
                chat.lines
            );
            assert!(m.line >= last, "messages out of the file's order");
            last = m.line;
        }
        let marks_removed = chat.format == "whatsapp";
        for text in [Some(&m.text), m.sender.as_ref()].into_iter().flatten() {
            assert!(
                !marks_removed || !text.contains(['\u{200e}', '\u{200f}', '\u{202f}', '\u{feff}']),
                "an invisible mark kept: {text:?}"
            );
        }
    }
    for f in &chat.flagged {
        assert!(
            f.line >= 1 && f.line <= chat.lines.max(1) + 1,
            "flagged line {} of {}",
            f.line,
            chat.lines
        );
        assert!(!f.reason.is_empty());
    }
}

/// The text readers on any bytes: WhatsApp (the order worked out, or
/// given either way), Telegram's JSON, SMS Backup & Restore's XML, email.
pub fn chat_text(data: &[u8]) {
    for given in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
        if let Ok(chat) = messages::whatsapp::parse(data, given) {
            chat_holds(&chat, true);
            // Each line starts one message at most, and a flagged line
            // starts none.
            let mut firsts: Vec<usize> = chat.messages.iter().map(|m| m.line).collect();
            firsts.dedup();
            assert_eq!(
                firsts.len(),
                chat.messages.len(),
                "two messages on one line"
            );
            for f in &chat.flagged {
                assert!(
                    firsts.binary_search(&f.line).is_err(),
                    "line {} both",
                    f.line
                );
            }
            if let Some(order) = given {
                assert_eq!(
                    chat.date_order,
                    Some(order),
                    "the order given is the order used"
                );
            }
        }
    }
    if let Ok(chat) = messages::telegram::parse(data) {
        chat_holds(&chat, false);
    }
    if let Ok(backup) = messages::sms::parse(data) {
        chat_holds(&backup.chat, true);
        assert_eq!(backup.media_of.len(), backup.chat.messages.len());
        assert!(
            backup
                .media_of
                .iter()
                .flatten()
                .all(|&i| i < backup.media.len())
        );
    }
    if let Ok(mail) = messages::email::parse(data) {
        chat_holds(&mail.chat, true);
        assert_eq!(mail.media_of.len(), mail.chat.messages.len());
        assert!(
            mail.media_of
                .iter()
                .flatten()
                .all(|&i| i < mail.media.len())
        );
    }
}

/// Any bytes as a file to import, the format told from the content and
/// the name: a `.zip` is opened as a chat archive (names, bombs, the chat
/// chosen), anything else read as whatever it looks like. Files linked to
/// messages are the archive's own, each named by a message.
pub fn chat_file(data: &[u8]) {
    let Some(dir) = Scratch::new() else { return };
    for name in ["export.zip", "chat.txt"] {
        let Some(path) = dir.file(name, data) else {
            return;
        };
        let Ok(read) = messages::read(&path, None, Some(DateOrder::Dmy)) else {
            continue;
        };
        chat_holds(&read.chat, read.chat.format != "telegram");
        assert_eq!(read.file_of.len(), read.chat.messages.len());
        for (m, file) in read.chat.messages.iter().zip(&read.file_of) {
            if let Some(i) = file {
                assert!(*i < read.files.len());
                assert!(
                    m.attachment.is_some(),
                    "a file linked to a message that names none"
                );
            }
        }
    }
}

/// What the CLI's `--json` and the app's forms give: read, checked, and
/// when valid written and read back to the same value.
pub fn json_input(data: &[u8]) {
    fn round_trip<T>(data: &[u8], validate: fn(&T) -> Result<(), ValidationError>)
    where
        T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        let Ok(value) = serde_json::from_slice::<T>(data) else {
            return;
        };
        if validate(&value).is_err() {
            return;
        }
        let written = serde_json::to_vec(&value).expect("a valid value always writes");
        let back: T = serde_json::from_slice(&written).expect("what was written reads back");
        assert_eq!(back, value);
    }
    round_trip::<Incident>(data, Incident::validate);
    round_trip::<Person>(data, Person::validate);
    round_trip::<Order>(data, Order::validate);
    round_trip::<CaseProfile>(data, CaseProfile::validate);
    round_trip::<RiskCheck>(data, RiskCheck::validate);
}

/// RFC 7386 on `[base, patch]`: applying a patch twice changes nothing
/// more, a patch that is not an object replaces, and no `null` of a patch
/// object is ever kept.
pub fn merge_patch(data: &[u8]) {
    let Ok(Value::Array(pair)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let [base, patch] = <[Value; 2]>::try_from(pair).unwrap_or([Value::Null, Value::Null]);
    let mut once = base;
    crate::merge_patch::merge(&mut once, patch.clone());
    if !patch.is_object() {
        assert_eq!(once, patch);
        return;
    }
    let mut twice = once.clone();
    crate::merge_patch::merge(&mut twice, patch.clone());
    assert_eq!(once, twice, "a merge patch is idempotent");
    fn nulls_gone(result: &Value, patch: &Value) {
        if let (Value::Object(r), Value::Object(p)) = (result, patch) {
            for (key, value) in p {
                match value {
                    Value::Null => assert!(!r.contains_key(key), "{key} kept as null"),
                    Value::Object(_) => nulls_gone(&r[key], value),
                    _ => assert_eq!(&r[key], value),
                }
            }
        }
    }
    nulls_gone(&once, &patch);
}

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
            &include_bytes!("../tests/data/v1/bundle.zip")[..],
            &include_bytes!("../tests/data/v2/bundle.zip")[..],
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The files under `dir`, in folders and through links (the seeds
    /// link to the fixtures), as libFuzzer reads a corpus.
    fn files(dir: &Path) -> Vec<std::path::PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    /// Every input kept in `fuzz/regressions/<check>/` (each a crash or
    /// timeout a fuzzer found, with its fix) and every seed of
    /// `fuzz/seeds/<check>/`, through its check.
    #[test]
    fn every_input_ever_found_still_holds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut ran = 0;
        for (name, check) in super::CHECKS {
            for kind in ["regressions", "seeds"] {
                for file in files(&root.join(kind).join(name)) {
                    let data = std::fs::read(&file).unwrap();
                    let run = std::panic::catch_unwind(|| check(&data));
                    assert!(run.is_ok(), "{}", file.display());
                    ran += 1;
                }
            }
        }
        assert!(ran > 0, "no inputs found under {}", root.display());
    }
}
