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

/// A person or order is corrected, never overwritten: the list shows the
/// correction and keeps the replaced version, the export discloses it in
/// `data/profile.json`, and the report says it was corrected and why.
#[test]
fn people_and_orders_are_corrected_with_their_history() {
    let v = Vault::new();
    let person = v
        .run(&[
            "person",
            "add",
            "--role",
            "perpetrator",
            "--name",
            "Mark Doe",
        ])
        .ok()
        .added_id("person");
    let order = v
        .run(&[
            "order",
            "add",
            "--type",
            "restraining_order",
            "--condition",
            "Not to contact her",
        ])
        .ok()
        .added_id("order");
    v.run(&[
        "person",
        "amend",
        &person,
        "--reason",
        "learnt his full name",
        "--name",
        "Mark A. Doe",
        "--identifier",
        "AB12 CDE",
    ])
    .ok();
    v.run(&[
        "order",
        "amend",
        &order,
        "--reason",
        "varied at court on 3 March",
        "--condition",
        "Not to contact her",
        "--condition",
        "Not to enter Elm Street",
    ])
    .ok();

    let people = v.run(&["person", "list", "--json"]).ok().json();
    assert_eq!(people[0]["name"], "Mark A. Doe");
    assert_eq!(people[0]["identifiers"][0], "AB12 CDE");
    assert_eq!(people[0]["history"][0]["reason"], "learnt his full name");
    assert_eq!(people[0]["history"][0]["replaced"]["name"], "Mark Doe");
    let orders = v.run(&["order", "list", "--json"]).ok().json();
    assert_eq!(orders[0]["conditions"].as_array().unwrap().len(), 2);
    assert_eq!(
        orders[0]["history"][0]["replaced"]["conditions"][0],
        "Not to contact her"
    );

    // A correction needs a reason, must change something, and names a
    // person or order that exists; none of these writes anything.
    let before = v.run(&["person", "list", "--json"]).ok().stdout;
    v.run(&["person", "amend", &person, "--name", "X"])
        .fails_with(2);
    v.run(&["person", "amend", &person, "--reason", " ", "--name", "X"])
        .fails_with(2);
    let same = v
        .run(&["person", "amend", &person, "--reason", "again"])
        .fails_with(2);
    assert!(same.stderr.contains("changes nothing"), "{}", same.stderr);
    v.run(&[
        "person", "amend", &person, "--reason", "r", "--role", "boss",
    ])
    .fails_with(2);
    let missing = "0123456789abcdef0123456789abcdef";
    v.run(&["person", "amend", missing, "--reason", "r", "--name", "X"])
        .fails_with(5);
    v.run(&["order", "amend", "nonsense", "--reason", "r"])
        .fails_with(2);
    assert_eq!(v.run(&["person", "list", "--json"]).ok().stdout, before);

    let out = v.tmp.path().join("bundle");
    v.run(&["export", "--out", out.to_str().unwrap()]).ok();
    let profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/profile.json")).unwrap()).unwrap();
    assert_eq!(
        profile["persons"][0]["amendments"][0]["replaced"]["name"],
        "Mark Doe"
    );
    assert_eq!(
        profile["orders"][0]["amendments"][0]["reason"],
        "varied at court on 3 March"
    );
    v.run(&["verify", out.to_str().unwrap()]).ok();
    let text = crate::util::pdf_words(&out.join("report.pdf"));
    assert!(text.contains("Mark A. Doe"), "{text}");
    assert!(text.contains("(learnt his full name)"), "{text}");
    assert!(text.contains("(varied at court on 3 March)"), "{text}");
}
