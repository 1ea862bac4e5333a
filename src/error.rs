//! The public error set. Messages name fields, sequence numbers, ids and
//! paths, never diary content, passphrases or keys, so they are safe to print
//! and to send across the app's IPC boundary.

use std::path::PathBuf;

use crate::crypto::kdf::KdfError;
use crate::crypto::recovery::RecoveryKeyError;
use crate::model::ValidationError;
use crate::store::StoreError;

/// Stable error categories for programs (exit codes, `{code, message}` in the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Wrong passphrase or recovery key.
    WrongSecret,
    /// Too many wrong passphrases: the next attempt must wait.
    Throttled,
    /// Tampering, corruption or an altered header.
    Integrity,
    /// An older copy of the vault than this device last saw (an integrity
    /// failure the owner may accept when they put the copy back).
    WentBack,
    /// The vault, an incident or another object does not exist.
    NotFound,
    /// Input broke a rule; nothing was written.
    Invalid,
    /// Anything else (disk full, another process, I/O).
    Other,
}

impl ErrorCode {
    /// Machine name, stable across versions.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::WrongSecret => "wrong_secret",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Integrity => "integrity",
            ErrorCode::WentBack => "went_back",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Other => "other",
        }
    }
}

/// Everything the diary can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No key slot opens with this passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// No key slot opens with this recovery key.
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    /// The backup file does not open with this passphrase.
    #[error("wrong passphrase for this backup (or its header was damaged)")]
    WrongBackupPassphrase,
    /// Too many wrong passphrases in a row: no attempt is made until the
    /// wait is over, whatever passphrase is given.
    #[error(
        "too many wrong passphrases; wait {} before trying again",
        crate::throttle::describe_wait(*wait)
    )]
    Throttled {
        /// How long until the next attempt is allowed.
        wait: std::time::Duration,
    },
    /// The recovery key text is malformed or mistyped.
    #[error("{0}")]
    RecoveryKeyText(RecoveryKeyError),
    /// There is no vault where one was expected.
    #[error("no diary vault at {}", .0.display())]
    NotAVault(PathBuf),
    /// `create` on a folder that is in use.
    #[error("{} already exists and is not empty; choose a new folder", .0.display())]
    VaultExists(PathBuf),
    /// A log row failed verification.
    #[error("integrity failure at log entry {seq}: {reason}")]
    Tampered {
        /// First bad sequence number.
        seq: u64,
        /// What failed.
        reason: &'static str,
    },
    /// The header, key slots, sealed tip or database structure failed a check.
    #[error("integrity failure: {0}")]
    Damaged(String),
    /// The vault holds less, or other, than this device last saw of it (an
    /// older copy was put back), or the device's record of it is damaged
    /// so that it cannot tell (see `anchor`). The owner may accept the copy
    /// ([`crate::Diary::unlock_accepting_older`]).
    #[error("{0}")]
    WentBack(String),
    /// Input broke a rule; nothing was written.
    #[error("invalid input: {0}")]
    Invalid(ValidationError),
    /// An object that does not exist was named.
    #[error("no {what} {key}")]
    NotFound {
        /// Kind of object.
        what: &'static str,
        /// The id or number as given.
        key: String,
    },
    /// The vault comes from a newer version of the program.
    #[error(
        "the vault was written by a newer version of this program (format {0}); update the program"
    )]
    NewerFormat(u32),
    /// The backup comes from a newer version of the program.
    #[error(
        "the backup was written by a newer version of this program (format {0}); update the program to restore it"
    )]
    NewerBackup(u32),
    /// Another process appended to the vault while it was open here.
    #[error("the vault was changed by another program while open; open it again")]
    Conflict,
    /// The disk is full; the action was not saved and the vault is unchanged.
    #[error("the disk is full; nothing was saved")]
    DiskFull,
    /// Any other storage failure.
    #[error("storage error: {0}")]
    Storage(String),
}

impl Error {
    /// The stable category of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::WrongPassphrase
            | Error::WrongRecoveryKey
            | Error::WrongBackupPassphrase
            | Error::RecoveryKeyText(_) => ErrorCode::WrongSecret,
            Error::Throttled { .. } => ErrorCode::Throttled,
            Error::Tampered { .. } | Error::Damaged(_) | Error::WentBack(_) => ErrorCode::Integrity,
            Error::NotAVault(_) | Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Invalid(_) | Error::VaultExists(_) => ErrorCode::Invalid,
            Error::NewerFormat(_)
            | Error::NewerBackup(_)
            | Error::Conflict
            | Error::DiskFull
            | Error::Storage(_) => ErrorCode::Other,
        }
    }

    pub(crate) fn tampered(seq: u64, reason: &'static str) -> Self {
        Error::Tampered { seq, reason }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(ValidationError::new(field, message))
    }
}

// Written out rather than `#[from]`, which would also make the inner error the
// `source` and print its message twice in an error chain.
impl From<ValidationError> for Error {
    fn from(err: ValidationError) -> Self {
        Error::Invalid(err)
    }
}

impl From<KdfError> for Error {
    /// A KDF header out of range is an altered vault, never bad user input:
    /// the parameters users choose are checked before a vault is created.
    fn from(err: KdfError) -> Self {
        Error::Damaged(err.to_string())
    }
}

impl From<RecoveryKeyError> for Error {
    fn from(err: RecoveryKeyError) -> Self {
        Error::RecoveryKeyText(err)
    }
}

impl From<std::io::Error> for Error {
    /// File-system failures while writing into the vault (attachment files).
    fn from(err: std::io::Error) -> Self {
        if err.raw_os_error() == Some(28) || err.kind() == std::io::ErrorKind::StorageFull {
            Error::DiskFull
        } else {
            Error::Storage(err.to_string())
        }
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotAVault(path) => Error::NotAVault(path),
            StoreError::AlreadyExists(path) => Error::VaultExists(path),
            StoreError::Damaged(what) => Error::Damaged(what.to_string()),
            StoreError::Planted(what) => {
                Error::Damaged(format!("the database holds an unexpected {what}"))
            }
            StoreError::PlantedData(what) => Error::Damaged(format!(
                "the database holds a {what} with data in it, perhaps the diary's own under another name; nothing was removed: restore a backup"
            )),
            StoreError::OwnAltered(what) => Error::Damaged(format!(
                "the database's own {what} is missing or was changed; restore a backup"
            )),
            StoreError::NewerFormat(v) => Error::NewerFormat(v),
            StoreError::Conflict => Error::Conflict,
            StoreError::Full => Error::DiskFull,
            StoreError::Io(e) if e.raw_os_error() == Some(28) => Error::DiskFull,
            other => Error::Storage(other.to_string()),
        }
    }
}

/// Result with the diary's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
