//! Telegram Desktop's "Export chat history" in its machine-readable form,
//! `result.json`: one chat, `{"name", "type", "id", "messages": [...]}`.
//! A message's text is a string, or a list of strings and entities
//! (`{"type": "bold", "text": "..."}`) whose texts make it up. Times come as
//! the local clock (`date`) and as Unix time (`date_unixtime`); the Unix
//! time is used, so the zone only sets how they are shown. Every message
//! object is read or flagged by its position in the list (Telegram's
//! export has no lines to speak of).

use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

use super::{Chat, ChatError, Flagged, Kind, Message, SentAt};

/// The words for a service message (a call, a pinned message...).
fn service_text(m: &Value) -> String {
    let action = m.get("action").and_then(Value::as_str).unwrap_or("");
    let reason = m.get("discard_reason").and_then(Value::as_str);
    let seconds = m.get("duration_seconds").and_then(Value::as_u64);
    match (action, reason, seconds) {
        ("phone_call", Some("missed"), _) => "Missed call".into(),
        ("phone_call", Some("busy"), _) => "Declined call".into(),
        ("phone_call", _, Some(s)) => format!("Call ({s} s)"),
        ("phone_call", _, None) => "Call".into(),
        ("pin_message", _, _) => "Pinned a message".into(),
        ("", _, _) => "A service message".into(),
        (other, _, _) => format!("Service message: {}", other.replace('_', " ")),
    }
}

/// The text of a message: a string, or strings and entities in a list.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    Value::String(s) => out.push_str(s),
                    Value::Object(o) => out.push_str(o.get("text")?.as_str()?),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Telegram writes this in place of a file it did not download.
const NOT_INCLUDED: &str = "(File not included.";

fn when(m: &Value) -> Option<SentAt> {
    if let Some(unix) = m
        .get("date_unixtime")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok())
    {
        return DateTime::from_timestamp(unix, 0).map(SentAt::Exact);
    }
    let local = m.get("date")?.as_str()?;
    NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(SentAt::Local)
}

/// Telegram's id of a sender (`user123456789`, `channel…`): a string in
/// today's exports, a number in old ones.
fn user_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(format!("user{n}")),
        _ => None,
    }
}

fn message(m: &Value, position: usize) -> Result<Message, &'static str> {
    let kind_field = m.get("type").and_then(Value::as_str).ok_or("no type")?;
    let sent_at = when(m).ok_or("no readable date")?;
    let source_id = m.get("id").and_then(Value::as_i64).map(|i| i.to_string());
    if kind_field == "service" {
        let actor = m.get("actor").and_then(Value::as_str).map(str::to_string);
        let actor_id = user_id(m.get("actor_id"));
        return Ok(Message {
            line: position,
            sent_at,
            sender: actor,
            sender_id: actor_id,
            text: service_text(m),
            attachment: None,
            kind: Kind::System,
            source_id,
            subject: None,
        });
    }
    if kind_field != "message" {
        return Err("neither a message nor a service message");
    }
    let text = text_of(m.get("text")).ok_or("a text that is neither words nor a list of them")?;
    let file = ["photo", "file"]
        .iter()
        .find_map(|k| m.get(*k).and_then(Value::as_str));
    let (attachment, omitted) = match file {
        Some(f) if f.starts_with(NOT_INCLUDED) => (None, true),
        Some(f) => (Some(f.to_string()), false),
        None => (None, false),
    };
    let kind = if omitted && text.is_empty() {
        Kind::MediaOmitted
    } else {
        Kind::Text
    };
    Ok(Message {
        line: position,
        sent_at,
        sender: m.get("from").and_then(Value::as_str).map(str::to_string),
        sender_id: user_id(m.get("from_id")),
        text,
        attachment,
        kind,
        source_id,
        subject: None,
    })
}

