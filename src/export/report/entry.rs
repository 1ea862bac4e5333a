//! One entry of the report: every field of its current version, and each
//! amendment with the fields it changed.

use serde_json::{Value, json};

use super::words::{
    behaviour_labels, day, local_time, occurred, person_names, recorded_later, utc_time, yes_no,
};
use crate::model::Incident;
use crate::state::{IncidentRecord, State};

/// The fields of one version as (label, text) pairs, empty ones left out.
fn details(state: &State, i: &Incident) -> Vec<(&'static str, String)> {
    let mut details = Vec::new();
    let mut add = |label: &'static str, value: String| {
        if !value.trim().is_empty() {
            details.push((label, value));
        }
    };
    add("Summary", i.title.clone());
    add("When", occurred(i).0);
    add("Where", i.location.clone());
    add(
        "Until",
        i.occurred_until.map(local_time).unwrap_or_default(),
    );
    add("What was done", behaviour_labels(i).join(", "));
    add(
        "How",
        i.channels
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", "),
    );
    add(
        "Who did it",
        person_names(state, &i.perpetrators).join(", "),
    );
    add("Witnesses", person_names(state, &i.witnesses).join(", "));
    add("Others present", i.people_present.join(", "));
    add("Children present", yes_no(i.children_present).into());
    add("Numbers, accounts, vehicles", i.identifiers_seen.join(", "));
    add("Feared violence", yes_no(i.fear_of_violence).into());
    add(
        "Severity (0-3)",
        i.severity.map(|s| s.to_string()).unwrap_or_default(),
    );
    add("Impact", i.impact.clone());
    add("What I did", i.response.clone());
    add("Evidence kept", i.preserved.clone());
    if let Some(p) = &i.police {
        let mut parts = Vec::new();
        if !p.force.is_empty() {
            parts.push(p.force.clone());
        }
        if !p.reference.is_empty() {
            parts.push(format!("reference {}", p.reference));
        }
        if !p.officer.is_empty() {
            parts.push(format!("officer {}", p.officer));
        }
        if let Some(d) = p.date {
            parts.push(format!("reported {}", day(d)));
        }
        if !p.outcome.is_empty() {
            parts.push(p.outcome.clone());
        }
        add("Police", parts.join("; "));
    }
    add("Other reports", i.other_reports.clone());
    if let Some(b) = &i.breach {
        let order = b
            .order
            .and_then(|id| state.orders().iter().find(|o| o.id == id))
            .map(|o| {
                format!(
                    "{} {}",
                    o.value.kind.as_str().replace('_', " "),
                    o.value.reference
                )
            })
            .unwrap_or_default();
        add(
            "Order breached",
            format!("{order} {}", b.condition).trim().to_string(),
        );
    }
    add("Tags", i.tags.join(", "));
    details
}

/// What an amendment changed, field by field, with the old and new text.
fn changes(state: &State, before: &Incident, after: &Incident) -> Vec<Value> {
    let old = details(state, before);
    let new = details(state, after);
    let value = |list: &[(&'static str, String)], label: &str| {
        list.iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut labels: Vec<&'static str> = old.iter().chain(&new).map(|(l, _)| *l).collect();
    labels.dedup();
    let mut seen = std::collections::HashSet::new();
    labels
        .into_iter()
        .filter(|l| seen.insert(*l))
        .filter_map(|label| {
            let (was, now) = (value(&old, label), value(&new, label));
            (was != now).then(|| json!({"label": label, "was": was, "now": now}))
        })
        .collect()
}

pub(super) fn entry(state: &State, r: &IncidentRecord, exhibits: &[String]) -> Value {
    let i = r.current();
    let (when, when_utc) = occurred(i);
    let mut details: Vec<Value> = details(state, i)
        .into_iter()
        // The heading shows the summary: the title's first line, cut at 90
        // characters. A longer title is printed whole as well (the fuzzer
        // found a title's later lines missing from the report).
        .filter(|(label, value)| match *label {
            "When" => false,
            "Summary" => value.trim() != i.summary(90),
            _ => true,
        })
        .map(|(label, value)| json!({"label": label, "value": value}))
        .collect();
    if !exhibits.is_empty() {
        details.push(json!({"label": "Exhibits", "value": exhibits.join(", ")}));
    }
    let versions: Vec<Value> = r
        .versions
        .iter()
        .enumerate()
        .map(|(n, v)| {
            let (narrative_changed, field_changes) = match n.checked_sub(1) {
                None => (true, Vec::new()),
                Some(prev) => {
                    let before = &r.versions[prev].incident;
                    (
                        before.narrative != v.incident.narrative,
                        changes(state, before, &v.incident),
                    )
                }
            };
            let mut changed: Vec<&str> = field_changes
                .iter()
                .filter_map(|c| c["label"].as_str())
                .collect();
            if n > 0 && narrative_changed {
                changed.push("What happened");
            }
            json!({
                "label": if n == 0 { "Original entry".to_string() } else { format!("Amendment {n}") },
                "recorded": format!("{} · {}", local_time(v.recorded_at), utc_time(v.recorded_at)),
                "reason": v.reason.clone().unwrap_or_default(),
                "changed": changed.join(", "),
                "changes": field_changes,
                "narrative": if narrative_changed { v.incident.narrative.clone() } else { String::new() },
            })
        })
        .collect();
    json!({
        "number": r.number,
        "title": i.summary(90),
        "when": when,
        "when_utc": when_utc,
        "late": recorded_later(r).unwrap_or_default(),
        "details": details,
        "messages": super::transcript::quoted(state, i),
        "versions": versions,
        "withdrawn": r.withdrawn.as_ref().map(|w| json!({
            "recorded": local_time(w.recorded_at),
            "reason": w.reason,
        })),
    })
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::model::Behaviour;

    #[test]
    fn an_amendment_lists_each_changed_field_with_old_and_new_text() {
        let state = State::default();
        let at = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+00:00").unwrap();
        let before = Incident::new(at, "He waited.");
        let mut after = before.clone();
        after.location = "Office gate".into();
        after.behaviours = vec![Behaviour::Loitering];
        let list = changes(&state, &before, &after);
        assert_eq!(
            list,
            [
                json!({"label": "Where", "was": "", "now": "Office gate"}),
                json!({"label": "What was done", "was": "", "now": "Loitering"}),
            ]
        );
        assert!(changes(&state, &before, &before).is_empty());
    }
}
