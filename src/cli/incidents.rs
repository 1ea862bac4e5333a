//! `add`, `list`, `search`, `show`, `amend`, `withdraw`.

use anyhow::{Context, Result};
use incident_diary::model::Incident;
use incident_diary::query::Filter;
use incident_diary::{Clock, SystemClock};
use serde_json::{Value, json};

use super::args::{FilterArgs, IncidentFlags};
use super::input::{
    incident_patch, merge, parse_behaviours, parse_date, parse_person, read_json, typed,
};
use super::output::{IncidentOut, print_json};
use super::{Session, print, usage};

/// Builds the incident from `--json` and flags over `base`.
pub(super) fn build(
    base: Value,
    json_source: Option<String>,
    flags: IncidentFlags,
) -> Result<Incident> {
    let mut value = base;
    if let Some(source) = json_source {
        let patch = read_json(&source)?;
        if !patch.is_object() {
            return Err(usage(format!(
                "{source}: expected one JSON object (an incident)"
            )));
        }
        merge(&mut value, patch);
    }
    merge(
        &mut value,
        Value::Object(incident_patch(flags, SystemClock.now())?),
    );
    typed(value)
}

pub fn add(session: &mut Session, json_source: Option<String>, flags: IncidentFlags) -> Result<()> {
    if json_source.is_none()
        && flags.narrative.is_none()
        && flags.title.is_none()
        && flags.behaviours.is_empty()
    {
        return Err(usage(
            "say what happened: --json FILE, or --narrative/--title/--behaviour (see diary add --help)",
        ));
    }
    let mut base = json!({});
    if json_source.is_none() && flags.occurred.is_none() {
        base["occurred_at"] = json!(SystemClock.now().to_rfc3339());
    }
    // Parse before unlocking: bad input is reported without asking for the passphrase twice.
    let incident = build(base, json_source, flags)?;
    incident.validate()?;
    let mut diary = session.unlock()?;
    let added = diary
        .add_incident(incident)
        .context("could not record the incident")?;
    say!("added incident {} (id {})", added.number, added.id);
    Ok(())
}

fn filter_from(args: FilterArgs, text: Option<String>) -> Result<Filter> {
    let behaviours = parse_behaviours(&args.behaviours)?;
    Ok(Filter {
        from: args
            .from
            .as_deref()
            .map(|d| parse_date("from", d))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_date("to", d))
            .transpose()?,
        behaviours,
        person: parse_person(args.person.as_deref())?,
        text,
        exclude_withdrawn: args.exclude_withdrawn,
    })
}

pub fn list(
    session: &mut Session,
    args: FilterArgs,
    text: Option<String>,
    json: bool,
) -> Result<()> {
    let filter = filter_from(args, text)?;
    let diary = session.unlock()?;
    let hits = filter.apply(diary.state());
    if json {
        let out: Vec<IncidentOut> = hits.iter().map(|r| IncidentOut::new(r, false)).collect();
        print_json(&out)
    } else {
        print::table(&hits);
        Ok(())
    }
}

pub fn show(session: &mut Session, key: &str, json: bool, history: bool) -> Result<()> {
    let diary = session.unlock()?;
    let rec = diary.find_incident(key)?;
    if json {
        print_json(&IncidentOut::new(rec, history))
    } else {
        print::incident(rec, diary.state(), history);
        Ok(())
    }
}

pub fn amend(
    session: &mut Session,
    key: &str,
    json_source: Option<String>,
    reason: &str,
    flags: IncidentFlags,
) -> Result<()> {
    let mut diary = session.unlock()?;
    let rec = diary.find_incident(key)?;
    let (id, number) = (rec.id, rec.number);
    let current = serde_json::to_value(rec.current())?;
    let incident = build(current, json_source, flags)?;
    diary
        .amend_incident(id, incident, reason)
        .context("could not amend the incident")?;
    say!("amended incident {number} (id {id})");
    Ok(())
}

pub fn withdraw(session: &mut Session, key: &str, reason: &str) -> Result<()> {
    let mut diary = session.unlock()?;
    let rec = diary.find_incident(key)?;
    let (id, number) = (rec.id, rec.number);
    diary
        .withdraw_incident(id, reason)
        .context("could not withdraw the incident")?;
    say!("withdrew incident {number} (id {id}); it stays in the record, marked withdrawn");
    Ok(())
}
