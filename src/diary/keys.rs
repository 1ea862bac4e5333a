//! Creating and opening a vault, and changing the secrets that open it.
//!
//! The vault key is wrapped in a [`SlotTable`] of eight rows: one for the
//! passphrase (Argon2id), one for the recovery key, the rest random bytes,
//! so nobody can tell which rows are used.

use std::path::Path;
use std::time::Duration;

use zeroize::Zeroizing;

use super::rotation::KeyChangeSaved;
use super::{Anchoring, Diary, Unlocked};
use crate::clock::Clock;
use crate::crypto::epoch::VaultKeys;
use crate::crypto::kdf::KdfParams;
use crate::crypto::keyslot::{SlotContext, SlotKind, SlotTable};
use crate::crypto::{self, Passphrase, SecretKey};
use crate::error::{Error, Result};
use crate::log::SealedLog;
use crate::model::{Event, KeyChange};
use crate::state::{FileKeys, State};
use crate::store::{FORMAT, Header, Store};
use crate::throttle::Throttle;

/// How long the Argon2id part of an unlock should take on this device:
/// within DESIGN's 0.5-1 s, low enough that timing noise and loading the log
/// still leave the whole unlock under 1 s.
pub const KDF_TARGET: Duration = Duration::from_millis(600);

impl Diary {
    /// A key-derivation cost that takes about [`KDF_TARGET`] on this
    /// device, for a new vault.
    pub fn calibrated_kdf() -> KdfParams {
        crate::crypto::kdf::calibrate(KDF_TARGET)
    }

    /// Creates a vault in `dir` (missing or empty) and returns it unlocked,
    /// with the recovery key text to show the user exactly once.
    pub fn create(
        dir: &Path,
        passphrase: &Passphrase,
        kdf: KdfParams,
        clock: Box<dyn Clock>,
    ) -> Result<(Diary, Zeroizing<String>)> {
        if passphrase.is_empty() {
            return Err(Error::invalid("passphrase", "must not be empty"));
        }
        let vault_id: [u8; 16] = crypto::random::bytes();
        let vault_key = SecretKey::random();
        let kdf_header = kdf.to_bytes();
        let FreshSlots {
            slots,
            pass_slot,
            recovery_key,
        } = FreshSlots::new(&vault_id, &kdf, passphrase, &vault_key)?;
        let keys = VaultKeys::single(vault_key);
        let log = SealedLog::new(&keys, vault_id);
        let header = Header {
            format: FORMAT,
            vault_id,
            epoch: 0,
            kdf: kdf_header.to_vec(),
            slots,
        };
        let header_sum = header.checksum();
        let tip = log.seal_tip(0, &log.head(), &header_sum);
        let store = Store::create(dir, &header, &tip)?;
        let mut diary = Diary {
            store,
            log,
            state: State::default(),
            file_keys: FileKeys::default(),
            clock,
            keys,
            vault_id,
            header_sum,
            unlocked: Unlocked {
                kind: SlotKind::Passphrase,
                slot: pass_slot,
                wrong_before: Default::default(),
            },
            anchor_trouble: None,
            key_header_changed: None,
            thumbnails_checked: Default::default(),
            newer_copy_seen: None,
            high_water_behind: false,
        };
        diary.advance_anchor();
        Ok((diary, crypto::recovery::encode(&recovery_key)))
    }

    /// Opens the vault in `dir` with the passphrase, verifying the whole log.
    ///
    /// After [`crate::throttle::FREE_ATTEMPTS`] wrong passphrases in a row,
    /// each further attempt is refused with [`Error::Throttled`] until a
    /// doubling wait is over (see [`crate::throttle`]), before any key
    /// derivation runs.
    pub fn unlock(dir: &Path, passphrase: &Passphrase, clock: Box<dyn Clock>) -> Result<Diary> {
        unlock_passphrase(dir, passphrase, clock, Anchoring::Enforce).map(|(diary, _)| diary)
    }

    /// [`Diary::unlock`] for a copy the owner put back on purpose: a vault
    /// older than what this device last saw of it (see
    /// [`Error::WentBack`]) is opened all the same, verified in full, and
    /// becomes what the device remembers. Returns the diary and the
    /// difference that was accepted, if any.
    pub fn unlock_accepting_older(
        dir: &Path,
        passphrase: &Passphrase,
        clock: Box<dyn Clock>,
    ) -> Result<(Diary, Option<Error>)> {
        unlock_passphrase(dir, passphrase, clock, Anchoring::AcceptOlder)
    }

