//! What the diary hands to the layers above it that publish its content:
//! the exporter and the backup writer.
//!
//! They get a [`Disclosure`]: decrypted values, chain rows, exhibit readers
//! and a [`Signer`] that signs but cannot reveal its key. They never hold
//! the vault key, a file key or the store, so a bug in a PDF template or an
//! archive writer cannot leak a key or write into the vault.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::Diary;
use crate::backup::{self, BackupSummary};
use crate::crypto::chain::Hash;
use crate::crypto::sshsig::Signer;
use crate::crypto::{self, Passphrase};
use crate::error::{Error, Result};
use crate::export::{self, ExportOptions, ExportSummary, Progress};
use crate::log::Disclosed;
use crate::model::Event;
use crate::state::{ExhibitRecord, State};
use crate::store::{AttFile, Durability, ORPHAN_AGE, SNAPSHOT_PREFIX};

/// A read-only window on an unlocked diary for export and backup.
pub(crate) struct Disclosure<'a> {
    diary: &'a Diary,
}

/// A consistent copy of the vault database beside it, removed when dropped.
pub(crate) struct Snapshot {
    /// The copy.
    pub path: PathBuf,
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

impl Disclosure<'_> {
    /// Notes that `tmp` is about to be written outside the vault (see
    /// [`super::outputs`]).
    pub fn mark_output(&self, tmp: &Path) -> super::outputs::OutputMark {
        self.diary.mark_output(tmp)
    }

    /// The replayed state.
    pub fn state(&self) -> &State {
        &self.diary.state
    }

    /// The diary's clock, now.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.diary.clock.now()
    }

    /// The vault's random id.
    pub fn vault_id(&self) -> [u8; 16] {
        self.diary.vault_id
    }

    /// Number of log rows and the chain head.
    pub fn tip(&self) -> (u64, Hash) {
        self.diary.chain_tip()
    }

    /// Every chain row, re-verified from disk, with the plaintexts of the
    /// rows in `disclose`.
    pub fn chain(&self, disclose: &HashSet<u64>) -> Result<Disclosed> {
        self.diary.log.disclose(&self.diary.store, disclose)
    }

    /// The export signing key of this vault.
    pub fn signer(&self) -> Signer {
        Signer::derive(self.diary.keys.current())
    }

    /// The export signing key the vault had in key epoch `epoch` (for the
    /// statements that link each key to the next).
    pub fn epoch_signer(&self, epoch: u32) -> Option<Signer> {
        self.diary.keys.get(epoch).map(Signer::derive)
    }

    /// Decrypts exhibit `rec` into `out`, failing unless size and SHA-256
    /// match what was recorded.
    pub fn copy_exhibit(&self, rec: &ExhibitRecord, out: &mut dyn Write) -> Result<()> {
        self.diary.open_exhibit(rec, &mut &mut *out)
    }

    /// Thumbnails of the photos among `recs`, made again from their
    /// verified originals (see `Diary::verified_thumbnails_of`): the report
    /// never shows a stored one.
    pub fn thumbnails(&self, recs: &[&ExhibitRecord]) -> Result<Vec<Option<Vec<u8>>>> {
        self.diary.verified_thumbnails_of(recs)
    }

    /// The encrypted file of a live exhibit, as stored, with its size.
    pub fn sealed_exhibit(&self, rec: &ExhibitRecord) -> Result<(File, u64)> {
        let file = self.diary.exhibit_file(rec)?;
        let size = file.metadata()?.len();
        Ok((file, size))
    }

    /// Checks that the encrypted bytes read from `input` decrypt to the
    /// exhibit's recorded SHA-256.
    pub fn check_sealed_exhibit(&self, rec: &ExhibitRecord, input: &mut dyn Read) -> Result<()> {
        self.diary
            .open_exhibit_from(rec, &mut &mut *input, &mut io::sink())
    }

    /// Whether an exhibit has a stored thumbnail.
    pub fn has_thumbnail(&self, rec: &ExhibitRecord) -> bool {
        let path = self
            .diary
            .store
            .attachment_path(&rec.id.0, AttFile::Thumbnail);
        path.is_file()
    }

    /// The encrypted thumbnail file of an exhibit, as stored.
    pub fn sealed_thumbnail(&self, rec: &ExhibitRecord) -> Result<File> {
        let file = self
            .diary
            .store
            .open_attachment(&rec.id.0, AttFile::Thumbnail)?;
        Ok(file)
    }

    /// A consistent copy of the vault database, taken with the diary open,
    /// that must end where this diary's log ends.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let dir = self.diary.store.dir();
        remove_stale_snapshots(dir);
        let name = format!(
            "{SNAPSHOT_PREFIX}{}",
            hex::encode(crypto::random::bytes::<8>())
        );
        let snapshot = Snapshot {
            path: dir.join(name),
        };
        let (seq, head) = self.diary.store.snapshot(&snapshot.path)?;
        let (our_seq, our_head) = self.tip();
        if seq != our_seq || head.is_some_and(|h| h != our_head) {
            return Err(Error::Conflict);
        }
        Ok(snapshot)
    }
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
        let ours = entry
            .file_name()
            .to_string_lossy()
            .starts_with(SNAPSHOT_PREFIX);
        if stale && ours {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Diary {
    pub(super) fn disclosure(&self) -> Disclosure<'_> {
        Disclosure { diary: self }
    }

    /// Writes the evidence bundle to `out` (a `.zip` or a new directory),
    /// calling `progress` as it goes (see [`crate::export`]).
    pub fn export(
        &self,
        out: &Path,
        options: &ExportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportSummary> {
        export::write_bundle(&self.disclosure(), out, options, progress)
    }

    /// Writes a backup of the whole vault to `out`, a new file, encrypted
    /// with `passphrase` in the age format (see [`crate::backup`]). The
    /// diary stays open; a successful backup is recorded in the log.
    pub fn backup(&mut self, out: &Path, passphrase: &Passphrase) -> Result<BackupSummary> {
        self.backup_observed(out, passphrase, &mut |_, _| {})
    }

    /// [`Diary::backup`], calling `progress(done, total)` after each file
    /// archived. Where it went is kept too, sealed beside the vault (see
    /// [`Diary::last_backup_place`]): the log records that a backup was
    /// made, never where (a path can name a hiding place).
    pub fn backup_observed(
        &mut self,
        out: &Path,
        passphrase: &Passphrase,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<BackupSummary> {
        // Refused before any work; then include whatever another program
        // (the app) committed meanwhile.
        backup::check_request(out, passphrase)?;
        self.reload()?;
        let summary = backup::write(&self.disclosure(), out, passphrase, progress)?;
        let log_entries = summary.log_entries;
        self.commit(vec![Event::BackupMade { log_entries }], Durability::Full)?;
        let place = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        // Best effort: the backup is made whatever happens here.
        let _ = self.keep_backup_place(&place);
        Ok(summary)
    }
}
