//! The benchmark diary, shared by `benches/diary.rs` and
//! `examples/unlock_timing.rs` so both measure the same data.

use chrono::{DateTime, Duration, FixedOffset};
use incident_diary::Diary;
use incident_diary::Durability;
use incident_diary::model::{Behaviour, Channel, Incident};

const WORDS: &[&str] = &[
    "he", "was", "outside", "the", "house", "again", "car", "parked", "across", "road", "messages",
    "phone", "called", "work", "followed", "me", "to", "station", "waited", "gate", "left",
    "flowers", "doorstep", "said", "would", "not", "stop", "watching", "window", "night",
];

/// The fixed clock start of every benchmark.
pub fn start() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2027-01-01T09:00:00+00:00").expect("valid time")
}

/// A realistic incident: a title, a 60-word narrative, a place, behaviours.
pub fn incident(i: usize) -> Incident {
    let word = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
    let narrative: Vec<&str> = (0..60).map(word).collect();
    let mut inc = Incident::new(
        start() - Duration::minutes(i as i64 * 37),
        narrative.join(" "),
    );
    inc.title = format!("Incident {i}: {} {} {}", word(1), word(2), word(3));
    inc.location = format!("{} Street", word(4));
    inc.behaviours = vec![
        Behaviour::ALL[i % Behaviour::ALL.len()],
        Behaviour::Watching,
    ];
    inc.channels = vec![Channel::ALL[i % Channel::ALL.len()]];
    inc.severity = Some((i % 4) as u8);
    inc
}

/// Appends incidents `0..n` in bulk imports of 10,000.
#[allow(dead_code)] // not every includer uses both
pub fn import(diary: &mut Diary, n: usize) {
    import_earlier(diary, n, Duration::zero());
}

/// [`import`] with every incident `earlier` than the fixture's times.
pub fn import_earlier(diary: &mut Diary, n: usize, earlier: Duration) {
    for first in (0..n).step_by(10_000) {
        let batch = (first..(first + 10_000).min(n))
            .map(|i| {
                let mut inc = incident(i);
                inc.occurred_at -= earlier;
                inc
            })
            .collect();
        diary
            .import_incidents(batch, Durability::Normal)
            .expect("bulk import");
    }
}
