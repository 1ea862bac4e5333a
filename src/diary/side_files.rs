//! Sealed side files: what the app keeps beside the vault that is not a
//! record. The draft (the entry being typed, kept as it is typed so that a
//! lock, a crash or a restart loses nothing), the place of the last
//! backup (the log says when, never where: a path can name a hiding place),
//! and a mark that a recovery key was shown but not yet said to be written
//! down (a lock or quick exit on that screen took it away for good).
//!
//! Neither is in the log, exported or backed up; each is replaced whole at
//! every save. Each lives in a file of its own in the vault folder (a copy
//! of the folder carries it along, still sealed): `IDDRAFT1` | epoch (u32
//! big-endian) | nonce (24) | XChaCha20-Poly1305 under a key derived from
//! the current vault key (`idv2/draft`), with AAD `idv2/<file name>` |
//! vault id | epoch. What the app sends is opaque bytes here (its form, as
//! JSON), bounded in size.
//!
//! Only a file sealed under the current key is read: one planted under a
//! key someone knew before a rotation is not, and a rotation re-seals the
//! owner's own under the new key.

use std::io::Read;
use std::path::PathBuf;

use zeroize::Zeroizing;

use super::Diary;
use crate::crypto::record::{self, NONCE_LEN};
use crate::durable::{self, FolderSync};
use crate::error::{Error, Result};

/// The draft's file in the vault folder.
pub const DRAFT_FILE: &str = "draft";
/// Where the last backup went.
pub const BACKUP_PLACE_FILE: &str = "last-backup";
/// Present while a recovery key the app showed is not known to be kept.
pub const KEY_UNKEPT_FILE: &str = "recovery-key-unkept";
/// The most a side file may hold: a long entry is a few kilobytes.
pub const MAX_DRAFT: usize = 256 * 1024;
const MAGIC: &[u8; 8] = b"IDDRAFT1";
const HEAD: usize = 8 + 4 + NONCE_LEN;
/// What sealing adds to a side file's content.
pub(super) const SEALED_OVERHEAD: usize = HEAD + record::TAG_LEN;

impl Diary {
    /// Keeps `draft` sealed in place of the one before (whole or not at all).
    pub fn save_draft(&self, draft: &[u8]) -> Result<()> {
        self.save_side(DRAFT_FILE, draft)
            .map_err(|e| Error::Storage(format!("could not save the draft: {e}")))
    }

    /// The draft kept, if there is one this diary's current key opens.
    pub fn draft(&self) -> Result<Option<Zeroizing<Vec<u8>>>> {
        self.read_side(DRAFT_FILE)
            .map_err(|e| Error::Storage(format!("could not read the draft: {e}")))
    }

    /// Removes the draft (saved as an entry, or discarded by the owner).
    pub fn discard_draft(&self) -> Result<()> {
        self.remove_side(DRAFT_FILE)
            .map_err(|e| Error::Storage(format!("could not remove the draft: {e}")))
    }

    /// Where the last backup made on this vault was written, if known.
    pub fn last_backup_place(&self) -> Option<PathBuf> {
        let bytes = self.read_side(BACKUP_PLACE_FILE).ok()??;
        String::from_utf8(bytes.to_vec()).ok().map(PathBuf::from)
    }

    /// Marks the recovery key just made as not yet written down: until
    /// [`Diary::recovery_key_kept`], the app offers a new one at each open.
    pub fn mark_recovery_key_unkept(&self) -> Result<()> {
        self.save_side(KEY_UNKEPT_FILE, b"shown")
            .map_err(|e| Error::Storage(format!("could not note the recovery key: {e}")))
    }

    /// The owner said the recovery key is written down.
    pub fn recovery_key_kept(&self) -> Result<()> {
        self.remove_side(KEY_UNKEPT_FILE)
            .map_err(|e| Error::Storage(format!("could not note the recovery key: {e}")))
    }

    /// Whether the last recovery key the app showed may not have been kept
    /// (only a mark sealed under the current key counts: a new key made
    /// since, by the CLI, was printed where it was asked for).
    pub fn recovery_key_unkept(&self) -> bool {
        matches!(self.read_side(KEY_UNKEPT_FILE), Ok(Some(_)))
    }

