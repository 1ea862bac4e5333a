//! Unlock time of a diary with N incidents, as the best of 7 runs.
//!
//! `cargo run --release --example unlock_timing -- 100000`
//!
//! Criterion (`cargo bench`) reports means; on a shared virtual machine the
//! best of several runs is the steadier figure, so BENCHMARKS.md gives both.

use std::time::Instant;

use chrono::{DateTime, Duration};
use incident_diary::Diary;
use incident_diary::clock::SteppingClock;
use incident_diary::crypto::Passphrase;
use incident_diary::crypto::kdf::{self, KdfParams};
use incident_diary::model::{Behaviour, Channel, Incident};
use incident_diary::store::Durability;

const WORDS: &[&str] = &[
    "he", "was", "outside", "the", "house", "again", "car", "parked", "across", "road", "messages",
    "phone", "called", "work", "followed", "me", "to", "station", "waited", "gate", "left",
    "flowers", "doorstep", "said", "would", "not", "stop", "watching", "window", "night",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let start = DateTime::parse_from_rfc3339("2027-01-01T09:00:00+00:00").unwrap();
    let clock = || Box::new(SteppingClock::new(start));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let pass = Passphrase::new("benchmark passphrase".into());
    let params = KdfParams::new(kdf::MIN_MEMORY_KIB, kdf::MIN_ITERATIONS).unwrap();
    let (mut diary, _) = Diary::create(&dir, &pass, params, clock()).unwrap();
    for first in (0..n).step_by(10_000) {
        let batch = (first..(first + 10_000).min(n))
            .map(|i| {
                let word = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
                let narrative: Vec<&str> = (0..60).map(word).collect();
                let mut inc = Incident::new(
                    start - Duration::minutes(i as i64 * 37),
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
            })
            .collect();
        diary.import_incidents(batch, Durability::Normal).unwrap();
    }
    drop(diary);
    let (mut unlock, mut kdf_only, mut check) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..7 {
        let t = Instant::now();
        let _key = params.derive(&pass).unwrap();
        kdf_only = kdf_only.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        unlock = unlock.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        diary.check().unwrap();
        check = check.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{n} incidents: unlock {:.0} ms (of which Argon2id 19 MiB/t=2 {:.0} ms, so load {:.0} ms); full check {:.0} ms",
        unlock * 1e3,
        kdf_only * 1e3,
        (unlock - kdf_only) * 1e3,
        check * 1e3
    );
}
