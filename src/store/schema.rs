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

/// Refuses databases that are not vaults or are newer than this program,
/// brings older vaults up to date in one transaction, then refuses a
/// database that holds anything else (see [`check_objects`]).
pub fn check_and_migrate(conn: &mut Connection, dir: &Path) -> Result<(), StoreError> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        return Err(StoreError::NotAVault(dir.to_path_buf()));
    }
    if version as usize > MIGRATIONS.len() {
        return Err(StoreError::NewerFormat(version));
    }
    check_objects(conn)?;
    apply_from(conn, version as usize)?;
    check_objects(conn)
}

/// One schema object as SQLite stores it: type, name and CREATE text.
type Object = (String, String, Option<String>);

fn objects(conn: &Connection) -> Result<Vec<Object>, StoreError> {
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Refuses a database whose schema is not exactly what the migrations make
/// (every object of an older version is one a later migration also makes or
/// changes, so an older vault passes before and after migrating): no
/// trigger, view, index or table more, none altered. What the migrations
/// make is read from an in-memory database built by the same migrations, in
/// SQLite's own normalised text.
pub fn check_objects(conn: &Connection) -> Result<(), StoreError> {
    match unexpected(conn)?.into_iter().next() {
        Some((kind, name, _)) => Err(StoreError::Planted(format!(
            "{kind} {}",
            crate::visible::name(&name)
        ))),
        None => Ok(()),
    }
}

/// The objects in `conn` that the migrations up to its version do not make.
fn unexpected(conn: &Connection) -> Result<Vec<Object>, StoreError> {
    let mut made = Connection::open_in_memory()?;
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut expected = Vec::new();
    for upto in 1..=MIGRATIONS.len() {
        apply_range(&mut made, upto - 1, upto)?;
        if upto >= version as usize {
            expected.extend(objects(&made)?);
        }
    }
    let mut found = objects(conn)?;
    found.retain(|o| !expected.contains(o));
    // A planted object that shares a name with one of ours is ours altered.
    found.sort_by_key(|(_, name, _)| !expected.iter().any(|(_, n, _)| n == name));
    Ok(found)
}

/// Drops every trigger, view, index and table the migrations do not make,
/// so that a vault someone planted objects in opens again (`diary check
/// --remove-planted`). Returns what was removed. Refuses, changing
/// nothing, when one of the diary's own tables was altered: what it held
/// cannot be trusted, and a backup is the way back.
pub fn remove_planted(conn: &mut Connection) -> Result<Vec<String>, StoreError> {
    let planted = unexpected(conn)?;
    let ours = ["vault", "keyslot", "log"];
    if let Some((kind, name, _)) = planted.iter().find(|(_, n, _)| ours.contains(&n.as_str())) {
        return Err(StoreError::Planted(format!("{kind} {name} (altered)")));
    }
    let tx = conn.transaction()?;
    let mut removed = Vec::with_capacity(planted.len());
    // Triggers and views first: they may name the tables dropped after them.
    for order in ["trigger", "view", "index", "table"] {
        for (kind, name, _) in planted.iter().filter(|(k, _, _)| k == order) {
            let quoted = name.replace('"', "\"\"");
            tx.execute_batch(&format!(
                "DROP {} IF EXISTS \"{quoted}\"",
                kind.to_uppercase()
            ))?;
            removed.push(format!("{kind} {}", crate::visible::name(name)));
        }
    }
    tx.commit()?;
    check_objects(conn)?;
    Ok(removed)
}

fn apply_from(conn: &mut Connection, from: usize) -> Result<(), StoreError> {
    apply_range(conn, from, MIGRATIONS.len())
}

/// Applies migrations `from..to` (numbered from 0) in one transaction.
fn apply_range(conn: &mut Connection, from: usize, to: usize) -> Result<(), StoreError> {
    if from >= to {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[from..to] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", to as u32)?;
    tx.commit()?;
    Ok(())
}
