//! A vault of N benchmark incidents for timing the app (`benches/timeline.sh`).
//!
//! `cargo run --release --example bench_vault -- DIR 100000` writes `DIR/vault`
//! with the passphrase `benchmark passphrase` and the key-derivation cost a
//! new diary gets on this machine (calibrated), so unlocking it in the app
//! costs what a victim's unlock costs. The incidents are those of
//! `cargo bench` (a 60-word narrative, two behaviours...), one every 37
//! minutes, the newest now.

#[path = "../benches/fixture.rs"]
mod fixture;

use incident_diary::{Clock, Diary, Passphrase, SystemClock};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: bench_vault DIR N"));
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let vault = dir.join("vault");
    let pass = Passphrase::new("benchmark passphrase".into());
    let (mut diary, _recovery) = Diary::create(
        &vault,
        &pass,
        Diary::calibrated_kdf(),
        Box::new(SystemClock),
    )
    .expect("a new vault");
    // The fixture's incidents end at its fixed start; here they end now.
    fixture::import_earlier(&mut diary, n, fixture::start() - SystemClock.now());
    println!("{} incidents in {}", n, vault.display());
}
