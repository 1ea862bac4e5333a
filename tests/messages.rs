//! Chats imported from messaging apps: the original kept byte for byte,
//! every line a message or flagged, times read in a named zone, messages
//! listed and searched, quoted by incidents; bad exports refused whole.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::{Vault, walk};

/// A WhatsApp chat as Android writes it in the UK: a system line, a
/// message over two lines, an attachment, a deleted message, and one
/// line before the first message (flagged).
const ANDROID: &str = "\
exported by a phone\n\
01/03/2026, 09:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.\n\
01/03/2026, 21:41 - Mark Example: I know where you are tonight\n\
Don't pretend you don't see me\n\
01/03/2026, 21:43 - Jo: Please stop contacting me\n\
14/03/2026, 23:05 - Mark Example: IMG-20260314-WA0003.jpg (file attached)\n\
Your front door\n\
14/03/2026, 23:06 - Mark Example: This message was deleted\n\
14/07/2026, 22:10 - Mark Example: Summer now. Still watching\n";

fn write(v: &Vault, name: &str, bytes: &[u8]) -> PathBuf {
    let path = v.tmp.path().join(name);
    fs::write(&path, bytes).unwrap();
    path
}

fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// `messages sender`: says `who` in conversation 1 is `person`.
fn link_sender(v: &Vault, who: &str, person: &str) -> crate::util::Run {
    v.run(&[
        "messages",
        "sender",
        "--conversation",
        "1",
        "--sender",
        who,
        "--person",
        person,
    ])
}

