//! The rollback anchor's copy in the desktop keyring: a real D-Bus session
//! bus and a real GNOME Keyring (the Secret Service) on a private bus of
//! this test's own, and the real CLI. Whoever rolls the vault back and also
//! deletes the anchor folder is still refused, by the keyring's copy.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, Vault, copy_tree, incident_json};

/// A session bus and a keyring daemon, stopped when dropped.
struct Keyring {
    bus: Child,
    daemon: Child,
    address: String,
    _home: tempfile::TempDir,
}

impl Keyring {
    /// Starts both, or `None` where the daemons are not installed (outside
    /// CI: `scripts/setup.sh` installs them, and CI must run this).
    fn start() -> Option<Keyring> {
        let have = |tool: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have("dbus-daemon") || !have("gnome-keyring-daemon") || !have("secret-tool") {
            assert!(
                std::env::var_os("CI").is_none(),
                "dbus-daemon, gnome-keyring-daemon and secret-tool are needed (scripts/setup.sh)"
            );
            eprintln!("skipped: no dbus-daemon, gnome-keyring-daemon or secret-tool");
            return None;
        }
        let home = tempfile::tempdir().unwrap();
        let run = home.path().join("run");
        fs::create_dir(&run).unwrap();
        fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let socket = run.join("bus");
        let address = format!("unix:path={}", socket.display());
        // A bus of its own with no service activation: nothing is started
        // on it but the keyring below, with this test's HOME.
        let config = home.path().join("bus.conf");
        fs::write(&config, bus_config(&address)).unwrap();
        let bus = Command::new("dbus-daemon")
            .arg("--nofork")
            .arg(format!("--config-file={}", config.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(|| socket.exists());
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", &run)
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The login keyring's password, then end of input.
        daemon.stdin.take().unwrap().write_all(b"pw").unwrap();
        let keyring = Keyring {
            bus,
            daemon,
            address,
            _home: home,
        };
        wait_for(|| {
            keyring
                .secret_tool(&["search", "application", "none"])
                .is_some()
        });
        Some(keyring)
    }

    /// Runs `secret-tool` on this bus: its standard output, `None` when
    /// the keyring did not answer.
    fn secret_tool(&self, args: &[&str]) -> Option<String> {
        self.secret_tool_with(args, "")
    }

    fn secret_tool_with(&self, args: &[&str], input: &str) -> Option<String> {
        let mut cmd = Command::new("secret-tool");
        cmd.args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        let out = crate::util::run_with_stdin(cmd, input);
        // `search` prints attributes on standard error; with no match it
        // fails quietly, and with no keyring loudly.
        (out.code == 0 || out.stderr.is_empty()).then(|| out.stdout + &out.stderr)
    }

    /// The diary's entries in the keyring: their `record` attributes.
    fn records(&self) -> Vec<String> {
        let listed = self
            .secret_tool(&["search", "--all", "application", "incident-diary"])
            .unwrap();
        listed
            .lines()
            .filter_map(|l| l.strip_prefix("attribute.record = "))
            .map(str::to_string)
            .collect()
    }

    /// Runs the CLI on `v` with this keyring's bus.
    fn run(&self, v: &Vault, args: &[&str]) -> Run {
        let mut cmd = v.command(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        Run::from(cmd.output().unwrap())
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.bus.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.wait();
    }
}

/// A session bus that anyone of this user may use, and that starts nothing.
fn bus_config(address: &str) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
    )
}

fn wait_for(ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "not ready in 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn add(keyring: &Keyring, v: &Vault, n: u32) {
    let at = format!("2026-03-{n:02}T10:00:00+00:00");
    let json = incident_json(&at, &format!("Entry {n}"));
    let mut cmd = v.command(&["add", "--json", "-"]);
    cmd.env("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    crate::util::run_with_stdin(cmd, &json).ok();
}

/// `list` is refused with exit 4, saying `why`.
fn refused(keyring: &Keyring, v: &Vault, why: &str) {
    let out = keyring.run(v, &["list"]).fails_with(4);
    assert!(out.stderr.contains(why), "{}", out.stderr);
}

fn roll_back(v: &Vault, old: &Path) {
    fs::remove_dir_all(&v.dir).unwrap();
    copy_tree(old, &v.dir);
    // The abuser removes this device's record in the configuration folder too.
    fs::remove_dir_all(v.anchor_dir()).unwrap();
}

#[test]
fn the_keyring_copy_refuses_a_rollback_whose_anchor_file_was_deleted() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, old, _) = vault_with_older_copy_and_anchors(&keyring);
    // The folder's anchor and the device-wide mark, each with its copy.
    let mut anchors: Vec<String> = fs::read_dir(v.anchor_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    anchors.sort();
    let mut kept = keyring.records();
    kept.sort();
    assert_eq!(kept, anchors);

    roll_back(&v, &old);
    refused(
        &keyring,
        &v,
        "went back in time: this device last saw 3 log entries",
    );
    keyring.run(&v, &["check"]).fails_with(4);
    // Without the keyring the same rollback goes unseen, and the anchor
    // file written then (at the older copy) does not outvote the keyring.
    v.run(&["list"]).ok();
    keyring.run(&v, &["list"]).fails_with(4);
    // The owner who put it back on purpose says so: both copies follow.
    keyring.run(&v, &["check", "--accept-older"]).ok();
    keyring.run(&v, &["list"]).ok();
    fs::remove_dir_all(v.anchor_dir()).unwrap();
    keyring.run(&v, &["list"]).ok();
}

#[test]
fn a_damaged_keyring_copy_is_refused_and_the_copy_can_be_turned_off() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, old, _) = vault_with_older_copy_and_anchors(&keyring);
    let name = anchor_name(&v);
    // Garbage planted in the keyring under the anchor's name.
    let args = ["store", "--label", "x", "application", "incident-diary"];
    let planted = [&args[..], &["record", &name]].concat();
    keyring.secret_tool_with(&planted, "garbage").unwrap();
    refused(&keyring, &v, "keystore record of the diary is damaged");
    keyring.run(&v, &["check", "--accept-older"]).ok();
    keyring.run(&v, &["list"]).ok();

    // DIARY_KEYSTORE=off: nothing read from or written to the keyring.
    roll_back(&v, &old);
    let mut off = v.command(&["list"]);
    off.env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
        .env("DIARY_KEYSTORE", "off");
    Run::from(off.output().unwrap()).ok();
    keyring.run(&v, &["list"]).fails_with(4);
}

