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
    // 2: key epochs. The header names the current epoch, each row the
    // epoch whose key sealed it, and `epoch_key` holds every earlier
    // epoch's key wrapped under the next (see `crypto::epoch`).
    "ALTER TABLE vault ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE log ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE epoch_key (epoch INTEGER PRIMARY KEY, nonce BLOB NOT NULL, ct BLOB NOT NULL);",
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

/// Refuses a database whose schema is not exactly what the migrations up to
/// its version make (an older vault is checked before and after migrating):
/// no
/// trigger, view, index or table more, none altered. What the migrations
/// make is read from an in-memory database built by the same migrations, in
/// SQLite's own normalised text.
pub fn check_objects(conn: &Connection) -> Result<(), StoreError> {
    let Found { planted, altered } = survey(conn)?;
    if let Some((kind, name, _)) = altered.first() {
        return Err(StoreError::OwnAltered(format!(
            "{kind} {}",
            crate::visible::name(name)
        )));
    }
    match planted.first() {
        Some((kind, name, _)) => Err(StoreError::Planted(format!(
            "{kind} {}",
            crate::visible::name(name)
        ))),
        None => Ok(()),
    }
}

/// The schema compared with what the migrations make.
struct Found {
    /// Objects that are not the diary's.
    planted: Vec<Object>,
    /// The diary's own objects that are missing or changed (by type and
    /// name, in any case: SQLite's names are case-insensitive).
    altered: Vec<Object>,
}

/// Compares the objects in `conn` with those the migrations up to its
/// version make (an older version's objects, as that version made them). SQLite's own `sqlite_sequence` (made by any table with
/// AUTOINCREMENT, and impossible to drop) is tolerated while it is empty.
fn survey(conn: &Connection) -> Result<Found, StoreError> {
    let mut made = Connection::open_in_memory()?;
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    apply_range(&mut made, 0, (version as usize).min(MIGRATIONS.len()))?;
    let expected = objects(&made)?;
    let found = objects(conn)?;
    let same = |a: &Object, b: &Object| a.0 == b.0 && a.1.eq_ignore_ascii_case(&b.1);
    let altered = expected
        .iter()
        .filter(|e| !found.contains(e))
        .cloned()
        .collect();
    let empty_sequence = || {
        conn.query_row("SELECT COUNT(*) FROM sqlite_sequence", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_ok_and(|n| n == 0)
    };
    let planted = found
        .into_iter()
        .filter(|o| !expected.contains(o))
        .filter(|o| !expected.iter().any(|e| same(e, o)))
        .filter(|o| !(o.0 == "table" && o.1 == "sqlite_sequence" && empty_sequence()))
        .collect();
    Ok(Found { planted, altered })
}

/// Drops every trigger, view, table and index the migrations do not make,
/// so that a vault someone planted objects in opens again (`diary check
/// --remove-planted`). Returns what was removed. Refuses, changing
/// nothing, when one of the diary's own objects is missing or altered (a
/// renamed table would otherwise look planted, and be dropped): what it
/// held cannot be trusted, and a backup is the way back.
pub fn remove_planted(conn: &mut Connection) -> Result<Vec<String>, StoreError> {
    let Found { planted, altered } = survey(conn)?;
    if let Some((kind, name, _)) = altered.first() {
        return Err(StoreError::OwnAltered(format!(
            "{kind} {}",
            crate::visible::name(name)
        )));
    }
    // A planted table that holds rows may be the diary's own data under
    // another name (renamed, with an empty table of the right name put in
    // its place): never dropped, whatever it holds. A planted virtual
    // table (full-text or r-tree, which the stock sqlite3 tool makes) and
    // its shadow tables hold only what was planted with it, unless a
    // "shadow" has the shape of one of the diary's own tables.
    let own = own_tables(conn)?;
    let virtuals: Vec<&str> = planted
        .iter()
        .filter(|(_, _, sql)| sql.as_deref().is_some_and(is_virtual))
        .map(|(_, n, _)| n.as_str())
        .collect();
    let planted_with_it = |name: &str, sql: &Option<String>| {
        let shaped_as_own = sql
            .as_deref()
            .is_some_and(|sql| own.iter().any(|o| body(o) == body(sql)));
        virtuals.contains(&name) || (shadow_of(&virtuals, name) && !shaped_as_own)
    };
    for (kind, name, _) in planted
        .iter()
        .filter(|(k, n, sql)| k == "table" && n != "sqlite_sequence" && !planted_with_it(n, sql))
    {
        let quoted = name.replace('"', "\"\"");
        let rows: Result<bool, _> = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM \"{quoted}\")"),
            [],
            |r| r.get(0),
        );
        if rows.unwrap_or(true) {
            return Err(StoreError::PlantedData(format!(
                "{kind} {}",
                crate::visible::name(name)
            )));
        }
    }
    let tx = conn.transaction()?;
    let mut removed = Vec::with_capacity(planted.len());
    // Triggers and views first: they may name the tables dropped after
    // them; virtual tables before other tables, their shadows go with
    // them. A table's own automatic indexes go with it.
    let mut ordered: Vec<&Object> = planted.iter().collect();
    ordered.sort_by_key(|(k, _, sql)| match k.as_str() {
        "trigger" => 0,
        "view" => 1,
        "table" if sql.as_deref().is_some_and(is_virtual) => 2,
        "table" => 3,
        _ => 4,
    });
    for order in ["trigger", "view", "table", "index"] {
        for (kind, name, sql) in ordered.iter().copied().filter(|(k, _, _)| k == order) {
            if kind == "index" && sql.is_none() {
                continue;
            }
            let quoted = name.replace('"', "\"\"");
            if name == "sqlite_sequence" {
                tx.execute_batch("DELETE FROM sqlite_sequence")?;
            } else {
                let drop = format!("DROP {} IF EXISTS \"{quoted}\"", kind.to_uppercase());
                tx.execute_batch(&drop)?;
            }
            removed.push(format!("{kind} {}", crate::visible::name(name)));
        }
    }
    tx.commit()?;
    check_objects(conn)?;
    Ok(removed)
}

/// Whether `sql` makes a virtual table.
fn is_virtual(sql: &str) -> bool {
    sql.trim_start()
        .get(..20)
        .is_some_and(|head| head.eq_ignore_ascii_case("create virtual table"))
}

/// Whether `name` is a shadow table of one of `virtuals` (`<name>_...`).
fn shadow_of(virtuals: &[&str], name: &str) -> bool {
    virtuals.iter().any(|v| {
        name.len() > v.len() + 1
            && name.is_char_boundary(v.len())
            && name[..v.len()].eq_ignore_ascii_case(v)
            && name.as_bytes()[v.len()] == b'_'
    })
}

/// A table's definition without its name: what stays when it is renamed.
fn body(sql: &str) -> &str {
    sql.find('(').map_or(sql, |i| &sql[i..])
}

/// The CREATE text of the diary's own tables at the file's version.
fn own_tables(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut made = Connection::open_in_memory()?;
    apply_range(&mut made, 0, (version as usize).min(MIGRATIONS.len()))?;
    Ok(objects(&made)?
        .into_iter()
        .filter(|(k, _, _)| k == "table")
        .filter_map(|(_, _, sql)| sql)
        .collect())
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
