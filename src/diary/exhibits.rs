//! Exhibits: attaching files, extracting the originals, checking them.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use super::Diary;
use super::incidents::{new_id, require_reason};
use super::thumbnails::{CopyingReader, wants_thumbnail};
use crate::crypto::SecretKey;
use crate::crypto::stream::{self, StreamError};
use crate::durable;
use crate::error::{Error, Result};
use crate::file_claims::{self, PEEK_LEN};
use crate::model::exhibit::{self, Exhibit, FileKey};
use crate::model::exhibit_key::key_commitment;
use crate::model::{Event, ExhibitAttached, ExhibitKey, Id};
use crate::state::ExhibitRecord;
use crate::store::{AttFile, Durability};
use crate::write_behind::WriteBehind;

/// A file about to become an exhibit.
pub(super) struct Source {
    /// The incident, or the conversation, it belongs to.
    pub owner: Id,
    /// Its number.
    pub number: u32,
    /// Its name on the device.
    pub original_name: String,
    /// Its size, as the file system (or the archive) says: any other size
    /// read refuses it.
    pub size: u64,
    /// What the victim says it is.
    pub description: String,
}

/// The id and number given to a new exhibit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExhibitRef {
    /// Random id.
    pub id: Id,
    /// Number in order of adding (`JS/<number>`).
    pub number: u32,
}

/// An exhibit that failed `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExhibitFault {
    /// Exhibit label, e.g. `JS/3`.
    pub label: String,
    /// What is wrong.
    pub problem: String,
}

fn file_error(path: &Path, err: io::Error) -> Error {
    match err.kind() {
        io::ErrorKind::NotFound => Error::NotFound {
            what: "file",
            key: path.display().to_string(),
        },
        io::ErrorKind::PermissionDenied => Error::invalid(
            "file",
            format!("{} cannot be read (permission denied)", path.display()),
        ),
        _ => Error::invalid("file", format!("{} cannot be read: {err}", path.display())),
    }
}

/// Opens a file to attach: its reader, its metadata, and its first bytes
/// (already read from the reader), from which its type is told.
fn open_source(path: &Path) -> Result<(BufReader<File>, fs::Metadata, Vec<u8>)> {
    let meta = fs::metadata(path).map_err(|e| file_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::invalid(
            "file",
            format!("{} is a folder, not a file", path.display()),
        ));
    }
    let mut file = BufReader::with_capacity(
        256 * 1024,
        File::open(path).map_err(|e| file_error(path, e))?,
    );
    let mut head = Vec::with_capacity(PEEK_LEN);
    (&mut file)
        .take(PEEK_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| file_error(path, e))?;
    Ok((file, meta, head))
}

fn stream_error(err: StreamError) -> Error {
    match err {
        StreamError::Io(e) => Error::from(e),
        StreamError::TooLarge => Error::invalid("file", "is too large"),
        other => Error::Damaged(other.to_string()),
    }
}

impl Diary {
    /// Encrypts the file at `path` into the vault as the next exhibit of
    /// `incident`. The file is read once: its type and EXIF claims come from
    /// the first bytes, its SHA-256 from the same pass that encrypts it. The
    /// exhibit exists only once its event is committed, after the encrypted
    /// file is durable.
    pub fn attach(&mut self, incident: Id, path: &Path, description: &str) -> Result<ExhibitRef> {
        self.attach_observed(incident, path, description, &mut |_| {})
    }

