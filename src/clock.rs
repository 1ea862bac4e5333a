//! Time is passed in, never read inside logic, so tests and benchmarks can
//! fix it and every recorded time comes from one place.

use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, Local, SubsecRound};

/// A source of the current time with the device's UTC offset.
pub trait Clock: Send + Sync {
    /// Now, as a UTC instant carrying the device's offset.
    fn now(&self) -> DateTime<FixedOffset>;
}

/// The device clock in the device's time zone, to the millisecond.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        Local::now().fixed_offset().trunc_subsecs(3)
    }
}

/// A clock that starts at a given time and advances one second per reading,
/// for tests and benchmarks that need repeatable times.
#[derive(Debug)]
pub struct SteppingClock(Mutex<DateTime<FixedOffset>>);

impl SteppingClock {
    /// Starts at `start`.
    pub fn new(start: DateTime<FixedOffset>) -> Self {
        SteppingClock(Mutex::new(start))
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<FixedOffset> {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = *t;
        *t = now + Duration::seconds(1);
        now
    }
}

/// A clock that stands still until moved, shared by its clones: a test keeps
/// one clone and hands another to the code under test.
#[derive(Debug, Clone)]
pub struct ManualClock(std::sync::Arc<Mutex<DateTime<FixedOffset>>>);

impl ManualClock {
    /// Stands at `start`.
    pub fn new(start: DateTime<FixedOffset>) -> Self {
        ManualClock(std::sync::Arc::new(Mutex::new(start)))
    }

    /// Moves the time forward (or back, with a negative `by`).
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<FixedOffset> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
