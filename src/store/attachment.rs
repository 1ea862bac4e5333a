//! Attachment files beside the database: `att/<32 hex>.ida` holds an
//! exhibit's encrypted original, `att/<32 hex>.idt` the encrypted thumbnail
//! of a photo (a derived copy for the app and the report, made at import).
//!
//! A file is written under a temporary name, fsynced, renamed into place and
//! the folder fsynced, all before the log event that references it is
//! committed; so a referenced file is always complete, and a crash leaves at
//! worst an unreferenced file, removed at a later unlock.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::Store;

/// Folder of the attachment files inside the vault.
const ATT_DIR: &str = "att";

/// The two files an exhibit can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttFile {
    /// The encrypted original (`.ida`).
    Original,
    /// The encrypted thumbnail of a photo (`.idt`).
    Thumbnail,
}

impl AttFile {
    fn ext(self) -> &'static str {
        match self {
            AttFile::Original => "ida",
            AttFile::Thumbnail => "idt",
        }
    }
}

/// Unreferenced files younger than this are left alone at unlock: another
/// program may be importing them right now.
pub const ORPHAN_AGE: Duration = Duration::from_secs(10 * 60);

use crate::durable;

impl Store {
    fn att_dir(&self) -> PathBuf {
        self.dir.join(ATT_DIR)
    }

    /// Where file `kind` of attachment `id` lives.
    pub fn attachment_path(&self, id: &[u8; 16], kind: AttFile) -> PathBuf {
        self.att_dir()
            .join(format!("{}.{}", hex::encode(id), kind.ext()))
    }

    /// Writes file `kind` of attachment `id` through `write`, then makes it
    /// durable and visible under its final name. On any error nothing is
    /// left behind.
    pub fn put_attachment<T, E: From<io::Error>>(
        &self,
        id: &[u8; 16],
        kind: AttFile,
        write: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
    ) -> Result<T, E> {
        // Owner-only, like the vault folder itself.
        durable::create_dir(&self.att_dir(), true)?;
        let tmp = self
            .att_dir()
            .join(format!("{}.{}-tmp", hex::encode(id), kind.ext()));
        let path = self.attachment_path(id, kind);
        durable::write_file(&tmp, &path, durable::FolderSync::Required, write)
    }

    /// Opens file `kind` of attachment `id` for reading.
    pub fn open_attachment(&self, id: &[u8; 16], kind: AttFile) -> io::Result<File> {
        File::open(self.attachment_path(id, kind))
    }

    /// Removes both files of attachment `id` (missing is fine).
    pub fn remove_attachment(&self, id: &[u8; 16]) -> io::Result<()> {
        for kind in [AttFile::Thumbnail, AttFile::Original] {
            match fs::remove_file(self.attachment_path(id, kind)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// Removes files in the attachment folder that `keep` does not want and
    /// that are older than [`ORPHAN_AGE`]: leftovers of interrupted imports
    /// and of deletions. Returns how many were removed.
    pub fn remove_orphans(
        &self,
        keep: impl Fn(&[u8; 16]) -> bool,
        now: SystemTime,
    ) -> io::Result<usize> {
        let entries = match fs::read_dir(self.att_dir()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            other => other?,
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let id = [AttFile::Original, AttFile::Thumbnail]
                .iter()
                .find_map(|kind| name.strip_suffix(&format!(".{}", kind.ext())))
                .and_then(|stem| hex::decode(stem).ok())
                .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok());
            if id.is_some_and(|id| keep(&id)) {
                continue;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| now.duration_since(t).unwrap_or_default() >= ORPHAN_AGE)
                .unwrap_or(false);
            if old && entry.file_type()?.is_file() {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}
