//! Re-reading the whole log for an export: every row's chain values, and
//! the exact plaintext of the records to disclose.

use std::collections::HashSet;

use super::SealedLog;
use crate::crypto::chain::Hash;
use crate::error::{Error, Result};
use crate::store::Store;

/// One row's place in the chain, as an outside verifier needs it.
#[derive(Debug, Clone)]
pub(crate) struct ChainLink {
    /// Position.
    pub seq: u64,
    /// Leaf (commitment to the plaintext).
    pub leaf: Hash,
    /// Hash of nonce and ciphertext.
    pub cth: Hash,
    /// Head after this row.
    pub head: Hash,
    /// The key epoch that sealed it.
    pub epoch: u32,
    /// Whether its plaintext is disclosed.
    pub disclosed: bool,
}

/// The chain and the disclosed plaintexts.
pub(crate) struct Disclosed {
    /// Every row up to the diary's position.
    pub links: Vec<ChainLink>,
    /// `(seq, plaintext)` of each disclosed row, in order.
    pub records: Vec<(u64, String)>,
}

impl SealedLog {
    /// Every row's leaf, ciphertext hash and head, re-verified in full from
    /// the file (an export must not vouch for anything it did not check),
    /// and the exact plaintext of each row in `disclose`. Rows appended by
    /// another process since this log was read are not included.
    pub(crate) fn disclose(&self, store: &Store, disclose: &HashSet<u64>) -> Result<Disclosed> {
        let last = self.seq();
        let mut log = self.rewound();
        let mut links = Vec::with_capacity(last as usize);
        let mut records = Vec::with_capacity(disclose.len());
        store.for_each_row(|row| {
            if log.seq() >= last {
                return Ok(());
            }
            let (_, plaintext) = log.open_row_with_plaintext(&row)?;
            let seq = log.seq();
            let disclosed = disclose.contains(&seq);
            if disclosed {
                let text = std::str::from_utf8(&plaintext)
                    .map_err(|_| Error::tampered(seq, "content is not text"))?;
                records.push((seq, text.to_string()));
            }
            // Sizes were checked by `open_row_with_plaintext`.
            let hash = |bytes: &[u8]| -> Hash { bytes.try_into().expect("checked size") };
            links.push(ChainLink {
                seq,
                leaf: hash(&row.leaf),
                cth: hash(&row.cth),
                head: log.head(),
                epoch: log.walk.epoch(),
                disclosed,
            });
            Ok::<(), Error>(())
        })?;
        if log.seq() != last || log.head() != self.head() {
            return Err(Error::tampered(
                log.seq() + 1,
                "the log changed under the open diary",
            ));
        }
        Ok(Disclosed { links, records })
    }
}
