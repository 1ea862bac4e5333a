//! The vault header row, the key-slot table and the wrapped keys of
//! earlier epochs.
//!
//! The header carries an unkeyed checksum over the format, vault id, key
//! epoch, KDF header and all eight slots. It cannot stop a determined forger
//! (who would only make the vault unopenable), but it lets an altered or
//! damaged header be reported as damage (exit 4) instead of as a wrong
//! passphrase (exit 3). The keyed check is the sealed tip, which holds the
//! same checksum under the current vault key (see `log::SealedLog::seal_tip`):
//! a header changed by anyone without that key is refused after unlock.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::log::{LogRow, Sealed};
use super::{Store, StoreError};
use crate::crypto::keyslot::{SLOT_COUNT, SLOT_LEN, SlotTable};

/// Header format written by this version. Format 1 (no key epochs) is
/// still read: a v1 vault keeps its header until its keys next change.
pub const FORMAT: u32 = 2;

/// Everything needed before the vault key is known.
pub struct Header {
    /// Header format: 1 (written before key epochs) or [`FORMAT`].
    pub format: u32,
    /// Random vault id (in the genesis head and every slot's AAD).
    pub vault_id: [u8; 16],
    /// The key epoch the slots open (0 until the first rotation).
    pub epoch: u32,
    /// Serialised KDF header.
    pub kdf: Vec<u8>,
    /// The eight key slots.
    pub slots: SlotTable,
}

impl Header {
    /// The unkeyed checksum stored beside the header (see the module docs).
    /// Format 1 keeps the v1 formula, which has no epoch (always 0).
    pub fn checksum(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        if self.format == 1 {
            hasher.update(b"idv1/header");
            hasher.update(1u32.to_be_bytes());
        } else {
            hasher.update(b"idv2/header");
            hasher.update(self.format.to_be_bytes());
            hasher.update(self.epoch.to_be_bytes());
        }
        hasher.update(self.vault_id);
        hasher.update((self.kdf.len() as u32).to_be_bytes());
        hasher.update(&self.kdf);
        for slot in self.slots.rows() {
            hasher.update(slot);
        }
        hasher.finalize().into()
    }
}

/// An earlier epoch's key, wrapped under the next (see `crypto::epoch`).
pub type WrappedKey = ([u8; 24], Vec<u8>);

pub(super) fn insert(
    conn: &mut Connection,
    header: &Header,
    tip: &Sealed,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO vault (id, format, vault_id, kdf, checksum, tip_nonce, tip_ct, epoch) VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![header.format, &header.vault_id[..], header.kdf, &header.checksum()[..], &tip.nonce[..], tip.ct, header.epoch],
    )?;
    for (i, slot) in header.slots.rows().iter().enumerate() {
        tx.execute(
            "INSERT INTO keyslot (slot, data) VALUES (?1, ?2)",
            params![i as i64, &slot[..]],
        )?;
    }
    tx.commit()?;
    Ok(())
}

impl Store {
    /// Reads the header and slots and checks their checksum.
    pub fn header(&self) -> Result<Header, StoreError> {
        const DAMAGED: StoreError =
            StoreError::Damaged("the vault header or key slots were altered");
        let (format, vault_id, kdf, checksum, epoch): (u32, Vec<u8>, Vec<u8>, Vec<u8>, u32) = self
            .conn
            .query_row(
                "SELECT format, vault_id, kdf, checksum, epoch FROM vault WHERE id = 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(|_| DAMAGED)?;
        if format > FORMAT {
            return Err(StoreError::NewerFormat(format));
        }
        if format == 0 || (format == 1 && epoch != 0) {
            return Err(DAMAGED);
        }
        let vault_id: [u8; 16] = vault_id.try_into().map_err(|_| DAMAGED)?;
        let mut slots = [[0u8; SLOT_LEN]; SLOT_COUNT];
        let mut stmt = self
            .conn
            .prepare("SELECT slot, data FROM keyslot ORDER BY slot")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut seen = 0;
        for row in rows {
            let (index, data) = row.map_err(|_| DAMAGED)?;
            let index = usize::try_from(index)
                .ok()
                .filter(|i| *i < SLOT_COUNT && *i == seen)
                .ok_or(DAMAGED)?;
            slots[index] = data.try_into().map_err(|_| DAMAGED)?;
            seen += 1;
        }
        if seen != SLOT_COUNT {
            return Err(DAMAGED);
        }
        let header = Header {
            format,
            vault_id,
            epoch,
            kdf,
            slots: SlotTable::from_rows(slots),
        };
        if header.checksum()[..] != checksum[..] {
            return Err(DAMAGED);
        }
        Ok(header)
    }

    /// The wrapped keys of every epoch before `header.epoch`, in order.
    /// A missing, extra or misshapen row is damage: without it the records
    /// of that epoch could not be read.
    pub fn wrapped_keys(&self, header: &Header) -> Result<Vec<WrappedKey>, StoreError> {
        const DAMAGED: StoreError =
            StoreError::Damaged("the keys of earlier epochs were altered or removed");
        let mut stmt = self
            .conn
            .prepare("SELECT epoch, nonce, ct FROM epoch_key ORDER BY epoch")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get(2)?))
        })?;
        let mut keys = Vec::new();
        for row in rows {
            let (epoch, nonce, ct) = row.map_err(|_| DAMAGED)?;
            if epoch != keys.len() as i64 {
                return Err(DAMAGED);
            }
            keys.push((nonce.try_into().map_err(|_| DAMAGED)?, ct));
        }
        if keys.len() != header.epoch as usize {
            return Err(DAMAGED);
        }
        Ok(keys)
    }

    /// Replaces the header and all slots (passphrase change, new recovery
    /// key, rotation), stores the wrapped key of the epoch a rotation ends,
    /// and appends `rows` with the new `tip`, in one transaction; then
    /// checkpoints and vacuums so the old slot bytes do not linger in the
    /// WAL or in free pages. Fails with [`StoreError::Conflict`] when
    /// another program appended meanwhile.
    pub fn replace_keys(
        &mut self,
        header: &Header,
        ended: Option<(u32, &WrappedKey)>,
        rows: &[LogRow],
        tip: &Sealed,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE vault SET format = ?1, epoch = ?2, kdf = ?3, checksum = ?4 WHERE id = 0 AND vault_id = ?5",
            params![header.format, header.epoch, header.kdf, &header.checksum()[..], &header.vault_id[..]],
        )?;
        if changed != 1 {
            return Err(StoreError::Damaged("the vault header row is missing"));
        }
        for (i, slot) in header.slots.rows().iter().enumerate() {
            tx.execute(
                "UPDATE keyslot SET data = ?2 WHERE slot = ?1",
                params![i as i64, &slot[..]],
            )?;
        }
        if let Some((epoch, (nonce, ct))) = ended {
            tx.execute(
                "INSERT INTO epoch_key (epoch, nonce, ct) VALUES (?1, ?2, ?3)",
                params![epoch, &nonce[..], ct],
            )?;
        }
        super::log::append_in(&tx, rows, tip)?;
        tx.commit()?;
        self.compact()
    }

    /// Moves everything from the WAL into the main file, truncates the WAL and
    /// rewrites the file without free pages.
    pub fn compact(&mut self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn.execute_batch("VACUUM")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
