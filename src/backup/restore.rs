//! `restore`: unpacking a backup into a new vault folder.
//!
//! Everything is unpacked into a hidden folder beside the target and checked
//! there: the age layer (which authenticates every byte), the manifest's
//! format version (a newer one is refused before anything is written), every
//! file against `SHA256SUMS`, the counts against the manifest, the database
//! structure, and the unkeyed hash chain against the manifest's head. Only
//! then is the folder renamed into place, so a bad backup leaves nothing at
//! the target.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::manifest::{BACKUP_FORMAT, BACKUP_VERSION, Manifest};
use super::{MANIFEST, ROOT, SUMS, age_secret};
use crate::crypto::Passphrase;
use crate::crypto::chain::Hash;
use crate::durable::{self, sync_dir};
use crate::error::{Error, Result};
use crate::hashing::Hashing;
use crate::log::check_unkeyed;
use crate::store::DB_FILE;

/// What a restore put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    /// The new vault folder.
    pub dir: PathBuf,
    /// When the backup was made.
    pub created_at: DateTime<FixedOffset>,
    /// Log entries restored, chain verified.
    pub log_entries: u64,
    /// Chain head of the last entry.
    pub chain_head: Hash,
    /// Exhibit files restored, each matching its sum.
    pub exhibits: u64,
    /// How many log entries this device had last seen of this diary, when
    /// it had seen it: the restore is deliberate, so that record (the
    /// rollback anchor) is cleared and the next unlock starts it again
    /// from the restored diary.
    pub device_had_seen: Option<u64>,
}

/// Largest manifest or sums file accepted (they are a few kilobytes).
const MAX_TEXT: u64 = 16 * 1024 * 1024;

fn damaged(what: impl std::fmt::Display) -> Error {
    Error::Damaged(format!("the backup is damaged or was altered: {what}"))
}

fn decrypt_error(err: age::DecryptError) -> Error {
    use age::DecryptError as E;
    match err {
        E::DecryptionFailed | E::KeyDecryptionFailed => Error::WrongBackupPassphrase,
        E::ExcessiveWork { .. } => Error::invalid(
            "backup",
            "its passphrase protection needs more work than this program allows",
        ),
        E::InvalidMac => damaged("its header was changed"),
        E::NoMatchingKeys => Error::invalid(
            "backup",
            "is not protected by a passphrase, so it is not a diary backup",
        ),
        _ => Error::invalid("backup", "is not a diary backup (not an age file)"),
    }
}

/// Removes a staging folder when dropped, unless disarmed. While it lives
/// it holds a lock on the folder, which the system lets go of however the
/// process ends: a folder no one holds was left by a killed restore (see
/// [`sweep_stagings`]).
struct Staging {
    dir: Option<PathBuf>,
    _lock: Option<File>,
}

impl Staging {
    fn create(dir: PathBuf) -> Result<Staging> {
        private_dir(&dir)?;
        let lock = lock_dir(&dir);
        let staging = Staging {
            dir: Some(dir),
            _lock: lock,
        };
        if cfg!(unix) && staging._lock.is_none() {
            // Unlocked, another restore's sweep could take it for a
            // killed one's; the folder goes when `staging` is dropped.
            return Err(Error::Storage(
                "could not lock the folder the backup is unpacked into".into(),
            ));
        }
        Ok(staging)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// `.<name>.restore-<tag>`: where a restore into `<name>` unpacks.
fn staging_prefix(target_name: &str) -> String {
    format!(".{target_name}.restore-")
}

/// An exclusive lock on folder `dir`, where folders can be locked (Unix).
fn lock_dir(dir: &Path) -> Option<File> {
    if !cfg!(unix) {
        return None;
    }
    let file = File::open(dir).ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// Removes the staging folders killed restores into `target` left beside
/// it (each holds a copy of an encrypted vault that was never finished).
/// One whose restore is still running is locked and kept. Called before a
/// restore and at every unlock of the vault at `target`.
pub(crate) fn sweep_stagings(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = staging_prefix(&name);
    let Ok(entries) = fs::read_dir(durable::parent_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        // Exactly the name a restore gives (8 hex digits after the prefix):
        // a folder of the owner's named alike is not touched.
        let ours = entry
            .file_name()
            .to_string_lossy()
            .strip_prefix(&prefix)
            .is_some_and(|tag| {
                tag.len() == 8 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            });
        let dir = entry.path();
        let is_dir = fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir());
        if ours && is_dir && lock_dir(&dir).is_some() {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

fn private_dir(dir: &Path) -> io::Result<()> {
    durable::create_dir(dir, false)
}

/// The target must be missing or an empty folder.
fn check_target(target: &Path) -> Result<()> {
    match fs::read_dir(target) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(Error::VaultExists(target.to_path_buf())),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Error::VaultExists(target.to_path_buf())),
    }
}

/// What a file inside the backup may be called (relative to the backup folder).
fn allowed_name(name: &str) -> bool {
    if name == DB_FILE || name == SUMS {
        return true;
    }
    let Some(file) = name.strip_prefix("att/") else {
        return false;
    };
    let stem = file
        .strip_suffix(".ida")
        .or_else(|| file.strip_suffix(".idt"));
    stem.is_some_and(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Reads a small file from the archive.
fn read_text(entry: &mut impl Read) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    entry
        .take(MAX_TEXT + 1)
        .read_to_end(&mut bytes)
        .map_err(damaged)?;
    if bytes.len() as u64 > MAX_TEXT {
        return Err(damaged("a text file in it is far too large"));
    }
    Ok(bytes)
}

/// Copies an entry to a new file, returning its SHA-256 (hex). Read errors
/// are damage; write errors are the disk's.
fn unpack(entry: &mut impl Read, path: &Path) -> Result<String> {
    let mut file = Hashing::new(durable::create_file(path)?);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = entry.read(&mut buf).map_err(damaged)?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n])?;
    }
    let (file, _, sum) = file.finish();
    file.sync_all()?;
    Ok(hex::encode(sum))
}

/// `SHA256SUMS` lines as name -> sum.
fn parse_sums(text: &[u8]) -> Result<BTreeMap<String, String>> {
    let text = std::str::from_utf8(text).map_err(|_| damaged("SHA256SUMS is not text"))?;
    let mut sums = BTreeMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (sum, name) = line
            .split_once("  ")
            .ok_or_else(|| damaged("SHA256SUMS has a malformed line"))?;
        if sums.insert(name.to_string(), sum.to_string()).is_some() {
            return Err(damaged("SHA256SUMS lists a file twice"));
        }
    }
    Ok(sums)
}

