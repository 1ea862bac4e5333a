//! What must hold for every reader of bytes the diary did not write
//! (THREATS.md), as checks: each takes any bytes and panics only when a
//! promise breaks. The fuzz targets (`fuzz/`) run them on what libFuzzer
//! makes; the test command runs them on every crash or timeout ever found
//! and on the seeds (the tests below), so a fixed bug stays fixed. Built
//! for tests and with the `fuzzing` feature only: not part of the diary.

use std::path::PathBuf;

mod backup;
mod bundles;
mod chats;
mod files;
mod input;
#[cfg(feature = "report")]
mod report;
mod vault;

pub use backup::backup_reader;
pub use bundles::{bundle_folder, bundle_zip, sshsig};
pub use chats::{chat_file, chat_text};
pub use files::{file_claims, thumbnail};
pub use input::{json_input, merge_patch};
#[cfg(feature = "report")]
pub use report::typst_data;
pub use vault::{attachment_stream, sealed_record, vault_file};

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
    ("bundle_folder", bundle_folder),
    ("vault_file", vault_file),
    ("sealed_record", sealed_record),
    ("attachment_stream", attachment_stream),
    ("thumbnail", thumbnail),
    ("file_claims", file_claims),
    ("backup_reader", backup_reader),
    #[cfg(feature = "report")]
    ("typst_data", typst_data),
];

/// A folder of its own under the system's temporary folder, removed when
/// dropped: where a check writes the bytes it reads back as a file.
pub(crate) struct Scratch(PathBuf);

impl Scratch {
    pub(crate) fn new() -> Option<Scratch> {
        let name = format!(
            "id-fuzz-{}",
            hex::encode(crate::crypto::random::bytes::<8>())
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir).ok()?;
        Some(Scratch(dir))
    }

    /// The folder.
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// `data` written as `name` in the folder.
    pub(crate) fn file(&self, name: &str, data: &[u8]) -> Option<PathBuf> {
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
