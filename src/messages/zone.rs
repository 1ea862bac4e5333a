//! The time zone a chat's times are read in. WhatsApp writes the phone's
//! clock with no zone, so the import assumes one (this device's, or the one
//! the owner names) and records which, and whether she gave it: an officer
//! comparing a message with a phone bill must know.

use chrono::{DateTime, FixedOffset, LocalResult, TimeZone};
use chrono_tz::Tz;

use super::SentAt;

/// A named IANA zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    tz: Tz,
    /// Whether the owner named it (else it is this device's).
    pub given: bool,
}

impl Zone {
    /// The zone called `name` (`Europe/London`, `UTC`).
    pub fn named(name: &str) -> Result<Zone, String> {
        let tz: Tz = name.trim().parse().map_err(|_| {
            format!("{name:?} is not a time zone name such as Europe/London or America/New_York")
        })?;
        Ok(Zone { tz, given: true })
    }

    /// This device's zone.
    pub fn of_this_device() -> Result<Zone, String> {
        let name = iana_time_zone::get_timezone()
            .map_err(|e| format!("this device's time zone cannot be told ({e}): name one"))?;
        let tz: Tz = name.parse().map_err(|_| {
            format!("this device's time zone {name:?} is not one this program knows: name one")
        })?;
        Ok(Zone { tz, given: false })
    }

    /// Its IANA name.
    pub fn name(&self) -> &'static str {
        self.tz.name()
    }

    /// The time of `at` with the offset it had in this zone. A clock time
    /// that happened twice (the hour clocks go back) reads as the first; one
    /// that never happened (the hour clocks go forward) as an hour later,
    /// which is what a phone whose clock jumped would have shown.
    pub fn resolve(&self, at: SentAt) -> DateTime<FixedOffset> {
        match at {
            SentAt::Exact(utc) => utc.with_timezone(&self.tz).fixed_offset(),
            SentAt::Local(naive) => match self.tz.from_local_datetime(&naive) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.fixed_offset(),
                LocalResult::None => {
                    let later = naive + chrono::Duration::hours(1);
                    self.tz
                        .from_local_datetime(&later)
                        .earliest()
                        .map(|t| t.fixed_offset())
                        .unwrap_or_else(|| naive.and_utc().fixed_offset())
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn local(text: &str) -> SentAt {
        SentAt::Local(NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap())
    }

    #[test]
    fn summer_and_winter_and_the_hours_that_move() {
        let london = Zone::named("Europe/London").unwrap();
        assert_eq!(
            london.resolve(local("2026-01-10 21:41")).to_rfc3339(),
            "2026-01-10T21:41:00+00:00"
        );
        assert_eq!(
            london.resolve(local("2026-07-10 21:41")).to_rfc3339(),
            "2026-07-10T21:41:00+01:00"
        );
        // 01:30 on 25 October 2026 happened twice: the first.
        assert_eq!(
            london.resolve(local("2026-10-25 01:30")).to_rfc3339(),
            "2026-10-25T01:30:00+01:00"
        );
        // 01:30 on 29 March 2026 never happened.
        assert_eq!(
            london.resolve(local("2026-03-29 01:30")).to_rfc3339(),
            "2026-03-29T02:30:00+01:00"
        );
        let exact = SentAt::Exact("2026-07-10T20:41:00Z".parse().unwrap());
        assert_eq!(
            london.resolve(exact).to_rfc3339(),
            "2026-07-10T21:41:00+01:00"
        );
        assert!(Zone::named("Mars/Olympus").is_err());
        assert!(london.given);
    }
}
