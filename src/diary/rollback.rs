//! Rollback detection: every unlock compares the vault with the anchor this
//! device keeps outside it (see `crate::anchor`), and every durable commit
//! moves the anchor forward.
//!
//! The anchor only ever trails the vault: it is written after the commit it
//! describes, so a kill between the two leaves it one step behind, which
//! the next unlock accepts (the entry it names is still there, with the same
//! head) and moves on. Bulk imports with [`Durability::Normal`] do not move
//! it, since their commits may be lost in a power cut and an anchor ahead of
//! the vault would then cry rollback.

use chrono::{DateTime, FixedOffset};

use super::Diary;
use crate::anchor::{self, Anchor, Mark};
use crate::crypto::chain::ChainWalk;
use crate::error::{Error, Result};

/// Whether unlock refuses a vault older than the anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchoring {
    /// Refuse with [`Error::WentBack`].
    Enforce,
    /// The owner put this copy back on purpose: accept it and move the
    /// anchor to it.
    AcceptOlder,
}

/// The last log entry, shown at every unlock so that the person who wrote
/// it notices when the diary has lost entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastEntry {
    /// Its number (the count of log entries).
    pub seq: u64,
    /// When it was recorded (`None` in an empty diary).
    pub recorded_at: Option<DateTime<FixedOffset>>,
}

impl Diary {
    /// The last log entry: its number and when it was recorded.
    pub fn last_entry(&self) -> LastEntry {
        LastEntry {
            seq: self.log.seq(),
            recorded_at: self.state.last_recorded(),
        }
    }

    /// Where this process keeps rollback anchors (`None` when the platform
    /// has no configuration folder and none was set).
    pub fn anchor_folder() -> Option<std::path::PathBuf> {
        anchor::folder()
    }

    /// Uses `folder` for rollback anchors in this process instead of the
    /// configuration folder (the app on a phone). The first call wins.
    pub fn use_anchor_folder(folder: std::path::PathBuf) {
        anchor::use_folder(folder);
    }

    /// The anchor of this vault on this device, if there is a folder for it.
    pub(super) fn anchor(&self) -> Option<Anchor> {
        let dir = self.store.dir();
        anchor::folder().map(|folder| Anchor::new(&folder, &self.vault_key, self.vault_id, dir))
    }

    /// Compares the vault with the anchor, then moves the anchor to the
    /// vault. With [`Anchoring::AcceptOlder`] returns what was overruled.
    pub(super) fn check_anchor(&self, anchoring: Anchoring) -> Result<Option<Error>> {
        let Some(anchor) = self.anchor() else {
            return Ok(None);
        };
        let verdict = self.compare(&anchor);
        let overruled = match (verdict, anchoring) {
            (Ok(()), _) => None,
            (Err(err), Anchoring::Enforce) => return Err(err),
            (Err(err), Anchoring::AcceptOlder) => Some(err),
        };
        // Best effort, like every later move: a configuration folder that
        // cannot be written must not keep the owner out of the diary.
        let _ = self.write_anchor(&anchor);
        Ok(overruled)
    }

    /// Moves the anchor to the current end of the log, after a durable
    /// commit. Best effort: the entry is saved whatever happens here, and a
    /// stale anchor only trails.
    pub(super) fn advance_anchor(&self) {
        if let Some(anchor) = self.anchor() {
            let _ = self.write_anchor(&anchor);
        }
    }

    fn write_anchor(&self, anchor: &Anchor) -> std::io::Result<()> {
        let header = self.store.header().map_err(std::io::Error::other)?;
        anchor.write(&Mark {
            seq: self.log.seq(),
            head: self.log.head(),
            recorded_at: self.state.last_recorded(),
            header: header.checksum(),
        })
    }

    /// `Ok` when the vault holds at least what the anchor saw, ending in the
    /// same head at the anchor's entry.
    fn compare(&self, anchor: &Anchor) -> Result<()> {
        let Some(sealed) = anchor.read().map_err(Error::Damaged)? else {
            return Ok(());
        };
        let now = self.log.seq();
        let mark = anchor.open(&sealed);
        if sealed.seq > now {
            let when = mark
                .and_then(|m| m.recorded_at)
                .map(|t| format!(", the last recorded {}", t.format("%Y-%m-%d %H:%M %:z")))
                .unwrap_or_default();
            return Err(Error::WentBack(format!(
                "this device last saw {} log entries{when}; this copy holds {now}",
                sealed.seq
            )));
        }
        let Some(mark) = mark else {
            return Err(Error::WentBack(
                "this copy does not match the record this device keeps of it".into(),
            ));
        };
        let stored = match mark.seq {
            0 => Some(ChainWalk::new(&self.vault_id).head().to_vec()),
            seq => self.store.head_at(seq)?,
        };
        if stored.as_deref() != Some(&mark.head[..]) {
            return Err(Error::WentBack(format!(
                "log entry {} is not the one this device saw: this is another copy",
                mark.seq
            )));
        }
        Ok(())
    }
}
