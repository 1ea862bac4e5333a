//! Export narrowed to what the timeline shows: a behaviour, a person,
//! words. What it leaves out is counted, the manifest and the report say
//! what was chosen, and the bundle still verifies with `diary verify`.

use std::fs;

use crate::util::{Vault, pdf_words};

#[test]
fn an_export_holds_only_what_the_filters_show_and_counts_the_rest() {
    let v = Vault::new();
    let mark = v
        .run(&["person", "add", "--role", "perpetrator", "--name", "Mark"])
        .ok()
        .added_id("person");
    let at = |day: u32| format!("2026-03-{day:02}T10:00:00+00:00");
    v.add_json(&format!(
        r#"{{"occurred_at":"{}","narrative":"Outside the gate","behaviours":["following"],"perpetrators":["{mark}"]}}"#,
        at(1)
    ));
    v.add_json(&format!(
        r#"{{"occurred_at":"{}","narrative":"Followed me to the gate","behaviours":["following"]}}"#,
        at(2)
    ));
    v.add_json(&format!(
        r#"{{"occurred_at":"{}","narrative":"Texts all night","behaviours":["contact_unwanted"],"perpetrators":["{mark}"]}}"#,
        at(3)
    ));
    v.add_json(&format!(
        r#"{{"occurred_at":"{}","narrative":"At the gate again","behaviours":["following"],"perpetrators":["{mark}"]}}"#,
        at(20)
    ));

    let out = v.tmp.path().join("only");
    let summary = v
        .run(&[
            "export",
            "--out",
            out.to_str().unwrap(),
            "--to",
            "2026-03-10",
            "--behaviour",
            "following",
            "--person",
            &mark,
            "--search",
            "GATE",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(summary["incidents"], 1, "{summary}");
    assert_eq!(summary["left_out"], 3, "{summary}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let counts = &manifest["counts"];
    assert_eq!(counts["outside_period"], 1);
    assert_eq!(counts["not_matching"], 2);
    assert_eq!(manifest["only"]["behaviours"][0], "following");
    assert_eq!(manifest["only"]["person"], mark.as_str());
    assert_eq!(manifest["only"]["text"], "GATE");
    let incidents: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/incidents.json")).unwrap()).unwrap();
    assert_eq!(incidents["incidents"].as_array().unwrap().len(), 1);
    // The officer's check says what the bundle holds, of how many, and why
    // the rest are not there.
    let checked = v.run(&["verify", out.to_str().unwrap()]).ok().stdout;
    let contents = checked
        .lines()
        .find(|l| l.starts_with("PASS contents"))
        .unwrap_or_else(|| panic!("{checked}"));
    for said in [
        "1 of 4 incidents in the diary (officer pack)",
        "period the start to 2026-03-10",
        "only behaviour following, involving Mark, containing the words \"GATE\"",
        "left out: 1 outside the period, 2 not matching",
    ] {
        assert!(contents.contains(said), "{said:?} not in {contents}");
    }
    let text = pdf_words(&out.join("report.pdf"));
    assert!(
        text.contains("only entries recording any of: Following; involving Mark; containing the words \"GATE\" (in the entry or the name of a person in it)"),
        "{text}"
    );
    assert!(
        text.contains("2 entries not matching the chosen selection"),
        "{text}"
    );

    // Without filters, nothing of this is written: the bundle is as before.
    let all = v.tmp.path().join("all");
    v.run(&["export", "--out", all.to_str().unwrap()]).ok();
    let manifest = fs::read_to_string(all.join("manifest.json")).unwrap();
    assert!(!manifest.contains("not_matching"), "{manifest}");
    assert!(!manifest.contains("\"only\""), "{manifest}");

    // Bad filters are refused before anything is written.
    let bad = v.tmp.path().join("bad");
    let bad_path = bad.to_str().unwrap();
    v.run(&["export", "--out", bad_path, "--behaviour", "lurking"])
        .fails_with(2);
    v.run(&["export", "--out", bad_path, "--person", "Mark"])
        .fails_with(2);
    assert!(!bad.exists());
}