fn import(v: &Vault, path: &Path, extra: &[&str]) -> crate::util::Run {
    let mut args = vec!["import", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    v.run(&args)
}

#[test]
fn a_chat_is_imported_whole_with_its_provenance_and_the_original_kept() {
    let v = Vault::new();
    let chat = write(
        &v,
        "WhatsApp Chat with Mark Example.txt",
        ANDROID.as_bytes(),
    );
    let done = import(
        &v,
        &chat,
        &[
            "--timezone",
            "Europe/London",
            "--me",
            "Jo",
            "--source",
            "My Android phone, WhatsApp > Export chat > Without media",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(done["conversation"], 1);
    assert_eq!(done["messages"], 6);
    assert_eq!(done["flagged"], 1, "the line before the first message");
    assert_eq!(done["title"], "WhatsApp chat with Mark Example");
    let source = &done["source"];
    assert_eq!(source["format"], "whatsapp");
    assert_eq!(source["variant"], "whatsapp-android");
    assert_eq!(source["zone"], "Europe/London");
    assert_eq!(source["zone_given"], true);
    assert_eq!(source["date_order"], "dmy");
    assert_eq!(source["date_order_given"], false);
    assert_eq!(source["lines"], 9);
    assert_eq!(source["me"], "Jo");
    assert!(
        source["parser"]
            .as_str()
            .unwrap()
            .starts_with("incident-diary ")
    );
    assert!(source["note"].as_str().unwrap().contains("Without media"));

    let listed = v.run(&["messages", "--json"]).ok().json();
    let m = listed.as_array().unwrap();
    assert_eq!(m.len(), 6);
    assert_eq!(m[1]["sender"], "Mark Example");
    assert_eq!(
        m[1]["text"],
        "I know where you are tonight\nDon't pretend you don't see me"
    );
    assert_eq!(m[1]["sent_at"], "2026-03-01T21:41:00Z");
    assert_eq!(m[1]["line"], 3);
    assert_eq!(m[1]["number"], 2);
    assert_eq!(m[1]["conversation"], 1);
    assert_eq!(m[0]["kind"], "system");
    assert_eq!(m[0]["sender"], serde_json::Value::Null);
    assert_eq!(m[3]["attachment_name"], "IMG-20260314-WA0003.jpg");
    assert_eq!(
        m[3]["attachment"],
        serde_json::Value::Null,
        "not in the export"
    );
    assert_eq!(m[3]["text"], "Your front door");
    assert_eq!(m[4]["kind"], "deleted");
    // Summer time: the same clock reading is an hour ahead of UTC.
    assert_eq!(m[5]["sent_at"], "2026-07-14T22:10:00+01:00");

    // The original, byte for byte, as an exhibit of its own.
    let out = v.tmp.path().join("original.txt");
    v.run(&["extract", "1", "--out", out.to_str().unwrap()])
        .ok();
    assert_eq!(fs::read(&out).unwrap(), ANDROID.as_bytes());
    let exhibits = v.run(&["exhibits", "--json"]).ok().json();
    assert_eq!(
        exhibits[0]["original_name"],
        "WhatsApp Chat with Mark Example.txt"
    );
    assert_eq!(exhibits[0]["conversation"], 1);
    assert_eq!(exhibits[0]["incident_number"], serde_json::Value::Null);
    v.run(&["check"]).ok();

    // Searching: words in any case, a sender, a period.
    let found = v
        .run(&["messages", "--search", "WATCHING still", "--json"])
        .ok()
        .json();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["number"], 6);
    let from_jo = v.run(&["messages", "--sender", "jo", "--json"]).ok().json();
    assert_eq!(from_jo.as_array().unwrap().len(), 1);
    let march = v
        .run(&[
            "messages",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-31",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(march.as_array().unwrap().len(), 2);
    let human = v.run(&["messages", "--conversation", "1"]).ok().stdout;
    assert!(
        human.contains("[file not in the export: IMG-20260314-WA0003.jpg]"),
        "{human}"
    );
    assert!(human.contains("[deleted]"), "{human}");
    v.run(&["messages", "--conversation", "2"]).fails_with(5);

    let conversations = v.run(&["messages", "conversations", "--json"]).ok().json();
    assert_eq!(conversations[0]["messages"], 6);
    assert_eq!(conversations[0]["original"], "1");
    let senders = conversations[0]["senders"].as_array().unwrap();
    assert_eq!(senders[0]["name"], "Mark Example");
    assert_eq!(senders[0]["messages"], 4);
}

#[test]
fn media_in_a_zip_become_exhibits_linked_to_their_messages() {
    let v = Vault::new();
    let photo: &[u8] = b"\xff\xd8\xff\xe0 a photo he sent";
    let zip = v.tmp.path().join("WhatsApp Chat with Mark Example.zip");
    zip_of(
        &zip,
        &[
            ("WhatsApp Chat with Mark Example.txt", ANDROID.as_bytes()),
            ("IMG-20260314-WA0003.jpg", photo),
            ("__MACOSX/._IMG-20260314-WA0003.jpg", b"resource fork"),
        ],
    );
    let done = import(&v, &zip, &["--timezone", "Europe/London", "--json"])
        .ok()
        .json();
    assert_eq!(done["original"], "1");
    assert_eq!(done["media"], serde_json::json!(["2"]));
    assert_eq!(done["left_out"], 1);
    let listed = v.run(&["messages", "--json"]).ok().json();
    assert_eq!(listed[3]["attachment"], "2");
    let out = v.tmp.path().join("photo.jpg");
    v.run(&["extract", "2", "--out", out.to_str().unwrap()])
        .ok();
    assert_eq!(fs::read(&out).unwrap(), photo);
    let original = v.tmp.path().join("original.zip");
    v.run(&["extract", "1", "--out", original.to_str().unwrap()])
        .ok();
    assert_eq!(fs::read(&original).unwrap(), fs::read(&zip).unwrap());
    v.run(&["check"]).ok();
}

#[test]
fn messages_become_an_incident_and_are_quoted_by_another() {
    let v = Vault::new();
    let chat = write(&v, "chat.txt", ANDROID.as_bytes());
    import(&v, &chat, &["--timezone", "Europe/London", "--me", "Jo"]).ok();
    let mark = v
        .run(&["person", "add", "--role", "perpetrator", "--name", "Mark"])
        .ok()
        .added_id("person");
    link_sender(&v, "Mark Example", &mark).ok();
    link_sender(&v, "Nobody", &mark).fails_with(2);
    let made = v
        .run(&[
            "messages",
            "incident",
            "--conversation",
            "1",
            "--messages",
            "2-3",
            "--behaviour",
            "contact_unwanted",
        ])
        .ok()
        .stdout;
    assert!(made.contains("added incident 1"), "{made}");
    let shown = v.run(&["show", "1", "--json"]).ok().json();
    assert_eq!(shown["occurred_at"], "2026-03-01T21:41:00Z");
    assert_eq!(shown["occurred_until"], "2026-03-01T21:43:00Z");
    assert_eq!(shown["channels"], serde_json::json!(["messaging_app"]));
    assert_eq!(shown["perpetrators"], serde_json::json!([mark]));
    assert_eq!(shown["messages"][0]["messages"], serde_json::json!([2, 3]));
    assert!(
        shown["title"]
            .as_str()
            .unwrap()
            .contains("2 messages from Mark Example"),
        "{shown}"
    );

    let other =
        v.add_json(r#"{"occurred_at":"2026-03-14T23:00:00+00:00","narrative":"At my door"}"#);
    v.run(&[
        "messages",
        "link",
        "--conversation",
        "1",
        "--messages",
        "4,5",
        "--incident",
        &other.to_string(),
        "--reason",
        "his messages that night",
    ])
    .ok();
    let shown = v
        .run(&["show", &other.to_string(), "--json", "--history"])
        .ok()
        .json();
    assert_eq!(shown["messages"][0]["messages"], serde_json::json!([4, 5]));
    assert_eq!(shown["amendments"], 1);
    // Numbers the conversation does not have are refused, nothing written.
    for bad in ["7", "0", "3-1", "x"] {
        let code = v
            .run(&[
                "messages",
                "link",
                "--conversation",
                "1",
                "--messages",
                bad,
                "--incident",
                "1",
                "--reason",
                "r",
            ])
            .code;
        assert_eq!(code, 2, "{bad}");
    }
    v.run(&[
        "messages",
        "link",
        "--conversation",
        "9",
        "--messages",
        "1",
        "--incident",
        "1",
        "--reason",
        "r",
    ])
    .fails_with(5);
}

#[test]
fn dates_that_cannot_tell_day_from_month_are_asked_for() {
    let v = Vault::new();
    let chat = write(
        &v,
        "us.txt",
        b"03/04/26, 9:41 PM - Mark: hi\n03/05/26, 12:05 AM - Mark: again\n",
    );
    let run = import(&v, &chat, &["--timezone", "America/New_York"]).fails_with(2);
    assert!(run.stderr.contains("--date-order"), "{}", run.stderr);
    let done = import(
        &v,
        &chat,
        &[
            "--timezone",
            "America/New_York",
            "--date-order",
            "mdy",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(done["source"]["date_order"], "mdy");
    assert_eq!(done["source"]["date_order_given"], true);
    let m = v.run(&["messages", "--json"]).ok().json();
    assert_eq!(m[0]["sent_at"], "2026-03-04T21:41:00-05:00");
    assert_eq!(m[1]["sent_at"], "2026-03-05T00:05:00-05:00");
}

#[test]
fn bad_exports_are_refused_whole_and_nothing_is_written() {
    let v = Vault::new();
    let latin1 = write(&v, "latin1.txt", b"01/03/2026, 21:41 - Mark: caf\xe9\n");
    let run = import(&v, &latin1, &[]).fails_with(2);
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
    let not_chat = write(&v, "letter.txt", b"Dear Jo,\nthis is a letter.\n");
    let run = import(&v, &not_chat, &[]).fails_with(2);
    assert!(
        run.stderr.contains("no line starts a message"),
        "{}",
        run.stderr
    );
    let zone = write(&v, "ok.txt", ANDROID.as_bytes());
    let run = import(&v, &zone, &["--timezone", "Mars/Olympus"]).fails_with(2);
    assert!(run.stderr.contains("time zone"), "{}", run.stderr);
    import(&v, &zone, &["--me", "Nobody"]).fails_with(2);
    import(&v, &v.tmp.path().join("missing.txt"), &[]).fails_with(5);
    v.run(&["import", zone.to_str().unwrap(), "--format", "fax"])
        .fails_with(2);

    let climbing = v.tmp.path().join("climbing.zip");
    zip_of(
        &climbing,
        &[
            ("_chat.txt", ANDROID.as_bytes()),
            ("../../.bashrc", b"evil"),
        ],
    );
    let run = import(&v, &climbing, &[]).fails_with(2);
    assert!(run.stderr.contains("outside its folder"), "{}", run.stderr);

    let bomb = v.tmp.path().join("bomb.zip");
    {
        let mut zip = zip::ZipWriter::new(fs::File::create(&bomb).unwrap());
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("_chat.txt", deflated).unwrap();
        zip.write_all(ANDROID.as_bytes()).unwrap();
        zip.start_file("VID-20260314-WA0001.mp4", deflated).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let run = import(&v, &bomb, &[]).fails_with(2);
    assert!(run.stderr.contains("zip bomb"), "{}", run.stderr);

    // Not one conversation, exhibit or file came of any of it.
    let conversations = v.run(&["messages", "conversations", "--json"]).ok().json();
    assert_eq!(conversations, serde_json::json!([]));
    assert_eq!(
        v.run(&["exhibits", "--json"]).ok().json(),
        serde_json::json!([])
    );
    let files: Vec<_> = walk(&v.dir)
        .into_iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "att"))
        .filter(|p| p.is_file())
        .collect();
    assert!(files.is_empty(), "{files:?}");
}

/// The messages' words never reach a vault file in any readable form.
#[test]
fn no_message_text_or_sender_is_on_disk() {
    let v = Vault::new();
    let chat = write(&v, "chat.txt", ANDROID.as_bytes());
    import(&v, &chat, &["--timezone", "Europe/London"]).ok();
    fs::remove_file(&chat).unwrap();
    for file in walk(v.tmp.path()) {
        if !file.is_file() {
            continue;
        }
        let bytes = fs::read(&file).unwrap();
        for needle in [
            "Still watching",
            "Mark Example",
            "Your front door",
            "WA0003",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} in {}",
                file.display()
            );
        }
    }
}

/// Every fixture of `scripts/chat-fixtures.py`, imported with the real
/// binary into one diary: the format told from the content, the messages
/// its model holds, the files it carries as exhibits.
#[test]
fn every_fixture_imports_through_the_cli() {
    let v = Vault::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/chats");
    let mut files = Vec::new();
    for kind in ["whatsapp", "telegram", "sms", "email"] {
        for entry in fs::read_dir(root.join(kind)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_str().unwrap();
            if path.is_file() && !name.ends_with(".expected.json") {
                files.push((kind, path));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 17, "{} fixtures", files.len());
    for (n, (kind, path)) in files.iter().enumerate() {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let want: serde_json::Value = serde_json::from_slice(
            &fs::read(path.with_file_name(format!("{stem}.expected.json"))).unwrap(),
        )
        .unwrap();
        let mut args = vec!["--timezone", "Europe/London", "--json"];
        if let Some(order) = want["date_order_given"].as_str() {
            args.extend(["--date-order", order]);
        }
        let done = import(&v, path, &args).ok().json();
        let name = path.display();
        assert_eq!(done["conversation"], n + 1, "{name}");
        assert_eq!(
            done["source"]["format"], *kind,
            "{name}: told from the content"
        );
        assert_eq!(
            done["messages"],
            want["messages"].as_array().unwrap().len(),
            "{name}"
        );
        let carried = done["media"].as_array().unwrap().len();
        let expected_media = match *kind {
            "whatsapp" => want["zip_media"].as_array().map_or(0, Vec::len),
            "sms" | "email" | "telegram" => want["messages"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| !m["attachment"].is_null())
                .count(),
            _ => 0,
        };
        assert_eq!(carried, expected_media, "{name}: files carried");
        // Each file the export carried is linked to its message.
        let linked = v
            .run(&["messages", "--conversation", &(n + 1).to_string(), "--json"])
            .ok()
            .json();
        let with_file = linked
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| !m["attachment"].is_null())
            .count();
        assert!(with_file >= carried.min(1), "{name}: files linked");
    }
    v.run(&["check"]).ok();
}

/// A Telegram export put in a home folder names files its owner never
/// sent: a private key, a hard link to one, a file through `..`. Only
/// Telegram's own files come in; and a message with a NUL and a direction
/// override still exports.
#[test]
fn files_planted_beside_an_export_stay_out_and_hostile_text_exports() {
    let v = Vault::new();
    let home = v.tmp.path().join("home");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    fs::create_dir_all(home.join("photos")).unwrap();
    fs::write(home.join(".ssh/id_rsa"), "PRIVATE KEY").unwrap();
    fs::write(home.join("secret.txt"), "PRIVATE").unwrap();
    fs::hard_link(home.join("secret.txt"), home.join("photos/hard.jpg")).unwrap();
    fs::write(home.join("photos/real.jpg"), b"\xff\xd8\xff a photo").unwrap();
    let message = |id: u32, file: &str, text: &str| {
        serde_json::json!({"id": id, "type": "message", "date": "2026-03-01T21:41:05",
            "date_unixtime": (1772401265 + id).to_string(), "from": "Mark\u{202e}", "text": text, "photo": file})
    };
    let export = serde_json::json!({"name": "Mark", "type": "personal_chat", "id": 1, "messages": [
        message(1, ".ssh/id_rsa", "a"),
        message(2, "photos/hard.jpg", "b"),
        message(3, "photos/../secret.txt", "c"),
        message(4, "/etc/passwd", "d"),
        message(5, "photos/real.jpg", "NUL\u{0} and W".repeat(3000).as_str()),
    ]});
    let path = home.join("result.json");
    fs::write(&path, serde_json::to_vec(&export).unwrap()).unwrap();
    let done = import(&v, &path, &["--timezone", "Europe/London", "--json"])
        .ok()
        .json();
    assert_eq!(
        done["media"],
        serde_json::json!(["2"]),
        "only photos/real.jpg"
    );
    for exhibit in v
        .run(&["exhibits", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
    {
        assert!(
            exhibit["original_name"] == "result.json"
                || exhibit["original_name"] == "photos/real.jpg",
            "{exhibit}"
        );
    }
    v.run(&[
        "messages",
        "incident",
        "--conversation",
        "1",
        "--messages",
        "1-5",
    ])
    .ok();
    let out = v.tmp.path().join("bundle");
    v.run(&["export", "--out", out.to_str().unwrap()]).ok();
    v.run(&["verify", out.to_str().unwrap()]).ok();
}

/// Two emails from "Jo": one from her own address, one from his. A display
/// name is whatever a sender typed, so the address decides who sent it.
const SPOOFED: &str = "\
From jo@example.com Sun Mar  1 21:00:00 2026\n\
From: Jo <jo@example.com>\n\
Date: Sun, 1 Mar 2026 21:00:00 +0000\n\
Subject: please\n\
\n\
Please stop writing to me.\n\
\n\
From mark@example.net Sun Mar  1 22:00:00 2026\n\
From: Jo <mark@example.net>\n\
Date: Sun, 1 Mar 2026 22:00:00 +0000\n\
Subject: re: please\n\
\n\
I can be anyone I like.\n";

#[test]
fn a_name_two_senders_use_is_told_apart_by_the_address() {
    let v = Vault::new();
    let mbox = write(&v, "mail.mbox", SPOOFED.as_bytes());
    let run = import(&v, &mbox, &["--timezone", "Europe/London", "--me", "Jo"]).fails_with(2);
    assert!(
        run.stderr.contains("2 senders are called \"Jo\"")
            && run.stderr.contains("Jo <mark@example.net>"),
        "{}",
        run.stderr
    );
    import(
        &v,
        &mbox,
        &["--timezone", "Europe/London", "--me", "jo@example.com"],
    )
    .ok();
    let listed = v.run(&["messages", "conversations", "--json"]).ok().json();
    assert_eq!(listed[0]["source"]["me"], "Jo <jo@example.com>");
    let senders: Vec<&str> = listed[0]["senders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(senders, ["Jo <jo@example.com>", "Jo <mark@example.net>"]);
    let m = v.run(&["messages", "--json"]).ok().json();
    assert_eq!(m[1]["sender"], "Jo");
    assert_eq!(m[1]["sender_id"], "mark@example.net");
    let his = v
        .run(&["messages", "--sender", "MARK@example.net", "--json"])
        .ok()
        .json();
    assert_eq!(his.as_array().unwrap().len(), 1);
    assert_eq!(
        v.run(&["messages", "--sender", "Jo", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        2,
        "a name alone matches both"
    );

    // Linked by his address, he is the perpetrator of an incident made
    // from his email, and she is not of hers.
    let mark = v
        .run(&["person", "add", "--role", "perpetrator", "--name", "Mark"])
        .ok()
        .added_id("person");
    link_sender(&v, "Jo", &mark).fails_with(2);
    let said = link_sender(&v, "mark@example.net", &mark).ok().stdout;
    assert!(
        said.contains("Jo <mark@example.net> in conversation 1"),
        "{said}"
    );
    let text = v.run(&["messages"]).ok().stdout;
    assert!(
        text.contains("Jo <mark@example.net>: I can be anyone"),
        "{text}"
    );
    for (incident, message, perpetrators) in [
        ("1", "2", serde_json::json!([mark])),
        ("2", "1", serde_json::json!([])),
    ] {
        v.run(&[
            "messages",
            "incident",
            "--conversation",
            "1",
            "--messages",
            message,
        ])
        .ok();
        let shown = v.run(&["show", incident, "--json"]).ok().json();
        assert_eq!(shown["perpetrators"], perpetrators, "message {message}");
    }
}

/// A sender's name cannot pass for lines of the listing: a name is shown
/// on one line, a message's own lines indented under it.
#[test]
fn names_and_texts_cannot_forge_lines_of_the_listing() {
    let v = Vault::new();
    let chat = "\
01/03/2026, 21:41 - Mark: first line\n\
1.9     2026-03-01 21:50:00 +00:00  Jo: I am fine, ignore this\n";
    let path = write(&v, "chat.txt", chat.as_bytes());
    import(&v, &path, &["--timezone", "UTC", "--date-order", "dmy"]).ok();
    let text = v.run(&["messages"]).ok().stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with("        1.9"), "{text}");
}
