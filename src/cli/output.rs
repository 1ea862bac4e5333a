//! The stable `--json` output shapes (documented in the README).
//!
//! System fields (`id`, `number`, `recorded_at`...) sit beside the incident's
//! own fields; the incident fields are exactly the input vocabulary, so an
//! object from `show --json` minus the system fields is valid `add` input.

use chrono::{DateTime, FixedOffset};
use incident_diary::model::{Id, Incident, RiskQuestion};
use incident_diary::state::{Entry, IncidentRecord};
use serde::Serialize;
use serde_json::{Value, json};

/// An incident in `list`, `search` and `show` output.
#[derive(Serialize)]
pub struct IncidentOut<'a> {
    id: Id,
    number: u32,
    recorded_at: DateTime<FixedOffset>,
    amendments: usize,
    last_amended_at: Option<DateTime<FixedOffset>>,
    withdrawn: Option<WithdrawnOut<'a>>,
    #[serde(flatten)]
    incident: &'a Incident,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<VersionOut<'a>>>,
}

#[derive(Serialize)]
struct WithdrawnOut<'a> {
    recorded_at: DateTime<FixedOffset>,
    reason: &'a str,
}

#[derive(Serialize)]
struct VersionOut<'a> {
    version: usize,
    recorded_at: DateTime<FixedOffset>,
    reason: Option<&'a str>,
    incident: &'a Incident,
}

impl<'a> IncidentOut<'a> {
    /// Builds the output object; `history` adds every version.
    pub fn new(rec: &'a IncidentRecord, history: bool) -> Self {
        IncidentOut {
            id: rec.id,
            number: rec.number,
            recorded_at: rec.recorded_at(),
            amendments: rec.amendments(),
            last_amended_at: (rec.amendments() > 0)
                .then(|| rec.versions.last().expect("versions").recorded_at),
            withdrawn: rec.withdrawn.as_ref().map(|w| WithdrawnOut {
                recorded_at: w.recorded_at,
                reason: &w.reason,
            }),
            incident: rec.current(),
            history: history.then(|| {
                rec.versions
                    .iter()
                    .enumerate()
                    .map(|(i, v)| VersionOut {
                        version: i + 1,
                        recorded_at: v.recorded_at,
                        reason: v.reason.as_deref(),
                        incident: &v.incident,
                    })
                    .collect()
            }),
        }
    }
}

/// A person, order or risk check with its id and recording time, and
/// `history` (each correction with the version it replaced) once amended.
pub fn entry_json<T: Serialize>(entry: &Entry<T>) -> Value {
    let mut value = json!({"id": entry.id, "recorded_at": entry.recorded_at});
    if let (Value::Object(out), Ok(Value::Object(fields))) =
        (&mut value, serde_json::to_value(&entry.value))
    {
        out.extend(fields);
    }
    if !entry.amendments.is_empty() {
        value["history"] = entry
            .amendments
            .iter()
            .map(|a| json!({"recorded_at": a.recorded_at, "reason": a.reason, "replaced": a.replaced}))
            .collect();
    }
    value
}

/// A risk check with all 11 answers spelled out (unknown where not given).
pub fn risk_json(entry: &Entry<incident_diary::model::RiskCheck>) -> Value {
    let mut value = entry_json(entry);
    let answers: serde_json::Map<String, Value> = RiskQuestion::ALL
        .iter()
        .map(|q| {
            (
                q.as_str().to_string(),
                serde_json::to_value(entry.value.answer(*q)).expect("plain data"),
            )
        })
        .collect();
    value["answers"] = Value::Object(answers);
    value
}

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // Escaped as JSON, not as `say!` escapes: still valid JSON, and an
    // emoji's zero-width joiner reads back as itself.
    let text = serde_json::to_string_pretty(value)?;
    println!("{}", incident_diary::visible::json(&text));
    Ok(())
}
