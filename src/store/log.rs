//! The append-only log table and the sealed tip.

use rusqlite::params;

use super::{Store, StoreError};

/// A sealed value: random nonce and ciphertext with tag.
pub struct Sealed {
    /// XChaCha20 nonce.
    pub nonce: [u8; 24],
    /// Ciphertext with the Poly1305 tag.
    pub ct: Vec<u8>,
}

/// One log row as stored. Lengths are not trusted: whoever reads a row must
/// check them (a wrong length is tampering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// Position, from 1, without gaps.
    pub seq: i64,
    /// Record nonce.
    pub nonce: Vec<u8>,
    /// Record ciphertext.
    pub ct: Option<Vec<u8>>,
    /// SHA-256 of nonce and ciphertext.
    pub cth: Vec<u8>,
    /// Chain leaf.
    pub leaf: Vec<u8>,
    /// Chain head after this row.
    pub head: Vec<u8>,
    /// The key epoch whose key sealed it (see `crypto::epoch`).
    pub epoch: i64,
}

/// How hard to push new rows to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync at commit: an acknowledged user action survives power loss.
    Full,
    /// For bulk imports: consistent after a crash, but the last commits may be lost.
    Normal,
}

impl Store {
    /// Calls `f` on every row in sequence order, stopping at its first error.
    pub fn for_each_row<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(LogRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, nonce, ct, cth, leaf, head, epoch FROM log ORDER BY seq")
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let row = LogRow {
                seq: row.get(0).map_err(StoreError::from)?,
                nonce: row.get(1).map_err(StoreError::from)?,
                ct: row.get(2).map_err(StoreError::from)?,
                cth: row.get(3).map_err(StoreError::from)?,
                leaf: row.get(4).map_err(StoreError::from)?,
                head: row.get(5).map_err(StoreError::from)?,
                epoch: row.get(6).map_err(StoreError::from)?,
            };
            f(row)?;
        }
        Ok(())
    }

    /// Runs `read` in one read transaction, so that the rows and the
    /// sealed tip it reads are of one moment even while another program
    /// appends (otherwise a commit between reading the last row and the
    /// tip looks like rows cut from the end).
    pub fn consistently<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(StoreError::from)?;
        let result = read();
        // Nothing was written: ending the transaction cannot lose anything.
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    /// The sealed tip (last sequence number and head).
    pub fn tip(&self) -> Result<Sealed, StoreError> {
        let (nonce, ct): (Vec<u8>, Vec<u8>) = self.conn.query_row(
            "SELECT tip_nonce, tip_ct FROM vault WHERE id = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let nonce = nonce
            .try_into()
            .map_err(|_| StoreError::Damaged("the sealed tip has the wrong size"))?;
        Ok(Sealed { nonce, ct })
    }

    /// The head stored in row `seq`, if there is one (trusted only after
    /// the caller has walked the chain up to it).
    pub fn head_at(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        use rusqlite::OptionalExtension;
        let seq =
            i64::try_from(seq).map_err(|_| StoreError::Damaged("sequence number too large"))?;
        Ok(self
            .conn
            .query_row("SELECT head FROM log WHERE seq = ?1", [seq], |r| r.get(0))
            .optional()?)
    }

    /// Appends `rows` and the new tip in one transaction.
    ///
    /// Fails with [`StoreError::Conflict`] when the log's last row is not the
    /// one the caller chained from (another process appended meanwhile).
    pub fn append(
        &mut self,
        rows: &[LogRow],
        tip: &Sealed,
        durability: Durability,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        if durability == Durability::Normal {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let result = self.append_rows(rows, tip);
        if durability == Durability::Normal {
            self.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        result
    }

    fn append_rows(&mut self, rows: &[LogRow], tip: &Sealed) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        append_in(&tx, rows, tip)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the sealed tip with `new` if it is still `old` (a vault
    /// written before the tip held the key header gets the new form at its
    /// first unlock). `false` when another program changed it meanwhile.
    pub fn reseal_tip(&mut self, old: &Sealed, new: &Sealed) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE vault SET tip_nonce = ?1, tip_ct = ?2 WHERE id = 0 AND tip_nonce = ?3 AND tip_ct = ?4",
            params![&new.nonce[..], new.ct, &old.nonce[..], old.ct],
        )?;
        Ok(changed == 1)
    }
}

/// Appends `rows` (at least one) and the new tip inside `tx`, after
/// checking that they follow the last stored row, then reads them back.
pub(super) fn append_in(
    tx: &rusqlite::Transaction<'_>,
    rows: &[LogRow],
    tip: &Sealed,
) -> Result<(), StoreError> {
    let first = rows.first().expect("rows is not empty");
    let last: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM log", [], |r| r.get(0))?;
    if last + 1 != first.seq {
        return Err(StoreError::Conflict);
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO log (seq, nonce, ct, cth, leaf, head, epoch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for row in rows {
            insert.execute(params![
                row.seq, row.nonce, row.ct, row.cth, row.leaf, row.head, row.epoch
            ])?;
        }
    }
    tx.execute(
        "UPDATE vault SET tip_nonce = ?1, tip_ct = ?2 WHERE id = 0",
        params![&tip.nonce[..], tip.ct],
    )?;
    read_back(tx, rows, tip)
}

/// Before the commit, inside its transaction (no other writer can come
/// between): the last row and the tip must be the ones just written, so
/// nothing planted in the file can swallow an entry that is then reported
/// as saved.
fn read_back(
    tx: &rusqlite::Transaction<'_>,
    rows: &[LogRow],
    tip: &Sealed,
) -> Result<(), StoreError> {
    const LOST: StoreError = StoreError::Damaged("the database did not keep what was just written");
    let last = rows.last().expect("rows is not empty");
    let (seq, head): (i64, Vec<u8>) = tx
        .query_row(
            "SELECT seq, head FROM log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|_| LOST)?;
    let (nonce, ct): (Vec<u8>, Vec<u8>) = tx
        .query_row(
            "SELECT tip_nonce, tip_ct FROM vault WHERE id = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|_| LOST)?;
    if seq != last.seq || head != last.head || nonce != tip.nonce || ct != tip.ct {
        return Err(LOST);
    }
    Ok(())
}