    /// [`Diary::attach`], calling `progress` with the number of bytes read
    /// so far (every few megabytes, and at the end), for a progress bar.
    pub fn attach_observed(
        &mut self,
        incident: Id,
        path: &Path,
        description: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ExhibitRef> {
        // Checked before the (possibly long) import; the event is checked again on commit.
        self.open_for_exhibits(incident)?;
        let (mut file, meta, head) = open_source(path)?;
        let original_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = Source {
            owner: incident,
            number: self.state.exhibits().len() as u32 + 1,
            original_name,
            size: meta.len(),
            description: description.to_string(),
        };
        let (attached, file_key) = self.seal_file(source, head, &mut file, progress)?;
        let (id, number) = (attached.id, attached.exhibit.number);
        if let Err(err) = self.commit_exhibit(attached, file_key) {
            let _ = self.store.remove_attachment(&id.0);
            return Err(err);
        }
        Ok(ExhibitRef { id, number })
    }

    /// Encrypts `size` bytes (`head`, already read, then the rest from
    /// `rest`) into the vault as the file of a new exhibit, and makes its
    /// record, not yet committed: the caller commits it, or removes the file
    /// with `store.remove_attachment` when it cannot. The bytes are read
    /// once: type and EXIF claims come from `head`, the SHA-256 from the
    /// same pass that encrypts them.
    pub(super) fn seal_file(
        &self,
        source: Source,
        head: Vec<u8>,
        rest: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(ExhibitAttached, FileKey)> {
        let id = new_id();
        let key = SecretKey::random();
        let media_type = file_claims::media_type(&head);
        let wants_thumb = wants_thumbnail(&media_type, source.size);
        // The original passes through memory once; a photo's copy is kept
        // for its thumbnail (wiped on drop), so the file is read only once.
        let mut copy = Zeroizing::new(Vec::with_capacity(if wants_thumb {
            source.size as usize
        } else {
            0
        }));
        let store = &self.store;
        let digest = store.put_attachment(&id.0, AttFile::Original, |out| {
            let mut input = CopyingReader::new(
                Observed {
                    inner: io::Cursor::new(&head).chain(rest.take(source.size + 1)),
                    read: 0,
                    reported: 0,
                    progress: &mut *progress,
                },
                wants_thumb.then_some(&mut copy),
            );
            let digest = stream::seal(&key, &id.0, &mut input, &mut WriteBehind::new(out))
                .map_err(stream_error)?;
            if digest.size != source.size {
                return Err(Error::invalid(
                    "file",
                    "the file changed size while it was being read; nothing was saved",
                ));
            }
            Ok(digest)
        })?;
        let file_key = FileKey::new(*key.expose_secret());
        let thumbnail_sha256 = if wants_thumb && copy.len() as u64 == digest.size {
            self.store_thumbnail(&id.0, &file_key, &copy)
        } else {
            None
        };
        drop(copy);
        let exhibit = Exhibit {
            incident: source.owner,
            number: source.number,
            original_name: source.original_name,
            size: digest.size,
            sha256: digest.sha256,
            media_type,
            description: source.description,
            claims: file_claims::claims(&head),
        };
        let attached = ExhibitAttached {
            id,
            key_commitment: key_commitment(&id, &file_key),
            exhibit,
            thumbnail_sha256,
        };
        Ok((attached, file_key))
    }

    /// Commits an exhibit whose file is in place: its record, which
    /// commits to the key, and the key in the row after, so an export can
    /// disclose the record and never the key.
    fn commit_exhibit(&mut self, attached: ExhibitAttached, file_key: FileKey) -> Result<()> {
        attached.exhibit.validate()?;
        let key = ExhibitKey {
            id: attached.id,
            file_key,
        };
        let events = vec![Event::ExhibitAttach(attached), Event::ExhibitKey(key)];
        self.commit(events, Durability::Full)
    }

    /// Refuses an incident that does not exist or was withdrawn.
    fn open_for_exhibits(&self, incident: Id) -> Result<()> {
        let rec = self
            .state
            .incident(incident)
            .ok_or_else(|| Error::NotFound {
                what: "incident",
                key: incident.to_hex(),
            })?;
        if rec.withdrawn.is_some() {
            return Err(Error::invalid(
                "incident",
                "was withdrawn; exhibits cannot be added to it",
            ));
        }
        Ok(())
    }

    /// The exhibit label (`JS/3`) of a number, with the case's prefix.
    pub fn exhibit_label(&self, number: u32) -> String {
        exhibit::label(&self.state.case().exhibit_prefix, number)
    }

    /// Finds an exhibit by label (`JS/3`, `JS_3` or `3`).
    pub fn find_exhibit(&self, label: &str) -> Result<&ExhibitRecord> {
        exhibit::parse_label(label)
            .and_then(|n| self.state.exhibit(n))
            .ok_or_else(|| Error::NotFound {
                what: "exhibit",
                key: label.to_string(),
            })
    }

    /// Writes the original bytes of exhibit `number` to `out`, checking them
    /// against the recorded SHA-256 as they are written. The result appears
    /// under `out` only when complete and verified. An existing `out` is
    /// replaced only with `replace`.
    pub fn extract(&self, number: u32, out: &Path, replace: bool) -> Result<()> {
        let rec = self.exhibit_by_number(number)?;
        if out.exists() && !replace {
            return Err(Error::invalid(
                "out",
                format!("{} already exists", out.display()),
            ));
        }
        let tmp = durable::partial_sibling(out);
        // Declared before the file: dropped after it (see `Diary::mark_output`).
        let _mark = self.mark_output(&tmp);
        let mut partial = durable::Partial::create(&tmp)
            .map_err(|e| Error::invalid("out", format!("cannot write {}: {e}", tmp.display())))?;
        self.open_exhibit(rec, &mut WriteBehind::new(partial.writer()))?;
        // The user's folder: the file is whole and in place even where the
        // folder itself cannot be fsynced (some USB sticks, network shares).
        partial.commit(out, durable::FolderSync::BestEffort)?;
        Ok(())
    }

    /// Deletes an exhibit at the victim's explicit request: the deletion is
    /// logged with its reason, the record (number, name, hash) stays, and the
    /// encrypted file is removed.
    pub fn delete_exhibit(&mut self, number: u32, reason: &str) -> Result<()> {
        require_reason(reason)?;
        let id = self.exhibit_by_number(number)?.id;
        self.commit(
            vec![Event::ExhibitDelete {
                id,
                reason: reason.to_string(),
            }],
            Durability::Full,
        )?;
        // Logged first: a crash here leaves the file of a logged deletion,
        // which the sweep at a later unlock deletes.
        let _ = self.store.remove_attachment(&id.0);
        Ok(())
    }

    pub(super) fn exhibit_by_number(&self, number: u32) -> Result<&ExhibitRecord> {
        let rec = self.state.exhibit(number).ok_or_else(|| Error::NotFound {
            what: "exhibit",
            key: self.exhibit_label(number),
        })?;
        if rec.deleted.is_some() {
            return Err(Error::invalid(
                "exhibit",
                "was deleted; only its record remains",
            ));
        }
        Ok(rec)
    }

    /// Decrypts an exhibit into `out`, failing unless size and hash match.
    pub(super) fn open_exhibit(&self, rec: &ExhibitRecord, out: &mut impl Write) -> Result<()> {
        let file = self.exhibit_file(rec)?;
        self.open_exhibit_from(rec, &mut BufReader::with_capacity(256 * 1024, file), out)
    }

    /// The encrypted file of an exhibit; a missing one is damage.
    pub(super) fn exhibit_file(&self, rec: &ExhibitRecord) -> Result<File> {
        self.store
            .open_attachment(&rec.id.0, AttFile::Original)
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => Error::Damaged(format!(
                    "exhibit {}: its file is missing",
                    self.exhibit_label(rec.exhibit.number)
                )),
                _ => Error::Storage(e.to_string()),
            })
    }

