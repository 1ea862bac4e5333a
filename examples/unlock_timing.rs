//! Unlock time of a diary with N incidents, as the best of 7 runs.
//!
//! `cargo run --release --example unlock_timing -- 100000`
//!
//! Criterion (`cargo bench`) reports means; on a shared virtual machine the
//! best of several runs is the steadier figure, so BENCHMARKS.md gives both.

#[path = "../benches/fixture.rs"]
mod fixture;

use std::time::Instant;

use incident_diary::Diary;
use incident_diary::KdfParams;
use incident_diary::Passphrase;
use incident_diary::SteppingClock;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let clock = || Box::new(SteppingClock::new(fixture::start()));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let pass = Passphrase::new("benchmark passphrase".into());
    let params = KdfParams::cheapest();
    let (mut diary, _) = Diary::create(&dir, &pass, params, clock()).unwrap();
    fixture::import(&mut diary, n);
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
