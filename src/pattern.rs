//! The pattern of a set of incidents: how many per week, and which
//! behaviours. The report shows it on page 1 and the app at the top of the
//! timeline, from this one computation, so the two never disagree.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::model::Behaviour;
use crate::state::IncidentRecord;

/// Incidents in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// The Monday the week starts on.
    pub start: NaiveDate,
    /// Incidents that happened in it (by their own local date).
    pub count: usize,
}

/// Incidents per week from the Monday of the first week to the last, with
/// empty weeks included: the gaps are part of the pattern.
pub fn weekly(incidents: &[&IncidentRecord]) -> Vec<Week> {
    let days: Vec<NaiveDate> = incidents
        .iter()
        .map(|r| r.current().occurred_at.date_naive())
        .collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Vec::new();
    };
    let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let start = monday(*first);
    let weeks = ((monday(*last) - start).num_days() / 7 + 1) as usize;
    let mut counts = vec![0usize; weeks];
    for d in &days {
        counts[((monday(*d) - start).num_days() / 7) as usize] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Week {
            start: start + Duration::days(7 * i as i64),
            count,
        })
        .collect()
}

/// How many incidents show each behaviour, most frequent first (ties in the
/// vocabulary's order); behaviours that never occur are left out.
pub fn by_behaviour(incidents: &[&IncidentRecord]) -> Vec<(Behaviour, usize)> {
    let mut counts: BTreeMap<Behaviour, usize> = BTreeMap::new();
    for r in incidents {
        for b in &r.current().behaviours {
            *counts.entry(*b).or_default() += 1;
        }
    }
    let mut out: Vec<(Behaviour, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Id, Incident};
    use crate::state::Version;

    fn record(n: u32, when: &str, behaviours: &[Behaviour]) -> IncidentRecord {
        let at = chrono::DateTime::parse_from_rfc3339(when).unwrap();
        let mut incident = Incident::new(at, "x");
        incident.behaviours = behaviours.to_vec();
        IncidentRecord {
            id: Id::from_bytes([n as u8; 16]),
            number: n,
            versions: vec![Version {
                seq: u64::from(n),
                recorded_at: at,
                reason: None,
                incident,
            }],
            withdrawn: None,
            haystack: String::new(),
        }
    }

    #[test]
    fn weeks_run_monday_to_monday_with_empty_weeks_kept() {
        // Wednesday 4 March, then Sunday 22 March and Monday 23 March 2026.
        let a = record(1, "2026-03-04T10:00:00+00:00", &[]);
        let b = record(2, "2026-03-22T23:00:00+00:00", &[]);
        let c = record(3, "2026-03-23T01:00:00+00:00", &[]);
        let weeks = weekly(&[&a, &b, &c]);
        let counts: Vec<usize> = weeks.iter().map(|w| w.count).collect();
        assert_eq!(counts, [1, 0, 1, 1]);
        assert_eq!(weeks[0].start, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(
            weeks[3].start,
            NaiveDate::from_ymd_opt(2026, 3, 23).unwrap()
        );
        assert!(weekly(&[]).is_empty());
    }

    #[test]
    fn behaviours_are_counted_most_frequent_first() {
        use Behaviour::{Following, Loitering, Threats};
        let a = record(1, "2026-03-04T10:00:00+00:00", &[Threats, Loitering]);
        let b = record(2, "2026-03-05T10:00:00+00:00", &[Loitering]);
        let c = record(3, "2026-03-06T10:00:00+00:00", &[Following]);
        let counts = by_behaviour(&[&a, &b, &c]);
        assert_eq!(counts[0], (Loitering, 2));
        assert_eq!(counts.len(), 3);
        // Ties keep the vocabulary's order.
        let order: Vec<Behaviour> = counts[1..].iter().map(|(b, _)| *b).collect();
        let mut expected = vec![Threats, Following];
        expected.sort();
        assert_eq!(order, expected);
    }
}
