//! How the report words things: times with offset and UTC, honest about
//! precision; sizes; the officer's neutral names for behaviours.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

use crate::model::{Behaviour, Id, Incident, TimePrecision};
use crate::state::{Amendment, IncidentRecord, State};

/// `Sat 14 Mar 2026, 21:40 (UTC+01:00)`.
pub(crate) fn local_time(t: DateTime<FixedOffset>) -> String {
    format!(
        "{} (UTC{})",
        t.format("%a %-d %b %Y, %H:%M"),
        t.format("%:z")
    )
}

/// `20:40 UTC` or `13 Mar 2026, 23:40 UTC` when the day differs.
pub(crate) fn utc_time(t: DateTime<FixedOffset>) -> String {
    let utc = t.with_timezone(&Utc);
    if utc.date_naive() == t.date_naive() {
        format!("{} UTC", utc.format("%H:%M"))
    } else {
        format!("{} UTC", utc.format("%-d %b %Y, %H:%M"))
    }
}

/// "recorded 9 days later" when an entry was first written more than a day
/// after the event ended (the end of the day for an entry whose time is not
/// known): a court weighs notes made at the time differently from notes
/// made later, and the report says which is which rather than let a
/// defence find it. The event's time is the current version's (a corrected
/// time is the best account of when it happened); the recording time is
/// the first version's, which no amendment changes.
pub(super) fn recorded_later(r: &IncidentRecord) -> Option<String> {
    let first = r.versions.first()?.recorded_at;
    let i = r.current();
    let end = match i.time_precision {
        TimePrecision::DateOnly => i.occurred_at + Duration::days(1),
        _ => i.occurred_until.unwrap_or(i.occurred_at),
    };
    let late = first.signed_duration_since(end);
    if late <= Duration::hours(24) {
        return None;
    }
    let hours = late.num_hours();
    Some(if hours < 48 {
        format!("recorded {hours} hours later")
    } else {
        format!("recorded {} days later", late.num_days())
    })
}

/// When an incident happened, honest about how exactly it is known.
pub(super) fn occurred(incident: &Incident) -> (String, String) {
    let t = incident.occurred_at;
    match incident.time_precision {
        TimePrecision::DateOnly => (
            format!("{} (time not known)", t.format("%a %-d %b %Y")),
            String::new(),
        ),
        TimePrecision::Approximate => (format!("about {}", local_time(t)), utc_time(t)),
        TimePrecision::Exact => (local_time(t), utc_time(t)),
    }
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

pub(super) fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = "bytes";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    format!("{value:.1} {unit} ({bytes} bytes)")
}

/// Short, neutral names for the officer (the app's labels are the victim's
/// first-person words, which read oddly in a police chronology).
pub(super) fn officer_label(b: Behaviour) -> &'static str {
    match b {
        Behaviour::Following => "Following",
        Behaviour::Watching => "Watching",
        Behaviour::Loitering => "Loitering",
        Behaviour::Approaching => "Approach or confrontation",
        Behaviour::ContactUnwanted => "Unwanted contact",
        Behaviour::GiftsOrItems => "Gifts or items",
        Behaviour::PropertyInterference => "Property interference",
        Behaviour::PropertyDamage => "Property damage",
        Behaviour::Threats => "Threats",
        Behaviour::Violence => "Violence",
        Behaviour::Sexual => "Sexual offence",
        Behaviour::ThirdPartyContact => "Contact through others",
        Behaviour::PublishingMaterial => "Publishing material",
        Behaviour::OnlineMonitoring => "Online monitoring",
        Behaviour::Tracking => "Tracking",
        Behaviour::Impersonation => "Impersonation",
        Behaviour::OrderBreach => "Breach of order",
        Behaviour::Other => "Other",
    }
}

pub(super) fn behaviour_labels(incident: &Incident) -> Vec<&'static str> {
    incident
        .behaviours
        .iter()
        .map(|b| officer_label(*b))
        .collect()
}

pub(super) fn person_names(state: &State, ids: &[Id]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            state
                .person(*id)
                .map(|p| p.value.name.clone())
                .unwrap_or_else(|| "unknown person".to_string())
        })
        .collect()
}

pub(super) fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// "Corrected on 5 Mar 2026 (new address)" for each amendment of a person
/// or order, or "" when never corrected. The earlier versions themselves
/// are in the bundle's `data/profile.json`.
pub(super) fn corrections<T>(amendments: &[Amendment<T>]) -> String {
    let each: Vec<String> = amendments
        .iter()
        .map(|a| format!("{} ({})", day(a.recorded_at.date_naive()), a.reason.trim()))
        .collect();
    if each.is_empty() {
        String::new()
    } else {
        format!(
            "Corrected on {}; earlier versions in data/profile.json",
            each.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn times_show_local_with_offset_and_utc() {
        let t = at("2026-03-14T00:30:00+01:00");
        assert_eq!(local_time(t), "Sat 14 Mar 2026, 00:30 (UTC+01:00)");
        assert_eq!(utc_time(t), "13 Mar 2026, 23:30 UTC");
        assert_eq!(utc_time(at("2026-03-14T12:30:00+01:00")), "11:30 UTC");
    }

    #[test]
    fn an_entry_written_more_than_a_day_later_says_how_much_later() {
        use crate::state::Version;
        let record = |occurred: &str, until: Option<&str>, precision, recorded: &str| {
            let mut incident = Incident::new(at(occurred), "He was there.");
            incident.occurred_until = until.map(at);
            incident.time_precision = precision;
            IncidentRecord {
                id: Id([1; 16]),
                number: 1,
                versions: vec![Version {
                    seq: 1,
                    recorded_at: at(recorded),
                    reason: None,
                    incident,
                }],
                withdrawn: None,
                haystack: String::new(),
            }
        };
        let exact = TimePrecision::Exact;
        let at_the_time = record("2026-03-01T10:00:00Z", None, exact, "2026-03-02T09:59:00Z");
        assert_eq!(recorded_later(&at_the_time), None);
        let next_day = record("2026-03-01T10:00:00Z", None, exact, "2026-03-02T22:00:00Z");
        assert_eq!(
            recorded_later(&next_day).as_deref(),
            Some("recorded 36 hours later")
        );
        let week = record(
            "2026-03-01T10:00:00Z",
            None,
            exact,
            "2026-03-10T11:00:00+01:00",
        );
        assert_eq!(
            recorded_later(&week).as_deref(),
            Some("recorded 9 days later")
        );
        // Counted from the end of the event, or of the day when only the
        // day is known.
        let long = record(
            "2026-03-01T10:00:00Z",
            Some("2026-03-02T10:00:00Z"),
            exact,
            "2026-03-03T09:00:00Z",
        );
        assert_eq!(recorded_later(&long), None);
        let day_only = record(
            "2026-03-01T00:00:00Z",
            None,
            TimePrecision::DateOnly,
            "2026-03-02T23:00:00Z",
        );
        assert_eq!(recorded_later(&day_only), None);
    }

    #[test]
    fn sizes_are_readable_and_exact() {
        assert_eq!(size_text(999), "999 bytes");
        assert_eq!(size_text(1_234_567), "1.2 MB (1234567 bytes)");
    }
}
