//! The vault header row and the key-slot table.
//!
//! The header carries an unkeyed checksum over the format, vault id, KDF
//! header and all eight slots. It cannot stop a determined forger (who would
//! only make the vault unopenable), but it lets an altered or damaged header
//! be reported as damage (exit 4) instead of as a wrong passphrase (exit 3).

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::log::Sealed;
use super::{Store, StoreError};
use crate::crypto::keyslot::{SLOT_COUNT, SLOT_LEN, SlotTable};

/// Vault format written by this version.
pub const FORMAT: u32 = 1;

/// Everything needed before the vault key is known.
pub struct Header {
    /// Random vault id (in the genesis head and every slot's AAD).
    pub vault_id: [u8; 16],
    /// Serialised KDF header.
    pub kdf: Vec<u8>,
    /// The eight key slots.
    pub slots: SlotTable,
}

impl Header {
    /// The unkeyed checksum stored beside the header (see the module docs).
    pub fn checksum(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"idv1/header");
        hasher.update(FORMAT.to_be_bytes());
        hasher.update(self.vault_id);
        hasher.update((self.kdf.len() as u32).to_be_bytes());
        hasher.update(&self.kdf);
        for slot in self.slots.rows() {
            hasher.update(slot);
        }
        hasher.finalize().into()
    }
}

pub(super) fn insert(
    conn: &mut Connection,
    header: &Header,
    tip: &Sealed,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO vault (id, format, vault_id, kdf, checksum, tip_nonce, tip_ct) VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![FORMAT, &header.vault_id[..], header.kdf, &header.checksum()[..], &tip.nonce[..], tip.ct],
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
        let (format, vault_id, kdf, checksum): (u32, Vec<u8>, Vec<u8>, Vec<u8>) = self
            .conn
            .query_row(
                "SELECT format, vault_id, kdf, checksum FROM vault WHERE id = 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(|_| DAMAGED)?;
        if format > FORMAT {
            return Err(StoreError::NewerFormat(format));
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
            vault_id,
            kdf,
            slots: SlotTable::from_rows(slots),
        };
        if header.checksum()[..] != checksum[..] || format != FORMAT {
            return Err(DAMAGED);
        }
        Ok(header)
    }

    /// Replaces the KDF header and all slots (passphrase change, recovery),
    /// then checkpoints and vacuums so the old slot bytes do not linger in the
    /// WAL or in free pages.
    pub fn replace_keys(&mut self, header: &Header) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE vault SET kdf = ?1, checksum = ?2 WHERE id = 0 AND vault_id = ?3",
            params![header.kdf, &header.checksum()[..], &header.vault_id[..]],
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
