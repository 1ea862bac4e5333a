//! `Diary::backup`: writing the backup file.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::manifest::{BACKUP_FORMAT, BACKUP_VERSION, Manifest};
use super::tar_out::TarOut;
use super::{MANIFEST, ROOT, SUMS, age_secret};
use crate::crypto::Passphrase;
use crate::crypto::chain::Hash;
use crate::error::{Error, Result};
use crate::model::Event;
use crate::store::{AttFile, DB_FILE, Durability, ORPHAN_AGE, SNAPSHOT_PREFIX};
use crate::{Diary, crypto};

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The file written.
    pub path: PathBuf,
    /// When it was made.
    pub created_at: DateTime<FixedOffset>,
    /// Log entries in it.
    pub log_entries: u64,
    /// Chain head of its last entry.
    pub chain_head: Hash,
    /// Exhibit files in it, each checked against its SHA-256 on the way.
    pub exhibits: usize,
    /// Size of the backup file in bytes.
    pub bytes: u64,
}

/// Passes reads through and copies every byte read into `copy`.
struct TeeReader<R, W> {
    inner: R,
    copy: W,
}

impl<R: Read, W: Write> Read for TeeReader<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Removes a file when dropped, unless disarmed.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// `b.age` -> `.b.age.partial` beside it: hidden, and never mistaken for a
/// backup. A leftover from a killed run is replaced by the next one.
fn partial_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.partial"))
}

/// Snapshots left by a backup that was killed, older than any running one.
fn remove_stale_snapshots(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= ORPHAN_AGE);
        if stale
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with(SNAPSHOT_PREFIX)
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Diary {
    /// Writes a backup of the whole vault to `out`, a new file, encrypted
    /// with `passphrase` in the age format (see the module docs). The diary
    /// stays open; a successful backup is recorded in the log.
    pub fn backup(&mut self, out: &Path, passphrase: &Passphrase) -> Result<BackupSummary> {
        if passphrase.is_empty() {
            return Err(Error::invalid("passphrase", "must not be empty"));
        }
        if out.exists() {
            return Err(Error::invalid(
                "out",
                format!("{} already exists; choose a new file name", out.display()),
            ));
        }
        // Include whatever another program (the app) committed meanwhile.
        self.reload()?;
        let now = self.clock.now();
        let dir = self.store.dir().to_path_buf();
        remove_stale_snapshots(&dir);
        let snapshot = dir.join(format!(
            "{SNAPSHOT_PREFIX}{}",
            hex::encode(crypto::random::bytes::<8>())
        ));
        let snapshot_guard = RemoveOnDrop(Some(snapshot.clone()));
        let (seq, head) = self.store.snapshot(&snapshot)?;
        let (our_seq, our_head) = self.chain_tip();
        if seq != our_seq || head.is_some_and(|h| h != our_head) {
            return Err(Error::Conflict);
        }
        let live: Vec<_> = self
            .state
            .exhibits()
            .iter()
            .filter(|e| e.deleted.is_none())
            .collect();
        let thumbnails: Vec<_> = live
            .iter()
            .filter(|e| {
                self.store
                    .attachment_path(&e.id.0, AttFile::Thumbnail)
                    .is_file()
            })
            .collect();
        let exhibits = live.len();
        let manifest = Manifest {
            format: BACKUP_FORMAT.into(),
            version: BACKUP_VERSION,
            created_at: now,
            vault_id: hex::encode(self.vault_id),
            log_entries: seq,
            chain_head: hex::encode(our_head),
            exhibit_files: live.len() as u64,
            thumbnail_files: thumbnails.len() as u64,
        };

        let partial = partial_path(out);
        let _ = fs::remove_file(&partial);
        let partial_guard = RemoveOnDrop(Some(partial.clone()));
        let file = crate::private_fs::create_file(&partial).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => Error::invalid(
                "out",
                format!("cannot write in the folder of {}: {e}", out.display()),
            ),
            _ => Error::from(e),
        })?;
        let writer = BufWriter::with_capacity(256 * 1024, file);
        let encrypted =
            age::Encryptor::with_user_passphrase(age_secret(passphrase)).wrap_output(writer)?;
        let mut tar = TarOut::new(encrypted, now.timestamp().max(0) as u64);
        let mut sums = String::new();
        let mut add_sum = |name: &str, sum: String| sums.push_str(&format!("{sum}  {name}\n"));

        let manifest_json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        add_sum(
            MANIFEST,
            tar.add_bytes(&format!("{ROOT}/{MANIFEST}"), &manifest_json)?,
        );
        let db_size = fs::metadata(&snapshot)?.len();
        let sum = tar.add(&format!("{ROOT}/{DB_FILE}"), db_size, |w| -> Result<()> {
            io::copy(&mut File::open(&snapshot)?, w)?;
            Ok(())
        })?;
        add_sum(DB_FILE, sum);
        drop(snapshot_guard);

        for rec in &live {
            let name = format!("att/{}.ida", hex::encode(rec.id.0));
            let file = self.exhibit_file(rec)?;
            let size = file.metadata()?.len();
            let sum = tar.add(&format!("{ROOT}/{name}"), size, |w| -> Result<()> {
                // Copied and checked in one read: the bytes going into the
                // backup are the ones that decrypt to the recorded hash.
                let mut tee = TeeReader {
                    inner: BufReader::with_capacity(256 * 1024, file),
                    copy: &mut *w,
                };
                self.open_exhibit_from(rec, &mut tee, &mut io::sink())?;
                let TeeReader { mut inner, .. } = tee;
                io::copy(&mut inner, w)?;
                Ok(())
            })?;
            add_sum(&name, sum);
        }
        for rec in &thumbnails {
            let name = format!("att/{}.idt", hex::encode(rec.id.0));
            let path = self.store.attachment_path(&rec.id.0, AttFile::Thumbnail);
            let mut file = File::open(&path)?;
            let size = file.metadata()?.len();
            let sum = tar.add(&format!("{ROOT}/{name}"), size, |w| -> Result<()> {
                io::copy(&mut file, w)?;
                Ok(())
            })?;
            add_sum(&name, sum);
        }
        tar.add_bytes(&format!("{ROOT}/{SUMS}"), sums.as_bytes())?;

        let writer = tar.finish()?.finish()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        drop(file);
        fs::rename(&partial, out)?;
        let mut partial_guard = partial_guard;
        partial_guard.0 = None;
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::store::sync_dir(parent)?;
        }
        drop(thumbnails);
        drop(live);
        self.commit(
            vec![Event::BackupMade { log_entries: seq }],
            Durability::Full,
        )?;
        Ok(BackupSummary {
            path: out.to_path_buf(),
            created_at: now,
            log_entries: seq,
            chain_head: our_head,
            exhibits,
            bytes,
        })
    }
}
