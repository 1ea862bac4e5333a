//! The rollback anchor: what this device last saw of a diary, kept outside
//! the vault folder.
//!
//! Everything in a vault folder can be swapped for an older copy of itself
//! by whoever can copy files, and an older copy verifies perfectly: its
//! chain, its sealed tip and its exhibits are all genuine. Only a record kept
//! somewhere else can tell that the diary once went further. The anchor is
//! that record: the number of log entries and the chain head after the last
//! one, with the time it was recorded, sealed under a key derived from the
//! vault key, in the user's configuration folder (never beside the vault).
//!
//! File (132 bytes): `IDANCHR1` | seq (u64 big-endian) | header (32) |
//! nonce (24) | XChaCha20-Poly1305(key, head (32) | recorded_at (i64
//! seconds) | offset (i32 seconds)) with AAD `idv1/anchor` | vault id | seq
//! | header. The count is in the clear so that a copy with fewer entries is
//! refused even when the anchor was sealed under a key that copy does not
//! have. The header is the checksum of the vault's key header (KDF
//! parameters, salt and slots) as this device last wrote or opened it, in
//! the clear so that it can be compared before any key is known: when the
//! passphrase fails against a header that changed, the diary says so
//! (exit 4) instead of calling the right passphrase wrong. Both are
//! authenticated once the key is known.
//!
//! A copy of the same bytes is kept in the operating system's keystore
//! where there is one ([`keystore`]); unlock believes whichever of the two
//! saw more entries.
//!
//! What it cannot do: whoever can also delete or replace the anchor and its
//! keystore copy (a device restored from an image, or someone logged in as
//! the owner clearing the keyring) can roll the diary back unseen. That is why unlock also shows the last
//! entry's number and time: the person who wrote it can notice.

mod keystore;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeZone};
use sha2::{Digest, Sha256};

use crate::crypto::SecretKey;
use crate::crypto::chain::Hash;
use crate::crypto::epoch::VaultKeys;
use crate::crypto::record::{self, NONCE_LEN};
use crate::durable::{self, FolderSync};

const MAGIC: &[u8; 8] = b"IDANCHR1";
const PLAIN_LEN: usize = 32 + 8 + 4;
const FILE_LEN: usize = 8 + 8 + 32 + NONCE_LEN + PLAIN_LEN + record::TAG_LEN;

/// Environment variable naming the anchor folder (tests, portable installs).
pub const FOLDER_VAR: &str = "DIARY_ANCHOR_DIR";

static FOLDER: OnceLock<PathBuf> = OnceLock::new();

/// Sets the anchor folder for this process (the app on a phone, where
/// there is no configuration folder in HOME). The first call wins.
pub(crate) fn use_folder(path: PathBuf) {
    let _ = FOLDER.set(path);
}

/// Where anchors live: the folder set by [`use_folder`], else
/// `DIARY_ANCHOR_DIR`, else `incident-diary/anchors` in the platform
/// configuration folder (`~/.config` on Linux). `None` when there is none.
pub(crate) fn folder() -> Option<PathBuf> {
    if let Some(path) = FOLDER.get() {
        return Some(path.clone());
    }
    // The crate's own unit tests keep their anchors out of the user's HOME.
    if cfg!(test) {
        return Some(std::env::temp_dir().join("incident-diary-unit-test-anchors"));
    }
    let path = match std::env::var_os(FOLDER_VAR) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => dirs::config_dir()?.join("incident-diary").join("anchors"),
    };
    // A relative folder would move with the working directory.
    std::path::absolute(path).ok()
}

/// What an anchor says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    /// Log entries the diary held.
    pub seq: u64,
    /// The chain head after the last of them.
    pub head: Hash,
    /// When the last of them was recorded (`None` for an empty diary).
    pub recorded_at: Option<DateTime<FixedOffset>>,
    /// The checksum of the vault's key header.
    pub header: Hash,
}

/// An anchor file as read: the count in the clear, and the sealed rest.
pub(crate) struct Sealed {
    /// The count (authenticated only by [`Anchor::open`]).
    pub seq: u64,
    /// The key header's checksum (authenticated only by [`Anchor::open`]).
    pub header: Hash,
    nonce: [u8; NONCE_LEN],
    ct: Vec<u8>,
}

/// The anchor of one vault on this device.
pub(crate) struct Anchor {
    path: PathBuf,
    /// Anchor keys of the current key epoch and the one before: written
    /// under the newest, read under either (a rotation saved just before a
    /// kill leaves the anchor sealed under the key before).
    keys: Vec<SecretKey>,
    vault_id: [u8; 16],
}

/// The anchor keys of the current epoch and the one before (an anchor
/// under an older key could be anyone's who knew that key).
fn derived(keys: &VaultKeys, info: &[u8]) -> Vec<SecretKey> {
    keys.all()
        .iter()
        .rev()
        .take(2)
        .map(|k| k.derive(info))
        .collect()
}

