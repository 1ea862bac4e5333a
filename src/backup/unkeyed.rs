//! Checking a vault's log without its key, for restore.
//!
//! A restore needs only the backup passphrase, so it cannot decrypt records.
//! What it can check is everything the unkeyed chain covers: positions from
//! 1 without gaps, each row's ciphertext hash, and each head following from
//! the one before, ending at the head the manifest names. The first unlock
//! afterwards checks the rest (every record decrypts, the sealed tip).

use crate::crypto::chain::{self, Hash};
use crate::error::{Error, Result};
use crate::store::Store;

/// Walks the log of `store` and returns the number of rows and the head.
pub(crate) fn chain_head(store: &Store, vault_id: &[u8; 16]) -> Result<(u64, Hash)> {
    let mut seq = 0u64;
    let mut head = chain::genesis(vault_id);
    store.for_each_row(|row| -> Result<()> {
        let expected = seq + 1;
        let bad = |reason| Error::tampered(expected, reason);
        if row.seq != expected as i64 {
            return Err(bad("log entries are missing or out of order"));
        }
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
        head = chain::next_head(&head, expected, &leaf, &cth);
        if row.head != head {
            return Err(bad("the chain head does not follow from the entry before"));
        }
        seq = expected;
        Ok(())
    })?;
    Ok((seq, head))
}
