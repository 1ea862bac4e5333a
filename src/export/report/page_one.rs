//! Page 1's summaries: escalation markers, orders and their breaches, the
//! latest risk check, police references.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::words::{corrections, day, local_time};
use crate::model::Behaviour;
use crate::state::{IncidentRecord, State};

/// First threat, first approach, first violence, and every breach.
pub(super) fn markers(incidents: &[&IncidentRecord]) -> Vec<Value> {
    let mut out = Vec::new();
    let firsts: [(&str, &[Behaviour]); 3] = [
        ("First threat", &[Behaviour::Threats]),
        (
            "First approach or waiting near the victim",
            &[Behaviour::Approaching, Behaviour::Loitering],
        ),
        ("First violence", &[Behaviour::Violence, Behaviour::Sexual]),
    ];
    for (what, behaviours) in firsts {
        if let Some(r) = incidents.iter().find(|r| {
            r.current()
                .behaviours
                .iter()
                .any(|b| behaviours.contains(b))
        }) {
            out.push(json!({
                "what": what,
                "when": local_time(r.current().occurred_at),
                "number": r.number,
            }));
        }
    }
    let breaches: Vec<&&IncidentRecord> = incidents
        .iter()
        .filter(|r| {
            let i = r.current();
            i.breach.is_some() || i.behaviours.contains(&Behaviour::OrderBreach)
        })
        .collect();
    // Every breach is named; past a handful, on one line, so page 1 holds.
    const LISTED: usize = 4;
    for r in breaches.iter().take(if breaches.len() > LISTED + 1 {
        LISTED
    } else {
        LISTED + 1
    }) {
        out.push(json!({
            "what": "Breach of an order or condition",
            "when": local_time(r.current().occurred_at),
            "number": r.number,
        }));
    }
    if breaches.len() > LISTED + 1 {
        let rest: Vec<String> = breaches[LISTED..]
            .iter()
            .map(|r| r.number.to_string())
            .collect();
        // A long run is summarised; the orders page lists every breach.
        let what = if rest.len() <= 16 {
            format!("{} further breaches: No. {}", rest.len(), rest.join(", "))
        } else {
            format!(
                "{} further breaches, from No. {} to No. {} (each listed under the order on the \
                 People, orders and risk page)",
                rest.len(),
                rest[0],
                rest[rest.len() - 1]
            )
        };
        out.push(json!({"what": what, "when": "", "number": null}));
    }
    out
}

pub(super) fn orders(state: &State, incidents: &[&IncidentRecord], today: NaiveDate) -> Vec<Value> {
    state
        .orders()
        .iter()
        .map(|o| {
            let breaches: Vec<u32> = incidents
                .iter()
                .filter(|r| r.current().breach.as_ref().and_then(|b| b.order) == Some(o.id))
                .map(|r| r.number)
                .collect();
            json!({
                "kind": o.value.kind.as_str().replace('_', " "),
                "reference": o.value.reference,
                "court": o.value.court,
                "made": o.value.made_on.map(day).unwrap_or_default(),
                "expires": o.value.expires.map(day).unwrap_or_else(|| "no end date".into()),
                "in_force": o.value.in_force_on(today),
                "conditions": o.value.conditions,
                "breaches": breaches,
                "corrected": corrections(&o.amendments),
            })
        })
        .collect()
}

pub(super) fn risk(state: &State) -> Value {
    let Some(latest) = state.risk_checks().iter().max_by_key(|c| c.value.date) else {
        return Value::Null;
    };
    let answers: Vec<Value> = crate::model::RiskQuestion::ALL
        .iter()
        .map(|q| {
            let a = latest.value.answer(*q);
            json!({
                "number": q.number(),
                "question": q.text(),
                "answer": a.answer.as_str(),
                "note": a.note,
            })
        })
        .collect();
    let yes: Vec<&Value> = answers.iter().filter(|a| a["answer"] == "yes").collect();
    json!({
        "date": day(latest.value.date),
        "completed_with": latest.value.completed_with,
        "yes_count": yes.len(),
        "yes": yes,
        "answers": answers,
    })
}

pub(super) fn police_references(state: &State, incidents: &[&IncidentRecord]) -> Vec<String> {
    let mut refs: Vec<String> = state.case().crime_references.clone();
    for r in incidents {
        if let Some(p) = &r.current().police
            && !p.reference.is_empty()
            && !refs.contains(&p.reference)
        {
            refs.push(p.reference.clone());
        }
    }
    refs
}