impl Anchor {
    /// The anchor of vault `vault_id` at `vault_dir` in `folder`, sealed
    /// under a key derived from the vault key.
    ///
    /// One anchor per copy and place: the vault the owner keeps opening in
    /// the same folder is the one an older copy replaces, while a restore
    /// or a copy the owner makes into another folder starts its own
    /// history instead of being taken for a rollback of the original. The
    /// file name is a hash of the vault id and the folder's full path, so
    /// the anchor folder names neither.
    pub fn new(folder: &Path, keys: &VaultKeys, vault_id: [u8; 16], vault_dir: &Path) -> Anchor {
        Anchor {
            path: folder.join(file_name(&vault_id, vault_dir)),
            keys: derived(keys, b"idv1/anchor"),
            vault_id,
        }
    }

    /// The device-wide high-water mark of vault `vault_id`: the most log
    /// entries any copy of it, in any folder, held when it was used here.
    /// The per-folder anchor cannot see a copy opened from elsewhere (a
    /// shortcut or setting pointed at an old copy); this can.
    pub fn high_water(folder: &Path, keys: &VaultKeys, vault_id: [u8; 16]) -> Anchor {
        Anchor {
            path: folder.join(high_water_name(&vault_id)),
            keys: derived(keys, b"idv1/anchor-high-water"),
            vault_id,
        }
    }

    /// Removes the high-water mark of `vault_id` (a deliberate restore).
    pub fn remove_high_water(folder: &Path, vault_id: &[u8; 16]) {
        let name = high_water_name(vault_id);
        let _ = std::fs::remove_file(folder.join(&name));
        let _ = keystore::delete(&name);
    }

    /// The anchor file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every copy of the anchor: its file, then each keystore copy.
    /// Empty when there is none yet; `Err` when any is not an anchor at all.
    /// Each must be checked: the count in the clear says nothing until a
    /// copy is opened, so none may be passed over for another.
    pub fn read(&self) -> Result<Vec<Sealed>, String> {
        read_copies(&self.path)
    }

    /// Opens a sealed anchor; `None` when it was not sealed for this vault
    /// under this key, or was altered.
    pub fn open(&self, sealed: &Sealed) -> Option<Mark> {
        let nonce = sealed.nonce;
        let aad = aad(&self.vault_id, sealed.seq, &sealed.header);
        let plain = self
            .keys
            .iter()
            .find_map(|key| record::open(key, &nonce, &aad, &sealed.ct).ok())?;
        let head: Hash = plain[..32].try_into().ok()?;
        let secs = i64::from_be_bytes(plain[32..40].try_into().ok()?);
        let offset = i32::from_be_bytes(plain[40..44].try_into().ok()?);
        let recorded_at = match (secs, FixedOffset::east_opt(offset)) {
            (0, _) | (_, None) => None,
            (secs, Some(zone)) => zone.timestamp_opt(secs, 0).single(),
        };
        Some(Mark {
            seq: sealed.seq,
            head,
            recorded_at,
            header: sealed.header,
        })
    }

