//! Incident Diary: an encrypted, tamper-evident diary for victims of
//! stalking and harassment.
//!
//! [`Diary`] is the one facade used by the `diary` CLI and the app. A vault
//! is a directory holding one SQLite file of ciphertext (see `DESIGN.md`):
//! a 256-bit vault key wrapped in eight key slots (passphrase via Argon2id,
//! recovery key), and an append-only log of XChaCha20-Poly1305 records
//! linked by an unkeyed SHA-256 hash chain. Unlocking decrypts and verifies
//! the whole log into memory; every change is one new, durable row.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backup;
pub mod clock;
pub mod crypto;
mod entries;
pub mod error;
mod exhibit_thumbnails;
mod exhibits;
pub mod export;
pub mod file_claims;
mod journal;
pub mod model;
mod parallel;
pub mod pattern;
mod private_fs;
pub mod query;
pub mod state;
pub mod store;
pub mod throttle;
mod thumbnail;

use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

pub use clock::{Clock, SystemClock};
use crypto::kdf::KdfParams;
use crypto::keyslot::{self, SLOT_COUNT, SlotContext, SlotKind};
use crypto::{Passphrase, SecretKey, chain::Hash};
pub use entries::IncidentRef;
pub use error::{Error, ErrorCode, Result};
pub use exhibits::{ExhibitFault, ExhibitRef};
use journal::{Journal, Verify};
use state::State;
use store::{Header, Store};

/// How long the Argon2id part of an unlock should take on this device:
/// within DESIGN's 0.5-1 s, low enough that timing noise and loading the log
/// still leave the whole unlock under 1 s.
pub const KDF_TARGET: Duration = Duration::from_millis(600);

/// Which secret unlocked the vault, and in which slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unlocked {
    kind: SlotKind,
    slot: u8,
}

/// An unlocked diary. Dropping it (or [`Diary::lock`]) wipes the keys.
pub struct Diary {
    store: Store,
    journal: Journal,
    state: State,
    clock: Box<dyn Clock>,
    vault_key: SecretKey,
    vault_id: [u8; 16],
    unlocked: Unlocked,
}

/// What `check` verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Log rows verified.
    pub entries: u64,
    /// Chain head after the last row.
    pub head: Hash,
    /// Incidents, withdrawn ones included.
    pub incidents: usize,
    /// Exhibit files decrypted and hashed (deleted exhibits have none).
    pub exhibits: usize,
}