#[test]
fn a_restore_starts_the_keyring_copy_again() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, _, _) = vault_with_older_copy_and_anchors(&keyring);
    let file = v.tmp.path().join("backup.age");
    keyring
        .run(&v, &["backup", "--out", file.to_str().unwrap()])
        .ok();
    add(&keyring, &v, 4);
    fs::remove_dir_all(&v.dir).unwrap();
    let mut restore = v.command(&["restore", file.to_str().unwrap()]);
    restore.env("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    Run::from(restore.output().unwrap()).ok();
    keyring.run(&v, &["list"]).ok();
}

/// The anchor's file name (not the `hw-` high-water mark).
fn anchor_name(v: &Vault) -> String {
    fs::read_dir(v.anchor_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| !n.starts_with("hw-"))
        .unwrap()
}

/// A vault of two entries with a copy of it and of its anchor folder, then
/// a third entry recorded in the keyring.
fn vault_with_older_copy_and_anchors(keyring: &Keyring) -> (Vault, PathBuf, PathBuf) {
    let v = Vault::new();
    add(keyring, &v, 1);
    add(keyring, &v, 2);
    let old = v.tmp.path().join("old-copy");
    copy_tree(&v.dir, &old);
    let old_anchors = v.tmp.path().join("old-anchors");
    copy_tree(&v.anchor_dir(), &old_anchors);
    add(keyring, &v, 3);
    (v, old, old_anchors)
}

fn put_back(v: &Vault, old: &Path, old_anchors: &Path) {
    fs::remove_dir_all(&v.dir).unwrap();
    copy_tree(old, &v.dir);
    fs::remove_dir_all(v.anchor_dir()).unwrap();
    copy_tree(old_anchors, &v.anchor_dir());
}

#[test]
fn every_copy_is_checked_not_only_the_one_that_claims_most() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, old, old_anchors) = vault_with_older_copy_and_anchors(&keyring);
    // The older copy and its anchor put back, then written to with the
    // keyring out of sight: the file now claims as much as the keyring's
    // copy, on another history.
    put_back(&v, &old, &old_anchors);
    let mut forked = v.command(&["add", "--json", "-"]);
    forked
        .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
        .env("DIARY_KEYSTORE", "off");
    let json = incident_json("2026-03-09T10:00:00+00:00", "Forged");
    crate::util::run_with_stdin(forked, &json).ok();
    refused(&keyring, &v, "log entry 3 is not the one this device saw");
}

#[test]
fn an_old_copy_planted_in_another_collection_does_not_hide_the_real_one() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, old, old_anchors) = vault_with_older_copy_and_anchors(&keyring);
    let name = anchor_name(&v);
    // The old anchor file (no key needed) as a second item, in the session
    // collection, which a search returns first.
    let old_anchor = data_encoding::BASE64.encode(&fs::read(old_anchors.join(&name)).unwrap());
    let planted = [
        "store",
        "--collection=/org/freedesktop/secrets/collection/session",
        "--label",
        "x",
        "application",
        "incident-diary",
        "record",
        &name,
    ];
    keyring.secret_tool_with(&planted, &old_anchor).unwrap();
    put_back(&v, &old, &old_anchors);
    refused(
        &keyring,
        &v,
        "went back in time: this device last saw 3 log entries",
    );
}

#[test]
fn a_locked_keyring_never_stands_in_the_owners_way() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let (v, _old, _old_anchors) = vault_with_older_copy_and_anchors(&keyring);
    fs::write(v.anchor_dir().join(anchor_name(&v)), b"garbage").unwrap();
    keyring.run(&v, &["list"]).fails_with(4);
    // Locking needs no password: anyone may do it.
    let locked = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
        .output()
        .unwrap();
    assert!(locked.status.success(), "{locked:?}");
    keyring.run(&v, &["check", "--accept-older"]).ok();
    keyring.run(&v, &["list"]).ok();
}

#[test]
fn a_bus_that_never_answers_does_not_hang_the_diary() {
    // A socket that accepts connections and says nothing.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(4) {
            open.push(stream);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    let v = Vault::new();
    let mut cmd = v.command(&["list"]);
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", socket.display()),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    // Not a measure of speed: a bound far above the two-second wait, far
    // below "for ever".
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the diary hung on a bus that never answers");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success());
    drop(held);
}