    /// Clears whatever someone put where the anchor and its folder go (a
    /// folder, a pipe, a link, a file in place of the folder), and its
    /// keystore copy, when the owner has chosen to start the record again.
    /// Nothing above the anchor folder is touched.
    pub fn clear(&self) -> std::io::Result<()> {
        keystore::delete(&name_of(&self.path)).map_err(std::io::Error::other)?;
        let folder = durable::parent_of(&self.path);
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
            std::fs::remove_file(&folder)?;
        }
        match std::fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&self.path),
            Ok(_) => std::fs::remove_file(&self.path),
            Err(_) => Ok(()),
        }
    }

    /// Writes `mark` whole or not at all (temporary file, fsync, rename),
    /// creating the folder (owner-only) when missing.
    pub fn write(&self, mark: &Mark) -> std::io::Result<()> {
        let folder = durable::parent_of(&self.path);
        if !folder.is_dir() {
            durable::create_dir(&folder, true)?;
        }
        let mut plain = zeroize::Zeroizing::new([0u8; PLAIN_LEN]);
        plain[..32].copy_from_slice(&mark.head);
        let (secs, offset) = mark
            .recorded_at
            .map_or((0, 0), |t| (t.timestamp(), t.offset().local_minus_utc()));
        plain[32..40].copy_from_slice(&secs.to_be_bytes());
        plain[40..44].copy_from_slice(&offset.to_be_bytes());
        let aad = aad(&self.vault_id, mark.seq, &mark.header);
        let (nonce, ct) = record::seal(&self.keys[0], &aad, &plain[..]);
        let mut bytes = Vec::with_capacity(FILE_LEN);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&mark.seq.to_be_bytes());
        bytes.extend_from_slice(&mark.header);
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ct);
        // A random temporary name: two programs may write at once.
        let tmp = durable::sibling(&self.path, &format!("{}-tmp", hex::encode(random_tag())));
        durable::write_file(&tmp, &self.path, FolderSync::Required, |w| {
            std::io::Write::write_all(w, &bytes)
        })?;
        // Best effort: a copy that trails is outvoted by the file at the
        // next read, and a keyring that is locked or absent keeps nothing.
        let _ = keystore::put(&name_of(&self.path), &bytes);
        Ok(())
    }

    /// Removes the anchor (a deliberate restore: the next unlock writes a
    /// new one from the restored diary).
    pub fn remove_file(
        folder: &Path,
        vault_id: &[u8; 16],
        vault_dir: &Path,
    ) -> std::io::Result<Option<u64>> {
        let name = file_name(vault_id, vault_dir);
        let path = folder.join(&name);
        let seq = read_highest(&path).ok().flatten().map(|s| s.seq);
        keystore::delete(&name).map_err(std::io::Error::other)?;
        match std::fs::remove_file(&path) {
            Ok(()) => durable::sync_dir(folder).map(|()| seq),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn random_tag() -> [u8; 8] {
    crate::crypto::random::bytes()
}

/// The anchor's file name: a hash of the vault id and the vault folder's
/// absolute path as given, links not followed (`v`, `./v/` and `$PWD/v` are
/// one folder): a folder replaced by a link to an older copy elsewhere is
/// still the folder the owner opens.
fn file_name(vault_id: &[u8; 16], vault_dir: &Path) -> String {
    let dir: PathBuf = std::path::absolute(vault_dir)
        .unwrap_or_else(|_| vault_dir.to_path_buf())
        .components()
        .collect();
    let mut hasher = Sha256::new();
    hasher.update(b"idv1/anchor-name");
    hasher.update(vault_id);
    hasher.update(dir.as_os_str().as_encoded_bytes());
    hex::encode(&hasher.finalize()[..16])
}

fn high_water_name(vault_id: &[u8; 16]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"idv1/anchor-high-water-name");
    hasher.update(vault_id);
    format!("hw-{}", hex::encode(&hasher.finalize()[..16]))
}

fn aad(vault_id: &[u8; 16], seq: u64, header: &Hash) -> Vec<u8> {
    let mut aad = Vec::with_capacity(11 + 16 + 8 + 32);
    aad.extend_from_slice(b"idv1/anchor");
    aad.extend_from_slice(vault_id);
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.extend_from_slice(header);
    aad
}

/// The key-header checksum this device last saw for the vault `vault_id`
/// at `vault_dir`, read before any key is known (see the module docs).
pub(crate) fn last_header(vault_id: &[u8; 16], vault_dir: &Path) -> Option<Hash> {
    let path = folder()?.join(file_name(vault_id, vault_dir));
    read_highest(&path)
        .ok()
        .flatten()
        .map(|sealed| sealed.header)
}

/// The name of an anchor file, which also names its keystore copy.
fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The anchor file at `path` and every keystore copy of it, in that order.
fn read_copies(path: &Path) -> Result<Vec<Sealed>, String> {
    let mut copies: Vec<Sealed> = read_file(path)?.into_iter().collect();
    for kept in keystore::get(&name_of(path)) {
        copies.push(
            kept.as_deref().and_then(parse).ok_or_else(|| {
                "this device's keystore record of the diary is damaged".to_string()
            })?,
        );
    }
    Ok(copies)
}

/// The copy that claims the most entries (unauthenticated: for what is
/// read before any key, and for what a restore reports).
fn read_highest(path: &Path) -> Result<Option<Sealed>, String> {
    Ok(read_copies(path)?.into_iter().max_by_key(|s| s.seq))
}

/// Reads at most one byte more than an anchor, without following a link
/// to a device or a huge file.
fn read_file(path: &Path) -> Result<Option<Sealed>, String> {
    let damaged = || {
        format!(
            "this device's record of the diary at {} is damaged",
            path.display()
        )
    };
    // Looked at before it is opened, without following a link: a pipe put
    // there would block the open for ever, a folder or a link is not ours.
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => {}
        // No anchor (a file in place of a folder above it is the same):
        // like a deleted one, nothing to compare; writing it will fail and
        // be reported.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        _ => return Err(damaged()),
    }
    let file = std::fs::File::open(path).map_err(|_| damaged())?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(damaged());
    }
    let mut bytes = Vec::with_capacity(FILE_LEN + 1);
    file.take(FILE_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| damaged())?;
    parse(&bytes).map(Some).ok_or_else(damaged)
}

/// An anchor's bytes, or `None` when they are not one.
fn parse(bytes: &[u8]) -> Option<Sealed> {
    if bytes.len() != FILE_LEN || &bytes[..8] != MAGIC {
        return None;
    }
    let sealed_at = 16 + 32 + NONCE_LEN;
    Some(Sealed {
        seq: u64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes")),
        header: bytes[16..48].try_into().expect("32 bytes"),
        nonce: bytes[48..sealed_at].try_into().expect("24 bytes"),
        ct: bytes[sealed_at..].to_vec(),
    })
}

#[cfg(test)]
mod tests;