impl Diary {
    /// The default vault directory (shared by the CLI and the app).
    pub fn default_dir() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("incident-diary"))
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
        let recovery_key = SecretKey::random();
        let kdf_header = kdf.to_bytes();
        let ctx = SlotContext {
            vault_id: &vault_id,
            kdf_header: &kdf_header,
        };
        let pass_slot = random_slot_index(None);
        let recovery_slot = random_slot_index(Some(pass_slot));
        let mut slots = [[0u8; keyslot::SLOT_LEN]; SLOT_COUNT];
        for (i, slot) in slots.iter_mut().enumerate() {
            *slot = keyslot::unused_slot();
            if i as u8 == pass_slot {
                let ikm = kdf.derive(passphrase)?;
                *slot = keyslot::wrap(&vault_key, SlotKind::Passphrase, &ikm, &ctx, pass_slot);
            } else if i as u8 == recovery_slot {
                *slot = keyslot::wrap(
                    &vault_key,
                    SlotKind::Recovery,
                    &recovery_key,
                    &ctx,
                    recovery_slot,
                );
            }
        }
        let journal = Journal::new(&vault_key, vault_id);
        let tip = journal.seal_tip(0, &journal.head());
        let header = Header {
            vault_id,
            kdf: kdf_header.to_vec(),
            slots,
        };
        let store = Store::create(dir, &header, &tip)?;
        let diary = Diary {
            store,
            journal,
            state: State::default(),
            clock,
            vault_key,
            vault_id,
            unlocked: Unlocked {
                kind: SlotKind::Passphrase,
                slot: pass_slot,
            },
        };
        Ok((diary, crypto::recovery::encode(&recovery_key)))
    }

    /// Opens the vault in `dir` with the passphrase, verifying the whole log.
    ///
    /// After [`throttle::FREE_ATTEMPTS`] wrong passphrases in a row, each
    /// further attempt is refused with [`Error::Throttled`] until a doubling
    /// wait is over (see [`throttle`]), before any key derivation runs.
    pub fn unlock(dir: &Path, passphrase: &Passphrase, clock: Box<dyn Clock>) -> Result<Diary> {
        let store = Store::open(dir)?;
        let header = store.header()?;
        let (slot, vault_key) = open_passphrase_slot(dir, &header, passphrase, &*clock)?;
        Diary::load(
            store,
            &header,
            vault_key,
            Unlocked {
                kind: SlotKind::Passphrase,
                slot,
            },
            clock,
        )
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
        match throttle::Throttle::new(dir).check(clock.now()) {
            Err(Error::Throttled { wait }) => Some(wait),
            _ => None,
        }
    }

    /// Opens the vault with the recovery key text (as shown at creation).
    pub fn unlock_with_recovery_key(
        dir: &Path,
        recovery_key: &str,
        clock: Box<dyn Clock>,
    ) -> Result<Diary> {
        let key = crypto::recovery::decode(recovery_key)?;
        let store = Store::open(dir)?;
        let header = store.header()?;
        let ctx = SlotContext {
            vault_id: &header.vault_id,
            kdf_header: &header.kdf,
        };
        let (slot, vault_key) = keyslot::unwrap(&header.slots, SlotKind::Recovery, &key, &ctx)
            .ok_or(Error::WrongRecoveryKey)?;
        // The owner is back in: the passphrase count starts again.
        throttle::Throttle::new(dir).reset();
        Diary::load(
            store,
            &header,
            vault_key,
            Unlocked {
                kind: SlotKind::Recovery,
                slot,
            },
            clock,
        )
    }

    fn load(
        store: Store,
        header: &Header,
        vault_key: SecretKey,
        unlocked: Unlocked,
        clock: Box<dyn Clock>,
    ) -> Result<Diary> {
        let (journal, state) = replay(&store, &vault_key, header.vault_id, Verify::Keyed)?;
        let diary = Diary {
            store,
            journal,
            state,
            clock,
            vault_key,
            vault_id: header.vault_id,
            unlocked,
        };
        diary.remove_orphan_files();
        Ok(diary)
    }

    /// Locks the diary: keys and decrypted state are dropped (keys are wiped).
    pub fn lock(self) {}

    /// The vault directory.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// The replayed state: incidents, people, orders, case, risk checks.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current chain head and the number of log rows.
    pub fn chain_tip(&self) -> (u64, Hash) {
        (self.journal.seq(), self.journal.head())
    }

    /// Drops the in-memory state and replays the log from disk again, for
    /// example after [`Error::Conflict`] (another program appended).
    pub fn reload(&mut self) -> Result<()> {
        let (journal, state) = replay(&self.store, &self.vault_key, self.vault_id, Verify::Keyed)?;
        self.journal = journal;
        self.state = state;
        Ok(())
    }

    /// Re-reads and re-verifies the whole vault from disk: database
    /// structure, header, every log row, the sealed end.
    pub fn check(&self) -> Result<CheckReport> {
        self.store.integrity_check()?;
        let header = self.store.header()?;
        if header.vault_id != self.vault_id {
            return Err(Error::Damaged("the vault id changed".into()));
        }
        let (journal, state) = replay(&self.store, &self.vault_key, self.vault_id, Verify::Full)?;
        let (exhibits, faults) = self.check_exhibits()?;
        if !faults.is_empty() {
            let list: Vec<String> = faults
                .iter()
                .map(|f| format!("exhibit {}: {}", f.label, f.problem))
                .collect();
            return Err(Error::Damaged(list.join("; ")));
        }
        Ok(CheckReport {
            entries: journal.seq(),
            head: journal.head(),
            incidents: state.incidents().len(),
            exhibits,
        })
    }

    /// Changes the passphrase: re-wraps the vault key under a new salt (same
    /// cost, or `kdf` when given). Nothing but the header and slots changes.
    ///
    /// Unlocked with the passphrase, its slot is replaced in place. Unlocked
    /// with the recovery key (`diary recover`), every slot but the recovery
    /// slot is refilled, so a passphrase the abuser may know stops working.
    pub fn change_passphrase(&mut self, new: &Passphrase, kdf: Option<KdfParams>) -> Result<()> {
        if new.is_empty() {
            return Err(Error::invalid("passphrase", "must not be empty"));
        }
        let old = self.store.header()?;
        let current = KdfParams::from_bytes(&old.kdf)?;
        let kdf = match kdf {
            Some(k) => k,
            None => KdfParams::new(current.memory_kib, current.iterations)?,
        };
        let kdf_header = kdf.to_bytes();
        let ctx = SlotContext {
            vault_id: &self.vault_id,
            kdf_header: &kdf_header,
        };
        let mut slots = old.slots;
        let pass_slot = match self.unlocked.kind {
            SlotKind::Passphrase => self.unlocked.slot,
            SlotKind::Recovery => {
                for (i, slot) in slots.iter_mut().enumerate() {
                    if i as u8 != self.unlocked.slot {
                        *slot = keyslot::unused_slot();
                    }
                }
                random_slot_index(Some(self.unlocked.slot))
            }
        };
        let ikm = kdf.derive(new)?;
        slots[pass_slot as usize] =
            keyslot::wrap(&self.vault_key, SlotKind::Passphrase, &ikm, &ctx, pass_slot);
        self.store.replace_keys(&Header {
            vault_id: self.vault_id,
            kdf: kdf_header.to_vec(),
            slots,
        })?;
        if self.unlocked.kind == SlotKind::Passphrase {
            self.unlocked.slot = pass_slot;
        }
        Ok(())
    }
}

