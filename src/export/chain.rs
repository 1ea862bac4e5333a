//! Reads the whole hash chain for an export, with the plaintexts of the
//! records to disclose.

use std::collections::HashSet;

use super::bundle::{ChainRow, DisclosedRecord};
use crate::Diary;
use crate::error::{Error, Result};
use crate::journal::Journal;

impl Diary {
    /// Every row's leaf, ciphertext hash and head, re-verified in full from
    /// the file (an export must not vouch for anything it did not check),
    /// and the exact plaintext of each row in `disclose`. Rows appended by
    /// another process since this diary was unlocked are not included.
    pub(crate) fn read_chain(
        &self,
        disclose: &HashSet<u64>,
    ) -> Result<(Vec<ChainRow>, Vec<DisclosedRecord>)> {
        let last = self.journal.seq();
        let mut journal = Journal::new(&self.vault_key, self.vault_id);
        let mut rows = Vec::with_capacity(last as usize);
        let mut records = Vec::with_capacity(disclose.len());
        self.store.for_each_row(|row| {
            if journal.seq() >= last {
                return Ok(());
            }
            let (_, plaintext) = journal.open_row_with_plaintext(&row)?;
            let seq = journal.seq();
            let disclosed = disclose.contains(&seq);
            if disclosed {
                let text = std::str::from_utf8(&plaintext)
                    .map_err(|_| Error::tampered(seq, "content is not text"))?;
                records.push(DisclosedRecord {
                    seq,
                    plaintext: text.to_string(),
                });
            }
            rows.push(ChainRow {
                seq,
                leaf: hex::encode(&row.leaf),
                cth: hex::encode(&row.cth),
                head: hex::encode(journal.head()),
                disclosed,
            });
            Ok::<(), Error>(())
        })?;
        if journal.seq() != last || journal.head() != self.journal.head() {
            return Err(Error::tampered(
                journal.seq() + 1,
                "the log changed under the open diary",
            ));
        }
        Ok((rows, records))
    }
}