    /// Checks `passphrase` against the open vault without reopening it, for
    /// actions whose holder must know it (changing it, a new recovery key):
    /// whoever holds an unlocked phone should not be able to. Throttled and
    /// counted like an unlock.
    pub fn confirm_passphrase(&self, passphrase: &Passphrase) -> Result<()> {
        let header = self.store.header()?;
        open_passphrase_slot(self.store.dir(), &header, passphrase, &*self.clock).map(drop)
    }

    /// How long until the next passphrase attempt on the vault in `dir` is
    /// allowed, while a wait after wrong passphrases runs (for the unlock
    /// screen, before anything is typed).
    pub fn unlock_wait(dir: &Path, clock: &dyn Clock) -> Option<Duration> {
        Throttle::new(dir).check(clock.now()).err()
    }

    /// Opens the vault with the recovery key text (as shown at creation).
    /// A vault older than this device last saw is opened all the same (see
    /// [`Diary::unlock_accepting_older`]), with what was overruled.
    pub fn unlock_with_recovery_key(
        dir: &Path,
        recovery_key: &str,
        clock: Box<dyn Clock>,
    ) -> Result<(Diary, Option<Error>)> {
        let key = crypto::recovery::decode(recovery_key)?;
        let store = Store::open(dir)?;
        let header = store.header()?;
        let ctx = SlotContext {
            vault_id: &header.vault_id,
            kdf_header: &header.kdf,
        };
        let (slot, vault_key) = header
            .slots
            .open(SlotKind::Recovery, &key, &ctx)
            .ok_or(Error::WrongRecoveryKey)?;
        // The owner is back in: the passphrase count starts again.
        Throttle::new(dir).reset();
        let unlocked = Unlocked {
            kind: SlotKind::Recovery,
            slot,
            wrong_before: Default::default(),
        };
        // The recovery key proves the owner: a rollback record that says
        // otherwise (damaged, or another copy) must not keep them out of
        // the one way back in. What it said is returned, to be shown.
        let anchoring = Anchoring::AcceptOlder;
        Diary::load(store, &header, vault_key, unlocked, clock, anchoring)
    }

    /// Changes the passphrase: re-wraps the vault key under a new salt (same
    /// cost, or `kdf` when given), and records the change in the log. The
    /// vault key stays: someone who knew the old passphrase and kept a copy
    /// of the vault can still read what is written later
    /// ([`Diary::rotate_keys`] is the change that stops them).
    ///
    /// Unlocked with the passphrase, its slot is replaced in place. Unlocked
    /// with the recovery key (`recover`), every slot but the recovery slot
    /// is refilled, so a passphrase the abuser may know stops working.
    pub fn change_passphrase(&mut self, new: &Passphrase, kdf: Option<KdfParams>) -> Result<()> {
        if new.is_empty() {
            return Err(Error::invalid("passphrase", "must not be empty"));
        }
        let old = self.store.header()?;
        let kdf = self.kdf_or_current(&old, kdf)?;
        let kdf_header = kdf.to_bytes();
        let ctx = SlotContext {
            vault_id: &self.vault_id,
            kdf_header: &kdf_header,
        };
        let mut slots = old.slots;
        let pass_slot = match self.unlocked.kind {
            SlotKind::Passphrase => self.unlocked.slot,
            SlotKind::Recovery => {
                slots.keep_only(self.unlocked.slot);
                SlotTable::random_index(Some(self.unlocked.slot))
            }
        };
        let ikm = kdf.derive(new)?;
        slots.put(
            pass_slot,
            self.keys.current(),
            SlotKind::Passphrase,
            &ikm,
            &ctx,
        );
        let header = self.next_header(kdf_header.to_vec(), slots);
        let change = KeyChange {
            passphrase: true,
            recovery_key: false,
        };
        // Unlocked with the recovery key, every slot but its own was refilled.
        let saved = KeyChangeSaved {
            ended: None,
            rewrites_others: self.unlocked.kind == SlotKind::Recovery,
            recovery_key_to_show: false,
        };
        self.commit_keys(header, Event::KeysChange(change), saved)?;
        if self.unlocked.kind == SlotKind::Passphrase {
            self.unlocked.slot = pass_slot;
        }
        Ok(())
    }

