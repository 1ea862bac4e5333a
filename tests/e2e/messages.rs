//! A chat imported in the app: a WhatsApp export with media picked, read in
//! a named zone; its sender linked to the perpetrator; two messages picked
//! and made an incident; the entry quotes them; the export's report shows
//! the transcript and names the original export, and the bundle verifies.

use std::path::Path;
use std::process::Command;

use super::records::{export_report_text, set_value};
use super::{PASSPHRASE, diary_cli, one_app_at_a_time, open_from_locked_page, start_app};

#[test]
fn a_chat_is_imported_and_its_messages_become_an_incident_in_the_report() {
    let _one = one_app_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, PASSPHRASE).unwrap();
    let cli = |args: &[&str]| super::run_cli(tmp.path(), &vault, &pass, args);
    cli(&["init", "--kdf-memory", "19", "--kdf-time", "2"]);
    cli(&["case", "set", "--exhibit-prefix", "JO"]);
    cli(&[
        "person",
        "add",
        "--role",
        "perpetrator",
        "--name",
        "Mark Example",
    ]);
    let chat = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/chats/whatsapp/android-en-gb-media.zip");
    let exports = tmp.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let (_driver, app) = start_app(
        tmp.path(),
        &vault,
        &[
            ("INCIDENT_DIARY_E2E_CHAT", chat.as_os_str()),
            ("INCIDENT_DIARY_E2E_SAVE_DIR", exports.as_os_str()),
            ("INCIDENT_DIARY_E2E_EXPORT_SECONDS", "0".as_ref()),
        ],
    );
    open_from_locked_page(&app, PASSPHRASE);
    app.find("#timeline-title");

    app.click_button("Messages");
    app.click_button("Import a chat");
    app.click_button("Choose the exported file");
    app.wait_until(
        "the file chosen",
        "return document.getElementById('picked-chat').textContent.includes('android-en-gb-media.zip');",
    );
    set_value(&app, "input[name=zone]", "'Europe/London'");
    set_value(&app, "input[name=me]", "'Jo'");
    app.click_button("Import");
    app.find("#imported");
    assert!(
        app.text("#imported").contains("exhibit JO/1"),
        "{}",
        app.text("#imported")
    );
    app.screenshot("messages-conversation-phone");

    // Mark Example, the sender, is the perpetrator in Case & people.
    app.click_button("Who sent them");
    let linked = app.script(
        "const s = [...document.querySelectorAll('select')].find(s => s.closest('li').textContent.includes('Mark Example')); s.selectedIndex = 1; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;",
        serde_json::json!([]),
    );
    assert!(linked.as_str().is_some_and(|id| id.len() == 32), "{linked}");
    app.wait_until(
        "the sender linked",
        "return document.body.textContent.includes('Linked.');",
    );

    // Two of his messages picked: the first, and the photo with its caption.
    app.click("#message-2");
    app.click("#message-3");
    assert_eq!(app.text("#picked-count"), "2 messages picked.");
    set_value(
        &app,
        "textarea[name=narrative]",
        "'He sent a photo of my sister\\'s house at night.'",
    );
    app.click_button("Make the incident");
    app.find("#quoted-title");
    let entry = app.text("main");
    assert!(entry.contains("Messages (2)"), "{entry}");
    assert!(entry.contains("Outside your sister"), "{entry}");
    assert!(entry.contains("Mark Example"), "{entry}");

    let (page_one, all) = export_report_text(&app, &exports, tmp.path());
    // Line breaks may fall anywhere in a long name: compare without spaces.
    let squeezed: String = all.chars().filter(|c| !c.is_whitespace()).collect();
    for must in [
        "Messages quoted from",
        "WhatsApp chat with Mark Example",
        "Outside your sister",
        "times in Europe/London",
        "File: IMG-20260301-WA0003.jpg: exhibit JO/2",
        "read as whatsapp (whatsapp-android)",
    ] {
        let must: String = must.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains(&must), "the report lacks {must:?}: {all}");
    }
    assert!(
        page_one.contains("Messages from the perpetrator"),
        "page 1: {page_one}"
    );
    let bundle = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the bundle");
    let verified = Command::new(diary_cli())
        .arg("verify")
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    app.end();
}
