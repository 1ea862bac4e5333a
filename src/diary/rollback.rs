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
use std::path::Path;

use crate::anchor::{self, Anchor, Mark};
use crate::crypto::chain::ChainWalk;
use crate::crypto::epoch::VaultKeys;
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

    /// Wrong passphrases tried since the diary was last opened with its
    /// passphrase, shown at unlock (someone may have been guessing).
    pub fn wrong_passphrases_before_open(&self) -> crate::throttle::WrongPassphrases {
        self.unlocked.wrong_before
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

    /// Whether the key header (the key slots and the key-derivation
    /// settings) changed since this device last opened or changed it:
    /// someone may have destroyed the recovery key's slot (which would only
    /// show when it is needed) or added a way in. A new recovery key
    /// rewrites every slot but the passphrase's.
    pub fn key_header_changed(&self) -> bool {
        self.key_header_changed.is_some()
    }

    /// What went wrong keeping this device's record of the diary (the
    /// rollback anchor), if anything: while it is set, an older copy put
    /// back would not be noticed. Shown by the CLI and the app.
    pub fn anchor_trouble(&self) -> Option<&str> {
        self.anchor_trouble.as_deref()
    }

    /// Compares the vault with what the anchor said before the log was read
    /// (`seen`: read first, so a commit by another program in between only
    /// makes the anchor trail), then moves the anchor to the vault. With
    /// [`Anchoring::AcceptOlder`] returns what was overruled, and fails if
    /// the new record cannot be written.
    pub(super) fn check_anchor(
        &mut self,
        seen: Seen,
        anchoring: Anchoring,
    ) -> Result<Option<Error>> {
        let (anchor, sealed) = match seen {
            Seen::Nowhere(why) => {
                self.anchor_trouble = Some(why);
                return Ok(None);
            }
            Seen::Read(anchor, sealed) => (anchor, sealed),
        };
        let verdict = self.compare(&anchor, sealed);
        let (overruled, unchanged) = match (verdict, anchoring) {
            (Ok(mark), _) => {
                let now = self.mark();
                // The slots or the cost changed, not by this device: the
                // recovery slot may have been destroyed, or a way in added.
                // Sticky: the anchor keeps the header it knew until every
                // slot is rewritten (a new recovery key, or `recover`).
                // A change recorded in the log by another copy is reported
                // too: whoever knows the passphrase may have replaced the
                // recovery key. So is one of this device's own that was
                // stopped before the anchor moved: its new recovery key
                // was never shown, and making another is the right advice.
                if let Some(m) = mark.filter(|m| m.header != now.header) {
                    self.key_header_changed = Some(m.header);
                }
                (None, mark.is_some_and(|m| m == now))
            }
            (Err(err), Anchoring::Enforce) => return Err(err),
            (Err(err), Anchoring::AcceptOlder) => (Some(err), false),
        };
        self.high_water(anchoring == Anchoring::AcceptOlder, false);
        if unchanged {
            self.anchor_trouble = None;
            return Ok(overruled);
        }
        if anchoring == Anchoring::AcceptOlder {
            let kept = anchor.clear().and_then(|()| anchor.write(&self.mark()));
            return match kept {
                Ok(()) => Ok(overruled),
                // The recovery key always gets the owner in: the record
                // that cannot be kept is reported, as at any unlock.
                Err(e) if self.unlocked.kind == crate::crypto::keyslot::SlotKind::Recovery => {
                    self.anchor_trouble = Some(format!(
                        "could not write this device's record of the diary at {}: {e}",
                        anchor.path().display()
                    ));
                    Ok(overruled)
                }
                Err(e) => Err(Error::Storage(format!(
                    "could not write {}: {e}",
                    anchor.path().display()
                ))),
            };
        }
        self.write_anchor(&anchor);
        Ok(overruled)
    }

    /// How many log entries a copy of this diary held when it was last used
    /// on this device, if that is more than this copy holds (a copy in
    /// another folder went further: this one may be an old copy put in
    /// the owner's way). Reported, not refused: owners keep copies too.
    pub fn newer_copy_seen(&self) -> Option<u64> {
        self.newer_copy_seen
    }

    /// Compares this copy with the device-wide high-water mark of the vault
    /// and raises the mark to it when it went further (`reset`: the owner
    /// accepts this copy, so it becomes the mark). Best effort.
    fn high_water(&mut self, reset: bool, new_header: bool) {
        let Some(folder) = anchor::folder() else {
            return;
        };
        let mark = Anchor::high_water(&folder, &self.keys, self.vault_id);
        let seen = mark
            .read()
            .unwrap_or_default()
            .iter()
            .filter_map(|s| mark.open(s))
            .max_by_key(|m| m.seq);
        // The key header as the device last saw it, here too: a folder
        // anchor damaged or deleted (and then accepted) must not hide a
        // change of the key slots.
        if let Some(m) = seen.filter(|m| m.header != self.header_sum)
            && !new_header
        {
            self.key_header_changed.get_or_insert(m.header);
        }
        let seen = seen.map(|m| m.seq);
        let now = self.log.seq();
        self.newer_copy_seen = seen.filter(|&s| s > now && !reset);
        if reset || new_header || seen.is_none_or(|s| now > s) {
            let mut next = self.mark();
            if !reset {
                next.seq = next.seq.max(seen.unwrap_or(0));
            }
            let _ = mark.write(&next);
        }
    }

    /// Moves the anchor to the current end of the log, after a durable
    /// commit. Best effort: what was saved is
    /// saved whatever happens here, and a stale anchor only trails; a
    /// failure is kept in [`Diary::anchor_trouble`].
    pub(super) fn advance_anchor(&mut self) {
        self.move_anchor(false);
    }

    /// [`Diary::advance_anchor`] after this device changed the key header
    /// itself (a passphrase, a recovery key): the new header is the one to
    /// remember, not a change to warn about.
    pub(super) fn anchor_new_header(&mut self) {
        self.move_anchor(true);
    }

    fn move_anchor(&mut self, new_header: bool) {
        match anchor_for(&self.keys, self.vault_id, self.store.dir()) {
            Ok(anchor) => self.write_anchor(&anchor),
            Err(why) => self.anchor_trouble = Some(why),
        }
        if new_header {
            self.high_water(false, true);
        } else {
            // The high-water mark is raised once, when the diary is
            // dropped, not at every commit: one durable write per commit
            // (the folder's anchor) is enough on the hot path.
            self.high_water_behind = true;
        }
    }

    /// Raises the high-water mark to this copy if it committed since it
    /// was opened (see [`Drop`] for [`Diary`]). Best effort: a killed
    /// process leaves the mark at what the last unlock saw.
    pub(super) fn raise_high_water(&mut self) {
        if std::mem::take(&mut self.high_water_behind) {
            self.high_water(false, false);
        }
    }

    fn write_anchor(&mut self, anchor: &Anchor) {
        self.anchor_trouble = anchor.write(&self.mark()).err().map(|e| {
            format!(
                "could not write this device's record of the diary at {}: {e}",
                anchor.path().display()
            )
        });
    }

    /// What the anchor should say now.
    fn mark(&self) -> Mark {
        Mark {
            seq: self.log.seq(),
            head: self.log.head(),
            recorded_at: self.state.last_recorded(),
            header: match self.key_header_changed {
                Some(known) => known,
                None => self.header_sum,
            },
        }
    }

    /// The anchor's mark (`None` when there was none) when the vault holds
    /// at least what every copy of it saw, ending in the same head at each
    /// one's entry: the mark of the copy that saw most.
    fn compare(&self, anchor: &Anchor, copies: SeenFile) -> Result<Option<Mark>> {
        let damaged = |why: String| {
            Error::WentBack(format!(
                "{why}, so it cannot tell whether the diary went back in time"
            ))
        };
        let mut copies = copies.map_err(damaged)?;
        // The one that claims most first: a refusal names the most seen.
        copies.sort_by_key(|s| std::cmp::Reverse(s.seq));
        let mut marks = copies
            .into_iter()
            .map(|sealed| self.compare_copy(anchor, sealed));
        let first = marks.next().transpose()?;
        marks.try_for_each(|m| m.map(drop))?;
        Ok(first)
    }

    /// [`Diary::compare`] for one copy of the anchor.
    fn compare_copy(&self, anchor: &Anchor, sealed: anchor::Sealed) -> Result<Mark> {
        let now = self.log.seq();
        let mark = anchor.open(&sealed);
        if sealed.seq > now {
            let (when, unverified) = match mark {
                Some(m) => (
                    m.recorded_at
                        .map(|t| format!(", the last recorded {}", t.format("%Y-%m-%d %H:%M %:z")))
                        .unwrap_or_default(),
                    "",
                ),
                None => (
                    String::new(),
                    " (by a record this copy's key cannot verify)",
                ),
            };
            return Err(Error::WentBack(format!(
                "the diary went back in time: this device last saw {} log entries{when}{unverified}; this copy holds {now}",
                sealed.seq
            )));
        }
        let Some(mark) = mark else {
            return Err(Error::WentBack(
                "the diary went back in time or was replaced: this copy does not match the record this device keeps of it".into(),
            ));
        };
        let stored = match mark.seq {
            0 => Some(ChainWalk::new(&self.vault_id).head().to_vec()),
            seq => self.store.head_at(seq)?,
        };
        if stored.as_deref() != Some(&mark.head[..]) {
            return Err(Error::WentBack(format!(
                "the diary went back in time or was replaced: log entry {} is not the one this device saw, so this is another copy",
                mark.seq
            )));
        }
        Ok(mark)
    }
}

