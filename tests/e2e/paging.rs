//! A timeline longer than one page: the first page, "Show more", an entry
//! opened from the second page and back to the same place, the focus on
//! that entry. The diary is made with the real CLI.
use super::{PASSPHRASE, one_app_at_a_time, open_from_locked_page, start_app};

const ENTRIES: u32 = 60;

#[test]
fn a_long_timeline_pages_and_comes_back_to_the_same_place() {
    let _one = one_app_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, PASSPHRASE).unwrap();
    let cli = |args: &[&str]| super::run_cli(tmp.path(), &vault, &pass, args);
    // The cheapest key derivation: sixty unlocks by the CLI take seconds.
    cli(&["init", "--kdf-memory", "19", "--kdf-time", "2"]);
    for i in 1..=ENTRIES {
        let when = format!("2026-{:02}-{:02}T10:00:00+00:00", 1 + i / 28, 1 + i % 28);
        cli(&[
            "add",
            "--occurred",
            &when,
            "--narrative",
            &format!("Entry number {i}"),
        ]);
    }
    let (_driver, app) = start_app(tmp.path(), &vault, &[]);
    open_from_locked_page(&app, PASSPHRASE);
    app.find("#timeline-title");
    let lines = || {
        app.script(
            "return document.querySelectorAll('.entries > li').length;",
            serde_json::json!([]),
        )
        .as_u64()
    };
    assert_eq!(lines(), Some(50), "one page first");
    assert!(app.text("#timeline-shown").contains("Showing 50 of 60"));
    app.click_button("Show 50 more");
    app.wait_until(
        "the second page",
        "return document.querySelectorAll('.entries > li').length === 60;",
    );
    app.wait_until(
        "the focus on the first line loaded",
        "return document.activeElement.dataset.number === '10';",
    );
    assert!(app.text("#timeline-shown").contains("Showing 60 of 60"));
    // An entry from the second page, then back: the same lines, that entry.
    app.click(".entry-line[data-number='5']");
    app.find("#entry-title");
    assert!(app.text("#entry-title").contains("Incident 5"));
    app.click_button("← Back to the diary");
    app.wait_until(
        "back on the same entry",
        "return document.activeElement.dataset.number === '5';",
    );
    assert_eq!(lines(), Some(60), "the second page is still there");
    app.end();
}
