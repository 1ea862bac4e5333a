//! The facade: [`Diary`], an unlocked vault, used by the CLI and the app.
//!
//! Its fields (the vault key, the store, the sealed log, the replayed
//! state) are private to this folder, one file per capability: `keys`
//! (create, unlock, passphrase and recovery key), `incidents`, `profile`
//! (people, orders, case, risk checks), `exhibits`, `thumbnails`, and
//! `disclosure` (what export and backup are given: decrypted values, chain
//! rows, exhibit readers and a [`Signer`](crate::crypto::sshsig::Signer),
//! never the key or the store).

mod chats;
mod disclosure;
mod exhibit_view;
mod exhibits;
mod incidents;
mod keys;
mod outputs;
mod profile;
mod rollback;
mod rotation;
mod side_files;
mod thumbnails;

use std::path::{Path, PathBuf};

pub use chats::{ImportOptions, Imported};
pub(crate) use disclosure::Disclosure;
pub use exhibits::{ExhibitFault, ExhibitRef};
pub use incidents::IncidentRef;
pub use keys::KDF_TARGET;
pub use rollback::LastEntry;
use rollback::{Anchoring, Seen};

use crate::clock::Clock;
use crate::crypto::epoch::VaultKeys;
use crate::crypto::keyslot::SlotKind;
use crate::crypto::{self, SecretKey, chain::Hash};
use crate::error::{Error, Result};
use crate::log::{Replayed, SealedLog, TipSeal, Verify, replay};
use crate::model::{Event, LogRecord};
use crate::state::{FileKeys, Rejection, State};
use crate::store::{Durability, Header, Store};

/// Which secret unlocked the vault, and in which slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unlocked {
    kind: SlotKind,
    slot: u8,
    /// Wrong passphrases tried before this unlock (none for the recovery key).
    wrong_before: crate::throttle::WrongPassphrases,
}

/// An unlocked diary. Dropping it (or [`Diary::lock`]) wipes the keys.
pub struct Diary {
    store: Store,
    log: SealedLog,
    state: State,
    /// The one map of exhibit file keys, out of reach of everything that
    /// reads the state.
    file_keys: FileKeys,
    clock: Box<dyn Clock>,
    /// The vault key of every epoch; the last is the current one.
    keys: VaultKeys,
    vault_id: [u8; 16],
    /// Checksum of the key header as this diary last read or wrote it,
    /// sealed into every tip (the header's keyed MAC).
    header_sum: Hash,
    unlocked: Unlocked,
    /// Why this device's rollback record could not be kept, if it could not.
    anchor_trouble: Option<String>,
    /// The key header changed since this device last saw it (see
    /// `Diary::key_header_changed`).
    key_header_changed: Option<crate::crypto::chain::Hash>,
    /// Exhibits whose stored thumbnail was checked against the original
    /// since the unlock (see `Diary::exhibit_thumbnail`).
    thumbnails_checked: std::sync::Mutex<std::collections::HashSet<[u8; 16]>>,
    /// A copy of this vault in another folder went further (see
    /// `Diary::newer_copy_seen`).
    newer_copy_seen: Option<u64>,
    /// Commits since the high-water mark was last raised.
    high_water_behind: bool,
}

impl Drop for Diary {
    /// Raises the diary's high-water mark across folders to this copy if
    /// it went further while open (the keys are wiped after, field by field).
    fn drop(&mut self) {
        self.raise_high_water();
    }
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
    /// Photo thumbnails checked against the log, or made again from their
    /// originals and compared.
    pub thumbnails: usize,
    /// Exhibits whose stored thumbnail did not match its original (made
    /// again): someone who held the key may have planted another picture.
    pub thumbnails_replaced: Vec<String>,
}

