use crate::util::Vault;

#[test]
fn case_details_merge_and_validate() {
    let v = Vault::new();
    v.run(&[
        "case",
        "set",
        "--victim-name",
        "Jane Smith",
        "--exhibit-prefix",
        "JS",
    ])
    .ok();
    v.run(&[
        "case",
        "set",
        "--police-force",
        "Avon and Somerset",
        "--crime-reference",
        "CR/123/26",
    ])
    .ok();
    let case = v.run(&["case", "show", "--json"]).ok().json();
    assert_eq!(case["victim_name"], "Jane Smith");
    assert_eq!(case["exhibit_prefix"], "JS");
    assert_eq!(case["crime_references"][0], "CR/123/26");
    let err = v
        .run(&["case", "set", "--exhibit-prefix", "j/s"])
        .fails_with(2);
    assert!(err.stderr.contains("exhibit_prefix"));
    assert_eq!(
        v.run(&["case", "show", "--json"]).ok().json()["exhibit_prefix"],
        "JS"
    );
}

#[test]
fn orders_and_breaches_link_by_id() {
    let v = Vault::new();
    let out = v
        .run(&[
            "order",
            "add",
            "--type",
            "stalking_protection_order",
            "--reference",
            "SPO-1",
            "--made-on",
            "2026-01-10",
            "--expires",
            "2027-01-10",
            "--condition",
            "Not to enter Elm Street",
        ])
        .ok();
    let id = out.added_id("order");
    let orders = v.run(&["order", "list", "--json"]).ok().json();
    assert_eq!(orders[0]["type"], "stalking_protection_order");
    assert_eq!(orders[0]["conditions"][0], "Not to enter Elm Street");
    v.add_json(&format!(
        r#"{{"occurred_at":"2026-02-01T10:00:00+00:00","narrative":"Seen on Elm Street","behaviours":["order_breach"],"breach":{{"order":"{id}","condition":"Not to enter Elm Street"}}}}"#
    ));
    let bad = v.run_stdin(
        &["add", "--json", "-"],
        r#"{"occurred_at":"2026-02-01T10:00:00+00:00","narrative":"x","breach":{"order":"00000000000000000000000000000000"}}"#,
    );
    assert!(bad.fails_with(2).stderr.contains("breach.order"));
    v.run(&["order", "add", "--type", "magic_order"])
        .fails_with(2);
    v.run(&[
        "order",
        "add",
        "--type",
        "injunction",
        "--made-on",
        "2026-02-01",
        "--expires",
        "2026-01-01",
    ])
    .fails_with(2);
}

#[test]
fn people_need_a_name_and_a_known_role() {
    let v = Vault::new();
    v.run(&[
        "person",
        "add",
        "--role",
        "witness",
        "--name",
        "Ana Kowalska",
        "--relationship",
        "neighbour",
    ])
    .ok();
    v.run(&["person", "add", "--role", "bystander", "--name", "X"])
        .fails_with(2);
    v.run(&["person", "add", "--role", "witness"]).fails_with(2);
    let people = v.run(&["person", "list", "--json"]).ok().json();
    assert_eq!(people.as_array().unwrap().len(), 1);
    assert_eq!(people[0]["relationship"], "neighbour");
    let bad_ref = v.run_stdin(
        &["add", "--json", "-"],
        r#"{"occurred_at":"2026-02-01T10:00:00+00:00","narrative":"x","witnesses":["0123456789abcdef0123456789abcdef"]}"#,
    );
    assert!(bad_ref.fails_with(2).stderr.contains("witnesses[0]"));
}

#[test]
fn risk_checks_record_all_eleven_answers() {
    let v = Vault::new();
    v.run(&[
        "risk",
        "add",
        "--date",
        "2026-03-01",
        "--answer",
        "very_frightened=yes",
        "--answer",
        "threats_of_violence=yes",
        "--note",
        "threats_of_violence=Said he would hurt me",
    ])
    .ok();
    let checks = v.run(&["risk", "list", "--json"]).ok().json();
    let answers = checks[0]["answers"].as_object().unwrap();
    assert_eq!(answers.len(), 11);
    assert_eq!(answers["very_frightened"]["answer"], "yes");
    assert_eq!(
        answers["threats_of_violence"]["note"],
        "Said he would hurt me"
    );
    assert_eq!(answers["criminal_history"]["answer"], "unknown");
    assert_eq!(checks[0]["date"], "2026-03-01");
    v.run(&["risk", "add", "--answer", "is_sad=yes"])
        .fails_with(2);
    v.run(&["risk", "add", "--answer", "very_frightened=perhaps"])
        .fails_with(2);
    assert_eq!(
        v.run(&["risk", "questions"]).ok().stdout.lines().count(),
        11
    );
}