impl Diary {
    /// Replaces the recovery key with a new one and returns its text, to be
    /// shown once. The old recovery key stops working at once.
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
                "set a new passphrase first (opened with the recovery key)",
            ));
        }
        let old = self.store.header()?;
        let ctx = SlotContext {
            vault_id: &self.vault_id,
            kdf_header: &old.kdf,
        };
        let recovery_key = SecretKey::random();
        let recovery_slot = random_slot_index(Some(self.unlocked.slot));
        let mut slots = old.slots;
        for (i, slot) in slots.iter_mut().enumerate() {
            if i as u8 == recovery_slot {
                *slot = keyslot::wrap(
                    &self.vault_key,
                    SlotKind::Recovery,
                    &recovery_key,
                    &ctx,
                    recovery_slot,
                );
            } else if i as u8 != self.unlocked.slot {
                *slot = keyslot::unused_slot();
            }
        }
        self.store.replace_keys(&Header {
            vault_id: self.vault_id,
            kdf: old.kdf.clone(),
            slots,
        })?;
        Ok(crypto::recovery::encode(&recovery_key))
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
) -> Result<(u8, SecretKey)> {
    let throttle = throttle::Throttle::new(dir);
    throttle.check(clock.now())?;
    let kdf = KdfParams::from_bytes(&header.kdf)?;
    let ikm = kdf.derive(passphrase)?;
    let ctx = SlotContext {
        vault_id: &header.vault_id,
        kdf_header: &header.kdf,
    };
    let Some(opened) = keyslot::unwrap(&header.slots, SlotKind::Passphrase, &ikm, &ctx) else {
        throttle.record_failure(clock.now());
        return Err(Error::WrongPassphrase);
    };
    throttle.reset();
    Ok(opened)
}

