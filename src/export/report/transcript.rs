//! Imported messages in the report: an entry's quoted messages as a
//! transcript (sender, time in the zone the import assumed, text, the
//! exhibit of a file), the provenance of each conversation's original
//! export in the register, and on page 1 the messages from perpetrators
//! week by week beside the incidents.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{Value, json};

use super::words::{day, local_time};
use crate::model::{Incident, MessageKind, Role};
use crate::state::{ChatRecord, State};

/// An entry's quoted messages, conversation by conversation.
pub(super) fn quoted(state: &State, incident: &Incident) -> Vec<Value> {
    let prefix = &state.case().exhibit_prefix;
    incident
        .messages
        .iter()
        .filter_map(|r| {
            let chat = state.chat(r.chat)?;
            let lines: Vec<Value> = r
                .messages
                .iter()
                .filter_map(|&n| {
                    let m = chat.import.messages.get((n as usize).checked_sub(1)?)?;
                    let note = match m.kind {
                        MessageKind::Deleted => "deleted",
                        MessageKind::MediaOmitted => "file left out of the export",
                        MessageKind::System => "the app's own line",
                        MessageKind::Text => "",
                    };
                    Some(json!({
                        "number": n,
                        "sender": m.who().map_or_else(|| "(the app)".into(), |w| w.into_owned()),
                        "when": local_time(m.sent_at),
                        "text": m.text,
                        "note": note,
                        "line": m.line.map(|l| format!("line {l}")).unwrap_or_default(),
                        "file": match (m.exhibit, &m.attachment) {
                            (Some(e), Some(name)) => format!("{name}: exhibit {}", crate::model::exhibit::label(prefix, e)),
                            (None, Some(name)) => format!("{name} (not in the export)"),
                            _ => String::new(),
                        },
                    }))
                })
                .collect();
            Some(json!({
                "title": chat.import.title,
                "original": crate::model::exhibit::label(prefix, chat.import.source.original),
                "zone": chat.import.source.zone,
                "zone_given": chat.import.source.zone_given,
                "messages": lines,
            }))
        })
        .collect()
}

/// How a conversation's original export was read, for the register.
pub(super) fn provenance(chat: &ChatRecord) -> String {
    let s = &chat.import.source;
    let mut parts = vec![
        format!(
            "The export of \"{}\", imported {}: read as {} ({}) by {}",
            chat.import.title,
            local_time(chat.recorded_at),
            s.format,
            s.variant,
            s.parser
        ),
        format!(
            "times read in {} ({})",
            s.zone,
            if s.zone_given {
                "as the victim gave it"
            } else {
                "the zone of the device that imported it"
            }
        ),
    ];
    if let Some(order) = &s.date_order {
        parts.push(format!(
            "dates read {} ({})",
            if order == "mdy" {
                "month first"
            } else {
                "day first"
            },
            if s.date_order_given {
                "as the victim gave it"
            } else {
                "worked out from the file"
            }
        ));
    }
    parts.push(format!(
        "{} messages; {} line{} of the file not part of any message (flagged)",
        chat.import.messages.len(),
        chat.import.flagged.len(),
        if chat.import.flagged.len() == 1 {
            ""
        } else {
            "s"
        }
    ));
    if !s.note.is_empty() {
        parts.push(format!("the victim says of it: {}", s.note));
    }
    if let Some(cut) = &s.looks_cut {
        parts.push(cut.clone());
    }
    format!("{}.", parts.join("; "))
}

/// Messages sent by people the victim linked to perpetrators, per week
/// (weeks starting on Monday, as the incident chart's), for the weeks
/// `weeks` of the chart.
pub(super) fn perpetrator_weeks(state: &State, weeks: &[NaiveDate]) -> Vec<usize> {
    let (Some(&first), Some(&last)) = (weeks.first(), weeks.last()) else {
        return Vec::new();
    };
    let mut counts: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for chat in state.chats() {
        let perpetrators: Vec<&str> = chat
            .senders
            .iter()
            .filter(|(_, p)| {
                state
                    .person(*p)
                    .is_some_and(|p| p.value.role == Role::Perpetrator)
            })
            .map(|(s, _)| s.as_str())
            .collect();
        if perpetrators.is_empty() {
            continue;
        }
        for m in &chat.import.messages {
            if m.kind == MessageKind::System
                || !m.who().is_some_and(|s| perpetrators.contains(&s.as_ref()))
            {
                continue;
            }
            let date = m.sent_at.date_naive();
            let monday = date - Duration::days(date.weekday().num_days_from_monday().into());
            if monday >= first && monday <= last {
                *counts.entry(monday).or_default() += 1;
            }
        }
    }
    weeks
        .iter()
        .map(|w| counts.get(w).copied().unwrap_or(0))
        .collect()
}

/// The chart's weeks as the report writes them, parsed back.
pub(super) fn week_starts(weeks: &[crate::pattern::Week]) -> Vec<NaiveDate> {
    weeks.iter().map(|w| w.start).collect()
}

/// Page 1's line under the chart: messages from perpetrators.
pub(super) fn messages_line(weeks: &[NaiveDate], counts: &[usize]) -> Value {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Value::Null;
    }
    let peak = counts.iter().copied().max().unwrap_or(0);
    let busiest = weeks
        .iter()
        .zip(counts)
        .find(|(_, c)| **c == peak)
        .map(|(w, _)| day(*w))
        .unwrap_or_default();
    json!({
        "total": total,
        "peak": peak,
        "busiest": busiest,
        "counts": counts,
    })
}
