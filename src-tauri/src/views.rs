//! Building the screens' data from the diary's state.

use std::collections::HashMap;

use incident_diary::Diary;
use incident_diary::model::Id;
use incident_diary::query::Filter;
use incident_diary::state::{Entry, ExhibitRecord, IncidentRecord, Withdrawal};

use crate::dto::{
    BehaviourCountDto, CorrectionDto, EXHIBIT_PAGE, ExhibitDto, IncidentDto, IncidentLineDto,
    MAX_CORRECTIONS, MAX_LISTED, MAX_PAGE, MAX_VERSIONS, MAX_WEEKS, PAGE, ProfileDto, RemovalDto,
    Stored, TimelineDto, TimelineQuery, VersionDto, WeekDto,
};

fn removal(w: &Withdrawal) -> RemovalDto {
    RemovalDto {
        recorded_at: w.recorded_at,
        reason: w.reason.clone(),
    }
}

/// A person or order with its latest [`MAX_CORRECTIONS`] corrections (all
/// of them go to the police with an export; the count says how many).
fn stored<T: Clone>(e: &Entry<T>) -> Stored<T> {
    let skipped = e.amendments.len().saturating_sub(MAX_CORRECTIONS);
    Stored {
        id: e.id.to_hex(),
        recorded_at: e.recorded_at,
        value: e.value.clone(),
        corrections: e.amendments.len(),
        history: e.amendments[skipped..]
            .iter()
            .map(|a| CorrectionDto {
                recorded_at: a.recorded_at,
                reason: a.reason.clone(),
                replaced: a.replaced.clone(),
            })
            .collect(),
    }
}

/// The pattern of the incidents shown, then those incidents newest first.
pub fn timeline(diary: &Diary, query: &TimelineQuery) -> TimelineDto {
    let state = diary.state();
    let filter = Filter {
        from: query.from,
        to: query.to,
        behaviours: query.behaviour.into_iter().collect(),
        person: query.person.as_deref().and_then(|p| p.parse::<Id>().ok()),
        text: query.text.clone().filter(|t| !t.trim().is_empty()),
        exclude_withdrawn: false,
    };
    let hits = filter.apply(state);
    let live: Vec<_> = hits
        .iter()
        .copied()
        .filter(|r| r.withdrawn.is_none())
        .collect();
    // Exhibits per incident, counted once rather than per line.
    let mut exhibits_of: HashMap<Id, usize> = HashMap::new();
    for e in state.exhibits().iter().filter(|e| e.deleted.is_none()) {
        *exhibits_of.entry(e.exhibit.incident).or_default() += 1;
    }
    let (weeks, weeks_before) = if query.lines_only {
        (Vec::new(), 0)
    } else {
        weeks(&live)
    };
    let limit = match query.limit {
        0 => PAGE,
        n => n.min(MAX_PAGE),
    };
    TimelineDto {
        weeks,
        weeks_before,
        behaviours: if query.lines_only {
            Vec::new()
        } else {
            incident_diary::pattern::by_behaviour(&live)
                .into_iter()
                .map(|(b, count)| BehaviourCountDto {
                    behaviour: b,
                    label: b.label(),
                    count,
                })
                .collect()
        },
        offset: query.offset,
        matching: hits.len(),
        incidents: hits
            .iter()
            .rev()
            .skip(query.offset)
            .take(limit)
            .map(|r| IncidentLineDto {
                number: r.number,
                occurred_at: r.current().occurred_at,
                occurred_until: r.current().occurred_until,
                time_precision: r.current().time_precision,
                summary: r.current().summary(120),
                behaviours: r.current().behaviours.iter().map(|b| b.label()).collect(),
                exhibits: exhibits_of.get(&r.id).copied().unwrap_or(0),
                amendments: r.amendments(),
                withdrawn: r.withdrawn.is_some(),
            })
            .collect(),
        log_entries: diary.last_entry().seq,
        last_saved: diary.last_entry().recorded_at,
        anchor_trouble: diary.anchor_trouble().map(str::to_string),
        newer_copy_seen: diary.newer_copy_seen(),
        total: state.incidents().len(),
        last_backup: state.last_backup(),
    }
}

/// The chart's weeks, the last [`MAX_WEEKS`] at most, and how many
/// incidents fall in the weeks before them.
fn weeks(live: &[&IncidentRecord]) -> (Vec<WeekDto>, usize) {
    let all = incident_diary::pattern::weekly(live);
    let cut = all.len().saturating_sub(MAX_WEEKS);
    let before = all[..cut].iter().map(|w| w.count).sum();
    let kept = all[cut..]
        .iter()
        .map(|w| WeekDto {
            start: w.start,
            count: w.count,
        })
        .collect();
    (kept, before)
}

