//! Every reader against the fixtures `scripts/chat-fixtures.py` makes: each
//! export with the messages its model says it holds, written beside it as
//! `*.expected.json` (the WhatsApp ones also agree with an independent
//! parser, `ui/tests/chat-crosscheck.mjs`).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::archive::ChatArchive;
use super::zone::Zone;
use super::{Chat, DateOrder, Kind, SentAt, email, sms, telegram, whatsapp};

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/chats")
        .join(kind)
}

fn expected(path: &Path) -> Value {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    let file = path.with_file_name(format!("{stem}.expected.json"));
    serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap()
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Text => "text",
        Kind::System => "system",
        Kind::Deleted => "deleted",
        Kind::MediaOmitted => "media_omitted",
    }
}

fn text_of(v: &Value) -> Option<&str> {
    v.as_str()
}

/// The messages agree with the expected ones, field by field.
fn agree(name: &str, chat: &Chat, want: &Value, exact: bool) {
    let wanted = want["messages"].as_array().unwrap();
    assert_eq!(chat.messages.len(), wanted.len(), "{name}: message count");
    let london = Zone::named("Europe/London").unwrap();
    for (i, (m, w)) in chat.messages.iter().zip(wanted).enumerate() {
        let at = format!("{name}, message {}", i + 1);
        if let Some(line) = w["line"].as_u64() {
            assert_eq!(m.line as u64, line, "{at}: line");
        }
        assert_eq!(m.sender.as_deref(), text_of(&w["sender"]), "{at}: sender");
        assert_eq!(
            m.sender_id.as_deref(),
            text_of(&w["sender_id"]),
            "{at}: sender's address"
        );
        assert_eq!(m.text, w["text"].as_str().unwrap(), "{at}: text");
        assert_eq!(
            m.attachment.as_deref(),
            text_of(&w["attachment"]),
            "{at}: attachment"
        );
        assert_eq!(kind_name(m.kind), w["kind"].as_str().unwrap(), "{at}: kind");
        let local = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
        match m.sent_at {
            SentAt::Local(t) => {
                assert!(!exact, "{at}: a local time where the export has instants");
                assert_eq!(local(t), w["sent_at"].as_str().unwrap(), "{at}: time");
            }
            SentAt::Exact(t) => {
                assert!(exact, "{at}: an instant where the export has local times");
                let utc = w["sent_at_utc"].as_str().unwrap();
                let want: chrono::DateTime<chrono::Utc> = utc.parse().unwrap();
                assert_eq!(t, want, "{at}: instant");
                // Shown in the zone of the phone (the fixtures' UK clock).
                let shown = london.resolve(m.sent_at).naive_local();
                assert_eq!(local(shown), w["sent_at"].as_str().unwrap(), "{at}: local");
            }
        }
    }
    let flagged: Vec<u64> = want["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let got: Vec<u64> = chat.flagged.iter().map(|f| f.line as u64).collect();
    assert_eq!(got, flagged, "{name}: flagged lines");
}

#[test]
fn every_whatsapp_fixture_reads_as_its_model() {
    let mut seen = 0;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir("whatsapp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_str().unwrap().ends_with(".expected.json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let want = expected(&path);
        let given = match want["date_order_given"].as_str() {
            Some("mdy") => Some(DateOrder::Mdy),
            Some("dmy") => Some(DateOrder::Dmy),
            _ => None,
        };
        let (chat, media) = if name.ends_with(".zip") {
            let mut archive = ChatArchive::open(&path).unwrap();
            assert_eq!(
                archive.text_name,
                want["zip_chat_file"].as_str().unwrap(),
                "{name}"
            );
            let text = archive.text().unwrap();
            let names: Vec<String> = archive.media.iter().map(|m| m.name.clone()).collect();
            (whatsapp::parse(&text, given).unwrap(), Some(names))
        } else {
            let bytes = std::fs::read(&path).unwrap();
            if given.is_some() {
                assert_eq!(
                    whatsapp::parse(&bytes, None),
                    Err(super::ChatError::AmbiguousDateOrder),
                    "{name}: the order is asked for"
                );
            }
            (whatsapp::parse(&bytes, given).unwrap(), None)
        };
        assert_eq!(chat.variant, want["variant"].as_str().unwrap(), "{name}");
        let order = match chat.date_order {
            Some(DateOrder::Dmy) => "dmy",
            Some(DateOrder::Mdy) => "mdy",
            None => "none",
        };
        assert_eq!(order, want["date_order"].as_str().unwrap(), "{name}");
        assert_eq!(
            chat.lines as u64,
            want["lines"].as_u64().unwrap(),
            "{name}: lines"
        );
        if let Some(media) = media {
            let wanted: Vec<String> = want["zip_media"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(media, wanted, "{name}: media");
        }
        agree(&name, &chat, &want, false);
        seen += 1;
    }
    assert!(seen >= 12, "only {seen} WhatsApp fixtures");
}

#[test]
fn the_telegram_fixture_reads_as_its_model() {
    let path = dir("telegram").join("result.json");
    let want = expected(&path);
    let chat = telegram::parse(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(chat.title.as_deref(), want["chat_name"].as_str());
    agree("result.json", &chat, &want, true);
    for (m, w) in chat
        .messages
        .iter()
        .zip(want["messages"].as_array().unwrap())
    {
        assert_eq!(
            m.source_id.as_deref(),
            Some(w["source_id"].to_string().as_str())
        );
    }
}

#[test]
fn the_sms_fixture_reads_as_its_model() {
    let path = dir("sms").join("sms-backup.xml");
    let want = expected(&path);
    let backup = sms::parse(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(backup.chat.lines as u64, want["lines"].as_u64().unwrap());
    agree("sms-backup.xml", &backup.chat, &want, true);
    for (i, m) in backup.chat.messages.iter().enumerate() {
        let carried = backup.media_of[i].map(|f| backup.media[f].name.as_str());
        if m.attachment.is_some() {
            assert_eq!(carried, m.attachment.as_deref(), "the MMS file is carried");
            assert!(!backup.media[backup.media_of[i].unwrap()].bytes.is_empty());
        }
    }
}

#[test]
fn the_email_fixtures_read_as_their_models() {
    for file in ["message.eml", "mailbox.mbox"] {
        let path = dir("email").join(file);
        let want = expected(&path);
        let mail = email::parse(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            mail.chat.variant,
            want["variant"].as_str().unwrap(),
            "{file}"
        );
        agree(file, &mail.chat, &want, true);
        for (m, w) in mail
            .chat
            .messages
            .iter()
            .zip(want["messages"].as_array().unwrap())
        {
            assert_eq!(m.subject.as_deref(), w["subject"].as_str(), "{file}");
            let id = w["message_id"].as_str().unwrap();
            assert_eq!(
                m.source_id.as_deref(),
                Some(id.trim_start_matches('<').trim_end_matches('>')),
                "{file}"
            );
        }
        let attached = mail.media_of.iter().flatten().count();
        let named = mail
            .chat
            .messages
            .iter()
            .filter(|m| m.attachment.is_some())
            .count();
        assert_eq!(attached, named, "{file}: every attachment carried");
    }
}
