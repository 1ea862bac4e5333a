//! Replacing the vault key ("someone knows my passphrase", "my phone was
//! taken"), and the one transaction every change of the diary's secrets is
//! saved in.
//!
//! A rotation starts a new key epoch (see `crypto::epoch`): a new vault
//! key, a new passphrase slot and a new recovery key, the old key wrapped
//! under the new one, and a `keys.rotate` record sealed under the new key,
//! all in one transaction. Nothing written before is rewritten: the chain
//! and the ciphertext of every earlier record stay as they are, and the
//! owner still reads them through the wrapped keys. Whoever knew an earlier
//! passphrase or recovery key, and kept a copy of the vault, reads what
//! they copied and nothing written after; and they cannot add a record the
//! diary accepts, nor sign an export with its new key.

use zeroize::Zeroizing;

use super::keys::FreshSlots;
use super::{Diary, Unlocked};
use crate::crypto::kdf::KdfParams;
use crate::crypto::keyslot::{SlotKind, SlotTable};
use crate::crypto::sshsig::Signer;
use crate::crypto::{self, Passphrase, SecretKey};
use crate::error::{Error, Result};
use crate::model::{Event, KeyRotation, LogRecord, RotationReason};
use crate::store::{FORMAT, Header, WrappedKey};

impl Diary {
    /// Replaces the vault key, the passphrase (with `new`) and the recovery
    /// key, and returns the new recovery key's text, to be shown once (then
    /// call [`Diary::recovery_key_shown`]). The
    /// export signing key changes with the vault key; exports made after
    /// carry a statement signed by both (see `export`).
    ///
    /// The key-derivation cost stays, or is `kdf` when given (`recover`
    /// measures it again on this device).
    pub fn rotate_keys(
        &mut self,
        new: &Passphrase,
        kdf: Option<KdfParams>,
    ) -> Result<Zeroizing<String>> {
        if new.is_empty() {
            return Err(Error::invalid("passphrase", "must not be empty"));
        }
        let kdf = match kdf {
            Some(kdf) => kdf,
            None => self.kdf_or_current(&self.store.header()?, None)?,
        };
        let vault_key = SecretKey::random();
        let kdf_header = kdf.to_bytes().to_vec();
        let FreshSlots {
            slots,
            pass_slot,
            recovery_key,
        } = FreshSlots::new(&self.vault_id, &kdf, new, &vault_key)?;
        let rotation = KeyRotation {
            epoch: self.keys.epoch() + 1,
            signing_key: Signer::derive(&vault_key).public().openssh(),
            previous_signing_key: Signer::derive(self.keys.current()).public().openssh(),
            reason: match self.unlocked.kind {
                SlotKind::Recovery => RotationReason::Recovery,
                SlotKind::Passphrase => RotationReason::Requested,
            },
        };
        // The owner's draft and the last backup's place follow the key
        // (see `side_files`); best effort.
        let side_files = self.side_files();
        let ended = self.keys.epoch();
        self.log.push_epoch(&vault_key);
        let wrapped = self.keys.push(&self.vault_id, vault_key);
        let mut header = self.next_header(kdf_header, slots);
        header.epoch = rotation.epoch;
        let event = Event::KeysRotate(rotation);
        let change = KeyChangeSaved {
            ended: Some((ended, wrapped)),
            rewrites_others: true,
            recovery_key_to_show: true,
        };
        if let Err(err) = self.commit_keys(header, event, change) {
            self.log.pop_epoch();
            self.keys.pop();
            return Err(err);
        }
        self.unlocked = Unlocked {
            kind: SlotKind::Passphrase,
            slot: pass_slot,
            ..self.unlocked
        };
        self.reseal_side_files(side_files);
        Ok(crypto::recovery::encode(&recovery_key))
    }

    /// The current key epoch: how many times the vault key was replaced.
    pub fn key_epoch(&self) -> u32 {
        self.keys.epoch()
    }

    /// The fingerprint (`SHA256:...`) of the key exports are signed with
    /// now, as `ssh-keygen -l` shows it.
    pub fn signing_fingerprint(&self) -> String {
        Signer::derive(self.keys.current()).public().fingerprint()
    }

    /// The key header after a change: this version's format, the current
    /// epoch, `kdf` and `slots`.
    pub(super) fn next_header(&self, kdf: Vec<u8>, slots: SlotTable) -> Header {
        Header {
            format: FORMAT,
            vault_id: self.vault_id,
            epoch: self.keys.epoch(),
            kdf,
            slots,
        }
    }