    /// [`Diary::open_exhibit`] from the encrypted bytes in `input`.
    pub(super) fn open_exhibit_from(
        &self,
        rec: &ExhibitRecord,
        input: &mut impl Read,
        out: &mut impl Write,
    ) -> Result<()> {
        let label = self.exhibit_label(rec.exhibit.number);
        let damaged = |problem: &str| Error::Damaged(format!("exhibit {label}: {problem}"));
        let key = SecretKey::from_bytes(*self.file_key(rec)?.expose_secret());
        let digest = stream::open(&key, &rec.id.0, input, out).map_err(|e| match e {
            StreamError::Io(e) => Error::from(e),
            StreamError::WrongAttachment => damaged("its file was swapped with another exhibit's"),
            other => damaged(&other.to_string()),
        })?;
        if digest.size != rec.exhibit.size || digest.sha256 != rec.exhibit.sha256 {
            return Err(damaged(
                "the decrypted file does not match its recorded SHA-256",
            ));
        }
        Ok(())
    }

    /// The key of a live exhibit's file.
    fn file_key(&self, rec: &ExhibitRecord) -> Result<&FileKey> {
        self.file_keys
            .get(rec.id)
            .ok_or_else(|| Error::invalid("exhibit", "was deleted; only its record remains"))
    }

    /// Decrypts and hashes every exhibit that was not deleted.
    pub fn check_exhibits(&self) -> Result<(usize, Vec<ExhibitFault>)> {
        let mut faults = Vec::new();
        let mut checked = 0;
        for rec in self.state.exhibits().iter().filter(|e| e.deleted.is_none()) {
            checked += 1;
            match self.open_exhibit(rec, &mut io::sink()) {
                Ok(()) => {}
                Err(Error::Damaged(problem)) => faults.push(ExhibitFault {
                    label: self.exhibit_label(rec.exhibit.number),
                    problem: problem
                        .split_once(": ")
                        .map(|(_, p)| p.to_string())
                        .unwrap_or(problem),
                }),
                Err(other) => return Err(other),
            }
        }
        Ok((checked, faults))
    }

    /// Cleans the attachment folder (see `Store::sweep`): deletes only
    /// unfinished temporary files and the files of exhibits whose deletion
    /// is logged; sets anything else unreferenced aside in `quarantine/`.
    /// Best effort: a folder that cannot be cleaned does not stop an unlock.
    pub(super) fn sweep_attachments(&self) {
        let ids = |deleted: bool| -> std::collections::HashSet<[u8; 16]> {
            self.state
                .exhibits()
                .iter()
                .filter(|e| e.deleted.is_some() == deleted)
                .map(|e| e.id.0)
                .collect()
        };
        let (live, deleted) = (ids(false), ids(true));
        let now = std::time::SystemTime::from(self.clock.now());
        let _ = self
            .store
            .sweep(|id| live.contains(id), |id| deleted.contains(id), now);
    }

    /// Names of the files set aside in the vault's `quarantine/` folder.
    pub fn quarantined(&self) -> Result<Vec<String>> {
        Ok(self.store.quarantined()?)
    }
}

/// Passes reads through, telling `progress` how far it got every 4 MiB and
/// at the end of the input.
struct Observed<'a, R> {
    inner: R,
    read: u64,
    reported: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Observed<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 || self.read - self.reported >= 4 << 20 {
            self.reported = self.read;
            (self.progress)(self.read);
        }
        Ok(n)
    }
}
