//! The backup's manifest: what a restore checks before and after unpacking.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// `format` of every backup manifest.
pub const BACKUP_FORMAT: &str = "incident-diary-backup";
/// The version this program writes and the newest it restores.
pub const BACKUP_VERSION: u32 = 1;

/// `manifest.json`, the first file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`BACKUP_FORMAT`].
    pub format: String,
    /// Format version; a newer one is refused before anything is unpacked.
    pub version: u32,
    /// When the backup was made.
    pub created_at: DateTime<FixedOffset>,
    /// The vault's id (hex), as in its header.
    pub vault_id: String,
    /// Log entries in the snapshot.
    pub log_entries: u64,
    /// Chain head after the last entry (hex).
    pub chain_head: String,
    /// Exhibit files (`.ida`) in the backup.
    pub exhibit_files: u64,
    /// Thumbnail files (`.idt`) in the backup.
    pub thumbnail_files: u64,
}

impl Manifest {
    /// Only the format name and version, read first so that a newer backup
    /// is refused with a clear message even if the rest has changed shape.
    pub(crate) fn version_of(bytes: &[u8]) -> Option<(String, u32)> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u32,
        }
        serde_json::from_slice::<Head>(bytes)
            .ok()
            .map(|h| (h.format, h.version))
    }
}
