//! The vault on disk: one SQLite file holding only ids, sequence numbers,
//! sizes, hashes and ciphertext (DESIGN section 3).
//!
//! The store knows nothing of keys or plaintext. It keeps the header and key
//! slots, the append-only log and the sealed tip, and it makes every user
//! action one durable transaction.

mod attachment;
mod error;
mod header;
mod log;
mod schema;
mod snapshot;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use attachment::{AttFile, ORPHAN_AGE};
pub use error::StoreError;
pub use header::{FORMAT, Header, WrappedKey};
pub use log::{Durability, LogRow, Sealed};
pub use snapshot::SNAPSHOT_PREFIX;

/// File name of the database inside the vault directory.
pub const DB_FILE: &str = "vault.db";
const INIT_PREFIX: &str = "vault.db.init-";

/// An open vault database.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
}

impl Store {
    /// Creates a new vault in `dir`, which must be missing or empty.
    ///
    /// The database is written under a temporary name and renamed into place
    /// only when complete, so a crash during creation never leaves something
    /// that looks like a vault.
    pub fn create(dir: &Path, header: &Header, tip: &Sealed) -> Result<Store, StoreError> {
        prepare_empty_dir(dir)?;
        let tmp_name = format!(
            "{INIT_PREFIX}{}",
            hex::encode(crate::crypto::random::bytes::<8>())
        );
        let tmp = dir.join(&tmp_name);
        {
            let mut conn = Connection::open_with_flags(
                &tmp,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            )?;
            configure(&conn)?;
            schema::migrate(&mut conn)?;
            header::insert(&mut conn, header, tip)?;
            // Leave a single self-contained file before renaming it.
            conn.pragma_update(None, "journal_mode", "DELETE")?;
        }
        restrict_file(&tmp)?;
        fs::File::open(&tmp)?.sync_all()?;
        crate::durable::publish(
            &tmp,
            &dir.join(DB_FILE),
            crate::durable::FolderSync::Required,
        )?;
        Store::open(dir)
    }

    /// Whether `dir` holds a vault database.
    pub fn exists(dir: &Path) -> bool {
        dir.join(DB_FILE).is_file()
    }

    /// Opens the vault in `dir`. Never creates anything: a missing vault is
    /// [`StoreError::NotAVault`].
    ///
    /// The database and the attachment folder must be what they seem, not
    /// symbolic links: a linked `att/` would let clean-up act on files
    /// elsewhere, and a linked database could be swapped under the diary.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.join(DB_FILE);
        if !path.is_file() {
            return Err(StoreError::NotAVault(dir.to_path_buf()));
        }
        let wal = format!("{DB_FILE}-wal");
        let shm = format!("{DB_FILE}-shm");
        let parts = [
            DB_FILE,
            &wal,
            &shm,
            attachment::ATT_DIR,
            attachment::QUARANTINE_DIR,
        ];
        for name in parts {
            let linked = fs::symlink_metadata(dir.join(name))
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if linked {
                return Err(StoreError::Damaged(
                    "a file or folder of the vault is a symbolic link",
                ));
            }
        }
        for folder in [attachment::ATT_DIR, attachment::QUARANTINE_DIR] {
            if fs::symlink_metadata(dir.join(folder)).is_ok_and(|m| !m.is_dir()) {
                return Err(StoreError::Damaged(
                    "a folder of the vault was replaced by a file",
                ));
            }
        }
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        schema::check_and_migrate(&mut conn, dir)?;
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
        })
    }

    /// Removes the SQL objects someone planted in the vault at `dir` (see
    /// [`schema::remove_planted`]), then opens it as usual and rewrites the
    /// file so the planted text does not linger in free pages.
    pub fn remove_planted(dir: &Path) -> Result<Vec<String>, StoreError> {
        let removed = match Store::open(dir) {
            Err(StoreError::Planted(_)) => {
                let mut conn = Connection::open_with_flags(
                    dir.join(DB_FILE),
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn)?;
                schema::remove_planted(&mut conn)?
            }
            Err(other) => return Err(other),
            Ok(_) => return Ok(Vec::new()),
        };
        Store::open(dir)?.compact()?;
        Ok(removed)
    }

    /// The vault directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// SQLite's own structural check of the file.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged("the database structure is damaged"))
        }
    }
}

/// WAL for crash safety with concurrent readers; FULL sync so an acknowledged
/// entry survives power loss; secure_delete so freed pages are zeroed; temp
/// files in memory so nothing of a query reaches a temporary file.
///
/// The file is not trusted either: whoever had the device may have planted
/// SQL objects in it. Defensive mode refuses writes to the schema itself,
/// `trusted_schema=OFF` keeps functions with side effects out of views and
/// triggers, and triggers are switched off for this connection (the vault
/// never uses one), so a planted trigger cannot swallow or change a write
/// even before [`schema::check_objects`] refuses the file.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    use rusqlite::config::DbConfig;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Damaged(
            "cannot switch the database to write-ahead logging",
        ));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cell_size_check", "ON")?;
    Ok(())
}

fn prepare_empty_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()));
        }
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            // Leftovers of an interrupted `init` are the only thing we remove.
            if name.to_string_lossy().starts_with(INIT_PREFIX) {
                fs::remove_file(entry.path())?;
            } else {
                return Err(StoreError::AlreadyExists(dir.to_path_buf()));
            }
        }
    } else {
        fs::create_dir_all(dir)?;
    }
    restrict_dir(dir)
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    Ok(())
}

#[cfg(unix)]
fn restrict_file(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict_dir(_: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(not(unix))]
fn restrict_file(_: &Path) -> Result<(), StoreError> {
    Ok(())
}
