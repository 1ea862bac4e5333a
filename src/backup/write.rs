//! Writing the backup file, from what the diary discloses to it.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::manifest::{BACKUP_FORMAT, BACKUP_VERSION, Manifest};
use super::tar_out::TarOut;
use super::{MANIFEST, ROOT, SUMS, age_secret};
use crate::crypto::Passphrase;
use crate::crypto::chain::Hash;
use crate::diary::Disclosure;
use crate::durable;
use crate::error::{Error, Result};
use crate::state::ExhibitRecord;
use crate::store::DB_FILE;

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

/// Writes a backup of the whole vault that `source` discloses to `out`, a
/// new file, encrypted with `passphrase` (see the module docs).
///
/// `progress(done, total)` is called after each file archived (the
/// database, each exhibit, each thumbnail).
pub(crate) fn write(
    source: &Disclosure<'_>,
    out: &Path,
    passphrase: &Passphrase,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BackupSummary> {
    check_request(out, passphrase)?;
    let now = source.now();
    let snapshot = source.snapshot()?;
    let (seq, head) = source.tip();
    let live: Vec<&ExhibitRecord> = source
        .state()
        .exhibits()
        .iter()
        .filter(|e| e.deleted.is_none())
        .collect();
    // Opened one at a time while archiving: a diary of thousands of photos
    // must not hold thousands of files open.
    let thumbnails: Vec<&ExhibitRecord> = live
        .iter()
        .copied()
        .filter(|e| source.has_thumbnail(e))
        .collect();
    let manifest = Manifest {
        format: BACKUP_FORMAT.into(),
        version: BACKUP_VERSION,
        created_at: now,
        vault_id: hex::encode(source.vault_id()),
        log_entries: seq,
        chain_head: hex::encode(head),
        exhibit_files: live.len() as u64,
        thumbnail_files: thumbnails.len() as u64,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    let partial = durable::partial_sibling(out);
    // Declared before the file: dropped after it (see `Disclosure::mark_output`).
    let _mark = source.mark_output(&partial);
    let mut file = durable::Partial::create(&partial).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => Error::invalid(
            "out",
            format!("cannot write in the folder of {}: {e}", out.display()),
        ),
        _ => Error::from(e),
    })?;
    {
        let encrypted = age::Encryptor::with_user_passphrase(age_secret(passphrase))
            .wrap_output(file.writer())?;
        let mut tar = TarOut::new(encrypted, now.timestamp().max(0) as u64);
        let mut sums = String::new();
        sums.push_str(&format!(
            "{}  {MANIFEST}\n",
            tar.add_bytes(&format!("{ROOT}/{MANIFEST}"), &manifest_json)?
        ));
        let files = Files {
            db: &snapshot.path,
            live: &live,
            thumbnails: &thumbnails,
        };
        archive_files(&mut tar, source, &files, &mut sums, progress)?;
        tar.add_bytes(&format!("{ROOT}/{SUMS}"), sums.as_bytes())?;
        tar.finish()?.finish()?;
    }
    let bytes = file.commit(out, durable::FolderSync::Required)?;
    Ok(BackupSummary {
        path: out.to_path_buf(),
        created_at: now,
        log_entries: seq,
        chain_head: head,
        exhibits: live.len(),
        bytes,
    })
}

/// What a backup archives besides its manifest.
struct Files<'a> {
    db: &'a Path,
    live: &'a [&'a ExhibitRecord],
    thumbnails: &'a [&'a ExhibitRecord],
}

/// Archives the database, each exhibit and each thumbnail, adding a line
/// to `sums` for each and calling `progress` after each.
fn archive_files<W: Write>(
    tar: &mut TarOut<W>,
    source: &Disclosure<'_>,
    files: &Files<'_>,
    sums: &mut String,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<()> {
    let mut add_sum = |name: &str, sum: String| sums.push_str(&format!("{sum}  {name}\n"));
    let total = 1 + files.live.len() + files.thumbnails.len();
    add_sum(DB_FILE, add_file(tar, DB_FILE, File::open(files.db)?)?);
    progress(1, total);
    for (i, rec) in files.live.iter().enumerate() {
        let name = format!("att/{}.ida", hex::encode(rec.id.0));
        add_sum(&name, add_exhibit(tar, source, rec, &name)?);
        progress(2 + i, total);
    }
    for (i, rec) in files.thumbnails.iter().enumerate() {
        let name = format!("att/{}.idt", hex::encode(rec.id.0));
        add_sum(&name, add_file(tar, &name, source.sealed_thumbnail(rec)?)?);
        progress(2 + files.live.len() + i, total);
    }
    Ok(())
}

/// Refuses an empty passphrase and an existing file before any work.
pub(crate) fn check_request(out: &Path, passphrase: &Passphrase) -> Result<()> {
    if passphrase.is_empty() {
        return Err(Error::invalid("passphrase", "must not be empty"));
    }
    if out.exists() {
        return Err(Error::invalid(
            "out",
            format!("{} already exists; choose a new file name", out.display()),
        ));
    }
    Ok(())
}

/// Archives a file as it is (`name` inside the backup folder).
fn add_file<W: Write>(tar: &mut TarOut<W>, name: &str, mut file: File) -> Result<String> {
    let size = file.metadata()?.len();
    tar.add(&format!("{ROOT}/{name}"), size, |w| -> Result<()> {
        io::copy(&mut file, w)?;
        Ok(())
    })
}

/// Archives an exhibit's encrypted file and checks, in the same read, that
/// the bytes going into the backup decrypt to its recorded hash.
fn add_exhibit<W: Write>(
    tar: &mut TarOut<W>,
    source: &Disclosure<'_>,
    rec: &ExhibitRecord,
    name: &str,
) -> Result<String> {
    let (file, size) = source.sealed_exhibit(rec)?;
    tar.add(&format!("{ROOT}/{name}"), size, |w| -> Result<()> {
        let mut tee = TeeReader {
            inner: BufReader::with_capacity(256 * 1024, file),
            copy: &mut *w,
        };
        source.check_sealed_exhibit(rec, &mut tee)?;
        let TeeReader { mut inner, .. } = tee;
        io::copy(&mut inner, w)?;
        Ok(())
    })
}
