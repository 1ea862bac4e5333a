//! End to end through the real app: the built Tauri binary, driven by
//! WebDriver (tauri-driver and WebKitWebDriver) under Xvfb. From nothing to
//! a saved incident with a photo, an amendment, an export checked like an
//! officer would, a quick exit that leaves no diary text in the page, and
//! unlocking again.
//!
//! Run with `xvfb-run -a cargo test -p incident-diary-app --features e2e
//! --test e2e` (scripts/test.sh does). Needs `tauri-driver` on PATH or in
//! ~/.cargo/bin, and WebKitWebDriver (Debian's webkit2gtk-driver).

mod bench;
mod messages;
mod paging;
mod records;
mod webdriver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use webdriver::Session;

/// One app at a time: two under one Xvfb on two cores would slow each
/// other past the test's patience (the test harness runs tests in
/// parallel).
fn one_app_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE.lock().unwrap_or_else(|p| p.into_inner())
}

const PASSPHRASE: &str = "violet harbour lantern 42";
const NEW_PASSPHRASE: &str = "amber meadow compass river 7";
const RECOVERED_PASSPHRASE: &str = "quiet orchard lantern bridge 9";
const NARRATIVE: &str = "He waited by the school gate at 3pm and followed me to the bus stop.";
const AMENDED: &str =
    "He waited by the school gate at 3pm, followed me to the bus stop and took a photo of me.";

/// The shell's idle limit in this test (the page's own is 5 minutes).
const IDLE_SECONDS: u64 = 40;
/// How much longer the export takes in this test: past the idle limit, so
/// that the lock must wait for it.
const EXPORT_SECONDS: u64 = IDLE_SECONDS + 8;
const BACKUP_PASSPHRASE: &str = "lichen kettle orbit saffron";
const DRAFT: &str = "He rang nine times from a withheld number between";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `diary` CLI built beside the test.
fn diary_cli() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("diary"))
        .filter(|bin| bin.exists())
        .expect("the diary CLI beside the test (scripts/test.sh builds it first)")
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let installed = home.join(".cargo/bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// tauri-driver, stopped with SIGTERM on drop: after SIGKILL its
/// WebKitWebDriver child lives on (PLATFORM.md).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

/// A JPEG photo made here (a gradient), so the exhibit gets a thumbnail.
fn photo(path: &Path) {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 140])
    });
    img.save(path).unwrap();
}

