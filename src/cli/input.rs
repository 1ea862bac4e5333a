//! Turning JSON files and flags into domain values, with field-named errors.
//!
//! Flags are converted into a JSON object and merged (RFC 7386 merge patch)
//! over a base: `{}` for `add`, the current version for `amend`. So flags,
//! files and amendments all pass the same typed deserialisation and the same
//! validation, and every error names its field.

use std::io::Read;

use anyhow::Result;
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::args::IncidentFlags;
use super::usage;

/// Largest JSON input accepted.
const MAX_JSON: u64 = 16 * 1024 * 1024;

/// Reads and parses a JSON document from `source` (`-` = standard input).
pub fn read_json(source: &str) -> Result<Value> {
    let mut text = Vec::new();
    let read = if source == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_JSON + 1)
            .read_to_end(&mut text)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(MAX_JSON + 1).read_to_end(&mut text))
    };
    read.map_err(|e| usage(format!("cannot read {source}: {e}")))?;
    if text.len() as u64 > MAX_JSON {
        return Err(usage(format!("{source} is larger than 16 MiB")));
    }
    serde_json::from_slice(&text).map_err(|e| usage(format!("{source} is not valid JSON: {e}")))
}

/// Deserialises with the path of the first bad field in the message.
pub fn typed<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        if path == "." {
            usage(inner)
        } else {
            usage(format!("{path}: {inner}"))
        }
    })
}

pub use incident_diary::merge_patch::merge;

/// Parses a time given on the command line: RFC 3339, `YYYY-MM-DD HH:MM[:SS]`
/// or `YYYY-MM-DDTHH:MM` in local time, `YYYY-MM-DD` (midnight, local), `now`.
/// Returns the time and whether only a date was given.
pub fn parse_time(
    field: &str,
    text: &str,
    now: DateTime<FixedOffset>,
) -> Result<(DateTime<FixedOffset>, bool)> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok((now, false));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok((t, false));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok((local(field, naive)?, false));
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok((
            local(field, day.and_hms_opt(0, 0, 0).expect("midnight exists"))?,
            true,
        ));
    }
    Err(usage(format!(
        "{field}: not a date or time (use 2026-03-14 18:30, 2026-03-14 or RFC 3339)"
    )))
}

fn local(field: &str, naive: NaiveDateTime) -> Result<DateTime<FixedOffset>> {
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| {
            usage(format!(
                "{field}: that local time does not exist (clocks changed)"
            ))
        })
}

/// Parses a calendar date.
/// `--behaviour` values as behaviours, refusing an unknown name.
pub fn parse_behaviours(names: &[String]) -> Result<Vec<incident_diary::model::Behaviour>> {
    names
        .iter()
        .map(|b| {
            incident_diary::model::Behaviour::parse(b.trim())
                .ok_or_else(|| usage(format!("behaviour: unknown behaviour `{b}`")))
        })
        .collect()
}

/// A `--person` id.
pub fn parse_person(text: Option<&str>) -> Result<Option<incident_diary::model::Id>> {
    text.map(|p| {
        p.trim()
            .parse()
            .map_err(|_| usage("person: an id is 32 hexadecimal digits"))
    })
    .transpose()
}

pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| usage(format!("{field}: not a date (use YYYY-MM-DD)")))
}

/// The JSON patch that the incident flags stand for.
pub fn incident_patch(
    flags: IncidentFlags,
    now: DateTime<FixedOffset>,
) -> Result<Map<String, Value>> {
    let mut patch = Map::new();
    if let Some(text) = &flags.occurred {
        let (at, date_only) = parse_time("occurred_at", text, now)?;
        patch.insert("occurred_at".into(), json!(at.to_rfc3339()));
        if date_only {
            patch.insert("time_precision".into(), json!("date_only"));
        }
    }
    if let Some(text) = &flags.until {
        patch.insert(
            "occurred_until".into(),
            json!(parse_time("occurred_until", text, now)?.0.to_rfc3339()),
        );
    }
    let strings = [
        ("time_precision", flags.precision),
        ("title", flags.title),
        ("narrative", flags.narrative),
        ("location", flags.location),
        ("impact", flags.impact),
        ("response", flags.response),
        ("preserved", flags.preserved),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            patch.insert(key.into(), json!(value));
        }
    }
    let lists = [
        ("behaviours", flags.behaviours),
        ("channels", flags.channels),
        ("perpetrators", flags.perpetrators),
        ("witnesses", flags.witnesses),
        ("identifiers_seen", flags.identifiers),
        ("tags", flags.tags),
    ];
    for (key, values) in lists {
        if !values.is_empty() {
            let values: Vec<String> = values.into_iter().map(|v| v.trim().to_string()).collect();
            patch.insert(key.into(), json!(values));
        }
    }
    if let Some(severity) = flags.severity {
        patch.insert("severity".into(), json!(severity));
    }
    if flags.exclude_from_officer_pack {
        patch.insert("exclude_from_officer_pack".into(), json!(true));
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_several_forms() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+00:00").unwrap();
        assert_eq!(parse_time("t", "now", now).unwrap().0, now);
        let (t, date_only) = parse_time("t", "2026-02-01T09:30:00+01:00", now).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-02-01T09:30:00+01:00");
        assert!(!date_only);
        assert!(parse_time("t", "2026-02-01", now).unwrap().1);
        assert!(parse_time("t", "yesterday", now).is_err());
    }
}
