//! The report's content, computed here and handed to the template as JSON.
//!
//! Everything the officer reads is decided in Rust, where it is tested: the
//! counts, the weekly series, the escalation markers, the wording of times.
//! The template only lays it out, and inserts every value as plain text.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::{Value, json};

use super::bundle::{Counts, ManifestExhibit};
use super::select::{ExportOptions, Selection};
use crate::model::{Behaviour, Incident, TimePrecision};
use crate::state::{IncidentRecord, State};

/// Everything needed besides the selection.
pub struct ReportContext<'a> {
    /// The diary's state.
    pub state: &'a State,
    /// The export's choices.
    pub options: &'a ExportOptions,
    /// What is in and what was left out.
    pub counts: &'a Counts,
    /// The exhibit register.
    pub exhibits: &'a [ManifestExhibit],
    /// Virtual paths of thumbnails by exhibit label.
    pub thumbnails: &'a BTreeMap<String, String>,
    /// When the export was made.
    pub now: DateTime<FixedOffset>,
    /// Chain length and head, hex.
    pub chain: (u64, String),
    /// Signing key fingerprint and OpenSSH form.
    pub key: (String, String),
    /// The diary's id, hex.
    pub vault_id: String,
    /// SHA-256 of `manifest.json`, hex.
    pub manifest_sha256: String,
}

/// `Sat 14 Mar 2026, 21:40 (UTC+01:00)`.
pub fn local_time(t: DateTime<FixedOffset>) -> String {
    format!(
        "{} (UTC{})",
        t.format("%a %-d %b %Y, %H:%M"),
        t.format("%:z")
    )
}

/// `20:40 UTC` or `13 Mar 2026, 23:40 UTC` when the day differs.
pub fn utc_time(t: DateTime<FixedOffset>) -> String {
    let utc = t.with_timezone(&Utc);
    if utc.date_naive() == t.date_naive() {
        format!("{} UTC", utc.format("%H:%M"))
    } else {
        format!("{} UTC", utc.format("%-d %b %Y, %H:%M"))
    }
}

/// When an incident happened, honest about how exactly it is known.
fn occurred(incident: &Incident) -> (String, String) {
    let t = incident.occurred_at;
    match incident.time_precision {
        TimePrecision::DateOnly => (
            format!("{} (time not known)", t.format("%a %-d %b %Y")),
            String::new(),
        ),
        TimePrecision::Approximate => (format!("about {}", local_time(t)), utc_time(t)),
        TimePrecision::Exact => (local_time(t), utc_time(t)),
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = "bytes";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    format!("{value:.1} {unit} ({bytes} bytes)")
}

/// Short, neutral names for the officer (the app's labels are the victim's
/// first-person words, which read oddly in a police chronology).
fn officer_label(b: Behaviour) -> &'static str {
    match b {
        Behaviour::Following => "Following",
        Behaviour::Watching => "Watching",
        Behaviour::Loitering => "Loitering",
        Behaviour::Approaching => "Approach or confrontation",
        Behaviour::ContactUnwanted => "Unwanted contact",
        Behaviour::GiftsOrItems => "Gifts or items",
        Behaviour::PropertyInterference => "Property interference",
        Behaviour::PropertyDamage => "Property damage",
        Behaviour::Threats => "Threats",
        Behaviour::Violence => "Violence",
        Behaviour::Sexual => "Sexual offence",
        Behaviour::ThirdPartyContact => "Contact through others",
        Behaviour::PublishingMaterial => "Publishing material",
        Behaviour::OnlineMonitoring => "Online monitoring",
        Behaviour::Tracking => "Tracking",
        Behaviour::Impersonation => "Impersonation",
        Behaviour::OrderBreach => "Breach of order",
        Behaviour::Other => "Other",
    }
}

fn behaviour_labels(incident: &Incident) -> Vec<&'static str> {
    incident
        .behaviours
        .iter()
        .map(|b| officer_label(*b))
        .collect()
}