/// Rows verified per batch: enough to keep every core busy, few enough that
/// memory stays small whatever the size of the diary.
const REPLAY_BATCH: usize = 4096;

/// Reads every row, verifying the chain, and rebuilds the state. With
/// [`Verify::Keyed`] a failure is re-checked with [`Verify::Full`], so the
/// error always names the first bad entry.
fn replay(
    store: &Store,
    vault_key: &SecretKey,
    vault_id: [u8; 16],
    verify: Verify,
) -> Result<(Journal, State)> {
    match replay_once(store, vault_key, vault_id, verify) {
        Err(err @ (Error::Tampered { .. } | Error::Damaged(_))) if verify == Verify::Keyed => {
            replay_once(store, vault_key, vault_id, Verify::Full).and(Err(err))
        }
        other => other,
    }
}

fn replay_once(
    store: &Store,
    vault_key: &SecretKey,
    vault_id: [u8; 16],
    verify: Verify,
) -> Result<(Journal, State)> {
    let mut journal = Journal::new(vault_key, vault_id);
    let mut state = State::default();
    let mut batch = Vec::with_capacity(REPLAY_BATCH);
    let mut flush = |journal: &mut Journal, batch: &mut Vec<store::LogRow>| -> Result<()> {
        let first = journal.seq() + 1;
        let records = journal.open_rows(batch, verify)?;
        let haystacks = parallel::map(&records, |_, record| {
            record.event.incident().map(query::haystack)
        });
        for (i, (record, haystack)) in records.into_iter().zip(haystacks).enumerate() {
            let seq = first + i as u64;
            state
                .apply_with(seq, record, haystack)
                .map_err(|_| Error::tampered(seq, "event does not fit the diary before it"))?;
        }
        batch.clear();
        Ok(())
    };
    store.for_each_row(|row| {
        batch.push(row);
        if batch.len() == REPLAY_BATCH {
            flush(&mut journal, &mut batch)?;
        }
        Ok::<(), Error>(())
    })?;
    flush(&mut journal, &mut batch)?;
    journal.check_tip(&store.tip()?)?;
    Ok((journal, state))
}

/// A uniformly random slot index other than `except`.
fn random_slot_index(except: Option<u8>) -> u8 {
    loop {
        let i = crypto::random::bytes::<1>()[0] % SLOT_COUNT as u8;
        if Some(i) != except {
            return i;
        }
    }
}

