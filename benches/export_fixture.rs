//! The invented diary behind the sample report and the export benchmark,
//! shared by `examples/sample_report.rs` and `benches/diary.rs`. Every name,
//! place and event is invented.

use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset};
use incident_diary::Diary;
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

/// A fixed time.
pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid time")
}

/// A phone-sized JPEG (4032 x 3024), different for each `seed`.
pub fn photo(seed: u32) -> Vec<u8> {
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

/// Fills `diary` with the case, four people, an order, a risk check,
/// `incidents` incidents (more frequent as time goes on, one amended) and
/// `photos` phone-sized photos; `dir` holds the photos while they are attached.
pub fn fill(diary: &mut Diary, dir: &Path, incidents: usize, photos: usize) {
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
