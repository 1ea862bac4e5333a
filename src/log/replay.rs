//! Reading a whole log back: with the key into the diary's state (unlock,
//! `check`), or without it along the unkeyed chain alone (restore).

use std::path::Path;

use super::{SealedLog, TipSeal, Verify, broken};
use crate::crypto::chain::{self, ChainWalk, Hash};
use crate::crypto::epoch::VaultKeys;
use crate::error::{Error, Result};
use crate::model::search_text::search_text;
use crate::parallel;
use crate::state::{FileKeys, State};
use crate::store::{LogRow, Sealed, Store};

/// A log read back.
pub(crate) struct Replayed {
    /// The position after the last row.
    pub log: SealedLog,
    /// The state.
    pub state: State,
    /// The exhibit file keys.
    pub file_keys: FileKeys,
    /// The sealed tip as stored.
    pub tip: Sealed,
    /// Which key header the tip vouches for.
    pub seal: TipSeal,
}

/// Rows verified per batch: enough to keep every core busy, few enough that
/// memory stays small whatever the size of the diary.
pub(crate) const REPLAY_BATCH: usize = 4096;

/// Reads every row, verifying the chain, and rebuilds the state. With
/// [`Verify::Keyed`] a failure is re-checked with [`Verify::Full`], so the
/// error always names the first bad entry.
pub(crate) fn replay(
    store: &Store,
    keys: &VaultKeys,
    vault_id: [u8; 16],
    verify: Verify,
) -> Result<Replayed> {
    match replay_once(store, keys, vault_id, verify) {
        Err(err @ (Error::Tampered { .. } | Error::Damaged(_))) if verify == Verify::Keyed => {
            replay_once(store, keys, vault_id, Verify::Full).and(Err(err))
        }
        other => other,
    }
}

fn replay_once(
    store: &Store,
    keys: &VaultKeys,
    vault_id: [u8; 16],
    verify: Verify,
) -> Result<Replayed> {
    let mut log = SealedLog::new(keys, vault_id);
    let mut state = State::default();
    let mut file_keys = FileKeys::default();
    let mut batch = Vec::with_capacity(REPLAY_BATCH);
    let mut flush = |log: &mut SealedLog, batch: &mut Vec<LogRow>| -> Result<()> {
        let first = log.seq() + 1;
        let records = log.open_rows(batch, verify)?;
        let texts = parallel::map(&records, |_, record| {
            record.event.incident().map(search_text)
        });
        for (i, (record, text)) in records.into_iter().zip(texts).enumerate() {
            let seq = first + i as u64;
            state
                .apply_with(seq, record, text, &mut file_keys)
                .map_err(|_| Error::tampered(seq, "event does not fit the diary before it"))?;
        }
        batch.clear();
        Ok(())
    };
    let tip = store.consistently(|| {
        store.for_each_row(|row| {
            batch.push(row);
            if batch.len() == REPLAY_BATCH {
                flush(&mut log, &mut batch)?;
            }
            Ok::<(), Error>(())
        })?;
        Ok::<_, Error>(store.tip()?)
    })?;
    flush(&mut log, &mut batch)?;
    if let Some(seq) = state.exhibit_without_key() {
        return Err(Error::tampered(seq, "an exhibit's record without its key"));
    }
    let seal = log.check_tip(&tip)?;
    Ok(Replayed {
        log,
        state,
        file_keys,
        tip,
        seal,
    })
}

/// Checks the vault in `dir` without its key, for a restore: SQLite's own
/// structural check, the header (whose vault id `expect_id` must accept
/// before anything else is read), and the unkeyed chain. Returns the number
/// of rows and the head.
pub(crate) fn check_unkeyed(
    dir: &Path,
    expect_id: impl FnOnce(&[u8; 16]) -> Result<()>,
) -> Result<(u64, Hash)> {
    let store = Store::open(dir)?;
    store.integrity_check()?;
    let header = store.header()?;
    expect_id(&header.vault_id)?;
    walk_unkeyed(&store, &header.vault_id)
}

/// Walks the log of `store` without its key and returns the number of rows
/// and the head.
///
/// A restore needs only the backup passphrase, so it cannot decrypt records.
/// What it can check is everything the unkeyed chain covers: positions from
/// 1 without gaps, each row's ciphertext hash, and each head following from
/// the one before. The first unlock afterwards checks the rest (every
/// record decrypts, the sealed tip).
fn walk_unkeyed(store: &Store, vault_id: &[u8; 16]) -> Result<(u64, Hash)> {
    let mut walk = ChainWalk::new(vault_id);
    store.for_each_row(|row| -> Result<()> {
        let expected = walk.seq() + 1;
        let bad = |reason| Error::tampered(expected, reason);
        let seq = u64::try_from(row.seq).map_err(|_| bad("bad sequence number"))?;
        walk.expect(seq).map_err(broken)?;
        let ct = row
            .ct
            .as_deref()
            .ok_or_else(|| bad("the entry has no ciphertext"))?;
        let cth = chain::ciphertext_hash(&row.nonce, ct);
        if row.cth != cth {
            return Err(bad("the ciphertext does not match its hash"));
        }
        let leaf: Hash = row
            .leaf
            .as_slice()
            .try_into()
            .map_err(|_| bad("the leaf has the wrong size"))?;
        let epoch = u32::try_from(row.epoch).map_err(|_| bad("key epoch out of order"))?;
        walk.step(seq, epoch, &leaf, &cth, &row.head)
            .map_err(broken)?;
        Ok(())
    })?;
    Ok((walk.seq(), walk.head()))
}