/// What the crate's unit tests share: a fast vault in a temporary folder.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::clock::SteppingClock;

    /// A clock starting on 1 January 2026.
    pub fn clock() -> Box<SteppingClock> {
        Box::new(SteppingClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        ))
    }

    /// A new vault at `dir` with passphrase `pw` and the cheapest KDF.
    pub fn new_diary(dir: &Path) -> (Diary, Passphrase) {
        let pass = Passphrase::new("pw".into());
        let kdf = KdfParams::new(crypto::kdf::MIN_MEMORY_KIB, 2).unwrap();
        let (diary, _) = Diary::create(dir, &pass, kdf, clock()).unwrap();
        (diary, pass)
    }

    /// 1 June 2025, 10:00 UTC: when the tests' incidents happen.
    pub fn at() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2025-06-01T10:00:00Z").unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{at, clock, new_diary};
    use super::*;
    use crate::model::Incident;
    use crate::store::Durability;

    /// Rows on both sides of a replay batch boundary are reported exactly.
    #[test]
    fn tampering_at_a_batch_boundary_names_the_right_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, pass) = new_diary(&dir);
        let at = at();
        let batch: Vec<Incident> = (0..REPLAY_BATCH + 3)
            .map(|i| Incident::new(at, format!("entry {i}")))
            .collect();
        diary.import_incidents(batch, Durability::Normal).unwrap();
        drop(diary);
        Diary::unlock(&dir, &pass, clock()).unwrap();
        for seq in [
            REPLAY_BATCH as i64,
            REPLAY_BATCH as i64 + 1,
            REPLAY_BATCH as i64 + 3,
        ] {
            let conn = rusqlite::Connection::open(dir.join(store::DB_FILE)).unwrap();
            let leaf: Vec<u8> = conn
                .query_row("SELECT leaf FROM log WHERE seq = ?1", [seq], |r| r.get(0))
                .unwrap();
            let mut bad = leaf.clone();
            bad[0] ^= 1;
            conn.execute(
                "UPDATE log SET leaf = ?1 WHERE seq = ?2",
                rusqlite::params![bad, seq],
            )
            .unwrap();
            match Diary::unlock(&dir, &pass, clock()) {
                Err(Error::Tampered { seq: found, .. }) => assert_eq!(found, seq as u64),
                other => panic!("expected tampering at {seq}, got {:?}", other.map(|_| ())),
            }
            conn.execute(
                "UPDATE log SET leaf = ?1 WHERE seq = ?2",
                rusqlite::params![leaf, seq],
            )
            .unwrap();
        }
    }

    /// Confirming the passphrase of an open diary checks the key slots
    /// without reopening, and wrong guesses meet the same throttle as unlock.
    #[test]
    fn confirming_the_passphrase_is_throttled_like_an_unlock() {
        let tmp = tempfile::tempdir().unwrap();
        let pass = Passphrase::new("pw".into());
        let kdf = KdfParams::new(crypto::kdf::MIN_MEMORY_KIB, 2).unwrap();
        // A clock that stands still, so the first wait cannot run out.
        let clock = crate::clock::ManualClock::new(at());
        let (diary, _) = Diary::create(&tmp.path().join("v"), &pass, kdf, Box::new(clock)).unwrap();
        diary.confirm_passphrase(&pass).unwrap();
        let wrong = Passphrase::new("guess".into());
        for _ in 0..throttle::FREE_ATTEMPTS {
            assert!(matches!(
                diary.confirm_passphrase(&wrong),
                Err(Error::WrongPassphrase)
            ));
        }
        assert!(matches!(
            diary.confirm_passphrase(&pass),
            Err(Error::Throttled { .. })
        ));
    }

    /// An id prefix made only of digits is found by prefix when no incident
    /// has that number (it used to be taken as a number and not found).
    #[test]
    fn an_id_prefix_of_digits_finds_its_incident() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        let at = at();
        let batch: Vec<Incident> = (0..300)
            .map(|i| Incident::new(at, format!("{i}")))
            .collect();
        diary.import_incidents(batch, Durability::Normal).unwrap();
        // One id in about sixteen starts with six digits: 300 ids hold one.
        let digits = diary
            .state()
            .incidents()
            .iter()
            .map(|r| r.id.to_hex())
            .find(|hex| hex[..6].bytes().all(|b| b.is_ascii_digit()))
            .expect("an id starting with six digits");
        assert_eq!(
            diary.find_incident(&digits[..6]).unwrap().id.to_hex(),
            digits
        );
        assert_eq!(diary.find_incident("300").unwrap().number, 300);
        assert!(diary.find_incident("301").is_err());
    }

    /// Two programs on one vault: the second to write is refused instead of
    /// forking the chain, and after a reload it sees and extends the log.
    #[test]
    fn a_stale_handle_gets_a_conflict_then_reloads() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut first, pass) = new_diary(&dir);
        let at = at();
        let mut second = Diary::unlock(&dir, &pass, clock()).unwrap();
        first
            .add_incident(Incident::new(at, "from the first"))
            .unwrap();
        assert!(matches!(
            second.add_incident(Incident::new(at, "from the second")),
            Err(Error::Conflict)
        ));
        second.reload().unwrap();
        assert_eq!(second.state().incidents().len(), 1);
        second
            .add_incident(Incident::new(at, "from the second"))
            .unwrap();
        drop((first, second));
        let reopened = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert_eq!(reopened.check().unwrap().incidents, 2);
    }
}
