//! The sealed log: events sealed into rows, rows verified back into events.
//!
//! [`SealedLog`] holds the record key and the chain position (a
//! [`ChainWalk`], the one walk of the chain). Every row read
//! is checked in this order, and the first failure names its sequence number:
//! position (no gap, no reordering), field sizes, ciphertext hash, AEAD
//! (bound to position and previous head, so rows from elsewhere fail), leaf,
//! head. After the last row the sealed tip must match, which catches rows cut
//! from the end.

mod disclose;
mod replay;
mod tip;

pub(crate) use disclose::Disclosed;
#[cfg(test)]
pub(crate) use replay::REPLAY_BATCH;
pub(crate) use replay::{Replayed, check_unkeyed, replay};
pub(crate) use tip::TipSeal;

use zeroize::Zeroizing;

use crate::crypto::SecretKey;
use crate::crypto::chain::{self, ChainBreak, ChainWalk, Hash};
use crate::crypto::epoch::VaultKeys;
use crate::crypto::record::{self, NONCE_LEN};
use crate::error::{Error, Result};
use crate::model::{Event, LogRecord};
use crate::store::LogRow;

/// How much of each row to recompute when opening the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verify {
    /// Everything, the ciphertext hash included: what an outside verifier
    /// checks. Used by `check`.
    Full,
    /// What only the key can vouch for, used at unlock: every record must
    /// decrypt and authenticate at its own position after the head stored
    /// before it, every head must follow from the stored leaf and ciphertext
    /// hash, and the last head must be the one in the keyed, sealed tip.
    /// Leaves and ciphertext hashes are taken as stored: changing one means
    /// rewriting every later head, which the sealed tip refuses, and the
    /// diary then re-reads the log with [`Verify::Full`] to name the first
    /// bad entry. Rows sealed under a key the diary has since replaced are
    /// always verified in full (see `SealedLog::depth`). Recomputing them (two SHA-256 passes over every record,
    /// about two thirds of the unlock time on a CPU without SHA
    /// instructions) serves outside verifiers, who have no key: `check` and
    /// exports do it.
    Keyed,
}

/// A row decrypted and hashed ahead of the in-order chain walk.
struct Candidate {
    record: LogRecord,
    leaf: Hash,
    cth: Hash,
    /// The head it was decrypted against (the one stored in the row before).
    prev: Hash,
}

/// A chain break as the diary reports it: tampering at the first bad entry.
fn broken(b: ChainBreak) -> Error {
    Error::tampered(b.seq, b.kind.describe())
}

/// The record key of each key epoch and the position in the chain.
pub(crate) struct SealedLog {
    /// Record keys by epoch; the last is the one new rows are sealed under.
    rec_keys: Vec<SecretKey>,
    vault_id: [u8; 16],
    /// The position, head and key epoch of the last row verified or
    /// appended.
    walk: ChainWalk,
}

fn rec_key(vault_key: &SecretKey) -> SecretKey {
    vault_key.derive(b"idv1/rec")
}

impl SealedLog {
    /// A log positioned before the first row.
    pub fn new(keys: &VaultKeys, vault_id: [u8; 16]) -> Self {
        SealedLog {
            rec_keys: keys.all().iter().map(rec_key).collect(),
            vault_id,
            walk: ChainWalk::new(&vault_id),
        }
    }

    /// The same keys, positioned before the first row again (to re-read).
    fn rewound(&self) -> Self {
        SealedLog {
            rec_keys: self
                .rec_keys
                .iter()
                .map(|k| SecretKey::from_bytes(*k.expose_secret()))
                .collect(),
            vault_id: self.vault_id,
            walk: ChainWalk::new(&self.vault_id),
        }
    }

    /// The epoch new rows are sealed in: the vault key's.
    fn key_epoch(&self) -> u32 {
        (self.rec_keys.len() - 1) as u32
    }

    /// Adds the record key of a new epoch (a rotation about to be saved):
    /// rows sealed from now on are sealed under it.
    pub fn push_epoch(&mut self, vault_key: &SecretKey) {
        self.rec_keys.push(rec_key(vault_key));
    }

    /// Drops the key [`SealedLog::push_epoch`] added when the rotation
    /// could not be saved.
    pub fn pop_epoch(&mut self) {
        if self.rec_keys.len() > self.walk.epoch() as usize + 1 {
            self.rec_keys.pop();
        }
    }

