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
pub(super) const ATT_DIR: &str = "att";

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

    /// Cleans the attachment folder after an interrupted import or a logged
    /// deletion, deleting only what provably holds nothing anyone needs:
    ///
    /// - temporary files (`<id>.ida-tmp`) of a write that never finished;
    /// - files of an exhibit whose deletion is logged (`deleted` says so);
    ///
    /// and moving everything else that no live exhibit refers to (an
    /// interrupted import, a newer exhibit of a vault rolled back, a planted
    /// or unknown file, a link) into the vault's `quarantine/` folder, where
    /// `check` reports it. Only entries older than [`ORPHAN_AGE`] are
    /// touched: another program may be writing a younger one right now.
    /// Returns how many were deleted and how many set aside.
    pub fn sweep(
        &self,
        live: impl Fn(&[u8; 16]) -> bool,
        deleted: impl Fn(&[u8; 16]) -> bool,
        now: SystemTime,
    ) -> io::Result<(usize, usize)> {
        let entries = match fs::read_dir(self.att_dir()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, 0)),
            other => other?,
        };
        let (mut removed, mut set_aside) = (0, 0);
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?; // of the entry itself: links are not followed
            let old = meta
                .modified()
                .map(|t| now.duration_since(t).unwrap_or_default() >= ORPHAN_AGE)
                .unwrap_or(false);
            let name = entry.file_name().to_string_lossy().into_owned();
            let regular = meta.file_type().is_file();
            match Named::parse(&name) {
                Some(Named::File(id)) if regular && live(&id) => {}
                Some(Named::File(id)) if regular && deleted(&id) => {
                    fs::remove_file(entry.path())?;
                    removed += 1;
                }
                Some(Named::Temporary) if regular && old => {
                    fs::remove_file(entry.path())?;
                    removed += 1;
                }
                _ if old => {
                    self.quarantine(&entry.path(), &name)?;
                    set_aside += 1;
                }
                _ => {}
            }
        }
        Ok((removed, set_aside))
    }

    /// The vault's folder for files the sweep would not delete.
    pub fn quarantine_dir(&self) -> PathBuf {
        self.dir.join(QUARANTINE_DIR)
    }

    fn quarantine(&self, path: &std::path::Path, name: &str) -> io::Result<()> {
        let dir = self.quarantine_dir();
        if fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
            // A link or a file in its place: files would go elsewhere.
            return Err(io::Error::other("the quarantine folder is not a folder"));
        }
        durable::create_dir(&dir, true)?;
        let mut target = dir.join(name);
        while target.symlink_metadata().is_ok() {
            let tag = hex::encode(crate::crypto::random::bytes::<4>());
            target = dir.join(format!("{name}.{tag}"));
        }
        fs::rename(path, target)?;
        durable::sync_dir(&self.att_dir())
    }

    /// Names of the files set aside in `quarantine/`.
    pub fn quarantined(&self) -> io::Result<Vec<String>> {
        match fs::read_dir(self.quarantine_dir()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e),
            Ok(entries) => {
                let mut names = entries
                    .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect::<io::Result<Vec<_>>>()?;
                names.sort();
                Ok(names)
            }
        }
    }
}

/// Folder inside the vault for files the sweep sets aside.
pub(super) const QUARANTINE_DIR: &str = "quarantine";

/// What a name in the attachment folder says it is.
enum Named {
    /// `<32 hex>.ida` or `.idt`: a file of the exhibit with this id.
    File([u8; 16]),
    /// `<32 hex>.ida-tmp` or `.idt-tmp`: a write that did not finish.
    Temporary,
}

impl Named {
    fn parse(name: &str) -> Option<Named> {
        let id = |stem: &str| -> Option<[u8; 16]> {
            if stem.len() != 32 || !stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return None;
            }
            hex::decode(stem).ok()?.try_into().ok()
        };
        for kind in [AttFile::Original, AttFile::Thumbnail] {
            let ext = kind.ext();
            if let Some(stem) = name.strip_suffix(&format!(".{ext}")) {
                return id(stem).map(Named::File);
            }
            if let Some(stem) = name.strip_suffix(&format!(".{ext}-tmp")) {
                return id(stem).map(|_| Named::Temporary);
            }
        }
        None
    }
}