    /// `kdf` when given; else the cost in `header`, checked against the
    /// limits. With a new cost given the old one is not even read: recovery
    /// must work on a header whose cost was pushed out of range.
    pub(super) fn kdf_or_current(
        &self,
        header: &Header,
        kdf: Option<KdfParams>,
    ) -> Result<KdfParams> {
        match kdf {
            Some(k) => Ok(k),
            None => {
                let current = KdfParams::from_bytes(&header.kdf)?;
                Ok(KdfParams::new(current.memory_kib, current.iterations)?)
            }
        }
    }

    /// Notes that the new recovery key made by [`Diary::rotate_keys`] or
    /// [`Diary::replace_recovery_key`] was shown: only now does this
    /// device's rollback record take the new key header as its own. A
    /// program stopped before showing it leaves the record at the header
    /// before, so the next unlock warns that the slots changed and advises
    /// a new recovery key, which is what the owner, who never saw this
    /// one, needs.
    pub fn recovery_key_shown(&mut self) {
        self.anchor_new_header();
    }

    /// Saves a new key `header` and the record of the change (`event`),
    /// with the key of the epoch a rotation ends, in one transaction: the
    /// new tip, sealed under the newest key, names the new header. Then the
    /// anchor remembers the new header as this device's own change (at
    /// once, or when the new recovery key was shown).
    pub(super) fn commit_keys(
        &mut self,
        header: Header,
        event: Event,
        change: KeyChangeSaved,
    ) -> Result<()> {
        let KeyChangeSaved {
            ended,
            rewrites_others,
            recovery_key_to_show,
        } = change;
        self.state.admit(&event).map_err(super::rejection_error)?;
        let record = LogRecord {
            blind: crypto::random::bytes(),
            recorded_at: self.clock.now(),
            event,
        };
        let (rows, seq, head) = self.log.seal_rows(std::slice::from_ref(&record));
        let header_sum = header.checksum();
        // While a change by someone else is known and this one leaves
        // their slots in place, the tip keeps vouching for the header
        // before theirs (see `Diary::sealed_header`).
        let vouched = match rewrites_others {
            true => header_sum,
            false => self.key_header_changed.unwrap_or(header_sum),
        };
        let tip = self.log.seal_tip(seq, &head, &vouched);
        let ended = ended.as_ref().map(|(epoch, key)| (*epoch, key));
        self.store.replace_keys(&header, ended, &rows, &tip)?;
        self.header_sum = header_sum;
        if rewrites_others {
            self.key_header_changed = None;
        }
        let first = self.log.seq() + 1;
        self.log.advance(seq, head);
        self.state
            .apply(first, record, &mut self.file_keys)
            .map_err(super::rejection_error)?;
        // The anchor keeps the new header's checksum: a change made here
        // is not someone else's.
        if !recovery_key_to_show {
            self.anchor_new_header();
        }
        Ok(())
    }
}

