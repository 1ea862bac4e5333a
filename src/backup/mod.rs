//! Backups: the whole vault in one age-encrypted file (issue 6).
//!
//! Like export, a layer above the diary: the writer is given a
//! `Disclosure` (a snapshot, the encrypted exhibit files and a way to check
//! them) and never holds a key or the store.
//!
//! ```text
//! age (scrypt passphrase recipient)
//! └── tar
//!     ├── incident-diary-backup/manifest.json   format, version, time, chain head, counts
//!     ├── incident-diary-backup/vault.db        consistent snapshot (VACUUM INTO)
//!     ├── incident-diary-backup/att/<id>.ida    exhibit files as stored (still encrypted)
//!     ├── incident-diary-backup/att/<id>.idt    their thumbnails
//!     └── incident-diary-backup/SHA256SUMS      every file above, GNU format
//! ```
//! The outer age layer hides counts, sizes and the vault's own header, and
//! keeps the file readable with the standard `age` and `tar` tools should
//! this program disappear: `age -d FILE | tar -x` gives a vault folder that
//! `diary --vault incident-diary-backup` opens. The vault inside still needs
//! the vault passphrase or the recovery key.
//!
//! A backup is written under a temporary name and renamed only when complete
//! and on disk, so a full disk or a kill never leaves a file that looks like
//! a backup. Every exhibit is decrypted and checked against its recorded
//! SHA-256 as it is copied, so a backup never silently carries damage.

mod manifest;
mod restore;
mod tar_out;
mod write;

pub use manifest::{BACKUP_FORMAT, BACKUP_VERSION, Manifest};
pub(crate) use restore::sweep_stagings;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use restore::unpack_into;
pub use restore::{RestoreSummary, restore};
pub use write::BackupSummary;
pub(crate) use write::{check_request, write};

use age::secrecy::SecretString;

use crate::crypto::Passphrase;

/// Top folder of every path inside the tar.
const ROOT: &str = "incident-diary-backup";
/// Name of the sums file inside the backup folder.
const SUMS: &str = "SHA256SUMS";
/// Name of the manifest inside the backup folder.
const MANIFEST: &str = "manifest.json";

fn age_secret(passphrase: &Passphrase) -> SecretString {
    SecretString::from(passphrase.expose_secret().to_string())
}
