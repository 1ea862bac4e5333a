//! Where an export's files go: a directory, or one folder inside a `.zip`.
//!
//! Everything is written under a temporary name next to the destination and
//! moved into place only when complete, so a failed or killed export never
//! leaves something that looks like a finished bundle. Each file's SHA-256
//! and size are computed as it is written, for `SHA256SUMS`.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::bundle::FileEntry;
use crate::durable;
use crate::error::{Error, Result};
use crate::hashing::Hashing;

/// How a file is stored in a zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// Media: already compressed, stored as is.
    Stored,
    /// Text and JSON: deflated.
    Deflated,
}

enum Target {
    Dir,
    Zip {
        zip: Box<zip::ZipWriter<BufWriter<File>>>,
        folder: String,
    },
}

/// A bundle being written.
pub struct Sink {
    target: Target,
    /// The temporary name everything is written under.
    tmp: PathBuf,
    out: PathBuf,
    modified: zip::DateTime,
    written: Vec<FileEntry>,
    done: bool,
}

/// The bundle holds the diary in plain text: only the user may read it.
fn private_file(path: &Path) -> io::Result<File> {
    durable::create_file(path)
}

fn private_dir(path: &Path) -> io::Result<()> {
    durable::create_dir(path, false)
}

/// I/O errors keep their kind, so a full disk is reported as one.
fn io(err: io::Error) -> Error {
    Error::from(err)
}

fn zip_error(err: zip::result::ZipError) -> Error {
    match err {
        zip::result::ZipError::Io(e) => io(e),
        other => Error::Storage(other.to_string()),
    }
}

impl Sink {
    /// Starts a bundle at `out`, written under the temporary name `tmp`
    /// beside it: a zip holding `folder/` when `out` ends in `.zip`, else a
    /// directory. Refuses an existing `out`.
    pub fn create(
        out: &Path,
        tmp: &Path,
        folder: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Sink> {
        if out.exists() {
            return Err(Error::invalid(
                "out",
                format!("{} already exists; choose a new name", out.display()),
            ));
        }
        if out.file_name().is_none() {
            return Err(Error::invalid("out", "the output path has no file name"));
        }
        let tmp = tmp.to_path_buf();
        let is_zip = out
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"));
        let target = if is_zip {
            let file = private_file(&tmp).map_err(|e| {
                Error::invalid("out", format!("cannot write {}: {e}", out.display()))
            })?;
            let zip = zip::ZipWriter::new(BufWriter::with_capacity(256 * 1024, file));
            Target::Zip {
                zip: Box::new(zip),
                folder: folder.to_string(),
            }
        } else {
            private_dir(&tmp).map_err(|e| {
                Error::invalid("out", format!("cannot write {}: {e}", out.display()))
            })?;
            Target::Dir
        };
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(now.year()).unwrap_or(1980),
            now.month() as u8,
            now.day() as u8,
            now.hour() as u8,
            now.minute() as u8,
            now.second() as u8,
        )
        .unwrap_or_default();
        Ok(Sink {
            target,
            tmp,
            out: out.to_path_buf(),
            modified,
            written: Vec::new(),
            done: false,
        })
    }

    /// Files written so far, in order.
    pub fn written(&self) -> &[FileEntry] {
        &self.written
    }

    /// Writes one file at `path` (inside the bundle) from `fill`, whose
    /// total size is about `size_hint` (zip64 is used only above 4 GiB).
    pub fn add(
        &mut self,
        path: &str,
        packing: Packing,
        size_hint: u64,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<FileEntry> {
        let entry = match &mut self.target {
            Target::Dir => {
                let full = self.tmp.join(path);
                if let Some(dir) = full.parent()
                    && !dir.exists()
                {
                    private_dir(dir).map_err(io)?;
                }
                let file = private_file(&full).map_err(io)?;
                let mut hashing = Hashing::new(BufWriter::with_capacity(256 * 1024, file));
                fill(&mut hashing)?;
                let (writer, size, sha256) = hashing.finish();
                let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
                file.sync_all().map_err(io)?;
                FileEntry {
                    path: path.to_string(),
                    size,
                    sha256: hex::encode(sha256),
                }
            }
            Target::Zip { zip, folder } => {
                let method = match packing {
                    Packing::Stored => CompressionMethod::Stored,
                    Packing::Deflated => CompressionMethod::Deflated,
                };
                let options = SimpleFileOptions::default()
                    .compression_method(method)
                    .last_modified_time(self.modified)
                    .unix_permissions(0o644)
                    .large_file(size_hint >= u64::from(u32::MAX) - 1024);
                zip.start_file(format!("{folder}/{path}"), options)
                    .map_err(zip_error)?;
                let mut hashing = Hashing::new(&mut **zip);
                fill(&mut hashing)?;
                let (_, size, sha256) = hashing.finish();
                FileEntry {
                    path: path.to_string(),
                    size,
                    sha256: hex::encode(sha256),
                }
            }
        };
        self.written.push(entry.clone());
        Ok(entry)
    }

    /// Writes a small file from bytes.
    pub fn add_bytes(&mut self, path: &str, packing: Packing, bytes: &[u8]) -> Result<FileEntry> {
        self.add(path, packing, bytes.len() as u64, |w| {
            w.write_all(bytes).map_err(io)
        })
    }

    /// Completes the bundle and moves it into place.
    pub fn finish(mut self) -> Result<PathBuf> {
        match std::mem::replace(&mut self.target, Target::Dir) {
            Target::Dir => {
                for dir in ["", "data", "exhibits"] {
                    if let Ok(d) = File::open(self.tmp.join(dir)) {
                        d.sync_all().map_err(io)?;
                    }
                }
            }
            Target::Zip { zip, .. } => {
                let writer = zip.finish().map_err(zip_error)?;
                let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
                file.sync_all().map_err(io)?;
            }
        }
        if self.out.exists() {
            return Err(Error::invalid(
                "out",
                format!("{} appeared while exporting", self.out.display()),
            ));
        }
        // The user's folder: the bundle is whole and in place even where the
        // folder itself cannot be fsynced.
        durable::publish(&self.tmp, &self.out, durable::FolderSync::BestEffort).map_err(io)?;
        self.done = true;
        Ok(self.out.clone())
    }
}

impl Drop for Sink {
    /// An unfinished bundle is removed: nothing half-written stays behind.
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.tmp).or_else(|_| fs::remove_file(&self.tmp));
        }
    }
}
