//! `export` and `verify`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use incident_diary::export::verify::{OpenError, verify_bundle};
use incident_diary::export::{ExportOptions, Only, Pack, Progress};
use serde::Serialize;

use super::args::ExportOnlyArgs;
use super::input::{parse_behaviours, parse_person};
use super::output::print_json;
use super::{Session, usage};

fn day(flag: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            usage(format!(
                "--{flag} must be a date like 2026-03-14, not {t:?}"
            ))
        })
    })
    .transpose()
}

/// Draws a one-line progress bar on standard error when it is a terminal.
fn progress_bar() -> impl FnMut(Progress) {
    let tty = std::io::stderr().is_terminal();
    move |p| {
        if !tty {
            return;
        }
        let (what, done, total) = match p {
            Progress::Exhibits { done, total } => ("copying exhibits", done, total),
            Progress::Entries { done, total } => ("preparing entries", done, total),
            Progress::Report => ("typesetting the report", 1, 1),
            Progress::Signing => ("signing", 1, 1),
        };
        let filled = (done * 20).checked_div(total).unwrap_or(20);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {what} {done}/{total}\x1b[K",
            "#".repeat(filled),
            "-".repeat(20 - filled)
        );
        if matches!(p, Progress::Signing) {
            let _ = writeln!(err);
        }
    }
}

#[derive(Serialize)]
struct ExportOut<'a> {
    path: String,
    incidents: usize,
    exhibits: usize,
    left_out: usize,
    fingerprint: &'a str,
    manifest_sha256: &'a str,
    chain_head: &'a str,
}

/// The `--behaviour`, `--person` and `--search` of an export.
fn only(args: ExportOnlyArgs) -> Result<Only> {
    Ok(Only {
        behaviours: parse_behaviours(&args.behaviours)?,
        person: parse_person(args.person.as_deref())?,
        text: args.search.filter(|t| !t.trim().is_empty()),
    })
}

pub fn export(
    session: &mut Session,
    out: &Path,
    pack: &str,
    (from, to): (Option<&str>, Option<&str>),
    only_args: ExportOnlyArgs,
    json: bool,
) -> Result<()> {
    let options = ExportOptions {
        pack: if pack == "full" {
            Pack::Full
        } else {
            Pack::Officer
        },
        from: day("from", from)?,
        to: day("to", to)?,
        only: only(only_args)?,
    };
    let diary = session.unlock()?;
    let summary = diary
        .export(out, &options, &mut progress_bar())
        .context("could not export")?;
    let c = &summary.counts;
    let left_out = c.left_out();
    if json {
        return print_json(&ExportOut {
            path: summary.path.display().to_string(),
            incidents: c.incidents,
            exhibits: c.exhibits,
            left_out,
            fingerprint: &summary.fingerprint,
            manifest_sha256: &summary.manifest_sha256,
            chain_head: &summary.chain_head,
        });
    }
    say!("exported to {}", summary.path.display());
    say!(
        "incidents: {} of {} ({left_out} left out, counted in the report)",
        c.incidents,
        c.incidents_in_diary
    );
    say!("exhibits: {}", c.exhibits);
    say!("signing key fingerprint: {}", summary.fingerprint);
    say!("give the officer this fingerprint separately, so they can check the signature");
    Ok(())
}

pub fn verify(path: &Path) -> Result<()> {
    let report = verify_bundle(path).map_err(|e| match e {
        OpenError::NotFound(p) => incident_diary::Error::NotFound {
            what: "bundle",
            key: p.display().to_string(),
        },
        OpenError::Unreadable(why) => incident_diary::Error::Damaged(why),
    })?;
    for layer in &report.layers {
        // One line per layer, whatever a crafted bundle put in the detail.
        say!(
            "{} {:<9} {}",
            if layer.ok { "PASS" } else { "FAIL" },
            layer.name,
            incident_diary::visible::line(&layer.detail)
        );
    }
    if report.ok() {
        say!("PASS: the bundle is intact and signed by the diary key shown above");
        Ok(())
    } else {
        Err(incident_diary::Error::Damaged(
            "the bundle failed verification: it was altered or damaged after export".into(),
        )
        .into())
    }
}
