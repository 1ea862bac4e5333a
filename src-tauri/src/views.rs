//! Building the screens' data from the diary's state.

use std::collections::HashMap;

use incident_diary::Diary;
use incident_diary::model::Id;
use incident_diary::query::Filter;
use incident_diary::state::{Entry, ExhibitRecord, Withdrawal};

use crate::dto::{
    BehaviourCountDto, CorrectionDto, ExhibitDto, IncidentDto, IncidentLineDto, ProfileDto,
    RemovalDto, Stored, TimelineDto, TimelineQuery, VersionDto, WeekDto,
};

fn removal(w: &Withdrawal) -> RemovalDto {
    RemovalDto {
        recorded_at: w.recorded_at,
        reason: w.reason.clone(),
    }
}

fn stored<T: Clone>(e: &Entry<T>) -> Stored<T> {
    Stored {
        id: e.id.to_hex(),
        recorded_at: e.recorded_at,
        value: e.value.clone(),
        history: e
            .amendments
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
    TimelineDto {
        weeks: incident_diary::pattern::weekly(&live)
            .into_iter()
            .map(|w| WeekDto {
                start: w.start,
                count: w.count,
            })
            .collect(),
        behaviours: incident_diary::pattern::by_behaviour(&live)
            .into_iter()
            .map(|(b, count)| BehaviourCountDto {
                behaviour: b,
                label: b.label(),
                count,
            })
            .collect(),
        incidents: hits
            .iter()
            .rev()
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
pub fn incident(diary: &Diary, number: u32) -> incident_diary::Result<IncidentDto> {
    let r = diary.incident_by_number(number)?;
    Ok(IncidentDto {
        number: r.number,
        id: r.id.to_hex(),
        current: r.current().clone(),
        history: r
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| VersionDto {
                version: i + 1,
                recorded_at: v.recorded_at,
                reason: v.reason.clone(),
                incident: v.incident.clone(),
            })
            .collect(),
        withdrawn: r.withdrawn.as_ref().map(removal),
        exhibits: diary
            .state()
            .exhibits()
            .iter()
            .filter(|e| e.exhibit.incident == r.id)
            .map(|e| exhibit(diary, e))
            .collect(),
    })
}

/// Case, people, orders and risk checks.
pub fn profile(diary: &Diary) -> ProfileDto {
    let state = diary.state();
    ProfileDto {
        case: state.case().clone(),
        people: state.persons().iter().map(stored).collect(),
        orders: state.orders().iter().map(stored).collect(),
        risk_checks: state.risk_checks().iter().map(stored).collect(),
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
        let json = serde_json::to_string(&incident(&diary, 1).unwrap()).unwrap();
        assert!(json.contains("letter.txt"), "the exhibit is there: {json}");
        let long_hex: Vec<&str> = json
            .split(|c: char| !c.is_ascii_hexdigit())
            .filter(|w| w.len() >= 64)
            .collect();
        assert_eq!(long_hex, [sha.as_str()], "only the SHA-256 crosses IPC");
        assert!(!json.contains("file_key"));
    }
}
