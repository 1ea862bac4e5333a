//! The app records what happened accurately: a person (then corrected) and
//! an order with a condition added in Case & people, an entry with "about this time", an
//! end time, who did it and the condition it breached, amended in its time
//! and behaviours, then exported; the report (pdftotext) shows the breach
//! on page 1, the person, that the entry was written days later, and where
//! its times come from.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{PASSPHRASE, new_passphrase, one_app_at_a_time, start_app};
use crate::webdriver::Session;

/// Sets a form control's value as typing would (an `input` event).
pub(super) fn set_value(app: &Session, css: &str, script_value: &str) {
    app.script(
        &format!(
            "const el = document.querySelector(arguments[0]); el.value = {script_value}; el.dispatchEvent(new Event('input', {{bubbles: true}})); el.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ),
        serde_json::json!([css]),
    );
}

/// `datetime-local` text for `days` ago at `hh:mm`, in the page's zone.
fn days_ago(days: u32, time: &str) -> String {
    format!(
        "(() => {{ const d = new Date(Date.now() - {days} * 864e5); const p = (n) => String(n).padStart(2, '0'); return `${{d.getFullYear()}}-${{p(d.getMonth() + 1)}}-${{p(d.getDate())}}T{time}`; }})()"
    )
}

fn create_diary(app: &Session) {
    app.find("#welcome-title");
    new_passphrase(app, PASSPHRASE);
    app.click_button("Create my diary");
    app.click("#kept-key");
    app.click_button("Continue to my diary");
    app.find("#practice-title");
    app.click_button("Continue to my diary");
    app.find("#timeline-title");
}

fn add_person_and_order(app: &Session) {
    app.click_button("Case & people");
    app.click_button("Add a person");
    set_value(app, "details.add form select[name=role]", "'perpetrator'");
    app.type_into("details.add form input[name=name]", "Mark Example");
    app.click_button("Add person");
    app.wait_until(
        "the person listed",
        "return document.body.textContent.includes('Mark Example');",
    );
    // Corrected later, with a reason: the earlier version is kept.
    app.click_button("Change Mark Example's details");
    app.type_into("li form textarea[name=identifiers]", "AB12 CDE");
    app.type_into("li form input[name=reason]", "Saw his car");
    app.click_button("Save the change");
    app.wait_until(
        "the correction listed",
        "return document.body.textContent.includes('Earlier versions (1)') && document.body.textContent.includes('AB12 CDE');",
    );
    app.click_button("Add an order or bail conditions");
    set_value(
        app,
        "#orders-title ~ details.add select[name=type]",
        "'restraining_order'",
    );
    // Two conditions, one per line (typing Enter into a text area is not
    // a new line under WebDriver, so the value is set as typing would).
    set_value(
        app,
        "#orders-title ~ details.add textarea[name=conditions]",
        "'No contact with the victim\\nNot to go within 100 metres of her home'",
    );
    app.click_button("Add order");
    app.wait_until(
        "the order listed",
        "return document.body.textContent.includes('Change this restraining order');",
    );
}

pub(super) fn export_report_text(app: &Session, exports: &Path, tmp: &Path) -> (String, String) {
    app.click_button("Export");
    app.click_button("Choose where to save, then export");
    app.find("#export-fingerprint");
    let bundle = PathBuf::from(app.text("#export-path"));
    assert!(bundle.starts_with(exports), "{}", bundle.display());
    let out = tmp.join("unzipped");
    let unzip = Command::new("unzip")
        .args(["-q", "-o", "-d"])
        .arg(&out)
        .arg(&bundle)
        .status()
        .unwrap();
    assert!(unzip.success());
    let pdf = walk(&out)
        .into_iter()
        .find(|p| p.ends_with("report.pdf"))
        .expect("report.pdf in the bundle");
    let text = |pages: &[&str]| {
        let run = Command::new("pdftotext")
            .args(pages)
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(run.status.success());
        String::from_utf8_lossy(&run.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (text(&["-f", "1", "-l", "1"]), text(&[]))
}

/// A stand-in for the desktop's viewer (none runs under the test): it
/// keeps a copy of what it was given and notes the path it was given.
fn fake_viewer(tmp: &Path) -> PathBuf {
    let seen = tmp.join("seen");
    std::fs::create_dir(&seen).unwrap();
    let script = tmp.join("viewer.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncp \"$1\" \"{0}/$(basename \"$1\")\"\necho \"$1\" >> \"{0}/paths\"\n",
            seen.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// One second of silence as 8 kHz 8-bit mono WAV.
fn silent_wav() -> Vec<u8> {
    let rate: u32 = 8000;
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + rate).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&rate.to_le_bytes());
    w.resize(44 + rate as usize, 128);
    w
}

/// Waits for the fake viewer to have been given a file called `name`.
fn viewed(app: &Session, tmp: &Path, name: &str) -> Vec<u8> {
    let copy = tmp.join("seen").join(name);
    app.wait_for(&format!("{name} opened in the viewer"), || {
        std::fs::read(&copy).ok().filter(|b| !b.is_empty())
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn an_entry_with_every_detail_reaches_the_report() {
    let _one = one_app_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let exports = tmp.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let mistake = tmp.path().join("wrong-photo.txt");
    std::fs::write(&mistake, "attached by mistake").unwrap();
    let voicemail = tmp.path().join("voicemail.wav");
    std::fs::write(&voicemail, silent_wav()).unwrap();
    let picked = format!("{}\n{}", mistake.display(), voicemail.display());
    let viewer = fake_viewer(tmp.path());
    let run = tmp.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let (_driver, app) = start_app(
        tmp.path(),
        &tmp.path().join("vault"),
        &[
            ("INCIDENT_DIARY_E2E_SAVE_DIR", exports.as_os_str()),
            ("INCIDENT_DIARY_E2E_EXPORT_SECONDS", "0".as_ref()),
            ("INCIDENT_DIARY_E2E_FILES", picked.as_ref()),
            ("INCIDENT_DIARY_E2E_OPENER", viewer.as_os_str()),
            ("XDG_RUNTIME_DIR", run.as_os_str()),
        ],
    );
    create_diary(&app);
    add_person_and_order(&app);

    // Written ten days after it happened, with the time only roughly known.
    app.click_button("Add");
    app.find("#add-title");
    set_value(&app, "input[name=occurred]", &days_ago(10, "18:30"));
    // No answer is chosen for her on how sure she is of the time.
    let chosen = app.script(
        "return document.querySelectorAll('input[name=precision]:checked').length;",
        serde_json::json!([]),
    );
    assert_eq!(chosen.as_u64(), Some(0), "a time precision chosen for her");
    app.click("input[name=precision][value=approximate]");
    app.type_into(
        "textarea[name=narrative]",
        "He was outside my house again, by the gate.",
    );
    app.click("input[name=perpetrators]");
    app.click_button("More details (optional)");
    set_value(&app, "input[name=until]", &days_ago(10, "19:00"));
    app.click("input[name=behaviours][value=following]");
    // The end before the start is caught, beside its field.
    set_value(&app, "input[name=until]", &days_ago(10, "17:00"));
    app.click_button("Save");
    app.find(".error-summary:not([hidden])");
    set_value(&app, "input[name=until]", &days_ago(10, "19:00"));
    let order = app.script(
        "const s = document.querySelector('select[name=breach_order]'); s.selectedIndex = 1; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;",
        serde_json::json!([]),
    );
    assert!(order.as_str().is_some_and(|id| id.len() == 32), "{order}");
    // The condition is hers to choose: none is picked for her.
    app.click_button("Save");
    app.find("select[name=breach_condition][aria-invalid=true]");
    set_value(
        &app,
        "select[name=breach_condition]",
        "'No contact with the victim'",
    );
    app.click_button("Save");
    app.find("#entry-title");
    let shown = app.text("main");
    for must in [
        "About ",
        "until",
        "Mark Example",
        "Restraining order",
        "No contact with the victim",
    ] {
        assert!(shown.contains(must), "the entry does not show {must:?}");
    }

    // Amended in its time and behaviours, with a reason.
    app.click_button("Amend this entry");
    set_value(&app, "details input[name=occurred]", &days_ago(10, "18:15"));
    app.click("details input[name=behaviours][value=loitering]");
    app.type_into("details input[name=reason]", "Checked the time on my phone");
    app.click_button("Save the amendment");
    app.wait_until(
        "the amendment in the history",
        "return document.body.textContent.includes('Amendment 1');",
    );

    // Half-way through a new entry she goes to amend this one: both are
    // kept, neither overwrites the other, and both are offered back.
    app.click_button("Add");
    app.find("#add-title");
    app.type_into("textarea[name=narrative]", "Half written: the car again");
    app.click("input[name=precision][value=exact]");
    app.click_button("Diary");
    app.click(".entry-line");
    app.click_button("Amend this entry");
    app.type_into("details input[name=reason]", "Half a reason");
    app.click("#quick-exit");
    super::open_from_locked_page(&app, PASSPHRASE);
    app.find("#draft-offer");
    app.find("#draft-offer-1");
    app.click_button("Throw it away");
    app.click_button("Throw it away");
    app.wait_until(
        "both drafts thrown away",
        "return document.querySelectorAll('.draft-offer').length === 0;",
    );

    // A risk check with a note and who helped; nothing is chosen for her.
    app.click_button("Risk check");
    app.find("#risk-title");
    let chosen = app.script(
        "return document.querySelectorAll('input[type=radio]:checked').length;",
        serde_json::json!([]),
    );
    assert_eq!(chosen.as_u64(), Some(0), "answers chosen for the victim");
    app.click("input[name=very_frightened][value=yes]");
    app.find("#very-frightened");
    app.type_into(
        "textarea[name=very_frightened-note]",
        "Since he found my new address",
    );
    app.type_into("input[name=completed_with]", "Jo, my IDVA");
    app.click_button("Save the answers");
    app.wait_until(
        "the check listed with its note",
        "return document.body.textContent.includes('Since he found my new address') && document.body.textContent.includes('with Jo, my IDVA');",
    );
    app.click("#quick-exit");
    super::open_from_locked_page(&app, PASSPHRASE);
    app.find("#timeline-title");
    app.click(".entry-line");
    app.find("#entry-title");

    // A file attached by mistake is looked at in another app, then
    // removed, with a reason; it is counted.
    app.click_button("Attach photos or files");
    app.click_button("Attach these 2 files");
    app.wait_until(
        "the files attached",
        "return document.body.textContent.includes('wrong-photo.txt') && document.body.textContent.includes('voicemail.wav');",
    );
    // The recording plays in the page, from memory.
    app.click_button("Play the recording");
    app.wait_until(
        "the recording loaded in the player",
        "const a = document.querySelector('figure audio'); return a && a.src.startsWith('blob:') && a.readyState >= 1 && a.duration > 0.9;",
    );
    app.click_button("Close the recording");
    app.click_button("Open in another app");
    assert_eq!(
        viewed(&app, tmp.path(), "file-1.txt"),
        b"attached by mistake"
    );
    app.click_button("Remove this file");
    app.type_into(".exhibit input[name=reason]", "Wrong file");
    app.click_button("Remove it");
    app.wait_until(
        "the file removed",
        "return document.body.textContent.includes('Wrong file');",
    );

    let (page_one, all) = export_report_text(&app, &exports, tmp.path());
    app.click_button("Open the report");
    assert!(viewed(&app, tmp.path(), "file-2.pdf").starts_with(b"%PDF-"));
    // Handed over: the copy on the device goes, and only it.
    let bundle = PathBuf::from(app.text("#export-path"));
    app.click_button("Delete this copy");
    app.click_button("Yes, delete it");
    app.wait_until(
        "the copy deleted",
        "return document.body.textContent.includes('The copy on this device was deleted');",
    );
    assert!(!bundle.exists(), "{} is still there", bundle.display());
    assert!(exports.exists(), "the folder it was in stays");
    assert!(
        page_one.contains("Breach of an order or condition"),
        "page 1: {page_one}"
    );
    assert!(
        page_one.contains("Breaches recorded in this report: No. 1"),
        "page 1: {page_one}"
    );
    for must in [
        "Mark Example",
        "No contact with the victim",
        "Checked the time on my phone",
        "comes from the clock of the victim",
        "1 exhibit file(s) deleted by the victim",
        "with Jo, my IDVA",
        "AB12 CDE",
        "(Saw his car)",
    ] {
        assert!(all.contains(must), "the report lacks {must:?}");
    }
    assert!(
        ["9", "10"]
            .iter()
            .any(|d| all.contains(&format!("recorded {d} days later"))),
        "the report does not say the entry was written later"
    );
    // Quick exit wipes what was opened in other apps, in the runtime folder.
    let given = std::fs::read_to_string(tmp.path().join("seen/paths")).unwrap();
    assert!(
        given.lines().all(|p| p.starts_with(run.to_str().unwrap())),
        "{given}"
    );
    app.click("#quick-exit");
    app.find("#neutral-title");
    for path in given.lines() {
        app.wait_for(&format!("{path} wiped"), || {
            (!Path::new(path).exists()).then_some(())
        });
    }
    // Closing the window wipes the folder too, not only the next start: a
    // file left there (as by a viewer still writing) goes when it closes.
    let folder = Path::new(given.lines().next().unwrap()).parent().unwrap();
    std::fs::create_dir(folder).unwrap();
    std::fs::write(folder.join("file-99.pdf"), b"%PDF left open").unwrap();
    super::close_like_the_window_manager();
    app.wait_for("the folder wiped when the window closed", || {
        (!folder.exists()).then_some(())
    });
    app.end();
}