    pub(super) fn keep_backup_place(&self, place: &std::path::Path) -> std::io::Result<()> {
        self.save_side(BACKUP_PLACE_FILE, place.to_string_lossy().as_bytes())
    }

    pub(super) fn save_side(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let sealed = self.seal_side(name, bytes)?;
        let path = self.store.dir().join(name);
        let tmp = durable::sibling(&path, "tmp");
        // Left by a save that was killed midway (only the app saves these,
        // one at a time, under the diary's lock).
        let _ = std::fs::remove_file(&tmp);
        durable::write_file(&tmp, &path, FolderSync::Required, |w| {
            std::io::Write::write_all(w, &sealed)
        })
    }

    /// The bytes of side file `name` holding `bytes`, sealed under the
    /// current key.
    pub(super) fn seal_side(&self, name: &str, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        if bytes.len() > MAX_DRAFT {
            return Err(std::io::Error::other(format!(
                "it is longer than {} KiB",
                MAX_DRAFT / 1024
            )));
        }
        let epoch = self.keys.epoch();
        let key = self.keys.current().derive(b"idv2/draft");
        let (nonce, ct) = record::seal(&key, &self.side_aad(name, epoch), bytes);
        let mut sealed = Vec::with_capacity(HEAD + ct.len());
        sealed.extend_from_slice(MAGIC);
        sealed.extend_from_slice(&epoch.to_be_bytes());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ct);
        Ok(sealed)
    }

    /// Removes side file `name`; one already gone is no error.
    pub(super) fn remove_side(&self, name: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.store.dir().join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub(super) fn read_side(&self, name: &str) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
        Ok(self
            .read_sealed(name)?
            .and_then(|bytes| self.open_side(name, &bytes)))
    }

    /// The bytes of side file `name` (bounded), if it is a regular file.
    pub(super) fn read_sealed(&self, name: &str) -> std::io::Result<Option<Zeroizing<Vec<u8>>>> {
        let path = self.store.dir().join(name);
        // Not a regular file (a link, a folder, a pipe): not ours.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            _ => return Ok(None),
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)?
            .take((HEAD + MAX_DRAFT + record::TAG_LEN + 1) as u64)
            .read_to_end(&mut bytes)?;
        Ok(Some(Zeroizing::new(bytes)))
    }

    /// What `bytes`, side file `name`, holds, if they open under the
    /// current key (one sealed under a key someone knew before a rotation
    /// is not read).
    pub(super) fn open_side(&self, name: &str, bytes: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.open_side_of(name, bytes, false)
    }

    /// [`Diary::open_side`], accepting a key of an earlier epoch too when
    /// `older` (for a marker the owner's own rotation carried over, see
    /// `outputs`).
    pub(super) fn open_side_of(
        &self,
        name: &str,
        bytes: &[u8],
        older: bool,
    ) -> Option<Zeroizing<Vec<u8>>> {
        if bytes.len() < HEAD || &bytes[..8] != MAGIC {
            return None;
        }
        let epoch = u32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if epoch != self.keys.epoch() && !older {
            return None;
        }
        let nonce: [u8; NONCE_LEN] = bytes[12..HEAD].try_into().expect("24 bytes");
        let key = self.keys.get(epoch)?.derive(b"idv2/draft");
        record::open(&key, &nonce, &self.side_aad(name, epoch), &bytes[HEAD..]).ok()
    }

    /// Re-seals the side files under the key of a new epoch (`kept`: what
    /// they held under the key before).
    pub(super) fn reseal_side_files(&self, kept: Vec<(&'static str, Zeroizing<Vec<u8>>)>) {
        for (name, bytes) in kept {
            let _ = self.save_side(name, &bytes);
        }
    }

    /// What the side files hold now, to carry across a rotation (with the
    /// list of markers of writes outside the vault, see `outputs`).
    pub(super) fn side_files(&self) -> Vec<(&'static str, Zeroizing<Vec<u8>>)> {
        [DRAFT_FILE, BACKUP_PLACE_FILE]
            .into_iter()
            .filter_map(|name| Some((name, self.read_side(name).ok()??)))
            .chain(
                self.carried_outputs()
                    .map(|tags| (super::outputs::CARRIED_FILE, tags)),
            )
            .collect()
    }

    fn side_aad(&self, name: &str, epoch: u32) -> Vec<u8> {
        let mut aad = format!("idv2/{name}").into_bytes();
        aad.extend_from_slice(&self.vault_id);
        aad.extend_from_slice(&epoch.to_be_bytes());
        aad
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{clock, current_key, new_diary};
    use super::*;
    use crate::crypto::Passphrase;

    #[test]
    fn a_draft_survives_a_lock_and_a_rotation_sealed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (diary, pass) = new_diary(&dir);
        assert!(diary.draft().unwrap().is_none());
        let text = br#"{"narrative":"He was at the gate again at 8am"}"#;
        diary.save_draft(text).unwrap();
        // Sealed on disk.
        let on_disk = std::fs::read(dir.join(DRAFT_FILE)).unwrap();
        assert!(!on_disk.windows(8).any(|w| w == b"the gate"));
        drop(diary);
        let mut diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert_eq!(diary.draft().unwrap().unwrap().as_slice(), text);

        // Re-sealed under the new key at a rotation; one planted under the
        // key before is not offered back.
        let old_key = current_key(&diary);
        let new = Passphrase::new("new pw".into());
        diary.rotate_keys(&new, None).unwrap();
        assert_eq!(diary.draft().unwrap().unwrap().as_slice(), text);
        let aad = diary.side_aad(DRAFT_FILE, 0);
        let (nonce, ct) = record::seal(&old_key.derive(b"idv2/draft"), &aad, b"planted");
        let mut planted = MAGIC.to_vec();
        planted.extend_from_slice(&0u32.to_be_bytes());
        planted.extend_from_slice(&nonce);
        planted.extend_from_slice(&ct);
        std::fs::write(dir.join(DRAFT_FILE), planted).unwrap();
        assert!(diary.draft().unwrap().is_none());

        // Garbage is no draft; too long is refused; discard removes it.
        std::fs::write(dir.join(DRAFT_FILE), b"garbage").unwrap();
        assert!(diary.draft().unwrap().is_none());
        assert!(diary.save_draft(&vec![b'x'; MAX_DRAFT + 1]).is_err());
        // A save killed midway left its temporary file: the next one works.
        std::fs::write(dir.join(".draft.tmp"), b"partial").unwrap();
        diary.save_draft(b"x").unwrap();
        assert!(!dir.join(".draft.tmp").exists());
        diary.discard_draft().unwrap();
        assert!(diary.draft().unwrap().is_none());
        diary.discard_draft().unwrap();
    }

    #[test]
    fn where_the_last_backup_went_is_kept_sealed_and_follows_the_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, pass) = new_diary(&dir);
        assert_eq!(diary.last_backup_place(), None);
        let out = tmp.path().join("usb-stick").join("b.age");
        std::fs::create_dir(out.parent().unwrap()).unwrap();
        let mut steps = Vec::new();
        diary
            .backup_observed(&out, &pass, &mut |done, total| steps.push((done, total)))
            .unwrap();
        assert_eq!(steps, vec![(1, 1)]);
        assert_eq!(diary.last_backup_place().as_deref(), Some(out.as_path()));
        let sealed = std::fs::read(dir.join(BACKUP_PLACE_FILE)).unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"usb-stick"));
        diary
            .rotate_keys(&Passphrase::new("new pw".into()), None)
            .unwrap();
        assert_eq!(diary.last_backup_place().as_deref(), Some(out.as_path()));
    }

    #[test]
    fn a_recovery_key_not_yet_kept_is_remembered_until_it_is() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (diary, pass) = new_diary(&dir);
        assert!(!diary.recovery_key_unkept());
        diary.mark_recovery_key_unkept().unwrap();
        drop(diary);
        let mut diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert!(diary.recovery_key_unkept(), "survives a lock");
        // A key made since (by the CLI) leaves the mark unread.
        diary
            .rotate_keys(&Passphrase::new("new pw".into()), None)
            .unwrap();
        assert!(!diary.recovery_key_unkept());
        diary.mark_recovery_key_unkept().unwrap();
        assert!(diary.recovery_key_unkept());
        diary.recovery_key_kept().unwrap();
        assert!(!diary.recovery_key_unkept());
        diary.recovery_key_kept().unwrap();
    }
}
