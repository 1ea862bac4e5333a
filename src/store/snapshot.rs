//! A consistent copy of the database, for backups.

use std::fs;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError, restrict_file};

/// Prefix of snapshot files in the vault folder while a backup runs.
pub const SNAPSHOT_PREFIX: &str = ".backup-snapshot-";

impl Store {
    /// Writes a consistent copy of the database to the new file `path` and
    /// returns the copy's last log position and head (`None` when empty).
    ///
    /// `VACUUM INTO` reads in one transaction: writers are not blocked, and
    /// the copy is a compact, self-contained database (no WAL beside it).
    pub fn snapshot(&self, path: &Path) -> Result<(u64, Option<Vec<u8>>), StoreError> {
        let target = path
            .to_str()
            .ok_or(StoreError::Damaged("the vault path is not valid UTF-8"))?;
        // An empty file made first, so the copy is owner-only from the start.
        drop(
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)?,
        );
        restrict_file(path)?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        let copy = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let last = copy.query_row(
            "SELECT seq, head FROM log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
        );
        match last {
            Ok((seq, head)) => Ok((u64::try_from(seq).unwrap_or(0), Some(head))),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok((0, None)),
            Err(e) => Err(e.into()),
        }
    }
}