impl Diary {
    /// The default vault directory (shared by the CLI and the app).
    pub fn default_dir() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("incident-diary"))
    }

    /// Whether `dir` holds a vault (for a first-run screen; opening it is
    /// what proves it is one).
    pub fn exists(dir: &Path) -> bool {
        Store::exists(dir)
    }

    /// Removes the triggers, views, indexes and tables someone planted in
    /// the vault database at `dir` (every open refuses a vault holding
    /// them), and returns what was removed. None of them is part of the
    /// diary, so nothing of it is lost; an altered table of the diary's own
    /// is refused instead (restore a backup). Needs no key: whoever can
    /// write the file could remove them as well.
    pub fn remove_planted(dir: &Path) -> Result<Vec<String>> {
        Ok(Store::remove_planted(dir)?)
    }

    fn load(
        store: Store,
        header: &Header,
        vault_key: SecretKey,
        unlocked: Unlocked,
        clock: Box<dyn Clock>,
        anchoring: Anchoring,
    ) -> Result<(Diary, Option<Error>)> {
        let vault_id = header.vault_id;
        let wrapped = store.wrapped_keys(header)?;
        let keys = VaultKeys::unwrap(vault_key, &vault_id, &wrapped).ok_or_else(|| {
            Error::Damaged("the keys of earlier epochs do not open with the current key".into())
        })?;
        // The anchor first: it only ever trails the log, so a commit by
        // another program while the log is read cannot look like a rollback.
        let seen = Seen::read(&keys, vault_id, store.dir());
        let replayed = replay(&store, &keys, vault_id, Verify::Keyed)?;
        let header_sum = header.checksum();
        let mut diary = Diary {
            store,
            log: replayed.log,
            state: replayed.state,
            file_keys: replayed.file_keys,
            clock,
            keys,
            vault_id,
            header_sum,
            unlocked,
            anchor_trouble: None,
            key_header_changed: header_mac(replayed.seal, &header_sum),
            thumbnails_checked: Default::default(),
            newer_copy_seen: None,
            high_water_behind: false,
        };
        if replayed.seal == TipSeal::Legacy {
            diary.reseal_legacy_tip(&replayed.tip);
        }
        // Before the sweep: an older copy must not clean anything up.
        let overruled = diary.check_anchor(seen, anchoring)?;
        diary.sweep_attachments();
        diary.sweep_outputs();
        crate::backup::sweep_stagings(diary.store.dir());
        Ok((diary, overruled))
    }

    /// Gives a tip written before the tip held the key header the new form
    /// (see `log::TipSeal`). Best effort: a vault on a read-only disk still
    /// opens, and tries again next time.
    fn reseal_legacy_tip(&mut self, old: &crate::store::Sealed) {
        let (seq, head) = self.chain_tip();
        let tip = self.log.seal_tip(seq, &head, &self.sealed_header());
        let _ = self.store.reseal_tip(old, &tip);
    }

    /// The key header every new tip vouches for: the one this diary last
    /// read or wrote, or, while a change by someone else is known, the one
    /// before that change, so that a commit never makes their change look
    /// like the owner's (see [`Diary::key_header_changed`]).
    fn sealed_header(&self) -> Hash {
        self.key_header_changed.unwrap_or(self.header_sum)
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
        (self.log.seq(), self.log.head())
    }

    /// Drops the in-memory state and replays the log from disk again, for
    /// example after [`Error::Conflict`] (another program appended).
    pub fn reload(&mut self) -> Result<()> {
        let header = self.store.header()?;
        if header.epoch != self.keys.epoch() {
            return Err(Error::Damaged(
                "the diary's key was replaced by another program: unlock it again".into(),
            ));
        }
        let replayed = replay(&self.store, &self.keys, self.vault_id, Verify::Keyed)?;
        self.header_sum = header.checksum();
        if let Some(known) = header_mac(replayed.seal, &self.header_sum) {
            self.key_header_changed = Some(known);
        }
        self.log = replayed.log;
        self.state = replayed.state;
        self.file_keys = replayed.file_keys;
        Ok(())
    }

    /// Re-reads and re-verifies the whole vault from disk: database
    /// structure, header, every log row, the sealed end, every exhibit.
    pub fn check(&self) -> Result<CheckReport> {
        self.store.integrity_check()?;
        let header = self.store.header()?;
        if header.vault_id != self.vault_id || header.epoch != self.keys.epoch() {
            return Err(Error::Damaged("the vault id or key changed".into()));
        }
        let Replayed {
            log, state, seal, ..
        } = replay(&self.store, &self.keys, self.vault_id, Verify::Full)?;
        if header_mac(seal, &header.checksum()).is_some() {
            return Err(Error::Damaged(HEADER_ALTERED.into()));
        }
        let (exhibits, faults) = self.check_exhibits()?;
        if !faults.is_empty() {
            let list: Vec<String> = faults
                .iter()
                .map(|f| format!("exhibit {}: {}", f.label, f.problem))
                .collect();
            return Err(Error::Damaged(list.join("; ")));
        }
        let (thumbnails, thumbnails_replaced) = self.check_thumbnails()?;
        Ok(CheckReport {
            entries: log.seq(),
            head: log.head(),
            incidents: state.incidents().len(),
            exhibits,
            thumbnails,
            thumbnails_replaced,
        })
    }

    /// Seals `events` after the current tip and commits them in one
    /// transaction; only then is the in-memory state updated.
    fn commit(&mut self, events: Vec<Event>, durability: Durability) -> Result<()> {
        self.state.admit_batch(&events).map_err(rejection_error)?;
        let records: Vec<LogRecord> = events
            .into_iter()
            .map(|event| LogRecord {
                blind: crypto::random::bytes(),
                recorded_at: self.clock.now(),
                event,
            })
            .collect();
        let (rows, seq, head) = self.log.seal_rows(&records);
        let tip = self.log.seal_tip(seq, &head, &self.sealed_header());
        self.store.append(&rows, &tip, durability)?;
        let first = self.log.seq() + 1;
        self.log.advance(seq, head);
        for (i, record) in records.into_iter().enumerate() {
            // Admitted above against the same state, so this cannot fail.
            self.state
                .apply(first + i as u64, record, &mut self.file_keys)
                .map_err(rejection_error)?;
        }
        if durability == Durability::Full {
            self.advance_anchor();
        }
        Ok(())
    }
}

