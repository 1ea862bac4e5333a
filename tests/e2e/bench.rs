//! The timeline with years of entries, timed in the real app (not a test:
//! `#[ignore]`d, run by `benches/timeline.sh`, which makes the vault).
//! Each figure is taken inside the page, from the action to the moment the
//! new lines are in the document, so WebDriver's own delays do not count.

use std::path::PathBuf;

use super::{one_app_at_a_time, start_app};

/// Runs `action` (a script statement) and resolves with the milliseconds
/// until `done` (a script expression) holds, checked on every frame. Both
/// are written into the script WebDriver runs: the page's content security
/// policy forbids `eval` and `new Function`.
fn timed(app: &crate::webdriver::Session, action: &str, done: &str) -> f64 {
    let script = format!(
        "const done_cb = arguments[arguments.length - 1];
const t0 = performance.now();
{action}
const check = () => (({done}) ? done_cb(performance.now() - t0) : requestAnimationFrame(check));
requestAnimationFrame(check);"
    );
    let got = app.script_async(&script, serde_json::json!([]));
    got.as_f64()
        .unwrap_or_else(|| panic!("no timing for {action}: {got}"))
}

/// The milliseconds from asking `command` to its reply, in the page, and
/// the reply's size as JSON, the form it crosses IPC in.
fn reply(app: &crate::webdriver::Session, command: &str, args: &str) -> (f64, u64) {
    let script = format!(
        "const done = arguments[arguments.length - 1]; const t0 = performance.now(); window.__TAURI__.core.invoke('{command}', {args}).then((r) => done([performance.now() - t0, JSON.stringify(r).length]), () => done(null));"
    );
    let got = app.script_async(&script, serde_json::json!([]));
    match (got[0].as_f64(), got[1].as_u64()) {
        (Some(ms), Some(bytes)) => (ms, bytes),
        _ => panic!("{command} failed: {got}"),
    }
}

#[test]
#[ignore = "a benchmark: benches/timeline.sh"]
fn timeline_with_years_of_entries() {
    let _one = one_app_at_a_time();
    let source = PathBuf::from(
        std::env::var_os("INCIDENT_DIARY_BENCH_VAULT").expect("INCIDENT_DIARY_BENCH_VAULT"),
    );
    let passphrase =
        std::env::var("INCIDENT_DIARY_BENCH_PASSPHRASE").expect("INCIDENT_DIARY_BENCH_PASSPHRASE");
    let tmp = tempfile::tempdir().unwrap();
    // Unlocking writes (the tip, the anchor): a copy keeps the source as made.
    let vault = tmp.path().join("vault");
    std::fs::create_dir(&vault).unwrap();
    for entry in std::fs::read_dir(&source).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), vault.join(entry.file_name())).unwrap();
        }
    }
    let (_driver, app) = start_app(tmp.path(), &vault, &[]);
    app.set_window(1280, 800);
    app.find("#neutral-title");
    app.hold("#neutral-open", 1300);
    app.type_into("input[autocomplete=current-password]", &passphrase);
    let open = timed(
        &app,
        "[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Open').click();",
        "document.querySelectorAll('.entries > li').length > 0",
    );
    let shown = app.text("#timeline-shown");
    let more = timed(
        &app,
        "document.getElementById('show-more').click();",
        "document.querySelectorAll('.entries > li').length > 50",
    );
    let search = timed(
        &app,
        "const box = document.querySelector('input[type=search]'); box.value = 'flowers doorstep'; box.dispatchEvent(new Event('input', {bubbles: true}));",
        "document.getElementById('timeline-shown').textContent.includes('matching')",
    );
    let filter = timed(
        &app,
        "window.__before = document.getElementById('timeline-shown').textContent; const f = document.querySelector('form.filters'); f.querySelector('input[type=search]').value = ''; f.querySelectorAll('select')[0].value = 'threats'; f.requestSubmit();",
        "document.getElementById('timeline-shown').textContent !== window.__before && document.querySelectorAll('.entries > li').length > 0",
    );
    let search_ipc = reply(&app, "timeline", "{query: {text: 'flowers doorstep'}}").0;
    for (what, args) in [
        ("no filter", "{query: {}}"),
        (
            "one line, no pattern",
            "{query: {limit: 1, lines_only: true}}",
        ),
        ("behaviour", "{query: {behaviour: 'threats'}}"),
        ("search", "{query: {text: 'flowers doorstep'}}"),
        ("profile", "{}"),
    ] {
        let command = if what == "profile" {
            "profile"
        } else {
            "timeline"
        };
        let ms: Vec<String> = (0..5)
            .map(|_| format!("{:.0}", reply(&app, command, args).0))
            .collect();
        println!("| IPC reply time, {what} | {} ms |", ms.join(", "));
    }
    let first_page = reply(&app, "timeline", "{query: {}}").1;
    let largest_page = reply(&app, "timeline", "{query: {limit: 100000}}").1;
    let profile = reply(&app, "profile", "{}").1;
    let incident = reply(&app, "incident", "{number: 1}").1;
    println!("timeline bench: {shown}");
    println!("| unlock to a drawn timeline (KDF included) | {open:.0} ms |");
    println!("| \"Show 50 more\" to the lines drawn | {more:.0} ms |");
    println!(
        "| search (after the 300 ms pause in typing) to a drawn page | {:.0} ms |",
        search - 300.0
    );
    println!("| behaviour filter to a drawn page | {filter:.0} ms |");
    println!("| the search's IPC reply alone (Rust and the bridge) | {search_ipc:.0} ms |");
    println!("| IPC reply: first timeline page | {first_page} bytes |");
    println!("| IPC reply: the largest timeline page (200 lines) | {largest_page} bytes |");
    println!("| IPC reply: profile | {profile} bytes |");
    println!("| IPC reply: one incident | {incident} bytes |");
    app.end();
}
