//! Versioned schema (`PRAGMA user_version`). Released migrations are never
//! edited: add a new one to the end.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: header with sealed tip, key slots, the log.
    "CREATE TABLE vault (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        format INTEGER NOT NULL,
        vault_id BLOB NOT NULL,
        kdf BLOB NOT NULL,
        checksum BLOB NOT NULL,
        tip_nonce BLOB NOT NULL,
        tip_ct BLOB NOT NULL
    );
    CREATE TABLE keyslot (slot INTEGER PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE log (
        seq INTEGER PRIMARY KEY,
        nonce BLOB NOT NULL,
        ct BLOB,
        cth BLOB NOT NULL,
        leaf BLOB NOT NULL,
        head BLOB NOT NULL
    );",
];

/// Applies every migration to a new database.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    apply_from(conn, 0)
}

/// Refuses databases that are not vaults or are newer than this program, and
/// brings older vaults up to date in one transaction.
pub fn check_and_migrate(conn: &mut Connection, dir: &Path) -> Result<(), StoreError> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        return Err(StoreError::NotAVault(dir.to_path_buf()));
    }
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::NewerFormat(version));
    }
    apply_from(conn, version as usize)
}

fn apply_from(conn: &mut Connection, from: usize) -> Result<(), StoreError> {
    if from == MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[from..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as u32)?;
    tx.commit()?;
    Ok(())
}