/// How a key change is saved (see [`Diary::commit_keys`]).
pub(super) struct KeyChangeSaved {
    /// The epoch a rotation ends, and its key wrapped under the new one.
    pub ended: Option<(u32, WrappedKey)>,
    /// Every slot but the one used to unlock was rewritten (so nobody
    /// else's change survives in them).
    pub rewrites_others: bool,
    /// A new recovery key is still to be shown (see
    /// [`Diary::recovery_key_shown`]).
    pub recovery_key_to_show: bool,
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, clock, new_diary};
    use super::*;
    use crate::crypto::epoch::VaultKeys;
    use crate::log::SealedLog;
    use crate::model::{Id, Incident};
    use crate::store::Durability;

    /// Someone who kept the key of an earlier epoch seals a row in the old
    /// epoch after a rotation, with a correct chain and a tip under the old
    /// key: the owner's unlock names that row.
    #[test]
    fn a_row_sealed_under_a_replaced_key_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        diary.add_incident(Incident::new(at(), "before")).unwrap();
        let old = SecretKey::from_bytes(*diary.keys.current().expose_secret());
        let new_pass = Passphrase::new("new".into());
        diary.rotate_keys(&new_pass, None).unwrap();
        diary.add_incident(Incident::new(at(), "after")).unwrap();
        let mut forger = SealedLog::new(&VaultKeys::single(old), diary.vault_id);
        let (seq, head) = diary.chain_tip();
        forger.advance(seq, head);
        let record = LogRecord {
            blind: [0; 32],
            recorded_at: at(),
            event: Event::IncidentCreate {
                id: Id([9; 16]),
                incident: Incident::new(at(), "forged"),
            },
        };
        let (rows, forged, end) = forger.seal_rows(&[record]);
        assert_eq!(rows[0].epoch, 0);
        let tip = forger.seal_tip(forged, &end, &diary.header_sum);
        diary.store.append(&rows, &tip, Durability::Full).unwrap();
        drop(diary);
        match Diary::unlock(&dir, &new_pass, clock()) {
            Err(Error::Tampered { seq, reason }) => {
                assert_eq!(seq, forged);
                // The chain itself carries each row's key epoch, and an
                // epoch never goes back.
                assert!(reason.contains("key epoch out of order"), "{reason}");
            }
            other => panic!("expected tampering at {forged}, got {:?}", other.err()),
        }
    }

    /// Someone who knew the key before a rotation seals an old row again
    /// with other content, keeping its stored leaf, hashes and position:
    /// unlock recomputes every row of a replaced epoch and refuses it.
    #[test]
    fn an_old_row_sealed_again_under_a_replaced_key_is_refused_at_unlock() {
        use crate::crypto::chain::ChainWalk;
        use crate::crypto::record;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        diary.add_incident(Incident::new(at(), "before")).unwrap();
        let old = SecretKey::from_bytes(*diary.keys.current().expose_secret());
        let vault_id = diary.vault_id;
        let new_pass = Passphrase::new("new".into());
        diary.rotate_keys(&new_pass, None).unwrap();
        drop(diary);
        let conn = rusqlite::Connection::open(dir.join(crate::store::DB_FILE)).unwrap();
        let (nonce, ct): (Vec<u8>, Vec<u8>) = conn
            .query_row("SELECT nonce, ct FROM log WHERE seq = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let rec = old.derive(b"idv1/rec");
        let aad = record::record_aad_in(0, 1, &ChainWalk::new(&vault_id).head());
        let nonce: [u8; 24] = nonce.try_into().unwrap();
        let plain = record::open(&rec, &nonce, &aad, &ct).unwrap();
        let forged = String::from_utf8(plain.to_vec())
            .unwrap()
            .replace("before", "FORGED");
        let (nonce, ct) = record::seal(&rec, &aad, forged.as_bytes());
        conn.execute(
            "UPDATE log SET nonce = ?1, ct = ?2 WHERE seq = 1",
            rusqlite::params![&nonce[..], ct],
        )
        .unwrap();
        drop(conn);
        match Diary::unlock(&dir, &new_pass, clock()) {
            Err(Error::Tampered { seq: 1, .. }) => {}
            other => panic!("expected tampering at 1, got {:?}", other.err()),
        }
    }

    /// A program stopped after a rotation was saved and before its new
    /// recovery key was shown: the next unlock warns that the key slots
    /// changed (the owner never saw the new key and needs another). Once
    /// shown, nothing is said.
    #[test]
    fn a_recovery_key_never_shown_is_warned_about() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        let new_pass = Passphrase::new("new".into());
        diary.rotate_keys(&new_pass, None).unwrap();
        drop(diary);
        let mut diary = Diary::unlock(&dir, &new_pass, clock()).unwrap();
        assert!(diary.key_header_changed());
        diary.replace_recovery_key().unwrap();
        diary.recovery_key_shown();
        drop(diary);
        let diary = Diary::unlock(&dir, &new_pass, clock()).unwrap();
        assert!(!diary.key_header_changed());
    }

    /// After a rotation every earlier record still opens, the new key is a
    /// different one, and so is the signing key.
    #[test]
    fn a_rotation_keeps_history_and_changes_every_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        diary.add_incident(Incident::new(at(), "before")).unwrap();
        let signer = diary.signing_fingerprint();
        let new_pass = Passphrase::new("new".into());
        let recovery = diary.rotate_keys(&new_pass, None).unwrap();
        assert_eq!(diary.key_epoch(), 1);
        assert_ne!(diary.signing_fingerprint(), signer);
        let rotations: Vec<_> = diary.state().rotations().collect();
        assert_eq!(rotations.len(), 1);
        assert_eq!(rotations[0].1.reason, RotationReason::Requested);
        drop(diary);
        let diary = Diary::unlock(&dir, &new_pass, clock()).unwrap();
        assert_eq!(diary.state().incidents().len(), 1);
        assert_eq!(diary.key_epoch(), 1);
        diary.check().unwrap();
        drop(diary);
        let (diary, _) = Diary::unlock_with_recovery_key(&dir, &recovery, clock()).unwrap();
        assert_eq!(diary.key_epoch(), 1);
    }
}