/// The keyed check of the key header: the sealed tip names the header it
/// was written with. A mismatch means someone without the key changed a
/// slot (to destroy the recovery key's, or to add a way in): returns the
/// header the tip vouches for. The diary still opens (the passphrase's own
/// slot worked, and refusing would let anyone who can write the file lock
/// the owner out), warns at every unlock and fails `check` until the slots
/// are rewritten by a new recovery key or a rotation.
fn header_mac(seal: TipSeal, header_sum: &Hash) -> Option<Hash> {
    match seal {
        TipSeal::Header(sealed) if sealed != *header_sum => Some(sealed),
        _ => None,
    }
}

const HEADER_ALTERED: &str = "the vault's key slots were changed by someone without the diary's key; make a new recovery key to replace them";

/// What an event that does not fit the diary means to the person who
/// asked for it. The words name the thing, not a command to type: the CLI
/// and the app each add their own hint.
fn rejection_error(rejection: Rejection) -> Error {
    match rejection {
        Rejection::UnknownIncident(id) => Error::NotFound {
            what: "incident",
            key: id.to_hex(),
        },
        Rejection::UnknownPerson { field } => {
            Error::invalid(field, "no person with this id in the diary")
        }
        Rejection::UnknownOrder { field } => {
            Error::invalid(field, "no order with this id in the diary")
        }
        Rejection::Withdrawn(_) => {
            Error::invalid("incident", "was withdrawn and can no longer be changed")
        }
        Rejection::DuplicateId => Error::invalid("id", "already in use"),
        Rejection::UnknownExhibit(id) => Error::NotFound {
            what: "exhibit",
            key: id.to_hex(),
        },
        Rejection::ExhibitDeleted(_) => Error::invalid("exhibit", "was already deleted"),
        Rejection::ExhibitNumber => Error::invalid("number", "exhibit numbers must follow on"),
        Rejection::KeyEpoch => Error::Damaged("key epochs must follow on".into()),
        Rejection::ExhibitKey => {
            Error::Damaged("an exhibit's key must follow its record, and match it".into())
        }
        Rejection::UnknownChat(id) => Error::NotFound {
            what: "conversation",
            key: id.to_hex(),
        },
        Rejection::MessageOutOfRange => Error::invalid(
            "messages",
            "no message with this number in the conversation",
        ),
        Rejection::ChatExhibit => Error::invalid(
            "source.original",
            "a conversation must come with its original and the files it carried, numbered next, in the same commit",
        ),
    }
}

/// What the crate's unit tests share: a fast vault in a temporary folder.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::clock::SteppingClock;
    use crate::crypto::Passphrase;
    use crate::crypto::kdf::{KdfParams, MIN_MEMORY_KIB};

    /// A clock starting on 1 January 2026.
    pub fn clock() -> Box<SteppingClock> {
        Box::new(SteppingClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        ))
    }

    /// A new vault at `dir` with passphrase `pw` and the cheapest KDF.
    pub fn new_diary(dir: &Path) -> (Diary, Passphrase) {
        let pass = Passphrase::new("pw".into());
        let kdf = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap();
        let (diary, _) = Diary::create(dir, &pass, kdf, clock()).unwrap();
        (diary, pass)
    }

    /// A copy of the current vault key, for tests that act as someone
    /// who knew it.
    pub fn current_key(diary: &Diary) -> SecretKey {
        SecretKey::from_bytes(*diary.keys.current().expose_secret())
    }

    /// 1 June 2025, 10:00 UTC: when the tests' incidents happen.
    pub fn at() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2025-06-01T10:00:00Z").unwrap()
    }
}

#[cfg(test)]
mod tests;