/// Restores the backup `file` into `target` (missing or an empty folder),
/// decrypting it with `passphrase`. Nothing appears at `target` unless the
/// whole backup checks out.
pub fn restore(file: &Path, target: &Path, passphrase: &Passphrase) -> Result<RestoreSummary> {
    check_target(target)?;
    let reader = decrypt(file, passphrase)?;
    let (manifest, head) = unpack_into(reader, target)?;
    let device_had_seen = forget_anchor(&manifest.vault_id, target);
    Ok(RestoreSummary {
        dir: target.to_path_buf(),
        created_at: manifest.created_at,
        log_entries: manifest.log_entries,
        chain_head: head,
        exhibits: manifest.exhibit_files,
        device_had_seen,
    })
}

/// Unpacks the decrypted archive `reader` into a staging folder beside
/// `target`, checks everything there and moves it to `target`: whole, or
/// nothing at all. Returns the manifest and the chain head checked.
pub(crate) fn unpack_into(reader: impl Read, target: &Path) -> Result<(Manifest, Hash)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::invalid("vault", "give a folder for the restored diary"))?;
    let parent = durable::parent_of(target);
    fs::create_dir_all(&parent)?;
    sweep_stagings(target);
    let tag = hex::encode(crate::crypto::random::bytes::<4>());
    let staging_dir = parent.join(format!("{}{tag}", staging_prefix(&name)));
    let mut staging = Staging::create(staging_dir.clone())?;
    private_dir(&staging_dir.join("att"))?;

    let Unpacked {
        manifest,
        found,
        sums,
    } = unpack_all(reader, &staging_dir)?;
    check_sums(&manifest, &found, &sums)?;
    let head = check_vault(&staging_dir, &manifest)?;
    sync_dir(&staging_dir.join("att"))?;
    sync_dir(&staging_dir)?;

    check_target(target)?;
    if target.exists() {
        fs::remove_dir(target)?;
    }
    durable::publish(&staging_dir, target, durable::FolderSync::Required)?;
    staging.dir = None;
    Ok((manifest, head))
}

/// Clears this device's rollback anchor of the restored diary (see
/// `crate::anchor`): putting an older state back is what a restore is for.
/// Best effort: the diary is restored either way, and an anchor left in
/// place is overruled with `diary check --accept-older`.
fn forget_anchor(vault_id: &str, target: &Path) -> Option<u64> {
    let folder = crate::anchor::folder()?;
    let id: [u8; 16] = hex::decode(vault_id).ok()?.try_into().ok()?;
    crate::anchor::Anchor::remove_high_water(&folder, &id);
    crate::anchor::Anchor::remove_file(&folder, &id, target)
        .ok()
        .flatten()
}

/// Opens the age layer, which authenticates every byte as it is read.
fn decrypt(file: &Path, passphrase: &Passphrase) -> Result<impl Read> {
    let input = File::open(file).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::NotFound {
            what: "backup file",
            key: file.display().to_string(),
        },
        _ => Error::invalid("backup", format!("{} cannot be read: {e}", file.display())),
    })?;
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(256 * 1024, input))
        .map_err(decrypt_error)?;
    let identity = age::scrypt::Identity::new(age_secret(passphrase));
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(decrypt_error)
}

