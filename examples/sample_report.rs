//! Makes a diary of invented data and exports it: the sample report looked
//! at page by page, and the export benchmark of BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --example sample_report -- OUT [INCIDENTS] [PHOTOS]
//! ```
//! writes the vault to `OUT/vault` and the bundle to `OUT/bundle`, and prints
//! how long the export took, the PDF's size and the process's memory before
//! and after. Defaults: 24 incidents and 6 photos (a readable sample); the
//! benchmark uses 500 and 50. Every name, place and event is invented.

#[path = "../benches/export_fixture.rs"]
mod export_fixture;

use std::path::PathBuf;
use std::time::Instant;

use export_fixture::{at, fill};
use incident_diary::Diary;
use incident_diary::KdfParams;
use incident_diary::Passphrase;
use incident_diary::SteppingClock;
use incident_diary::export::{ExportOptions, Pack};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .expect("usage: sample_report OUT [INCIDENTS] [PHOTOS]"),
    );
    let incidents: usize = args.next().map_or(24, |n| n.parse().expect("a number"));
    let photos: usize = args.next().map_or(6, |n| n.parse().expect("a number"));
    std::fs::create_dir_all(&out).expect("create OUT");
    let vault = out.join("vault");
    let bundle = out.join("bundle");
    let clock = Box::new(SteppingClock::new(at("2026-04-20T08:00:00+01:00")));
    let mut diary = Diary::create(
        &vault,
        &Passphrase::new("sample passphrase".into()),
        KdfParams::new(19 * 1024, 2).expect("floor parameters"),
        clock,
    )
    .expect("create")
    .0;
    fill(&mut diary, &out, incidents, photos);
    let rss_before = rss_kib();
    let started = Instant::now();
    let options = ExportOptions {
        pack: Pack::Officer,
        ..ExportOptions::default()
    };
    let summary = diary
        .export(&bundle, &options, &mut |_| {})
        .expect("export");
    let took = started.elapsed();
    let pdf = std::fs::metadata(bundle.join("report.pdf"))
        .expect("pdf")
        .len();
    println!(
        "exported {} incidents and {} exhibits in {:.2} s; report.pdf {:.1} MB",
        summary.counts.incidents,
        summary.counts.exhibits,
        took.as_secs_f64(),
        pdf as f64 / 1e6
    );
    println!(
        "resident memory: {} MiB before, {} MiB after; peak {} MiB",
        rss_before / 1024,
        rss_kib() / 1024,
        peak_kib() / 1024
    );
    println!("bundle: {}", summary.path.display());
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}