fn person_names(state: &State, ids: &[crate::model::Id]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            state
                .person(*id)
                .map(|p| p.value.name.clone())
                .unwrap_or_else(|| "unknown person".to_string())
        })
        .collect()
}

/// First threat, first approach, first violence, and every breach.
fn markers(incidents: &[&IncidentRecord]) -> Vec<Value> {
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

fn orders(state: &State, incidents: &[&IncidentRecord], today: NaiveDate) -> Vec<Value> {
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
            })
        })
        .collect()
}

fn risk(state: &State) -> Value {
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

fn police_references(state: &State, incidents: &[&IncidentRecord]) -> Vec<String> {
    let mut refs: Vec<String> = state.case().crime_references.clone();
    for r in incidents {
        if let Some(p) = &r.current().police {
            if !p.reference.is_empty() && !refs.contains(&p.reference) {
                refs.push(p.reference.clone());
            }
        }
    }
    refs
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

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

fn entry(state: &State, r: &IncidentRecord, exhibits: &[String]) -> Value {
    let i = r.current();
    let (when, when_utc) = occurred(i);
    let mut details: Vec<Value> = details(state, i)
        .into_iter()
        .filter(|(label, _)| !matches!(*label, "Summary" | "When"))
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
        "details": details,
        "versions": versions,
        "withdrawn": r.withdrawn.as_ref().map(|w| json!({
            "recorded": local_time(w.recorded_at),
            "reason": w.reason,
        })),
    })
}

