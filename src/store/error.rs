//! Store errors. Messages never contain values from the database: only
//! ciphertext is stored, and SQLite's own messages are reduced to a kind.

use std::path::PathBuf;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No vault database in the directory.
    #[error("no diary vault at {0}")]
    NotAVault(PathBuf),
    /// `init` on a directory that is not empty.
    #[error("{0} already exists and is not empty")]
    AlreadyExists(PathBuf),
    /// The header, key slots or database structure failed a check.
    #[error("the vault is damaged or was altered: {0}")]
    Damaged(&'static str),
    /// The database holds an object (trigger, view, index, table) that the
    /// migrations did not make, or one of theirs was altered: something
    /// planted to swallow or change what is written.
    #[error("the vault was altered: the database holds an unexpected {0}")]
    Planted(String),
    /// One of the database's own tables is missing, renamed or altered:
    /// what it held cannot be trusted, and nothing may be removed around it.
    #[error("the vault was altered: the database's own {0} is missing or was changed")]
    OwnAltered(String),
    /// A table that is not the diary's holds rows: it may be the diary's
    /// own data under another name, so it is never dropped.
    #[error("the vault was altered: the database holds a {0} with data in it")]
    PlantedData(String),
    /// Written by a newer version of the program.
    #[error("the vault was written by a newer version of this program (format {0})")]
    NewerFormat(u32),
    /// Another process appended first.
    #[error("the vault was changed by another program while open; open it again")]
    Conflict,
    /// The disk is full; nothing was written.
    #[error("the disk is full; nothing was saved")]
    Full,
    /// Any other SQLite failure, by kind only.
    #[error("{0}")]
    Sqlite(String),
    /// File-system failure.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(ErrorCode::NotADatabase) => {
                StoreError::Damaged("the file is not a diary vault database")
            }
            Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Damaged("the database structure is damaged")
            }
            Some(ErrorCode::SystemIoFailure) => StoreError::Sqlite(
                "the device could not read or write the vault file (is the disk full?); \
                 nothing was saved"
                    .into(),
            ),
            Some(code) => StoreError::Sqlite(format!("database error ({code:?})")),
            // Type and range errors come from altered columns, never from our own writes.
            None => StoreError::Damaged("a stored value has the wrong type"),
        }
    }
}
