//! `cargo bench`: the figures in BENCHMARKS.md.
//!
//! Vaults are real files in a temporary folder. Fixtures of 10,000 and
//! 100,000 incidents are written once per run with bulk imports.

mod export_fixture;
mod fixture;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use incident_diary::Diary;
use incident_diary::KdfParams;
use incident_diary::Passphrase;
use incident_diary::SteppingClock;
use incident_diary::model::Behaviour;
use incident_diary::query::Filter;

fn clock() -> Box<SteppingClock> {
    Box::new(SteppingClock::new(fixture::start()))
}

fn pass() -> Passphrase {
    Passphrase::new("benchmark passphrase".into())
}

/// The cheapest accepted KDF, for benchmarks that are not about the KDF.
fn fast_kdf() -> KdfParams {
    KdfParams::cheapest()
}

fn fixture(dir: &Path, n: usize) -> Diary {
    let (mut diary, _) = Diary::create(dir, &pass(), fast_kdf(), clock()).unwrap();
    fixture::import(&mut diary, n);
    diary
}

fn kdf_and_unlock(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let calibrated = Diary::calibrated_kdf();
    eprintln!(
        "calibrated KDF on this machine: {} MiB, {} passes",
        calibrated.memory_kib / 1024,
        calibrated.iterations
    );
    let dir = tmp.path().join("calibrated");
    Diary::create(&dir, &pass(), calibrated, clock()).unwrap();
    let mut group = c.benchmark_group("unlock");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(12));
    group.bench_function("argon2id_calibrated", |b| {
        b.iter(|| black_box(calibrated.derive(&pass()).unwrap()))
    });
    group.bench_function("unlock_calibrated_empty_vault", |b| {
        b.iter(|| black_box(Diary::unlock(&dir, &pass(), clock()).unwrap()))
    });
    let min = fast_kdf();
    group.bench_function("argon2id_19mib_t2", |b| {
        b.iter(|| black_box(min.derive(&pass()).unwrap()))
    });
    let default = KdfParams::chosen(None, None).unwrap();
    group.bench_function("argon2id_64mib_t3", |b| {
        b.iter(|| black_box(default.derive(&pass()).unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("create");
    group.sample_size(10);
    let mut n = 0;
    group.bench_function("create_vault_64mib_t3", |b| {
        b.iter(|| {
            n += 1;
            black_box(
                Diary::create(
                    &tmp.path().join(format!("new{n}")),
                    &pass(),
                    default,
                    clock(),
                )
                .unwrap(),
            )
        })
    });
    group.finish();
}

fn durable_add(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let mut diary = fixture(&tmp.path().join("v"), 1_000);
    let mut i = 1_000;
    c.bench_function("add_one_entry_fsync", |b| {
        b.iter(|| {
            i += 1;
            black_box(diary.add_incident(fixture::incident(i)).unwrap())
        })
    });
}

fn load_and_search(c: &mut Criterion) {
    for n in [10_000usize, 100_000] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let diary = fixture(&dir, n);
        let mut group = c.benchmark_group(format!("{n}_entries"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(if n > 10_000 { 20 } else { 5 }));
        // A whole unlock with the cheapest KDF (about 30 ms of it): what
        // opening a diary of this size costs beyond the KDF. The unlocked
        // diaries are dropped outside the timing.
        group.bench_function("unlock_min_kdf", |b| {
            b.iter_with_large_drop(|| Diary::unlock(&dir, &pass(), clock()).unwrap())
        });
        let one_word = Filter {
            text: Some("flowers".into()),
            ..Filter::default()
        };
        group.bench_function("search_one_word", |b| {
            b.iter(|| black_box(one_word.apply(diary.state()).len()))
        });
        let rare = Filter {
            text: Some("incident 4242:".into()),
            ..Filter::default()
        };
        group.bench_function("search_rare_phrase", |b| {
            b.iter(|| black_box(rare.apply(diary.state()).len()))
        });
        let by_behaviour = Filter {
            behaviours: vec![Behaviour::Threats],
            ..Filter::default()
        };
        group.bench_function("filter_behaviour", |b| {
            b.iter(|| black_box(by_behaviour.apply(diary.state()).len()))
        });
        group.finish();
    }
}

/// The message-import target: listing or searching the 40,000 messages
/// of a WhatsApp export (its most) after unlock in under 50 ms.
fn messages(c: &mut Criterion) {
    use incident_diary::messages::query::MessageFilter;
    let tmp = tempfile::tempdir().unwrap();
    let (mut diary, _) =
        Diary::create(&tmp.path().join("v"), &pass(), fast_kdf(), clock()).unwrap();
    let chat = tmp.path().join("chat.txt");
    let mut text =
        String::from("01/01/2023, 08:00 - Messages and calls are end-to-end encrypted.\n");
    let words = [
        "I", "know", "where", "you", "are", "tonight", "school", "again", "car", "outside",
    ];
    let mut at = chrono::NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    for i in 0..39_999usize {
        at += chrono::Duration::minutes(37);
        let said: Vec<&str> = (0..4 + i % 12)
            .map(|k| words[(i * 7 + k) % words.len()])
            .collect();
        text.push_str(&format!(
            "{} - Mark Example: {} {i}\n",
            at.format("%d/%m/%Y, %H:%M"),
            said.join(" ")
        ));
    }
    std::fs::write(&chat, text).unwrap();
    let options = incident_diary::ImportOptions {
        zone: Some("Europe/London".into()),
        ..Default::default()
    };
    let mut group = c.benchmark_group("messages_40000");
    group.sample_size(10);
    group.bench_function("import_in_process", |b| {
        b.iter_with_large_drop(|| {
            let tmp = tempfile::tempdir().unwrap();
            let (mut d, _) =
                Diary::create(&tmp.path().join("v"), &pass(), fast_kdf(), clock()).unwrap();
            d.import_chat(&chat, &options).unwrap();
            (d, tmp)
        })
    });
    diary.import_chat(&chat, &options).unwrap();
    let search = MessageFilter {
        text: Some("school again".into()),
        ..MessageFilter::default()
    };
    group.bench_function("search_two_words", |b| {
        b.iter(|| black_box(search.apply(diary.state()).len()))
    });
    let whole = MessageFilter {
        chat: Some(1),
        ..MessageFilter::default()
    };
    group.bench_function("list_conversation", |b| {
        b.iter(|| black_box(whole.apply(diary.state()).len()))
    });
    let sender = MessageFilter {
        sender: Some("mark example".into()),
        ..MessageFilter::default()
    };
    group.bench_function("filter_sender", |b| {
        b.iter(|| black_box(sender.apply(diary.state()).len()))
    });
    group.finish();
}

/// Issue 4's target: 500 incidents with 50 phone photos exported in under
/// 3 s (folder, officer pack), PDF typesetting and thumbnails included.
fn export(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Box::new(SteppingClock::new(export_fixture::at(
        "2026-04-20T08:00:00+01:00",
    )));
    let (mut diary, _) = Diary::create(&tmp.path().join("v"), &pass(), fast_kdf(), clock).unwrap();
    export_fixture::fill(&mut diary, tmp.path(), 500, 50);
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    let mut n = 0;
    group.bench_function("500_incidents_50_photos", |b| {
        b.iter(|| {
            n += 1;
            let out = tmp.path().join(format!("bundle-{n}"));
            let summary = diary
                .export(
                    &out,
                    &incident_diary::export::ExportOptions::default(),
                    &mut |_| {},
                )
                .unwrap();
            std::fs::remove_dir_all(&summary.path).unwrap();
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    kdf_and_unlock,
    durable_add,
    load_and_search,
    messages,
    export
);
criterion_main!(benches);
