//! `attach`, `exhibits`, `extract`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use incident_diary::Diary;
use incident_diary::model::exhibit::parse_label;
use incident_diary::model::{FileClaims, Id};
use incident_diary::state::ExhibitRecord;
use serde::Serialize;

use super::output::print_json;
use super::{Session, usage};

pub fn attach(
    session: &mut Session,
    incident: &str,
    files: &[PathBuf],
    description: &str,
) -> Result<()> {
    let mut diary = session.unlock()?;
    let rec = diary.find_incident(incident)?;
    let (id, number) = (rec.id, rec.number);
    for file in files {
        let added = diary
            .attach(id, file, description)
            .with_context(|| format!("could not attach {}", file.display()))?;
        let exhibit = &diary
            .state()
            .exhibit(added.number)
            .expect("just added")
            .exhibit;
        say!(
            "added exhibit {} to incident {number}: {} ({}, {} bytes, sha256 {})",
            diary.exhibit_label(added.number),
            exhibit.original_name,
            exhibit.media_type,
            exhibit.size,
            hex::encode(exhibit.sha256)
        );
    }
    Ok(())
}

/// An exhibit in `exhibits --json` (never its key).
#[derive(Serialize)]
struct ExhibitOut<'a> {
    label: String,
    number: u32,
    id: Id,
    incident: Id,
    incident_number: Option<u32>,
    /// The conversation, for the original of an imported chat and its media
    /// (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<u32>,
    original_name: &'a str,
    size: u64,
    media_type: &'a str,
    sha256: String,
    description: &'a str,
    added_at: DateTime<FixedOffset>,
    claims: &'a FileClaims,
    deleted: Option<Deleted<'a>>,
}

#[derive(Serialize)]
struct Deleted<'a> {
    recorded_at: DateTime<FixedOffset>,
    reason: &'a str,
}

fn out<'a>(diary: &Diary, rec: &'a ExhibitRecord) -> ExhibitOut<'a> {
    let e = &rec.exhibit;
    ExhibitOut {
        label: diary.exhibit_label(e.number),
        number: e.number,
        id: rec.id,
        incident: e.incident,
        incident_number: diary.state().incident(e.incident).map(|i| i.number),
        conversation: diary.state().chat(e.incident).map(|c| c.number),
        original_name: &e.original_name,
        size: e.size,
        media_type: &e.media_type,
        sha256: hex::encode(e.sha256),
        description: &e.description,
        added_at: rec.recorded_at,
        claims: &e.claims,
        deleted: rec.deleted.as_ref().map(|d| Deleted {
            recorded_at: d.recorded_at,
            reason: &d.reason,
        }),
    }
}

pub fn list(session: &mut Session, json: bool) -> Result<()> {
    let diary = session.unlock()?;
    let rows: Vec<ExhibitOut> = diary
        .state()
        .exhibits()
        .iter()
        .map(|r| out(&diary, r))
        .collect();
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        say!("No exhibits.");
        return Ok(());
    }
    for r in &rows {
        let incident = match (r.incident_number, r.conversation) {
            (Some(n), _) => format!("incident {n}"),
            (None, Some(c)) => format!("chat {c}"),
            _ => String::new(),
        };
        let captured = match (&r.claims.captured_at, &r.claims.captured_offset) {
            (Some(t), Some(o)) => format!("  captured {t} {o} (per the file)"),
            (Some(t), None) => format!("  captured {t} (per the file)"),
            _ => String::new(),
        };
        let deleted = r
            .deleted
            .as_ref()
            .map(|d| format!("  [deleted: {}]", d.reason))
            .unwrap_or_default();
        say!(
            "{:<8} {incident:<12} {}  {}  {} bytes{captured}{deleted}",
            r.label,
            r.original_name,
            r.media_type,
            r.size
        );
        say!("         sha256 {}", r.sha256);
    }
    Ok(())
}

pub fn extract(session: &mut Session, label: &str, path: &Path, force: bool) -> Result<()> {
    let number = parse_label(label).ok_or_else(|| {
        usage(format!(
            "exhibit: `{label}` is not an exhibit number like JS/3"
        ))
    })?;
    if path.exists() && !force {
        return Err(usage(format!(
            "{} already exists (use --force to replace it)",
            path.display()
        )));
    }
    let diary = session.unlock()?;
    let rec = diary.find_exhibit(label)?;
    let (name, size, sha) = (
        rec.exhibit.original_name.clone(),
        rec.exhibit.size,
        hex::encode(rec.exhibit.sha256),
    );
    diary
        .extract(number, path, force)
        .with_context(|| format!("could not extract {}", diary.exhibit_label(number)))?;
    say!(
        "wrote {} ({name}, {size} bytes, sha256 {sha} verified) to {}",
        diary.exhibit_label(number),
        path.display()
    );
    Ok(())
}

pub fn delete(session: &mut Session, label: &str, reason: &str) -> Result<()> {
    let number = parse_label(label).ok_or_else(|| {
        usage(format!(
            "exhibit: `{label}` is not an exhibit number like JS/3"
        ))
    })?;
    let mut diary = session.unlock()?;
    diary.find_exhibit(label)?;
    diary
        .delete_exhibit(number, reason)
        .context("could not delete the exhibit")?;
    say!(
        "deleted the file of exhibit {}; its record and the reason stay in the diary",
        diary.exhibit_label(number)
    );
    Ok(())
}
