//! The report's content, computed here and handed to the template as JSON.
//!
//! Everything the officer reads is decided in Rust, where it is tested: the
//! counts, the weekly series, the escalation markers, the wording of times.
//! The template only lays it out, and inserts every value as plain text.

mod entry;
mod page_one;
mod transcript;
mod words;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

pub(crate) use words::{local_time, utc_time};

use super::bundle::{Counts, KeyTransition, ManifestExhibit};
use super::select::{ExportOptions, Selection};
use crate::model::TimePrecision;
use crate::state::{IncidentRecord, State};
use words::{behaviour_labels, corrections, day, officer_label, recorded_later, size_text};

/// Everything needed besides the selection.
pub(crate) struct ReportContext<'a> {
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
    /// Every replacement of the diary's key.
    pub transitions: &'a [KeyTransition],
    /// The diary's id, hex.
    pub vault_id: String,
    /// SHA-256 of `manifest.json`, hex.
    pub manifest_sha256: String,
}

/// The report data the template reads as `/data.json`.
pub(crate) fn report_data(selection: &Selection, ctx: &ReportContext) -> Value {
    let state = ctx.state;
    let incidents = &selection.incidents;
    let labels = |r: &IncidentRecord| exhibit_labels(ctx, r);
    let by_behaviour = crate::pattern::by_behaviour(incidents);
    let weekly = crate::pattern::weekly(incidents);
    let week_starts = transcript::week_starts(&weekly);
    let message_weeks = transcript::perpetrator_weeks(state, &week_starts);
    json!({
        "case": case_header(state),
        "exported": format!("{} · {}", local_time(ctx.now), utc_time(ctx.now)),
        "pack": ctx.options.pack.as_str(),
        "period": period(incidents),
        "chosen_period": chosen_period(state, ctx.options),
        "counts": ctx.counts,
        "left_out": left_out(ctx.counts),
        "by_behaviour": by_behaviour.iter().map(|(b, n)| json!({
            "label": officer_label(*b), "count": n
        })).collect::<Vec<_>>(),
        "weeks": weekly.iter().map(|w| json!({
            "start": day(w.start), "count": w.count
        })).collect::<Vec<_>>(),
        "message_weeks": transcript::messages_line(&week_starts, &message_weeks),
        "markers": page_one::markers(incidents),
        "orders": page_one::orders(state, incidents, ctx.now.date_naive()),
        "people": people(state),
        "risk": page_one::risk(state),
        "police_refs": page_one::police_references(state, incidents),
        "chronology": incidents.iter().map(|r| chronology_line(r, &labels(r))).collect::<Vec<_>>(),
        "entries": incidents.iter().map(|r| entry::entry(state, r, &labels(r))).collect::<Vec<_>>(),
        "exhibits": register(ctx),
        "integrity": {
            "manifest_sha256": ctx.manifest_sha256,
            "chain_length": ctx.chain.0,
            "chain_head": ctx.chain.1,
            "fingerprint": ctx.key.0,
            "signing_key": ctx.key.1,
            "vault_id": ctx.vault_id,
            "transitions": ctx.transitions.iter().map(|t| json!({
                "epoch": t.epoch,
                "seq": t.seq,
                "recorded": local_time(t.recorded_at),
                "reason": match t.reason.as_str() {
                    "recovery" => "the diary was opened with its recovery key",
                    _ => "the victim asked for a new key",
                },
                "old_fingerprint": key_fingerprint(&t.old_key),
                "new_fingerprint": key_fingerprint(&t.new_key),
                "statement": t.statement,
                "old_principal": crate::export::transitions::principal(t.epoch.saturating_sub(1)),
                "new_principal": crate::export::transitions::principal(t.epoch),
            })).collect::<Vec<_>>(),
        },
    })
}

fn key_fingerprint(key: &str) -> String {
    crate::crypto::sshsig::PublicKey::parse_openssh(key)
        .map_or_else(|_| key.to_string(), |k| k.fingerprint())
}

fn exhibit_labels(ctx: &ReportContext, r: &IncidentRecord) -> Vec<String> {
    ctx.exhibits
        .iter()
        .filter(|e| e.incident == r.number)
        .map(|e| e.label.clone())
        .collect()
}