/// An exhibit for the screen, without its file key.
pub fn exhibit(diary: &Diary, e: &ExhibitRecord) -> ExhibitDto {
    let state = diary.state();
    ExhibitDto {
        number: e.exhibit.number,
        label: diary.exhibit_label(e.exhibit.number),
        incident_number: state.incident(e.exhibit.incident).map_or(0, |r| r.number),
        original_name: e.exhibit.original_name.clone(),
        size: e.exhibit.size,
        media_type: e.exhibit.media_type.clone(),
        sha256: data_encoding::HEXLOWER.encode(&e.exhibit.sha256),
        description: e.exhibit.description.clone(),
        added_at: e.recorded_at,
        captured_at: e.exhibit.claims.captured_at.clone(),
        deleted: e.deleted.as_ref().map(removal),
        is_photo: e.deleted.is_none() && e.exhibit.media_type.starts_with("image/"),
    }
}

/// One incident with its history and exhibits.
pub fn incident(
    diary: &Diary,
    number: u32,
    exhibits_from: usize,
) -> incident_diary::Result<IncidentDto> {
    let r = diary.incident_by_number(number)?;
    let (quoted, quoted_total) = crate::chats::quoted(diary, r.current());
    let n = r.versions.len();
    // The original, then the latest: what was first written and what it says now.
    let shown = (0..n).filter(|&i| i == 0 || i + MAX_VERSIONS > n);
    let exhibits: Vec<&ExhibitRecord> = diary
        .state()
        .exhibits()
        .iter()
        .filter(|e| e.exhibit.incident == r.id)
        .collect();
    Ok(IncidentDto {
        number: r.number,
        id: r.id.to_hex(),
        current: r.current().clone(),
        history: shown
            .map(|i| {
                let v = &r.versions[i];
                VersionDto {
                    version: i + 1,
                    recorded_at: v.recorded_at,
                    reason: v.reason.clone(),
                    incident: v.incident.clone(),
                }
            })
            .collect(),
        versions: n,
        withdrawn: r.withdrawn.as_ref().map(removal),
        exhibits: exhibits
            .iter()
            .skip(exhibits_from)
            .take(EXHIBIT_PAGE)
            .map(|e| exhibit(diary, e))
            .collect(),
        exhibits_from,
        exhibits_total: exhibits.len(),
        quoted,
        quoted_total,
    })
}

/// Case, people, orders and risk checks (bounded: see [`MAX_LISTED`]).
pub fn profile(diary: &Diary) -> ProfileDto {
    let state = diary.state();
    let checks = state.risk_checks();
    ProfileDto {
        case: state.case().clone(),
        people: state
            .persons()
            .iter()
            .take(MAX_LISTED)
            .map(stored)
            .collect(),
        orders: state.orders().iter().take(MAX_LISTED).map(stored).collect(),
        risk_checks: checks[checks.len().saturating_sub(MAX_LISTED)..]
            .iter()
            .map(stored)
            .collect(),
        people_total: state.persons().len(),
        orders_total: state.orders().len(),
        risk_checks_total: checks.len(),
    }
}

#[cfg(test)]
mod tests {
    use incident_diary::KdfParams;
    use incident_diary::Passphrase;
    use incident_diary::SystemClock;
    use incident_diary::model::Incident;

    use super::*;

    /// What crosses IPC for an incident never carries an exhibit's file key.
    /// The key cannot be serialised at all (a compile-fail test in the core
    /// proves it); this checks the wire: the only 256-bit value in hex is the
    /// exhibit's SHA-256.
    #[test]
    fn an_incident_for_the_screen_holds_no_file_key() {
        let tmp = tempfile::tempdir().unwrap();
        let kdf = KdfParams::cheapest();
        let (mut diary, _) = Diary::create(
            &tmp.path().join("v"),
            &Passphrase::new("pw".into()),
            kdf,
            Box::new(SystemClock),
        )
        .unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap();
        let id = diary
            .add_incident(Incident::new(at, "note through the door"))
            .unwrap()
            .id;
        let file = tmp.path().join("letter.txt");
        std::fs::write(&file, "I know where you live").unwrap();
        diary.attach(id, &file, "the letter").unwrap();
        let sha = data_encoding::HEXLOWER.encode(&diary.state().exhibits()[0].exhibit.sha256);
        let json = serde_json::to_string(&incident(&diary, 1, 0).unwrap()).unwrap();
        assert!(json.contains("letter.txt"), "the exhibit is there: {json}");
        let long_hex: Vec<&str> = json
            .split(|c: char| !c.is_ascii_hexdigit())
            .filter(|w| w.len() >= 64)
            .collect();
        assert_eq!(long_hex, [sha.as_str()], "only the SHA-256 crosses IPC");
        assert!(!json.contains("file_key"));
    }

