//! Human-readable output.

use chrono::{DateTime, FixedOffset, Utc};
use incident_diary::model::{Incident, TimePrecision};
use incident_diary::state::{IncidentRecord, State};
use serde_json::Value;

/// A time as local time with offset, and UTC.
pub fn time(t: DateTime<FixedOffset>) -> String {
    format!(
        "{} (UTC {})",
        t.format("%Y-%m-%d %H:%M:%S %:z"),
        t.with_timezone(&Utc).format("%Y-%m-%d %H:%M:%S")
    )
}

fn occurred(inc: &Incident) -> String {
    let when = match inc.time_precision {
        TimePrecision::DateOnly => format!("{} (date only)", inc.occurred_at.format("%Y-%m-%d")),
        TimePrecision::Approximate => {
            format!("about {}", inc.occurred_at.format("%Y-%m-%d %H:%M %:z"))
        }
        TimePrecision::Exact => inc.occurred_at.format("%Y-%m-%d %H:%M %:z").to_string(),
    };
    match inc.occurred_until {
        Some(until) => format!("{when} until {}", until.format("%Y-%m-%d %H:%M %:z")),
        None => when,
    }
}

/// The chronology table.
pub fn table(records: &[&IncidentRecord]) {
    if records.is_empty() {
        say!("No incidents.");
        return;
    }
    say!(
        "{:>5}  {:<23}  {:<28}  Summary",
        "No.",
        "Occurred",
        "Behaviours"
    );
    for rec in records {
        let inc = rec.current();
        let behaviours: Vec<&str> = inc.behaviours.iter().map(|b| b.as_str()).collect();
        let mut line = inc.summary(60);
        if rec.withdrawn.is_some() {
            line = format!("[withdrawn] {line}");
        } else if rec.amendments() > 0 {
            line = format!("[amended] {line}");
        }
        say!(
            "{:>5}  {:<23}  {:<28}  {line}",
            rec.number,
            inc.occurred_at.format("%Y-%m-%d %H:%M %:z").to_string(),
            behaviours.join(",")
        );
    }
    say!("{} incident(s).", records.len());
}

/// Every field of one version that has a value.
fn fields(inc: &Incident, state: &State) {
    say!("  Occurred:    {}", occurred(inc));
    for (label, value) in field_lines(inc, state) {
        if !value.is_empty() {
            say!("  {:<12} {value}", format!("{label}:"));
        }
    }
    if !inc.narrative.is_empty() {
        say!("  Narrative:");
        for line in inc.narrative.lines() {
            say!("    {line}");
        }
    }
}

/// `a; b; c`.
fn joined<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    items.iter().map(show).collect::<Vec<_>>().join("; ")
}

/// Every field but the time and the narrative, as (label, text).
fn field_lines(inc: &Incident, state: &State) -> Vec<(&'static str, String)> {
    let person = |id: &incident_diary::model::Id| match state.person(*id) {
        Some(p) => format!("{} ({id})", p.value.name),
        None => id.to_string(),
    };
    let breach = inc.breach.as_ref().map(|b| {
        let order = b.order.map(|o| o.to_string()).unwrap_or_default();
        format!("{order} {}", b.condition).trim().to_string()
    });
    vec![
        ("Title", inc.title.clone()),
        ("Location", inc.location.clone()),
        ("Behaviours", joined(&inc.behaviours, |b| b.label().into())),
        ("Channels", joined(&inc.channels, |c| c.label().into())),
        ("Perpetrators", joined(&inc.perpetrators, person)),
        ("Witnesses", joined(&inc.witnesses, person)),
        ("Seen", inc.identifiers_seen.join("; ")),
        ("Present", inc.people_present.join("; ")),
        ("Children", yes_no(inc.children_present)),
        ("Feared violence", yes_no(inc.fear_of_violence)),
        (
            "Severity",
            inc.severity
                .map(|s| format!("{s} of 3"))
                .unwrap_or_default(),
        ),
        ("Impact", inc.impact.clone()),
        ("What I did", inc.response.clone()),
        ("Evidence kept", inc.preserved.clone()),
        (
            "Police",
            inc.police.as_ref().map(police).unwrap_or_default(),
        ),
        ("Other reports", inc.other_reports.clone()),
        ("Breach", breach.unwrap_or_default()),
        ("Tags", inc.tags.join(", ")),
        (
            "Officer pack",
            if inc.exclude_from_officer_pack {
                "left out (still counted)".into()
            } else {
                String::new()
            },
        ),
    ]
}

fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

fn police(p: &incident_diary::model::PoliceReport) -> String {
    let mut parts = vec![if p.reported {
        "reported".to_string()
    } else {
        "not reported".to_string()
    }];
    for (label, value) in [
        ("force", &p.force),
        ("ref", &p.reference),
        ("officer", &p.officer),
        ("outcome", &p.outcome),
    ] {
        if !value.is_empty() {
            parts.push(format!("{label} {value}"));
        }
    }
    if let Some(date) = p.date {
        parts.push(format!("on {date}"));
    }
    parts.join(", ")
}

/// One incident, with its whole history when asked.
pub fn incident(rec: &IncidentRecord, state: &State, history: bool) {
    say!("Incident {}  (id {})", rec.number, rec.id);
    say!("  Recorded:    {}", time(rec.recorded_at()));
    if let Some(w) = &rec.withdrawn {
        say!("  WITHDRAWN:   {} — {}", time(w.recorded_at), w.reason);
    }
    if !history {
        fields(rec.current(), state);
        if rec.amendments() > 0 {
            say!(
                "  (amended {} time(s); --history shows the original and every amendment)",
                rec.amendments()
            );
        }
        return;
    }
    say!();
    say!("Original, recorded {}:", time(rec.versions[0].recorded_at));
    fields(&rec.versions[0].incident, state);
    for (i, pair) in rec.versions.windows(2).enumerate() {
        let (before, after) = (&pair[0], &pair[1]);
        say!();
        say!("Amendment {}, recorded {}", i + 1, time(after.recorded_at));
        say!("  Reason:      {}", after.reason.as_deref().unwrap_or(""));
        say!(
            "  Changed:     {}",
            changed_fields(&before.incident, &after.incident).join(", ")
        );
        fields(&after.incident, state);
    }
}

/// Names of the fields that differ between two versions.
pub fn changed_fields(before: &Incident, after: &Incident) -> Vec<String> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    b.iter()
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}