fn case_header(state: &State) -> Value {
    let case = state.case();
    let reference = if case.crime_references.is_empty() {
        "no police reference recorded".to_string()
    } else {
        case.crime_references.join(", ")
    };
    json!({
        "reference": reference,
        "victim": case.victim_name,
        "force": case.police_force,
        "officer": case.officer,
    })
}

/// From the first exported incident to the last.
fn period(incidents: &[&IncidentRecord]) -> String {
    match (incidents.first(), incidents.last()) {
        (Some(a), Some(b)) => format!(
            "{} to {}",
            day(a.current().occurred_at.date_naive()),
            day(b.current().occurred_at.date_naive())
        ),
        _ => "no incidents".to_string(),
    }
}

/// The period the victim asked for, and the filters she narrowed it to:
/// an officer must know a report is a selection, and of what.
fn chosen_period(state: &State, options: &ExportOptions) -> String {
    let period = match (options.from, options.to) {
        (None, None) => "the whole diary".to_string(),
        (Some(f), None) => format!("from {}", day(f)),
        (None, Some(t)) => format!("up to {}", day(t)),
        (Some(f), Some(t)) => format!("{} to {}", day(f), day(t)),
    };
    let only = &options.only;
    if only.is_everything() {
        return period;
    }
    let mut narrowed = Vec::new();
    if !only.behaviours.is_empty() {
        let labels: Vec<&str> = only.behaviours.iter().map(|b| officer_label(*b)).collect();
        narrowed.push(format!("recording any of: {}", labels.join(", ")));
    }
    if let Some(id) = only.person {
        let name = state
            .person(id)
            .map_or_else(|| id.to_hex(), |p| p.value.name.clone());
        narrowed.push(format!("involving {name}"));
    }
    if let Some(words) = only.text.as_deref().filter(|t| !t.trim().is_empty()) {
        narrowed.push(format!(
            "containing the words \"{}\" (in the entry or the name of a person in it)",
            words.trim()
        ));
    }
    format!("{period}, only entries {}", narrowed.join("; "))
}

/// Every reason something is not in the pack, counted: never hidden.
fn left_out(c: &Counts) -> Vec<String> {
    let mut left_out = Vec::new();
    for (n, why) in [
        (c.outside_period, "outside the chosen period"),
        (c.not_matching, "not matching the chosen selection"),
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
    left_out
}

fn people(state: &State) -> Vec<Value> {
    state
        .persons()
        .iter()
        .map(|p| {
            json!({
                "name": p.value.name,
                "role": p.value.role.as_str().replace('_', " "),
                "aliases": p.value.aliases.join(", "),
                "relationship": p.value.relationship,
                "description": p.value.description,
                "identifiers": p.value.identifiers.join(", "),
                "corrected": corrections(&p.amendments),
            })
        })
        .collect()
}

/// One line of the chronology table.
fn chronology_line(r: &IncidentRecord, exhibits: &[String]) -> Value {
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
        "exhibits": exhibits.join(", "),
        "police": i.police.as_ref().map(|p| p.reference.clone()).unwrap_or_default(),
        "withdrawn": r.withdrawn.is_some(),
        "late": recorded_later(r).unwrap_or_default(),
    })
}

/// The exhibit register, deleted exhibits included.
fn register(ctx: &ReportContext) -> Vec<Value> {
    ctx.exhibits
        .iter()
        .map(|e| {
            // A conversation's: its original export (with how it was read)
            // or a file sent in it.
            let chat = e
                .conversation
                .as_deref()
                .and_then(|id| id.parse().ok())
                .and_then(|id| ctx.state.chat(id));
            let from_chat = match chat {
                Some(c)
                    if crate::model::exhibit::parse_label(&e.label)
                        == Some(c.import.source.original) =>
                {
                    transcript::provenance(c)
                }
                Some(c) => format!("Sent in \"{}\".", c.import.title),
                None => String::new(),
            };
            json!({
                "label": e.label,
                "incident": e.incident,
                "conversation": from_chat,
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
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use crate::model::Incident;

    #[test]
    fn summary_prefers_the_title_and_shortens() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let mut i = Incident::new(at, "x".repeat(200));
        assert_eq!(i.summary(90).chars().count(), 90);
        i.title = "Waited outside work".into();
        assert_eq!(i.summary(90), "Waited outside work");
    }
}