    fn diary_in(tmp: &std::path::Path) -> Diary {
        Diary::create(
            &tmp.join("v"),
            &Passphrase::new("pw".into()),
            KdfParams::cheapest(),
            Box::new(SystemClock),
        )
        .unwrap()
        .0
    }

    /// However many entries, one reply holds one page: the newest first,
    /// with the counts to say how many are shown of how many.
    #[test]
    fn the_timeline_comes_a_page_at_a_time() {
        let tmp = tempfile::tempdir().unwrap();
        let mut diary = diary_in(tmp.path());
        let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T10:00:00Z").unwrap();
        let batch = (0..1_000)
            .map(|i| {
                let at = start + chrono::Duration::days(i);
                Incident::new(at, format!("waited at the gate, day {i}"))
            })
            .collect();
        diary
            .import_incidents(batch, incident_diary::Durability::Normal)
            .unwrap();
        let first = timeline(&diary, &TimelineQuery::default());
        assert_eq!(first.incidents.len(), PAGE);
        assert_eq!(first.incidents[0].number, 1_000, "newest first");
        assert_eq!((first.matching, first.total), (1_000, 1_000));
        assert!(first.weeks.len() <= MAX_WEEKS);
        let in_weeks: usize = first.weeks.iter().map(|w| w.count).sum();
        assert_eq!(
            in_weeks + first.weeks_before,
            1_000,
            "every incident counted"
        );
        let next = timeline(
            &diary,
            &TimelineQuery {
                offset: 950,
                limit: 10_000,
                lines_only: true,
                ..TimelineQuery::default()
            },
        );
        assert_eq!(next.incidents.len(), 50, "the last page");
        assert_eq!(next.incidents[0].number, 50);
        assert!(next.weeks.is_empty() && next.behaviours.is_empty());
        let asked_too_much = timeline(
            &diary,
            &TimelineQuery {
                limit: 10_000,
                ..TimelineQuery::default()
            },
        );
        assert_eq!(asked_too_much.incidents.len(), MAX_PAGE);
        let bytes = serde_json::to_vec(&asked_too_much).unwrap().len();
        assert!(bytes < 256 << 10, "{bytes} bytes");
    }

    /// An entry amended many times, with many files: the original and the
    /// latest versions, and a page of files, with the totals.
    #[test]
    fn an_incident_reply_is_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let mut diary = diary_in(tmp.path());
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap();
        let id = diary.add_incident(Incident::new(at, "v1")).unwrap().id;
        for v in 2..=30 {
            let reason = format!("version {v}");
            diary
                .amend_incident(id, Incident::new(at, format!("v{v}")), &reason)
                .unwrap();
        }
        let file = tmp.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        for _ in 0..(EXHIBIT_PAGE + 5) {
            diary.attach(id, &file, "").unwrap();
        }
        let dto = incident(&diary, 1, 0).unwrap();
        assert_eq!(dto.versions, 30);
        assert_eq!(dto.history.len(), MAX_VERSIONS);
        assert_eq!(dto.history[0].version, 1, "the original is always shown");
        assert_eq!(dto.history[1].version, 12);
        assert_eq!(dto.history.last().unwrap().version, 30);
        assert_eq!(
            (dto.exhibits.len(), dto.exhibits_total),
            (EXHIBIT_PAGE, EXHIBIT_PAGE + 5)
        );
        let rest = incident(&diary, 1, EXHIBIT_PAGE).unwrap();
        assert_eq!(rest.exhibits.len(), 5);
        assert_eq!(rest.exhibits[0].number as usize, EXHIBIT_PAGE + 1);
    }
    /// A person corrected again and again: the latest corrections, and how
    /// many there are in all.
    #[test]
    fn a_profile_reply_holds_the_latest_corrections() {
        use incident_diary::model::{Person, Role};
        let tmp = tempfile::tempdir().unwrap();
        let mut diary = diary_in(tmp.path());
        let person = |n: u32| Person {
            role: Role::Perpetrator,
            name: format!("Name {n}"),
            aliases: vec![],
            relationship: String::new(),
            description: String::new(),
            identifiers: vec![],
        };
        let id = diary.add_person(person(0)).unwrap();
        for n in 1..=25 {
            diary.amend_person(id, person(n), "spelling").unwrap();
        }
        let dto = profile(&diary);
        let mark = &dto.people[0];
        assert_eq!(mark.corrections, 25);
        assert_eq!(mark.history.len(), MAX_CORRECTIONS);
        assert_eq!(mark.history[0].replaced.name, "Name 15");
        assert_eq!(mark.history.last().unwrap().replaced.name, "Name 24");
        assert_eq!(mark.value.name, "Name 25");
    }
}
