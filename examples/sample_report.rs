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

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset};
use incident_diary::Diary;
use incident_diary::clock::SteppingClock;
use incident_diary::crypto::Passphrase;
use incident_diary::crypto::kdf::KdfParams;
use incident_diary::export::{ExportOptions, Pack};
use incident_diary::model::{
    Answer, Behaviour, Breach, CaseProfile, Channel, Incident, Order, OrderType, Person,
    PoliceReport, RiskAnswer, RiskCheck, RiskQuestion, Role,
};

const EVENTS: &[(&str, &str, &[Behaviour], Channel)] = &[
    (
        "Parked outside the house",
        "His grey car was parked across the road from 7am. He stayed until I left for work and then drove off behind my bus.",
        &[Behaviour::Loitering, Behaviour::Watching],
        Channel::InPerson,
    ),
    (
        "Messages through the night",
        "Fourteen text messages between 11pm and 3am. One said \"you can't hide from me, I know where you are\". Screenshots attached.",
        &[Behaviour::ContactUnwanted, Behaviour::Threats],
        Channel::TextMessage,
    ),
    (
        "Followed me from the station",
        "He walked about twenty metres behind me from the station to the corner shop and stood outside until I came out.",
        &[Behaviour::Following, Behaviour::Approaching],
        Channel::InPerson,
    ),
    (
        "Flowers left on the doorstep",
        "A bunch of white lilies on the doorstep with a card: \"we belong together\". No stamp, delivered by hand.",
        &[Behaviour::GiftsOrItems],
        Channel::Post,
    ),
    (
        "Contacted my manager",
        "My manager told me a man called the office twice asking what time I finish and whether I work on Saturdays.",
        &[Behaviour::ThirdPartyContact],
        Channel::ViaThirdParty,
    ),
    (
        "Tyres let down",
        "Both front tyres of my car were flat in the morning. The valve caps were placed in a row on the bonnet.",
        &[Behaviour::PropertyInterference, Behaviour::PropertyDamage],
        Channel::Other,
    ),
    (
        "Pushed me against the gate",
        "He was waiting at the gate when I came home, grabbed my arm and pushed me against the gate. My neighbour saw it and shouted.",
        &[Behaviour::Violence, Behaviour::Approaching],
        Channel::InPerson,
    ),
    (
        "New account following me",
        "A new Instagram account with no photos followed me and liked every post from the last year within ten minutes.",
        &[Behaviour::OnlineMonitoring],
        Channel::SocialMedia,
    ),
];

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid time")
}

/// A phone-sized JPEG (4032 x 3024), different for each `seed`.
fn photo(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(4032, 3024, |x, y| {
        let v = (x / 16 + y / 16 + seed * 37) as u8;
        image::Rgb([v, (x / 24) as u8 ^ seed as u8, (y / 12) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode");
    out
}

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

fn fill(diary: &mut Diary, dir: &Path, incidents: usize, photos: usize) {
    diary
        .set_case(CaseProfile {
            victim_name: "Jane Smith".into(),
            exhibit_prefix: "JS".into(),
            police_force: "West Yorkshire Police".into(),
            officer: "PC 4127 Ahmed".into(),
            crime_references: vec!["13/226541/26".into()],
        })
        .expect("case");
    let him = diary
        .add_person(Person {
            role: Role::Perpetrator,
            name: "Mark Ellison".into(),
            aliases: vec!["Marek".into()],
            relationship: "Former partner".into(),
            description: "Tall, short grey hair, drives a grey Ford Focus".into(),
            identifiers: vec!["07700 900461".into(), "YX19 KLM".into()],
        })
        .expect("person");
    let witnesses: Vec<_> = ["Zofia Wiśniewska", "سارة حداد", "अनन्या शर्मा"]
        .iter()
        .map(|name| {
            diary
                .add_person(Person {
                    role: Role::Witness,
                    name: (*name).into(),
                    aliases: vec![],
                    relationship: "Neighbour".into(),
                    description: String::new(),
                    identifiers: vec![],
                })
                .expect("witness")
        })
        .collect();
    let order = diary
        .add_order(Order {
            kind: OrderType::StalkingProtectionOrder,
            reference: "SPO/2026/118".into(),
            court: "Leeds Magistrates' Court".into(),
            made_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 2, 2).expect("date")),
            expires: None,
            conditions: vec![
                "Not to contact Jane Smith by any means".into(),
                "Not to enter Elm Road".into(),
            ],
        })
        .expect("order");
    let mut answers = std::collections::BTreeMap::new();
    for (q, a) in [
        (RiskQuestion::VeryFrightened, Answer::Yes),
        (RiskQuestion::PreviousHistory, Answer::Yes),
        (RiskQuestion::UnannouncedVisits, Answer::Yes),
        (RiskQuestion::FollowedOrLoitered, Answer::Yes),
        (RiskQuestion::ThreatsOfViolence, Answer::Yes),
        (RiskQuestion::CriminalHistory, Answer::Unknown),
        (RiskQuestion::ViolenceToOthers, Answer::No),
    ] {
        answers.insert(
            q,
            RiskAnswer {
                answer: a,
                note: String::new(),
            },
        );
    }
    diary
        .add_risk_check(RiskCheck {
            date: chrono::NaiveDate::from_ymd_opt(2026, 2, 10).expect("date"),
            answers,
            completed_with: "IDVA, Leeds Domestic Violence Service".into(),
        })
        .expect("risk");
    let start = at("2026-01-06T07:40:00+00:00");
    let mut refs = Vec::new();
    for i in 0..incidents {
        let (title, text, behaviours, channel) = EVENTS[i % EVENTS.len()];
        // More often as time goes on: the escalation an officer should see.
        let day = (90.0 * (i as f64 / incidents as f64).powf(0.6)) as i64;
        let mut incident = Incident::new(
            start + Duration::days(day) + Duration::minutes((i as i64 * 97) % 600),
            text,
        );
        incident.title = title.into();
        incident.behaviours = behaviours.to_vec();
        incident.channels = vec![channel];
        incident.perpetrators = vec![him];
        incident.location = ["Elm Road", "Leeds station", "Outside work, Park Row"][i % 3].into();
        if i % 5 == 1 {
            incident.witnesses = vec![witnesses[i % witnesses.len()]];
        }
        if i % 7 == 3 {
            incident.police = Some(PoliceReport {
                reported: true,
                force: "West Yorkshire Police".into(),
                reference: "13/226541/26".into(),
                ..PoliceReport::default()
            });
        }
        if day > 27 && behaviours.contains(&Behaviour::Loitering) {
            incident.behaviours.push(Behaviour::OrderBreach);
            incident.breach = Some(Breach {
                order: Some(order),
                condition: "Not to enter Elm Road".into(),
            });
        }
        incident.fear_of_violence = Some(i % 2 == 0);
        let added = diary.add_incident(incident.clone()).expect("add");
        refs.push((added.id, incident));
    }
    if let Some((id, incident)) = refs.get(2) {
        let mut amended = incident.clone();
        amended
            .narrative
            .push_str(" He was wearing a dark green jacket.");
        diary
            .amend_incident(*id, amended, "Remembered what he was wearing")
            .expect("amend");
    }
    for p in 0..photos.min(refs.len().max(1)) {
        let path = dir.join(format!("IMG_{:04}.jpg", 2000 + p));
        std::fs::write(&path, photo(p as u32)).expect("photo");
        let (id, _) = refs[(p * 7) % refs.len()];
        diary
            .attach(id, &path, "Photo taken on my phone")
            .expect("attach");
        std::fs::remove_file(&path).expect("remove photo");
    }
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