/// Every copy of an anchor as read, or why one could not be.
type SeenFile = std::result::Result<Vec<anchor::Sealed>, String>;

/// The anchor of a vault as read before its log, or why there is none.
pub(super) enum Seen {
    /// No folder for anchors (the trouble to report).
    Nowhere(String),
    /// The anchor and what its file held.
    Read(Anchor, SeenFile),
}

impl Seen {
    /// Reads the anchor of vault `vault_id` at `dir`, before its log is.
    pub(super) fn read(keys: &VaultKeys, vault_id: [u8; 16], dir: &Path) -> Seen {
        match anchor_for(keys, vault_id, dir) {
            Ok(anchor) => {
                let sealed = anchor.read();
                Seen::Read(anchor, sealed)
            }
            Err(why) => Seen::Nowhere(why),
        }
    }
}

/// The anchor of vault `vault_id` at `dir`, or why it cannot be kept: no
/// configuration folder, or one inside the vault folder (where a copy of
/// the folder would carry its own record along).
fn anchor_for(
    keys: &VaultKeys,
    vault_id: [u8; 16],
    dir: &Path,
) -> std::result::Result<Anchor, String> {
    let folder = anchor::folder().ok_or_else(|| {
        "there is no configuration folder to keep this device's record of the diary in".to_string()
    })?;
    let vault = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    // Links resolved too, where the folders exist: a link to the vault
    // folder is inside it all the same.
    let real = |p: &Path| p.canonicalize().ok();
    let inside_real =
        matches!((real(&folder), real(&vault)), (Some(f), Some(v)) if f.starts_with(&v));
    if folder.starts_with(&vault) || inside_real {
        return Err(format!(
            "the record of the diary cannot be kept inside the vault folder ({})",
            folder.display()
        ));
    }
    Ok(Anchor::new(&folder, keys, vault_id, dir))
}