/// What an archive held, once unpacked into the staging folder.
struct Unpacked {
    manifest: Manifest,
    /// Every file unpacked (the manifest included) with its SHA-256.
    found: BTreeMap<String, String>,
    /// What `SHA256SUMS` says.
    sums: BTreeMap<String, String>,
}

/// Unpacks the archive into `staging_dir`: the manifest first (a newer
/// format is refused before anything else), then only the files a vault can
/// hold, each once, `SHA256SUMS` last; then reads to the very end, where age
/// authenticates the last chunk.
fn unpack_all(reader: impl Read, staging_dir: &Path) -> Result<Unpacked> {
    let mut archive = tar::Archive::new(reader);
    let mut entries = archive.entries().map_err(damaged)?;
    let prefix = format!("{ROOT}/");
    let entry_name = |entry: &tar::Entry<'_, _>| -> Result<String> {
        let path = entry.path().map_err(damaged)?;
        let path = path
            .to_str()
            .ok_or_else(|| damaged("a file name is not UTF-8"))?;
        path.strip_prefix(&prefix)
            .map(str::to_string)
            .ok_or_else(|| damaged(format!("unexpected file {path}")))
    };
    let mut first = entries
        .next()
        .ok_or_else(|| damaged("it holds no files"))?
        .map_err(damaged)?;
    if entry_name(&first)? != MANIFEST {
        return Err(damaged("it does not start with its manifest"));
    }
    let manifest_bytes = read_text(&mut first)?;
    drop(first);
    let manifest = read_manifest(&manifest_bytes)?;
    let mut found = BTreeMap::new();
    let manifest_sum = crate::hashing::sum_of(&mut &manifest_bytes[..])?.1;
    found.insert(MANIFEST.to_string(), hex::encode(manifest_sum));

    let mut sums_text = None;
    for entry in entries {
        let mut entry = entry.map_err(damaged)?;
        if sums_text.is_some() {
            return Err(damaged("files follow its SHA256SUMS"));
        }
        let name = entry_name(&entry)?;
        if entry.header().entry_type() != tar::EntryType::Regular || !allowed_name(&name) {
            return Err(damaged(format!("unexpected file {name}")));
        }
        if found.contains_key(&name) {
            return Err(damaged(format!("{name} appears twice")));
        }
        if name == SUMS {
            sums_text = Some(read_text(&mut entry)?);
            continue;
        }
        let sum = unpack(&mut entry, &staging_dir.join(&name))?;
        found.insert(name, sum);
    }
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(damaged)?;
    let sums = parse_sums(&sums_text.ok_or_else(|| damaged("SHA256SUMS is missing"))?)?;
    Ok(Unpacked {
        manifest,
        found,
        sums,
    })
}

/// The manifest, refusing a newer format before anything else is read.
fn read_manifest(bytes: &[u8]) -> Result<Manifest> {
    match Manifest::version_of(bytes) {
        Some((format, version)) if format == BACKUP_FORMAT => {
            if version > BACKUP_VERSION {
                return Err(Error::NewerBackup(version));
            }
        }
        _ => return Err(damaged("its manifest is not a diary backup manifest")),
    }
    serde_json::from_slice(bytes).map_err(|_| damaged("its manifest is malformed"))
}

/// Every file matches `SHA256SUMS`, and the counts match the manifest.
fn check_sums(
    manifest: &Manifest,
    found: &BTreeMap<String, String>,
    sums: &BTreeMap<String, String>,
) -> Result<()> {
    if sums != found {
        let bad = found
            .iter()
            .find(|(name, sum)| sums.get(*name) != Some(sum))
            .map(|(name, _)| name.clone())
            .or_else(|| sums.keys().find(|n| !found.contains_key(*n)).cloned())
            .unwrap_or_default();
        return Err(damaged(format!("{bad} does not match SHA256SUMS")));
    }
    let count = |ext: &str| found.keys().filter(|n| n.ends_with(ext)).count() as u64;
    if !found.contains_key(DB_FILE)
        || count(".ida") != manifest.exhibit_files
        || count(".idt") != manifest.thumbnail_files
    {
        return Err(damaged("files are missing"));
    }
    Ok(())
}

/// The unpacked vault: SQLite's structure, the vault the manifest names,
/// and the unkeyed chain up to the manifest's head.
fn check_vault(dir: &Path, manifest: &Manifest) -> Result<Hash> {
    let (seq, head) = check_unkeyed(dir, |vault_id| {
        if hex::encode(vault_id) == manifest.vault_id {
            Ok(())
        } else {
            Err(damaged(
                "the vault inside is not the one its manifest names",
            ))
        }
    })?;
    if seq != manifest.log_entries || hex::encode(head) != manifest.chain_head {
        return Err(damaged("the log does not end where its manifest says"));
    }
    Ok(head)
}