/// The report data the template reads as `/data.json`.
pub fn report_data(selection: &Selection, ctx: &ReportContext) -> Value {
    let state = ctx.state;
    let incidents = &selection.incidents;
    let by_behaviour = crate::pattern::by_behaviour(incidents);
    let exhibit_labels = |r: &IncidentRecord| -> Vec<String> {
        ctx.exhibits
            .iter()
            .filter(|e| e.incident == r.number)
            .map(|e| e.label.clone())
            .collect()
    };
    let chronology: Vec<Value> = incidents
        .iter()
        .map(|r| {
            let i = r.current();
            json!({
                "number": r.number,
                "date": i.occurred_at.format("%a %-d %b %Y").to_string(),
                "time": match i.time_precision {
                    TimePrecision::DateOnly => "time not known".to_string(),
                    TimePrecision::Approximate => format!("about {}", i.occurred_at.format("%H:%M (UTC%:z)")),
                    TimePrecision::Exact => i.occurred_at.format("%H:%M (UTC%:z)").to_string(),
                },
                "behaviours": behaviour_labels(i).join(", "),
                "channels": i.channels.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "),
                "summary": i.summary(90),
                "exhibits": exhibit_labels(r).join(", "),
                "police": i.police.as_ref().map(|p| p.reference.clone()).unwrap_or_default(),
                "withdrawn": r.withdrawn.is_some(),
            })
        })
        .collect();
    let period = match (incidents.first(), incidents.last()) {
        (Some(a), Some(b)) => format!(
            "{} to {}",
            day(a.current().occurred_at.date_naive()),
            day(b.current().occurred_at.date_naive())
        ),
        _ => "no incidents".to_string(),
    };
    let chosen_period = match (ctx.options.from, ctx.options.to) {
        (None, None) => "the whole diary".to_string(),
        (Some(f), None) => format!("from {}", day(f)),
        (None, Some(t)) => format!("up to {}", day(t)),
        (Some(f), Some(t)) => format!("{} to {}", day(f), day(t)),
    };
    let c = ctx.counts;
    let mut left_out = Vec::new();
    for (n, why) in [
        (c.outside_period, "outside the chosen period"),
        (
            c.withdrawn,
            "withdrawn by the victim (the withdrawal is recorded in the diary)",
        ),
        (
            c.excluded_by_victim,
            "kept back by the victim from this officer pack",
        ),
    ] {
        if n > 0 {
            left_out.push(format!(
                "{n} {} {why}",
                if n == 1 { "entry" } else { "entries" }
            ));
        }
    }
    if c.deleted_exhibits > 0 {
        left_out.push(format!(
            "{} exhibit file(s) deleted by the victim (listed in the register, no file)",
            c.deleted_exhibits
        ));
    }
    let case = state.case();
    let reference = if case.crime_references.is_empty() {
        "no police reference recorded".to_string()
    } else {
        case.crime_references.join(", ")
    };
    let register: Vec<Value> = ctx
        .exhibits
        .iter()
        .map(|e| {
            json!({
                "label": e.label,
                "incident": e.incident,
                "description": e.description,
                "name": e.original_name,
                "type": e.media_type,
                "size": size_text(e.size),
                "sha256": e.sha256,
                "captured": e.captured_at.clone().unwrap_or_default(),
                "attached": local_time(e.attached_at),
                "file": e.file.clone().unwrap_or_default(),
                "deleted": e.deleted.clone().unwrap_or_default(),
                "thumb": ctx.thumbnails.get(&e.label),
            })
        })
        .collect();
    json!({
        "case": {
            "reference": reference,
            "victim": case.victim_name,
            "force": case.police_force,
            "officer": case.officer,
        },
        "exported": format!("{} · {}", local_time(ctx.now), utc_time(ctx.now)),
        "pack": ctx.options.pack.as_str(),
        "period": period,
        "chosen_period": chosen_period,
        "counts": c,
        "left_out": left_out,
        "by_behaviour": by_behaviour.iter().map(|(b, n)| json!({
            "label": officer_label(*b), "count": n
        })).collect::<Vec<_>>(),
        "weeks": crate::pattern::weekly(incidents).iter().map(|w| json!({
            "start": day(w.start), "count": w.count
        })).collect::<Vec<_>>(),
        "markers": markers(incidents),
        "orders": orders(state, incidents, ctx.now.date_naive()),
        "people": state.persons().iter().map(|p| json!({
            "name": p.value.name,
            "role": p.value.role.as_str().replace('_', " "),
            "aliases": p.value.aliases.join(", "),
            "relationship": p.value.relationship,
            "description": p.value.description,
            "identifiers": p.value.identifiers.join(", "),
        })).collect::<Vec<_>>(),
        "risk": risk(state),
        "police_refs": police_references(state, incidents),
        "chronology": chronology,
        "entries": incidents.iter().map(|r| entry(state, r, &exhibit_labels(r))).collect::<Vec<_>>(),
        "exhibits": register,
        "integrity": {
            "manifest_sha256": ctx.manifest_sha256,
            "chain_length": ctx.chain.0,
            "chain_head": ctx.chain.1,
            "fingerprint": ctx.key.0,
            "signing_key": ctx.key.1,
            "vault_id": ctx.vault_id,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn times_show_local_with_offset_and_utc() {
        let t = at("2026-03-14T00:30:00+01:00");
        assert_eq!(local_time(t), "Sat 14 Mar 2026, 00:30 (UTC+01:00)");
        assert_eq!(utc_time(t), "13 Mar 2026, 23:30 UTC");
        assert_eq!(utc_time(at("2026-03-14T12:30:00+01:00")), "11:30 UTC");
    }

    #[test]
    fn sizes_are_readable_and_exact() {
        assert_eq!(size_text(999), "999 bytes");
        assert_eq!(size_text(1_234_567), "1.2 MB (1234567 bytes)");
    }

    #[test]
    fn an_amendment_lists_each_changed_field_with_old_and_new_text() {
        let state = State::default();
        let before = Incident::new(at("2026-03-01T10:00:00+00:00"), "He waited.");
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

    #[test]
    fn summary_prefers_the_title_and_shortens() {
        let mut i = Incident::new(at("2026-01-01T00:00:00Z"), "x".repeat(200));
        assert_eq!(i.summary(90).chars().count(), 90);
        i.title = "Waited outside work".into();
        assert_eq!(i.summary(90), "Waited outside work");
    }
}
