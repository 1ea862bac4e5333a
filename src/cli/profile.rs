//! `case` and `risk`, and the flag-over-JSON input the case commands share
//! (`person` and `order` are in `people.rs`).

use anyhow::{Context, Result};
use incident_diary::model::{Answer, CaseProfile, RiskAnswer, RiskCheck, RiskQuestion};
use incident_diary::{Clock, SystemClock};
use serde_json::{Map, Value, json};

use super::args::{CaseCommand, RiskCommand};
use super::input::{merge, parse_date, read_json, typed};
use super::output::{print_json, risk_json};
use super::{Session, usage};

/// Reads `--json` (if any) and merges the flag values over it.
pub(super) fn from_json_and_flags(
    json_source: Option<String>,
    flags: Map<String, Value>,
) -> Result<Value> {
    let mut value = match json_source {
        Some(source) => read_json(&source)?,
        None => json!({}),
    };
    merge(&mut value, Value::Object(flags));
    Ok(value)
}

pub(super) fn put(map: &mut Map<String, Value>, key: &str, value: Option<String>) {
    if let Some(v) = value {
        map.insert(key.into(), json!(v));
    }
}

pub(super) fn put_list(map: &mut Map<String, Value>, key: &str, values: Vec<String>) {
    if !values.is_empty() {
        map.insert(key.into(), json!(values));
    }
}

pub fn case(session: &mut Session, cmd: CaseCommand) -> Result<()> {
    match cmd {
        CaseCommand::Show { json } => {
            let diary = session.unlock()?;
            let case = diary.state().case();
            if json {
                return print_json(case);
            }
            say!("Name:             {}", case.victim_name);
            say!("Exhibit prefix:   {}", case.exhibit_prefix);
            say!("Police force:     {}", case.police_force);
            say!("Officer:          {}", case.officer);
            say!("Crime references: {}", case.crime_references.join(", "));
        }
        CaseCommand::Set {
            json,
            victim_name,
            exhibit_prefix,
            police_force,
            officer,
            crime_references,
        } => {
            let mut flags = Map::new();
            put(&mut flags, "victim_name", victim_name);
            put(&mut flags, "exhibit_prefix", exhibit_prefix);
            put(&mut flags, "police_force", police_force);
            put(&mut flags, "officer", officer);
            put_list(&mut flags, "crime_references", crime_references);
            let patch = from_json_and_flags(json, flags)?;
            if !patch.is_object() {
                return Err(usage("case: expected one JSON object"));
            }
            let mut diary = session.unlock()?;
            let mut value = serde_json::to_value(diary.state().case())?;
            merge(&mut value, patch);
            let case: CaseProfile = typed(value)?;
            diary
                .set_case(case)
                .context("could not save the case details")?;
            say!("case details saved");
        }
    }
    Ok(())
}

/// Splits `QUESTION=VALUE`, checking the question name.
fn question_pair<'a>(field: &str, text: &'a str) -> Result<(RiskQuestion, &'a str)> {
    let (q, value) = text
        .split_once('=')
        .ok_or_else(|| usage(format!("{field}: use QUESTION=VALUE")))?;
    let question = RiskQuestion::parse(q.trim()).ok_or_else(|| {
        usage(format!(
            "{field}: unknown question `{q}` (see diary risk questions)"
        ))
    })?;
    Ok((question, value))
}

pub fn risk(session: &mut Session, cmd: RiskCommand) -> Result<()> {
    match cmd {
        RiskCommand::Questions => {
            for q in RiskQuestion::ALL {
                say!("{:>2}. {:<28} {}", q.number(), q.as_str(), q.text());
            }
        }
        RiskCommand::Add {
            json,
            date,
            answers,
            notes,
            completed_with,
        } => {
            let value = risk_value(json, date, answers, notes, completed_with)?;
            let check: RiskCheck = typed(value)?;
            check.validate()?;
            let mut diary = session.unlock()?;
            let id = diary
                .add_risk_check(check)
                .context("could not record the risk check")?;
            say!("added risk check {id}");
        }
        RiskCommand::List { json } => {
            let diary = session.unlock()?;
            let checks = diary.state().risk_checks();
            if json {
                return print_json(&checks.iter().map(risk_json).collect::<Vec<_>>());
            }
            if checks.is_empty() {
                say!("No risk checks recorded.");
            }
            for c in checks {
                say!("Risk check of {} (id {})", c.value.date, c.id);
                for q in RiskQuestion::ALL {
                    let a = c.value.answer(q);
                    let note = if a.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", a.note)
                    };
                    say!(
                        "  {:>2}. {:<7} {}{note}",
                        q.number(),
                        a.answer.as_str(),
                        q.text()
                    );
                }
            }
        }
    }
    Ok(())
}

/// The risk check given as JSON and flags, as one JSON value: answers
/// given as `QUESTION=yes`, notes as `QUESTION=TEXT`, today by default.
fn risk_value(
    json: Option<String>,
    date: Option<String>,
    answers: Vec<String>,
    notes: Vec<String>,
    completed_with: Option<String>,
) -> Result<Value> {
    let mut flags = Map::new();
    if let Some(d) = date {
        flags.insert("date".into(), json!(parse_date("date", &d)?));
    }
    put(&mut flags, "completed_with", completed_with);
    let mut given = Map::new();
    for text in &answers {
        let (q, a) = question_pair("answer", text)?;
        let answer: Answer = typed(json!(a.trim()))?;
        given.insert(
            q.as_str().into(),
            json!(RiskAnswer {
                answer,
                note: String::new()
            }),
        );
    }
    for text in &notes {
        let (q, note) = question_pair("note", text)?;
        let entry = given
            .entry(q.as_str())
            .or_insert_with(|| json!({"answer": "unknown"}));
        entry["note"] = json!(note);
    }
    if !given.is_empty() {
        flags.insert("answers".into(), Value::Object(given));
    }
    let mut value = from_json_and_flags(json, flags)?;
    if value.is_object() && value.get("date").is_none() {
        value["date"] = json!(SystemClock.now().date_naive());
    }
    Ok(value)
}
