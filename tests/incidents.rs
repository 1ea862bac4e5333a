use crate::util::{Vault, incident_json, parse_added};

#[test]
fn add_list_show_from_json_and_flags() {
    let v = Vault::new();
    let first = v.add_json(
        r#"{"occurred_at":"2026-03-14T18:30:00+00:00","title":"Waiting outside work","narrative":"He stood by the gate for an hour.",
            "location":"Office car park","behaviours":["loitering","watching"],"channels":["in_person"],"severity":2}"#,
    );
    assert_eq!(first, 1);
    let out = v
        .run(&[
            "add",
            "--occurred",
            "2026-03-15T09:00:00+00:00",
            "--narrative",
            "Three missed calls from a withheld number",
            "--behaviour",
            "contact_unwanted",
            "--channel",
            "phone_call",
        ])
        .ok();
    assert_eq!(parse_added(&out.stdout), 2);
    assert!(out.stdout.contains("(id "));

    let list = v.run(&["list", "--json"]).ok().json();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["number"], 1);
    assert_eq!(items[0]["title"], "Waiting outside work");
    assert_eq!(items[0]["behaviours"][1], "watching");
    assert_eq!(items[1]["channels"][0], "phone_call");
    assert_eq!(items[0]["amendments"], 0);
    assert!(items[0]["withdrawn"].is_null());
    assert_eq!(items[0]["id"].as_str().unwrap().len(), 32);

    let human = v.run(&["list"]).ok().stdout;
    assert!(human.contains("Waiting outside work"));
    assert!(human.contains("2 incident(s)"));

    let by_id = v
        .run(&["show", items[1]["id"].as_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(by_id["number"], 2);
    let by_prefix = v
        .run(&["show", &items[1]["id"].as_str().unwrap()[..8]])
        .ok()
        .stdout;
    assert!(by_prefix.contains("Three missed calls"));
}

#[test]
fn amend_keeps_the_original_and_history_shows_every_version() {
    let v = Vault::new();
    v.add_json(&incident_json(
        "2026-03-14T18:30:00+00:00",
        "He was at the gate.",
    ));
    v.run_stdin(
        &[
            "amend",
            "1",
            "--json",
            "-",
            "--reason",
            "remembered the time he left",
        ],
        r#"{"occurred_until":"2026-03-14T19:45:00+00:00"}"#,
    )
    .ok();
    v.run(&[
        "amend",
        "1",
        "--narrative",
        "He was at the gate and shouted my name.",
        "--reason",
        "added what he shouted",
    ])
    .ok();

    let shown = v.run(&["show", "1", "--json", "--history"]).ok().json();
    assert_eq!(shown["amendments"], 2);
    assert_eq!(
        shown["narrative"],
        "He was at the gate and shouted my name."
    );
    assert_eq!(shown["occurred_until"], "2026-03-14T19:45:00Z");
    let history = shown["history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0]["incident"]["narrative"], "He was at the gate.");
    assert!(history[0]["reason"].is_null());
    assert_eq!(history[1]["reason"], "remembered the time he left");
    assert_eq!(history[2]["reason"], "added what he shouted");

    let text = v.run(&["show", "1", "--history"]).ok().stdout;
    assert!(text.contains("Original, recorded"));
    assert!(text.contains("He was at the gate."));
    assert!(text.contains("Amendment 2"));
    assert!(text.contains("Reason:      added what he shouted"));
    assert!(text.contains("Changed:     narrative"));
}

#[test]
fn amendment_needs_a_reason_and_a_change() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-14T18:30:00+00:00", "At the gate."));
    v.run(&[
        "amend",
        "1",
        "--narrative",
        "At the gate.",
        "--reason",
        "none",
    ])
    .fails_with(2);
    v.run(&[
        "amend",
        "1",
        "--narrative",
        "At the front gate.",
        "--reason",
        "  ",
    ])
    .fails_with(2);
    v.run(&["amend", "7", "--narrative", "x", "--reason", "typo"])
        .fails_with(5);
    assert_eq!(v.run(&["show", "1", "--json"]).ok().json()["amendments"], 0);
}

#[test]
fn withdrawn_incidents_stay_listed_and_cannot_change() {
    let v = Vault::new();
    v.add_json(&incident_json(
        "2026-03-14T18:30:00+00:00",
        "Duplicate of another entry",
    ));
    v.add_json(&incident_json(
        "2026-03-15T18:30:00+00:00",
        "Flowers left on the doorstep",
    ));
    v.run(&["withdraw", "1", "--reason", "entered twice"]).ok();
    let list = v.run(&["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["withdrawn"]["reason"], "entered twice");
    assert!(v.run(&["list"]).ok().stdout.contains("[withdrawn]"));
    let live = v
        .run(&["list", "--json", "--exclude-withdrawn"])
        .ok()
        .json();
    assert_eq!(live.as_array().unwrap().len(), 1);
    v.run(&["withdraw", "1", "--reason", "again"]).fails_with(2);
    v.run(&["amend", "1", "--narrative", "changed", "--reason", "why"])
        .fails_with(2);
    // Numbers are never reused.
    assert_eq!(
        v.add_json(&incident_json("2026-03-16T18:30:00+00:00", "New")),
        3
    );
}

#[test]
fn search_and_filters_run_over_every_script() {
    let v = Vault::new();
    v.add_json(r#"{"occurred_at":"2026-01-05T10:00:00+00:00","narrative":"Message from فاطمة about the party","behaviours":["third_party_contact"]}"#);
    v.add_json(r#"{"occurred_at":"2026-02-05T10:00:00+01:00","narrative":"Grzegorz Brzęczyszczykiewicz FOLLOWED me home","behaviours":["following"]}"#);
    v.add_json(r#"{"occurred_at":"2026-03-05T10:00:00+05:30","narrative":"राजेश कुमार called nine times","behaviours":["contact_unwanted"],"tags":["calls"]}"#);

    let hits = |args: &[&str]| -> Vec<u64> {
        let out = v.run(args).ok().json();
        out.as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(hits(&["search", "فاطمة", "--json"]), vec![1]);
    assert_eq!(
        hits(&["search", "brzęczyszczykiewicz", "followed", "--json"]),
        vec![2]
    );
    assert_eq!(hits(&["search", "राजेश", "--json"]), vec![3]);
    assert_eq!(hits(&["search", "CALLS", "--json"]), vec![3]);
    assert_eq!(
        hits(&["search", "nothing-like-this", "--json"]),
        Vec::<u64>::new()
    );
    assert_eq!(
        hits(&["list", "--from", "2026-02-01", "--json"]),
        vec![2, 3]
    );
    assert_eq!(hits(&["list", "--to", "2026-02-05", "--json"]), vec![1, 2]);
    assert_eq!(
        hits(&[
            "list",
            "--behaviour",
            "following,contact_unwanted",
            "--json"
        ]),
        vec![2, 3]
    );
    v.run(&["list", "--behaviour", "flying"]).fails_with(2);
}

#[test]
fn person_filter_and_search_by_person_name() {
    let v = Vault::new();
    let out = v
        .run(&[
            "person",
            "add",
            "--role",
            "perpetrator",
            "--name",
            "Mark Ellis",
            "--alias",
            "Marky",
        ])
        .ok();
    let id = out.added_id("person");
    v.add_json(&format!(r#"{{"occurred_at":"2026-01-05T10:00:00+00:00","narrative":"At the gate","perpetrators":["{id}"]}}"#));
    v.add_json(&incident_json(
        "2026-01-06T10:00:00+00:00",
        "Unknown caller",
    ));
    let by_person = v.run(&["list", "--person", &id, "--json"]).ok().json();
    assert_eq!(by_person.as_array().unwrap().len(), 1);
    let by_alias = v.run(&["search", "marky", "--json"]).ok().json();
    assert_eq!(by_alias[0]["number"], 1);
    assert!(v.run(&["show", "1"]).ok().stdout.contains("Mark Ellis"));
}

#[test]
fn check_passes_on_a_healthy_vault() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-14T18:30:00+00:00", "One"));
    v.run(&["withdraw", "1", "--reason", "test"]).ok();
    let out = v.run(&["check"]).ok();
    assert!(out.stdout.contains("2 entries verified"));
    assert!(out.stdout.contains("PASS"));
}

#[test]
fn date_only_and_local_times_from_flags() {
    let v = Vault::new();
    v.run(&[
        "add",
        "--occurred",
        "2026-03-14",
        "--narrative",
        "Sometime that day",
    ])
    .ok();
    let shown = v.run(&["show", "1", "--json"]).ok().json();
    assert_eq!(shown["time_precision"], "date_only");
    assert!(
        shown["occurred_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-14T00:00:00")
    );
}