/// The titles of the windows on the X screen, as the taskbar and the app
/// switcher get them (Tauri does not copy `document.title` there).
fn window_titles() -> String {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo (x11-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the real CLI on the diary at `vault` (HOME at `home`, no keyring),
/// to make a diary for a test; its output.
fn run_cli(home: &Path, vault: &Path, pass: &Path, args: &[&str]) -> String {
    let out = Command::new(diary_cli())
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("DIARY_ANCHOR_DIR")
        .env("DIARY_KEYSTORE", "off")
        .arg("--vault")
        .arg(vault)
        .arg("--passphrase-file")
        .arg(pass)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asks the app's windows to close as a window manager does when its close
/// button is pressed (a `WM_DELETE_WINDOW` message, sent with libX11 from
/// Python) to every named window with a class on the screen, which under
/// the test are the app's alone. WebDriver's "close window" only ends the
/// page, not the window.
fn close_like_the_window_manager() {
    const SCRIPT: &str = r#"
import ctypes, re, subprocess
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]
class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
x.XFlush.argtypes = [ctypes.c_void_p]
d = x.XOpenDisplay(None)
protocols = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
delete = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
sent = 0
for line in tree.splitlines():
    m = re.match(r'\s*(0x[0-9a-f]+) "[^"]*": \(', line)
    if not m:
        continue
    ev = XEvent()
    ev.xclient.type = 33
    ev.xclient.window = int(m.group(1), 16)
    ev.xclient.message_type = protocols
    ev.xclient.format = 32
    ev.xclient.l[0] = delete
    x.XSendEvent(d, ev.xclient.window, 0, 0, ctypes.byref(ev))
    sent += 1
x.XFlush(d)
print(sent)
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .output()
        .expect("python3");
    let sent = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && sent.trim() != "0",
        "no window of the app to close: {sent}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits until a window is titled `title` and none is titled "Incident Diary".
fn assert_window_title(app: &Session, title: &str) {
    let quoted = format!("\"{title}\"");
    app.wait_for(&format!("a window titled {title}"), || {
        let titles = window_titles();
        (titles.contains(&quoted) && !titles.contains("Incident Diary")).then_some(())
    });
}

/// Starts tauri-driver and the app on the diary at `vault`, with HOME at
/// `home` and the end-to-end answers in `extra`.
fn start_app(home: &Path, vault: &Path, extra: &[(&str, &std::ffi::OsStr)]) -> (Driver, Session) {
    let port = free_port();
    let native = free_port();
    let mut cmd = Command::new(tauri_driver());
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native.to_string(),
    ])
    .env("DIARY_VAULT", vault)
    .env("HOME", home)
    .env_remove("XDG_CONFIG_HOME")
    .env_remove("DIARY_ANCHOR_DIR")
    .env_remove("DBUS_SESSION_BUS_ADDRESS")
    .env("XDG_DATA_HOME", home.join("data"))
    .env("INCIDENT_DIARY_E2E_IDLE_SECONDS", IDLE_SECONDS.to_string())
    .env(
        "INCIDENT_DIARY_E2E_EXPORT_SECONDS",
        EXPORT_SECONDS.to_string(),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    for (name, value) in extra {
        cmd.env(name, value);
    }
    let driver = Driver(
        cmd.spawn()
            .expect("tauri-driver (cargo install tauri-driver --version 2.1.0 --locked)"),
    );
    let app = Session::start(port, env!("CARGO_BIN_EXE_incident-diary-app"));
    app.set_window(390, 844);
    (driver, app)
}

/// The discreet way in from the locked page: hold its title down, then
/// type the passphrase.
fn open_from_locked_page(app: &Session, passphrase: &str) {
    app.find("#neutral-title");
    app.hold("#neutral-open", 1300);
    app.type_into("input[autocomplete=current-password]", passphrase);
    app.click_button("Open");
}

/// Types `text` into both "new passphrase" fields of the form on screen.
fn new_passphrase(app: &Session, text: &str) {
    app.script(
        "const [a, b] = document.querySelectorAll('input[autocomplete=new-password]'); a.value = arguments[0]; b.value = arguments[0];",
        serde_json::json!([text]),
    );
}

/// Nothing the diary holds (the draft included) reached the disk in plain
/// text outside the export the user asked for (and the photo they picked):
/// not in the vault (ciphertext only), nor in anything the webview keeps
/// under HOME (caches, local storage).
fn no_plain_text_under(home: &Path, except: &[&Path]) {
    let files = files_under(home);
    assert!(
        files.iter().any(|f| f.ends_with("vault.db")),
        "the scan sees the vault"
    );
    eprintln!("scanned {} files under the test's HOME", files.len());
    for file in files {
        if except.iter().any(|e| file.starts_with(e)) {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap_or_default();
        for secret in [NARRATIVE, AMENDED, "remembered the photo", DRAFT] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret:?} is in {}",
                file.display()
            );
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn from_nothing_to_an_exported_bundle_and_a_quick_exit() {
    let _one = one_app_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    let picked = tmp.path().join("car-outside.jpg");
    photo(&picked);
    let exports = tmp.path().join("exports");
    std::fs::create_dir(&exports).unwrap();

    let (driver, app) = start_app(
        tmp.path(),
        &vault,
        &[
            ("INCIDENT_DIARY_E2E_FILES", picked.as_os_str()),
            ("INCIDENT_DIARY_E2E_SAVE_DIR", exports.as_os_str()),
        ],
    );

    // First run: a passphrase, then the recovery key once.
    app.find("#welcome-title");
    app.screenshot("phone-1-welcome");
    // Before anything else, Staying safe is one press away, and back.
    app.click("#welcome-safety");
    app.find("#safe-title");
    let safe = app.text("main");
    for must in ["999", "55", "0808 802 0300", "020 3866 4107"] {
        assert!(safe.contains(must), "Staying safe does not say {must}");
    }
    app.screenshot("phone-8-staying-safe");
    app.click_button("Back to creating your diary");
    app.find("#welcome-title");
    app.type_into("input[autocomplete=new-password]", "1234");
    assert!(
        app.text(".strength").contains("PIN"),
        "the hint warns of a PIN"
    );
    new_passphrase(&app, "1234");
    app.click_button("Create my diary");
    assert!(
        app.text(".error").contains("at least 8"),
        "a PIN-like passphrase is refused"
    );
    new_passphrase(&app, PASSPHRASE);
    app.click_button("Create my diary");
    let key = app.text(".recovery-key");
    assert_eq!(key.len(), 69, "recovery key shown: {key}");
    app.screenshot("phone-2-recovery-key");
    app.click("#kept-key");
    app.click_button("Continue to my diary");
    // How to get out fast, with a practice run of Shift pressed three times.
    app.find("#practice-title");
    app.press_shift(3);
    app.wait_until(
        "the practice run noticed",
        "return !document.getElementById('practice-result').hidden;",
    );
    app.click_button("Continue to my diary");
    app.find("#timeline-title");

    // Quick add: "Add an incident", write, "Save".
    app.click_button("Add an incident");
    app.type_into("textarea", NARRATIVE);
    app.click("input[name=precision][value=exact]");
    app.screenshot("phone-3-quick-add");
    app.click_button("Save");
    app.find("#entry-title");
    assert!(app.text("#entry-title").contains("Incident 1"));

    // Attach a photo: its thumbnail appears.
    app.click_button("Attach photos or files");
    app.type_into("#describe-files input", "His car outside the school");
    app.click_button("Attach it");
    app.find("img.thumb");
    assert!(app.page().contains("His car outside the school"));
    // Full size, decrypted to memory only.
    app.click_button("View full size");
    app.wait_until(
        "the photo full size",
        "const i = document.querySelector('.full-picture img'); return !!i && i.complete && i.naturalWidth > 0;",
    );
    app.click_button("Close the picture");
    assert!(app.page().contains("car-outside.jpg"));

    // Amend with a reason; the history keeps the original.
    app.click_button("Amend this entry");
    app.script(
        "const t = [...document.querySelectorAll('details textarea')][0]; t.value = arguments[0];",
        serde_json::json!([AMENDED]),
    );
    let reason_id = app.script(
        "return [...document.querySelectorAll('label')].find(l => l.textContent.startsWith('Why you are changing')).htmlFor;",
        serde_json::json!([]),
    );
    app.type_into(
        &format!("#{}", reason_id.as_str().unwrap()),
        "remembered the photo",
    );
    app.click_button("Save the amendment");
    app.wait_until(
        "the amendment in the history",
        "return document.body.textContent.includes('Amendment 1');",
    );
    let page = app.page();
    assert!(
        page.contains(NARRATIVE) && page.contains(AMENDED) && page.contains("remembered the photo")
    );
    app.find("img.thumb");
    app.screenshot("phone-4-entry");

    // The timeline shows the pattern.
    app.click_button("Diary");
    app.find(".chart-svg");
    app.screenshot("phone-5-timeline");
    app.set_window(1280, 800);
    app.screenshot("desktop-1-timeline");
    app.set_window(390, 844);

    // Export, then check the bundle as an officer would. It runs past the
    // idle limit (on purpose, in this test): the lock waits for it, and its
    // result is shown.
    app.click_button("Export");
    app.click_button("Choose where to save, then export");
    app.wait_longer(
        "the export's result, after the idle limit",
        std::time::Duration::from_secs(EXPORT_SECONDS + 30),
        || {
            app.script(
                "return !!document.getElementById('export-fingerprint');",
                serde_json::json!([]),
            )
            .as_bool()
            .filter(|&b| b)
        },
    );
    let fingerprint = app.text("#export-fingerprint");
    assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");
    let bundle = PathBuf::from(app.text("#export-path"));
    assert!(bundle.starts_with(&exports), "{}", bundle.display());
    app.screenshot("phone-6-exported");
    let verify = Command::new(diary_cli())
        .arg("verify")
        .arg(&bundle)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "diary verify failed:\n{said}");
    let layers = said.lines().filter(|l| l.starts_with("PASS ")).count();
    assert!(layers == 6 && !said.contains("FAIL"), "{said}");

    // Quick exit: the page is neutral and holds no diary text, and the
    // window is titled as the disguise, never "Incident Diary".
    app.click("#quick-exit");
    app.find("#neutral-title");
    assert_window_title(&app, "Notes");
    let page = app.page();
    for secret in [
        NARRATIVE,
        AMENDED,
        "remembered the photo",
        "car-outside",
        PASSPHRASE,
        &key,
    ] {
        assert!(
            !page.contains(secret),
            "{secret:?} is still in the page after quick exit"
        );
    }
    app.screenshot("phone-7-quick-exit");

    no_plain_text_under(tmp.path(), &[&exports, &picked]);

    // The locked page works as the notes page it looks like: a note is kept,
    // as plain text apart from the diary.
    app.type_into("#note-text", "Buy milk and stamps");
    app.click_button("Save");
    app.wait_until(
        "the note saved",
        "return document.body.textContent.includes('Saved.');",
    );
    let notes = tmp.path().join(".config/org.incidentdiary.app/notes.txt");
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "Buy milk and stamps"
    );

    // And back in, by holding the title down.
    open_from_locked_page(&app, PASSPHRASE);
    app.find("#timeline-title");

    // Half-way through writing an entry, the app is hidden (switching to
    // another app to copy a message's words): the diary locks, the draft is
    // kept sealed, and after unlock it is offered back.
    app.click_button("Add an incident");
    app.type_into("textarea", DRAFT);
    let draft_file = vault.join("draft");
    app.wait_for("the draft kept", || draft_file.exists().then_some(()));
    app.minimise();
    app.find("#neutral-title");
    assert!(!app.page().contains(DRAFT), "the draft is left in the page");
    no_plain_text_under(tmp.path(), &[&exports, &picked]);
    app.set_window(390, 844);
    open_from_locked_page(&app, PASSPHRASE);
    app.find("#draft-offer");
    app.click_button("Carry on writing");
    app.find("#add-title");
    let back = app.script(
        "return document.querySelector('textarea').value;",
        serde_json::json!([]),
    );
    assert_eq!(back.as_str(), Some(DRAFT), "the draft came back");
    app.click("input[name=precision][value=approximate]");
    app.click_button("Save");
    app.find("#entry-title");
    assert!(!draft_file.exists(), "a saved draft is removed");
    app.click_button("Diary");
    app.find("#timeline-title");
    app.wait_until(
        "the entry after unlocking",
        "return document.body.textContent.includes('took a photo of me');",
    );
    // The last saved change is shown, so an older copy put back is noticed.
    let last = app.text("#last-saved");
    assert!(last.contains("Last saved"), "{last}");

    // Someone else may know the passphrase: a new one, and a new key and
    // recovery key with it, from Settings (the real command and its
    // permission, not a mock).
    app.click_button("Settings");
    app.find("#settings-title");
    app.type_into("input[autocomplete=current-password]", PASSPHRASE);
    new_passphrase(&app, NEW_PASSPHRASE);
    app.click("#rotate-keys");
    app.click_button("Change passphrase");
    let new_key = app.text("#rotated-key");
    assert_eq!(new_key.len(), 69, "a new recovery key is shown: {new_key}");
    assert_ne!(
        new_key, key,
        "the recovery key changed with the diary's key"
    );
    app.click_button("Diary");
    app.find("#timeline-title");

    // Left alone, with the page's own timer still minutes away: the shell
    // locks the diary by itself and the page shows the locked page.
    std::thread::sleep(std::time::Duration::from_secs(IDLE_SECONDS + 6));
    app.find("#neutral-title");
    assert!(
        !app.script(
            "return document.body.textContent.includes('took a photo of me');",
            serde_json::json!([])
        )
        .as_bool()
        .unwrap_or(true),
        "nothing of the diary is left on the page"
    );
    // Only the new passphrase opens it now, with everything written before;
    // the old one is refused, and the unlock after it says so.
    open_from_locked_page(&app, PASSPHRASE);
    app.wait_until(
        "the old passphrase refused",
        "return document.body.textContent.includes('That is not right.');",
    );
    app.type_into("input[autocomplete=current-password]", NEW_PASSPHRASE);
    app.click_button("Open");
    app.find("#timeline-title");
    let told = app.text("#wrong-tries");
    assert!(
        told.starts_with("1 wrong passphrase was tried since you last opened your diary"),
        "{told}"
    );
    app.wait_until(
        "the entry after the key change",
        "return document.body.textContent.includes('took a photo of me');",
    );

    // Quick exit from the keyboard: Shift three times (Escape does nothing).
    app.press_shift(3);
    app.find("#neutral-title");
    assert_window_title(&app, "Notes");

    // The passphrase forgotten: back in with the recovery key, which gives
    // a new passphrase, a new key and a new recovery key, shown once.
    app.hold("#neutral-open", 1300);
    app.click_button("Forgotten your passphrase? Use your recovery key");
    app.type_into("#recover-key-input", &new_key);
    new_passphrase(&app, RECOVERED_PASSPHRASE);
    app.click_button("Open with the recovery key");
    app.find("#kept-key");
    let third_key = app.text(".recovery-key");
    assert_eq!(third_key.len(), 69, "a new recovery key: {third_key}");
    assert_ne!(third_key, new_key, "recovery replaced the recovery key");
    // Someone comes in before it is written down: quick exit takes it off
    // the screen, and the next open says a new one may be needed.
    app.press_shift(3);
    app.find("#neutral-title");
    assert!(!app.page().contains(&third_key), "the key left on the page");
    open_from_locked_page(&app, RECOVERED_PASSPHRASE);
    app.find("#key-unkept");
    app.wait_until(
        "the entry after recovery",
        "return document.body.textContent.includes('took a photo of me');",
    );
    app.click_button("Make a new recovery key");
    app.find("#settings-title");
    app.script(
        "const p = [...document.querySelectorAll('input[autocomplete=current-password]')].pop(); p.value = arguments[0];",
        serde_json::json!([RECOVERED_PASSPHRASE]),
    );
    app.click_button("Make a new recovery key");
    app.wait_until(
        "a new recovery key in Settings",
        "return [...document.querySelectorAll('.recovery-key')].some(k => k.textContent.length === 69);",
    );
    app.click("input[id^=kept-]");
    app.wait_until(
        "the key noted as kept",
        "return document.body.textContent.includes('Noted.');",
    );

    // A disguise (on the same Settings screen): the window's title (and
    // icon) change at once, and stay.
    app.click("#disguise-shopping");
    assert_window_title(&app, "Shopping list");
    app.click("#quick-exit");
    assert!(app.text("#neutral-title").contains("Shopping list"));

    // A backup from Settings, then restored into a fresh data folder by a
    // second start of the app, all from the screens.
    open_from_locked_page(&app, RECOVERED_PASSPHRASE);
    app.find("#timeline-title");
    app.click_button("Settings");
    app.click_button("Back up now");
    app.find("#backup-title");
    new_passphrase(&app, BACKUP_PASSPHRASE);
    app.click_button("Choose where to save, then back up");
    let saved = PathBuf::from(app.text("#backup-path"));
    assert!(
        saved.starts_with(&exports) && saved.exists(),
        "{}",
        saved.display()
    );
    app.end();
    drop(driver);

    let fresh = tmp.path().join("fresh-vault");
    let (_driver, app) = start_app(
        tmp.path(),
        &fresh,
        &[("INCIDENT_DIARY_E2E_BACKUP_FILE", saved.as_os_str())],
    );
    app.find("#welcome-title");
    app.click_button("I have a backup: restore it instead");
    app.wait_until(
        "the restore form shown",
        "const p = document.getElementById('restore-pass'); return !!p && p.getClientRects().length > 0;",
    );
    app.type_into("#restore-pass", BACKUP_PASSPHRASE);
    app.click_button("Choose the backup file, then restore");
    app.find("#restored-title");
    app.type_into("input[autocomplete=current-password]", RECOVERED_PASSPHRASE);
    app.click_button("Open");
    app.find("#timeline-title");
    app.wait_until(
        "the restored entries",
        "return document.body.textContent.includes('took a photo of me');",
    );
    app.end();
}