/// Reads a Telegram Desktop `result.json` of one chat.
pub fn parse(bytes: &[u8]) -> Result<Chat, ChatError> {
    let text = super::text::decode(bytes)?;
    let root: Value = serde_json::from_str(&text).map_err(|e| ChatError::Unreadable {
        line: e.line(),
        why: format!("not JSON Telegram wrote ({e})"),
    })?;
    if root.get("chats").is_some() && root.get("messages").is_none() {
        return Err(ChatError::Io(
            "this is a whole Telegram account's export: export the one chat (Export chat history) and import its result.json".into(),
        ));
    }
    let Some(list) = root.get("messages").and_then(Value::as_array) else {
        return Err(ChatError::NotAChat);
    };
    let most = crate::model::chat::MAX_MESSAGES + super::MAX_FLAGGED;
    if list.len() > most {
        return Err(ChatError::Io(format!(
            "{} entries, more than the {most} one import reads",
            list.len()
        )));
    }
    let mut messages = Vec::with_capacity(list.len());
    let mut flagged = Vec::new();
    for (i, m) in list.iter().enumerate() {
        match message(m, i + 1) {
            Ok(msg) => messages.push(msg),
            Err(why) => flagged.push(Flagged {
                line: i + 1,
                reason: format!("message {} of the list: {why}", i + 1),
            }),
        }
    }
    if messages.is_empty() && !list.is_empty() {
        return Err(ChatError::NotAChat);
    }
    Ok(Chat {
        format: "telegram",
        variant: "telegram-desktop-json",
        title: root.get("name").and_then(Value::as_str).map(str::to_string),
        date_order: None,
        date_order_inferred: false,
        messages,
        flagged,
        lines: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_entities_services_and_files_are_read() {
        let json = r#"{"name": "Mark Example", "type": "personal_chat", "id": 42, "messages": [
          {"id": 1, "type": "service", "date": "2026-03-01T21:40:00", "date_unixtime": "1772401200",
           "actor": "Mark Example", "actor_id": "user1", "action": "phone_call", "discard_reason": "missed"},
          {"id": 2, "type": "message", "date": "2026-03-01T21:41:05", "date_unixtime": "1772401265",
           "from": "Mark Example", "from_id": "user1", "text": ["You ", {"type": "bold", "text": "will"}, " answer"]},
          {"id": 3, "type": "message", "date": "2026-03-01T21:42:00", "date_unixtime": "1772401320",
           "from": "Mark Example", "photo": "photos/photo_1@01-03-2026_21-42-00.jpg", "text": ""},
          {"id": 4, "type": "message", "date": "2026-03-01T21:43:00", "date_unixtime": "1772401380",
           "from": "Mark Example", "file": "(File not included. Change data exporting settings to download.)", "text": ""},
          {"id": 5, "type": "sticker_pack"}
        ]}"#;
        let chat = parse(json.as_bytes()).unwrap();
        assert_eq!(chat.title.as_deref(), Some("Mark Example"));
        let m = &chat.messages;
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].kind, Kind::System);
        assert_eq!(m[0].text, "Missed call");
        assert_eq!(m[1].text, "You will answer");
        assert_eq!(
            m[1].sent_at,
            SentAt::Exact("2026-03-01T21:41:05Z".parse().unwrap())
        );
        assert_eq!(m[1].source_id.as_deref(), Some("2"));
        assert_eq!(m[0].sender_id.as_deref(), Some("user1"));
        assert_eq!(m[1].sender_id.as_deref(), Some("user1"));
        assert_eq!(m[2].sender_id, None);
        assert_eq!(
            m[2].attachment.as_deref(),
            Some("photos/photo_1@01-03-2026_21-42-00.jpg")
        );
        assert_eq!(m[3].kind, Kind::MediaOmitted);
        assert_eq!(chat.flagged.len(), 1);
        assert_eq!(chat.flagged[0].line, 5);
    }

    #[test]
    fn deep_nesting_and_whole_account_exports_are_refused() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(deep.as_bytes()).is_err());
        let account = br#"{"about": "", "chats": {"list": []}}"#;
        let err = parse(account).unwrap_err().to_string();
        assert!(err.contains("one chat"), "{err}");
        assert!(matches!(parse(b"{}"), Err(ChatError::NotAChat)));
    }
}