    /// Replaces the recovery key with a new one and returns its text, to be
    /// shown once (then call [`Diary::recovery_key_shown`]). The old
    /// recovery key stops working at once.
    ///
    /// The recovery key is never stored readable, so "showing it again" can
    /// only mean making a new one: storing it under the vault key would let
    /// anyone who ever learned the passphrase read it and keep a way in
    /// after the victim recovers with it. Needs the diary opened with the
    /// passphrase; every slot but the passphrase's is refilled.
    pub fn replace_recovery_key(&mut self) -> Result<Zeroizing<String>> {
        if self.unlocked.kind != SlotKind::Passphrase {
            return Err(Error::invalid(
                "recovery_key",
                "set a new passphrase first (the diary was opened with the recovery key)",
            ));
        }
        let old = self.store.header()?;
        let ctx = SlotContext {
            vault_id: &self.vault_id,
            kdf_header: &old.kdf,
        };
        let recovery_key = SecretKey::random();
        let recovery_slot = SlotTable::random_index(Some(self.unlocked.slot));
        let mut slots = old.slots;
        slots.keep_only(self.unlocked.slot);
        slots.put(
            recovery_slot,
            self.keys.current(),
            SlotKind::Recovery,
            &recovery_key,
            &ctx,
        );
        let header = self.next_header(old.kdf, slots);
        let change = KeyChange {
            passphrase: false,
            recovery_key: true,
        };
        // Every slot but the passphrase's is rewritten.
        let saved = KeyChangeSaved {
            ended: None,
            rewrites_others: true,
            recovery_key_to_show: true,
        };
        self.commit_keys(header, Event::KeysChange(change), saved)?;
        Ok(crypto::recovery::encode(&recovery_key))
    }
}

/// A new slot table for `vault_key`: a passphrase slot and a slot for a
/// new recovery key, in random rows, the others random bytes (a new vault,
/// or a rotation).
pub(super) struct FreshSlots {
    pub slots: SlotTable,
    pub pass_slot: u8,
    pub recovery_key: SecretKey,
}

impl FreshSlots {
    pub(super) fn new(
        vault_id: &[u8; 16],
        kdf: &KdfParams,
        passphrase: &Passphrase,
        vault_key: &SecretKey,
    ) -> Result<FreshSlots> {
        let recovery_key = SecretKey::random();
        let kdf_header = kdf.to_bytes();
        let ctx = SlotContext {
            vault_id,
            kdf_header: &kdf_header,
        };
        let pass_slot = SlotTable::random_index(None);
        let recovery_slot = SlotTable::random_index(Some(pass_slot));
        let mut slots = SlotTable::new();
        let ikm = kdf.derive(passphrase)?;
        slots.put(pass_slot, vault_key, SlotKind::Passphrase, &ikm, &ctx);
        slots.put(
            recovery_slot,
            vault_key,
            SlotKind::Recovery,
            &recovery_key,
            &ctx,
        );
        Ok(FreshSlots {
            slots,
            pass_slot,
            recovery_key,
        })
    }
}

/// The passphrase slot that `passphrase` opens, with the vault key, behind
/// the throttle (a wait running is refused before the KDF runs; a wrong
/// passphrase is counted, a right one clears the count).
fn open_passphrase_slot(
    dir: &Path,
    header: &Header,
    passphrase: &Passphrase,
    clock: &dyn Clock,
) -> Result<(u8, SecretKey, crate::throttle::WrongPassphrases)> {
    let throttle = Throttle::new(dir);
    // Held until the count is written: parallel guesses queue here.
    let _turn = throttle.lock();
    throttle
        .check(clock.now())
        .map_err(|wait| Error::Throttled { wait })?;
    let kdf = KdfParams::from_bytes(&header.kdf)?;
    let ikm = kdf.derive(passphrase)?;
    let ctx = SlotContext {
        vault_id: &header.vault_id,
        kdf_header: &header.kdf,
    };
    let Some(opened) = header.slots.open(SlotKind::Passphrase, &ikm, &ctx) else {
        // Not the passphrase's fault when the header changed since this
        // device last opened the vault (a salt or a slot altered): said as
        // damage, and not counted against the owner.
        if crate::anchor::last_header(&header.vault_id, dir).is_some_and(|h| h != header.checksum())
        {
            return Err(Error::Damaged(
                "the vault's key header changed since this device last opened it, so no passphrase can be checked against it; open it with the recovery key".into(),
            ));
        }
        throttle.record_failure(clock.now());
        return Err(Error::WrongPassphrase);
    };
    let wrong_before = throttle.reset();
    Ok((opened.0, opened.1, wrong_before))
}

fn unlock_passphrase(
    dir: &Path,
    passphrase: &Passphrase,
    clock: Box<dyn Clock>,
    anchoring: Anchoring,
) -> Result<(Diary, Option<Error>)> {
    let store = Store::open(dir)?;
    let header = store.header()?;
    let (slot, vault_key, wrong_before) = open_passphrase_slot(dir, &header, passphrase, &*clock)?;
    let unlocked = Unlocked {
        kind: SlotKind::Passphrase,
        slot,
        wrong_before,
    };
    Diary::load(store, &header, vault_key, unlocked, clock, anchoring)
}
