//! Bad input: exit 2, the field named, nothing written.

use crate::util::{Vault, incident_json, snapshot};

#[track_caller]
fn refused(v: &Vault, json: &str, field: &str) {
    let before = snapshot(&v.dir);
    let out = v.run_stdin(&["add", "--json", "-"], json).fails_with(2);
    assert!(
        out.stderr.contains(field),
        "expected {field:?} in: {}",
        out.stderr
    );
    assert_eq!(out.error_lines(), 1, "{}", out.stderr);
    assert_eq!(snapshot(&v.dir), before, "nothing may be written");
}

#[test]
fn malformed_or_invalid_json_names_the_field_and_writes_nothing() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "A real entry"));
    refused(
        &v,
        r#"{"occurred_at": "2026-03-01T10:00:00Z", "narrative": "x""#,
        "not valid JSON",
    );
    refused(&v, "[1, 2]", "expected");
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","mood":"low"}"#,
        "mood",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","behaviours":["following","flying"]}"#,
        "behaviours[1]",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","channels":["telepathy"]}"#,
        "channels[0]",
    );
    refused(
        &v,
        r#"{"occurred_at":"last tuesday","narrative":"x"}"#,
        "occurred_at",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-02-30T10:00:00Z","narrative":"x"}"#,
        "occurred_at",
    );
    refused(&v, r#"{"narrative":"x"}"#, "occurred_at");
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","occurred_until":"2026-03-01T09:00:00Z","narrative":"x"}"#,
        "occurred_until",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","severity":4}"#,
        "severity",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","severity":-1}"#,
        "severity",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","time_precision":"roughly"}"#,
        "time_precision",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","police":{"reported":true,"badge":"1"}}"#,
        "police",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","perpetrators":["not-an-id"]}"#,
        "perpetrators[0]",
    );
    refused(
        &v,
        r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"   "}"#,
        "narrative",
    );
    refused(
        &v,
        r#"{"occurred_at":"2099-03-01T10:00:00Z","narrative":"in the future"}"#,
        "occurred_at",
    );
    assert_eq!(
        v.run(&["list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let v = Vault::new();
    v.run(&["add", "--narrative", "x", "--occurred", "soon"])
        .fails_with(2);
    v.run(&["add", "--narrative", "x", "--behaviour", "flying"])
        .fails_with(2);
    v.run(&["add", "--narrative", "x", "--severity", "9"])
        .fails_with(2);
    v.run(&["add"]).fails_with(2);
    v.run(&["frobnicate"]).fails_with(2);
    v.run(&["list", "--from", "March"]).fails_with(2);
    v.run(&["show", "1"]).fails_with(5);
    v.run(&["show", "zzzz"]).fails_with(5);
    let missing = v
        .run(&["add", "--json", "/no/such/file.json"])
        .fails_with(2);
    assert!(missing.stderr.contains("/no/such/file.json"));
}