    /// The key and AAD that row `seq` of `epoch` was sealed with, after
    /// `prev`; `None` for an epoch the vault has no key of.
    fn sealing(&self, epoch: i64, seq: u64, prev: &Hash) -> Option<(&SecretKey, Vec<u8>)> {
        let epoch = u32::try_from(epoch).ok()?;
        let key = self.rec_keys.get(epoch as usize)?;
        Some((key, record::record_aad_in(epoch, seq, prev)))
    }

    /// The epoch after a row of `epoch` holding `record`: a row stays in
    /// the epoch before it, except the record that starts the next one (a
    /// rotation, sealed under the new key), which must be there and only
    /// there. Rows of an earlier epoch after a later one are refused (the
    /// chain walk already refuses an epoch that goes back): an old key
    /// cannot append to a rotated diary.
    fn next_epoch(&self, epoch: i64, record: &LogRecord) -> std::result::Result<u32, &'static str> {
        let rotation = match &record.event {
            Event::KeysRotate(r) => Some(r.epoch),
            _ => None,
        };
        match (u32::try_from(epoch), rotation) {
            (Ok(e), None) if e == self.walk.epoch() => Ok(e),
            (Ok(e), Some(r)) if e == self.walk.epoch() + 1 && r == e => Ok(e),
            _ => Err("key epoch out of order"),
        }
    }

    /// Sequence number of the last verified or appended row.
    pub fn seq(&self) -> u64 {
        self.walk.seq()
    }

    /// Chain head after the last row.
    pub fn head(&self) -> Hash {
        self.walk.head()
    }

    /// Verifies the next row and returns its record.
    pub fn open_row(&mut self, row: &LogRow) -> Result<LogRecord> {
        self.open_row_with_plaintext(row).map(|(record, _)| record)
    }

    /// [`SealedLog::open_row`], also returning the exact plaintext bytes the
    /// leaf commits to, for disclosure in an export.
    pub fn open_row_with_plaintext(
        &mut self,
        row: &LogRow,
    ) -> Result<(LogRecord, Zeroizing<Vec<u8>>)> {
        let expected = self.seq() + 1;
        let seq =
            u64::try_from(row.seq).map_err(|_| Error::tampered(expected, "bad sequence number"))?;
        self.walk.expect(seq).map_err(broken)?;
        let bad = |reason| Error::tampered(seq, reason);
        let nonce: [u8; NONCE_LEN] = row
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| bad("nonce altered"))?;
        let ct = row.ct.as_deref().ok_or_else(|| bad("content removed"))?;
        let cth: Hash = row
            .cth
            .as_slice()
            .try_into()
            .map_err(|_| bad("ciphertext hash altered"))?;
        let leaf: Hash = row
            .leaf
            .as_slice()
            .try_into()
            .map_err(|_| bad("leaf altered"))?;
        if row.head.len() != 32 {
            return Err(bad("head altered"));
        }
        if chain::ciphertext_hash(&nonce, ct) != cth {
            return Err(bad("content altered"));
        }
        let (key, aad) = self
            .sealing(row.epoch, seq, &self.head())
            .ok_or_else(|| bad("sealed under a key this diary does not have"))?;
        let plaintext = record::open(key, &nonce, &aad, ct)
            .map_err(|_| bad("does not decrypt here (altered, moved or from another vault)"))?;
        if chain::leaf(seq, &plaintext) != leaf {
            return Err(bad("leaf does not match the content"));
        }
        let epoch = u32::try_from(row.epoch).map_err(|_| bad("key epoch out of order"))?;
        let mut walk = self.walk.clone();
        walk.step(seq, epoch, &leaf, &cth, &row.head)
            .map_err(broken)?;
        let record =
            LogRecord::from_json(&plaintext).map_err(|_| bad("content is not a valid record"))?;
        self.next_epoch(row.epoch, &record).map_err(bad)?;
        self.walk = walk;
        Ok((record, plaintext))
    }

    /// Verifies a run of consecutive rows and returns their records, with the
    /// same result as calling [`SealedLog::open_row`] on each in turn.
    ///
    /// The expensive part (hashing, decryption, parsing) runs on several
    /// threads, each row decrypted against the head stored in the row before
    /// it. The chain is then walked in order on the computed values; any row
    /// that fails there is re-checked by `open_row`, so the error names
    /// exactly the first bad entry, as the sequential check would.
    ///
    /// With [`Verify::Keyed`] stored leaves and ciphertext hashes are used
    /// as they are instead of being recomputed (see [`Verify`]).
    pub fn open_rows(&mut self, rows: &[LogRow], verify: Verify) -> Result<Vec<LogRecord>> {
        let first_prev = self.head();
        let this: &SealedLog = self;
        let candidates = crate::parallel::map(rows, |k, row| {
            let prev = match k {
                0 => Some(first_prev),
                k => rows[k - 1].head.as_slice().try_into().ok(),
            };
            prev.and_then(|prev| this.candidate(row, &prev, verify))
        });
        let mut records = Vec::with_capacity(rows.len());
        for (row, candidate) in rows.iter().zip(candidates) {
            match candidate {
                Some(c) if self.extends_chain(row, &c, verify) => records.push(c.record),
                _ => records.push(self.open_row(row)?),
            }
        }
        Ok(records)
    }

    /// How much of `row` to recompute: everything for a row sealed under a
    /// key the diary has since replaced, whatever `verify` asks. Whoever
    /// knew an earlier key can seal a row of that epoch again with other
    /// content while keeping its stored leaf and hashes, which only
    /// recomputing them catches (and the current key is the owner's alone).
    fn depth(&self, row: &LogRow, verify: Verify) -> Verify {
        match u32::try_from(row.epoch) {
            Ok(epoch) if epoch >= self.key_epoch() => verify,
            _ => Verify::Full,
        }
    }

    /// The per-row work that needs no chain state beyond `prev`.
    fn candidate(&self, row: &LogRow, prev: &Hash, verify: Verify) -> Option<Candidate> {
        let verify = self.depth(row, verify);
        let seq = u64::try_from(row.seq).ok()?;
        let nonce: [u8; NONCE_LEN] = row.nonce.as_slice().try_into().ok()?;
        let ct = row.ct.as_deref()?;
        let (key, aad) = self.sealing(row.epoch, seq, prev)?;
        let plaintext = record::open(key, &nonce, &aad, ct).ok()?;
        let (leaf, cth): (Hash, Hash) = match verify {
            Verify::Full => (
                chain::leaf(seq, &plaintext),
                chain::ciphertext_hash(&nonce, ct),
            ),
            Verify::Keyed => (
                row.leaf.as_slice().try_into().ok()?,
                row.cth.as_slice().try_into().ok()?,
            ),
        };
        let record = LogRecord::from_json(&plaintext).ok()?;
        Some(Candidate {
            record,
            leaf,
            cth,
            prev: *prev,
        })
    }

    /// Whether a candidate, computed against the stored previous head, is the
    /// next row of the chain as verified so far; if so the walk takes it.
    fn extends_chain(&mut self, row: &LogRow, c: &Candidate, verify: Verify) -> bool {
        let Ok(epoch) = self.next_epoch(row.epoch, &c.record) else {
            return false;
        };
        let verify = self.depth(row, verify);
        c.prev == self.head()
            && (verify == Verify::Keyed || (row.leaf == c.leaf && row.cth == c.cth))
            && u64::try_from(row.seq).is_ok_and(|seq| {
                self.walk
                    .step(seq, epoch, &c.leaf, &c.cth, &row.head)
                    .is_ok()
            })
    }

    /// Seals `records` as the rows after the current position, under the
    /// newest key, without moving the position: call
    /// [`SealedLog::advance`] once the rows are committed.
    pub fn seal_rows(&self, records: &[LogRecord]) -> (Vec<LogRow>, u64, Hash) {
        let mut seq = self.seq();
        let mut head = self.head();
        let epoch = self.key_epoch();
        let key = self.rec_keys.last().expect("never empty");
        let rows = records
            .iter()
            .map(|rec| {
                seq += 1;
                let plaintext = Zeroizing::new(rec.to_canonical_json());
                let aad = record::record_aad_in(epoch, seq, &head);
                let (nonce, ct) = record::seal(key, &aad, &plaintext);
                let leaf = chain::leaf(seq, &plaintext);
                let cth = chain::ciphertext_hash(&nonce, &ct);
                head = chain::next_head_in(epoch, &head, seq, &leaf, &cth);
                LogRow {
                    seq: seq as i64,
                    nonce: nonce.to_vec(),
                    ct: Some(ct),
                    cth: cth.to_vec(),
                    leaf: leaf.to_vec(),
                    head: head.to_vec(),
                    epoch: i64::from(epoch),
                }
            })
            .collect();
        (rows, seq, head)
    }

    /// Moves the position after rows (sealed under the newest key) were
    /// committed.
    pub fn advance(&mut self, seq: u64, head: Hash) {
        self.walk = ChainWalk::resume(seq, head, self.key_epoch());
    }
}
