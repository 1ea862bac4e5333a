//! Unlock throttling: after repeated wrong passphrases, each further attempt
//! has to wait longer (1 s, 2 s, 4 s... up to 5 minutes).
//!
//! The count lives in `unlock-attempts` in the vault folder, so closing and
//! reopening the app does not reset it, and it is checked before the
//! (deliberately slow) key derivation runs. What it protects against is
//! someone guessing at the app or CLI on the victim's own device. It does
//! not slow someone who copies the vault files: they can delete this file,
//! and only Argon2id's cost per guess stands in their way (README, "Keeping
//! your diary safe"). There is no wipe after N attempts: destroying evidence
//! is not a safety feature, and an abuser could use it to do exactly that.
//!
//! Nor may the throttle lock the right passphrase out for longer than
//! [`MAX_WAIT`]: a last failure dated in the future (a planted file, a
//! clock set back) is taken as over, even where the file cannot be
//! rewritten. And guesses
//! made in parallel queue on [`Throttle::lock`], held from the check across
//! the key derivation to the count, so each sees the failures before it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// File name of the counter inside the vault folder.
pub const ATTEMPTS_FILE: &str = "unlock-attempts";
/// File locked while one attempt runs (check, key derivation, count).
pub const LOCK_FILE: &str = "unlock-attempts.lock";
/// Wrong passphrases allowed in a row before any wait (typing mistakes).
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest wait between attempts.
pub const MAX_WAIT: Duration = Duration::from_secs(5 * 60);

/// The wait before the next attempt after `failures` wrong passphrases in a row.
pub fn wait_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_ATTEMPTS) {
        None => Duration::ZERO,
        Some(n) if n >= 9 => MAX_WAIT,
        Some(n) => Duration::from_secs(1 << n).min(MAX_WAIT),
    }
}

/// "1 second", "2 minutes 8 seconds".
pub fn describe_wait(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let unit = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (secs / 60, secs % 60) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

/// Wrong passphrases tried since the diary was last opened with its
/// passphrase: whoever has the device may have been guessing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WrongPassphrases {
    /// How many (an altered counter counts as many).
    pub count: u32,
    /// When the last of them was tried.
    pub last: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Attempts {
    failures: u32,
    last_failure: Option<DateTime<Utc>>,
}

/// The throttle of one vault folder.
pub(crate) struct Throttle {
    path: PathBuf,
}

impl Throttle {
    pub fn new(vault_dir: &Path) -> Self {
        Throttle {
            path: vault_dir.join(ATTEMPTS_FILE),
        }
    }

    /// Waits for any other attempt on this vault to finish, and holds the
    /// lock until the returned file is dropped. `None` where no lock can be
    /// had (a read-only folder): attempts then run as before, unqueued.
    pub fn lock(&self) -> Option<fs::File> {
        let path = self.path.with_file_name(LOCK_FILE);
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            // A link planted in its place must not be followed.
            return None;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).ok()?;
        file.lock().ok()?;
        Some(file)
    }

    /// A missing file is no failures. One that does not parse was altered
    /// (it is replaced atomically), so it counts as the longest wait, from
    /// when it was last written.
    fn read(&self) -> Attempts {
        match fs::read(&self.path) {
            Err(_) => Attempts::default(),
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| Attempts {
                failures: FREE_ATTEMPTS + 9,
                last_failure: fs::metadata(&self.path)
                    .and_then(|m| m.modified())
                    .ok()
                    .map(DateTime::<Utc>::from),
            }),
        }
    }

    /// Refuses an attempt while a wait is running, with what is left of it.
    /// A clock set back does not lengthen the wait beyond its own length.
    pub fn check(&self, now: DateTime<FixedOffset>) -> Result<(), Duration> {
        let attempts = self.read();
        let wait = wait_after(attempts.failures);
        let Some(last) = attempts.last_failure else {
            return Ok(());
        };
        if last > now.with_timezone(&Utc) {
            // Dated in the future (planted, or the clock set back): no wait
            // runs from it. Not rewritten, so a counter that cannot be
            // written (read-only, locked) cannot lock anyone out either.
            return Ok(());
        }
        let elapsed = (now.with_timezone(&Utc) - last)
            .to_std()
            .unwrap_or(Duration::ZERO);
        match wait.checked_sub(elapsed) {
            Some(left) if !left.is_zero() => Err(left),
            _ => Ok(()),
        }
    }

    /// Counts a wrong passphrase. Best effort: a read-only vault folder
    /// cannot keep a count, and that must not stop the diary opening.
    pub fn record_failure(&self, now: DateTime<FixedOffset>) {
        let attempts = Attempts {
            failures: self.read().failures.saturating_add(1),
            last_failure: Some(now.with_timezone(&Utc)),
        };
        self.write(&attempts);
    }

    /// Replaces the counter file (owner-only). Best effort, like the count.
    fn write(&self, attempts: &Attempts) {
        let tmp = self.path.with_extension(format!(
            "tmp-{}",
            hex::encode(crate::crypto::random::bytes::<4>())
        ));
        let bytes = serde_json::to_vec(attempts).expect("attempts serialise");
        let best_effort = crate::durable::FolderSync::BestEffort;
        let _ = crate::durable::write_file(&tmp, &self.path, best_effort, |w| w.write_all(&bytes));
    }

    /// After a successful unlock: clears the count, and returns what it
    /// held, for the owner to be told ("3 wrong passphrases since you last
    /// opened the diary").
    pub fn reset(&self) -> WrongPassphrases {
        let attempts = self.read();
        if self.path.exists() {
            let _ = fs::remove_file(&self.path);
        }
        WrongPassphrases {
            count: attempts.failures,
            last: attempts.last_failure,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_fourth_failure_and_stop_at_five_minutes() {
        let waits: Vec<u64> = (0..15).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
        );
        assert_eq!(wait_after(u32::MAX), MAX_WAIT);
        assert_eq!(describe_wait(Duration::from_secs(1)), "1 second");
        assert_eq!(describe_wait(Duration::from_millis(1500)), "2 seconds");
        assert_eq!(
            describe_wait(Duration::from_secs(128)),
            "2 minutes 8 seconds"
        );
        assert_eq!(describe_wait(MAX_WAIT), "5 minutes");
    }
}
