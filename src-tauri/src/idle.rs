//! The Rust side of auto-lock.
//!
//! The page locks itself after the minutes chosen in Settings, but a page
//! can be frozen, throttled in the background (webviews slow the timers of
//! hidden pages to a crawl) or broken, and the diary's keys must not outlive
//! the limit because of it. So the shell keeps its own clock of the last
//! sign of use (every command, and a `still_here` the page sends at most
//! every 20 seconds while the person types, taps or scrolls) and locks the
//! diary itself shortly after the page should have, then tells the page to
//! blank (the `locked` event).

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use tauri::{AppHandle, Emitter, Manager};

use crate::session::Session;

/// The page's default (`DEFAULT_AUTO_LOCK_MINUTES` in `ui/js/safety.js`).
const DEFAULT_LIMIT: Duration = Duration::from_secs(5 * 60);
/// How long after the page's own lock the shell steps in: the page's lock
/// comes first when it works, with the nicer screen.
const GRACE: Duration = Duration::from_secs(30);
/// How often the watcher looks.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// When the diary was last used, on both clocks, and the chosen limit.
/// The monotonic clock stops while the machine sleeps, so a laptop shut
/// with the diary open would wake up unlocked by it alone: the wall clock
/// counts the sleep (and setting it back only leaves the other in charge).
struct Last {
    at: Instant,
    wall: SystemTime,
    limit: Duration,
}

/// The last sign of use and the chosen limit.
pub struct Idle {
    state: Mutex<Last>,
    grace: Duration,
}

impl Idle {
    /// Counting from now, with the page's default limit (or, in end-to-end
    /// test builds only, `INCIDENT_DIARY_E2E_IDLE_SECONDS` and no grace).
    pub fn new() -> Self {
        let (limit, grace) = test_limit().map_or((DEFAULT_LIMIT, GRACE), |l| (l, Duration::ZERO));
        Idle {
            state: Mutex::new(Last {
                at: Instant::now(),
                wall: SystemTime::now(),
                limit,
            }),
            grace,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Last> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A sign of use: the clock starts again.
    pub fn touch(&self) {
        let mut last = self.state();
        last.at = Instant::now();
        last.wall = SystemTime::now();
    }

    /// The limit chosen in Settings, in minutes (1 to 60).
    pub fn set_minutes(&self, minutes: u32) {
        if test_limit().is_none() {
            self.state().limit = Duration::from_secs(u64::from(minutes.clamp(1, 60)) * 60);
        }
    }

    /// How long the watcher sleeps between looks: a quarter of the limit,
    /// between one second (short test limits) and [`CHECK_EVERY`].
    fn pause(&self) -> Duration {
        (self.state().limit / 4).clamp(Duration::from_secs(1), CHECK_EVERY)
    }

    /// Whether the diary has gone unused for longer than the limit and
    /// the grace, by either clock, now.
    pub fn expired(&self) -> bool {
        self.expired_at(Instant::now(), SystemTime::now())
    }

    fn expired_at(&self, now: Instant, wall: SystemTime) -> bool {
        let last = self.state();
        let slept = wall.duration_since(last.wall).unwrap_or_default();
        now.saturating_duration_since(last.at).max(slept) > last.limit + self.grace
    }
}

#[cfg(feature = "e2e")]
fn test_limit() -> Option<Duration> {
    std::env::var("INCIDENT_DIARY_E2E_IDLE_SECONDS")
        .ok()?
        .parse()
        .ok()
        .map(Duration::from_secs)
}

#[cfg(not(feature = "e2e"))]
fn test_limit() -> Option<Duration> {
    None
}

/// End-to-end test builds only: an export that takes
/// `INCIDENT_DIARY_E2E_EXPORT_SECONDS` longer (calling `tick` each second,
/// as real progress would), so the test can see the idle lock wait for it.
/// No effect in any other build.
pub fn slow_export_for_tests(tick: &mut dyn FnMut()) {
    #[cfg(feature = "e2e")]
    if let Some(secs) = std::env::var("INCIDENT_DIARY_E2E_EXPORT_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        for _ in 0..secs {
            std::thread::sleep(Duration::from_secs(1));
            tick();
        }
    }
    let _ = tick;
}

/// Starts the watcher thread: it locks an open diary that has gone unused
/// past the limit, whatever the page is doing.
pub fn watch(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            let session = app.state::<Session>();
            std::thread::sleep(session.idle().pause());
            if session.idle().expired() && session.lock_if_open() {
                let _ = app.emit("locked", ());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_only_after_the_limit_and_the_grace_without_use() {
        let idle = Idle::new();
        idle.set_minutes(1);
        idle.touch();
        let (at, wall) = {
            let last = idle.state();
            (last.at, last.wall)
        };
        let later = |s| (at + Duration::from_secs(s), wall + Duration::from_secs(s));
        let expired = |(a, w): (Instant, SystemTime)| idle.expired_at(a, w);
        assert!(!expired(later(60)));
        assert!(!expired(later(89)));
        assert!(expired(later(91)));
        // Out-of-range choices are clamped, never zero.
        idle.set_minutes(0);
        assert!(!expired(later(89)));
        idle.set_minutes(1000);
        assert!(!expired(later(3600)));
        assert!(expired(later(3631)));
        idle.set_minutes(1);
        // Asleep: the monotonic clock stood still, the wall clock did not.
        assert!(idle.expired_at(at, wall + Duration::from_secs(3600)));
        // A wall clock set back leaves the monotonic one in charge.
        assert!(idle.expired_at(
            at + Duration::from_secs(91),
            wall - Duration::from_secs(3600)
        ));
        assert!(!idle.expired_at(at, wall - Duration::from_secs(3600)));
    }
}
