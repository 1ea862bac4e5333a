//! Conversations imported from messaging apps, for the app: the export is
//! picked in Rust (the page learns only its name), imported on a blocking
//! thread, and read back a page of messages at a time. Every reply is
//! bounded whatever the diary holds.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use incident_diary::messages::DateOrder;
use incident_diary::messages::query::{Found, MessageFilter};
use incident_diary::model::{Behaviour, ChatSource, MessageKind};
use incident_diary::state::ChatRecord;
use incident_diary::{Diary, ImportOptions};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};

use crate::error::{IpcError, IpcResult, blocking};
use crate::picker;
use crate::session::Session;

/// Messages per reply at most, and a message's text in a reply at most
/// (WhatsApp allows 65,536 characters; the rest is in the export).
pub const MESSAGE_PAGE: usize = 200;
const MAX_TEXT: usize = 4_000;
/// Bytes of messages in one reply at most (as JSON): a page stops short
/// of it, and the next page starts where it stopped. With a conversation's
/// own details (bounded below) a reply stays under 256 KiB.
const MESSAGE_BYTES: usize = 160 << 10;
/// Bytes of quoted messages in an incident's reply at most.
const QUOTED_BYTES: usize = 64 << 10;
/// Conversations listed, and senders per conversation, at most.
const MAX_CONVERSATIONS: usize = 200;
const MAX_SENDERS: usize = 50;
/// Characters of a name (a sender, a file, a title) in a reply at most;
/// of the owner's note on the source.
const MAX_NAME: usize = 200;
const MAX_NOTE: usize = 2_000;

/// `text` cut to `max` characters, marked with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The export picked and not yet imported.
#[derive(Default)]
pub struct PickedChat(Mutex<Option<PathBuf>>);

/// What the page is told of the picked file.
#[derive(Debug, Serialize)]
pub struct PickedChatDto {
    pub name: String,
    pub size: u64,
}

/// The owner's answers on the import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportRequest {
    /// IANA zone; none: this device's.
    pub zone: Option<String>,
    /// `dmy` or `mdy`, when the import asked.
    pub date_order: Option<String>,
    /// Her own name in the chat.
    pub me: Option<String>,
    /// Where it came from.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct SenderDto {
    /// Its place in the list (from 1), which [`link_sender`] takes: the
    /// name shown may be cut.
    pub number: usize,
    /// As listed: the name, with the address where the export gives one.
    pub name: String,
    pub messages: usize,
    /// The person in People it is linked to (id).
    pub person: Option<String>,
}

/// A conversation as the Messages screen lists it.
#[derive(Debug, Serialize)]
pub struct ConversationLineDto {
    pub number: u32,
    pub title: String,
    pub messages: usize,
    pub flagged: usize,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    pub original: String,
    pub format: String,
    pub zone: String,
}

/// The conversations, the first [`MAX_CONVERSATIONS`] of them, and how many
/// there are.
#[derive(Debug, Serialize)]
pub struct ConversationsDto {
    pub conversations: Vec<ConversationLineDto>,
    pub total: usize,
}

/// A conversation and where it came from.
#[derive(Debug, Serialize)]
pub struct ConversationDto {
    pub number: u32,
    pub title: String,
    pub imported_at: DateTime<FixedOffset>,
    pub messages: usize,
    pub flagged: usize,
    pub first: Option<DateTime<FixedOffset>>,
    pub last: Option<DateTime<FixedOffset>>,
    pub original: String,
    pub source: ChatSource,
    pub senders: Vec<SenderDto>,
    pub senders_total: usize,
}

/// One message as a line of the conversation screen.
#[derive(Debug, Serialize)]
pub struct MessageDto {
    pub number: u32,
    pub sender: Option<String>,
    pub sent_at: DateTime<FixedOffset>,
    pub text: String,
    /// The text was longer (the rest is in the export and the report).
    pub cut: bool,
    pub attachment_name: Option<String>,
    /// The exhibit holding the file (its label), when carried.
    pub attachment: Option<String>,
    pub exhibit: Option<u32>,
    pub kind: MessageKind,
    pub line: Option<u32>,
}

/// Which messages of a conversation to show.
#[derive(Debug, Default, Deserialize)]
pub struct MessagesQuery {
    pub text: Option<String>,
    pub sender: Option<String>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: usize,
}

/// A page of a conversation.
#[derive(Debug, Serialize)]
pub struct MessagesDto {
    pub conversation: ConversationDto,
    pub messages: Vec<MessageDto>,
    pub offset: usize,
    /// Messages the query matches.
    pub matching: usize,
}

/// Shows the native dialog for the export; keeps the path for [`import`].
pub async fn pick(app: AppHandle) -> IpcResult<PickedChatDto> {
    let picker_app = app.clone();
    let path = blocking(move || picker::chat_export(&picker_app))
        .await?
        .ok_or_else(IpcError::cancelled)?;
    let dto = PickedChatDto {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size: std::fs::metadata(&path).map_or(0, |m| m.len()),
    };
    *app.state::<PickedChat>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(path);
    Ok(dto)
}

/// Imports the export picked last. The path stays picked if the import
/// asks a question (the date order), so the page can answer and retry.
pub async fn import(app: AppHandle, request: ImportRequest) -> IpcResult<ConversationDto> {
    let path = app
        .state::<PickedChat>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| IpcError::other("choose the exported file first"))?;
    let options = ImportOptions {
        format: None,
        zone: request.zone.filter(|z| !z.trim().is_empty()),
        date_order: match request.date_order.as_deref() {
            Some("dmy") => Some(DateOrder::Dmy),
            Some("mdy") => Some(DateOrder::Mdy),
            _ => None,
        },
        me: request.me.filter(|m| !m.trim().is_empty()),
        note: request.note,
    };
    let worker = app.clone();
    let dto = blocking(move || {
        worker.state::<Session>().with(|d| {
            let done = d.import_chat(&path, &options)?;
            let chat = d.state().chat(done.id).expect("just imported");
            Ok(conversation(d, chat))
        })
    })
    .await??;
    app.state::<PickedChat>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    Ok(dto)
}

/// This device's time zone, offered first on the import form.
pub fn device_zone() -> String {
    incident_diary::messages::zone::Zone::of_this_device()
        .map(|z| z.name().to_string())
        .unwrap_or_else(|_| "UTC".into())
}

pub fn conversation(diary: &Diary, chat: &ChatRecord) -> ConversationDto {
    let messages = &chat.import.messages;
    let span = chat.span();
    let all = chat.senders();
    let senders = all
        .iter()
        .take(MAX_SENDERS)
        .enumerate()
        .map(|(i, (name, messages))| SenderDto {
            number: i + 1,
            name: clip(name, MAX_NAME),
            messages: *messages,
            person: chat.person_of(name).map(|p| p.to_hex()),
        })
        .collect();
    let mut source = chat.import.source.clone();
    source.note = clip(&source.note, MAX_NOTE);
    source.me = source.me.as_deref().map(|m| clip(m, MAX_NAME));
    ConversationDto {
        number: chat.number,
        title: clip(&chat.import.title, MAX_NAME),
        imported_at: chat.recorded_at,
        messages: messages.len(),
        flagged: chat.import.flagged.len(),
        first: span.map(|s| s.0),
        last: span.map(|s| s.1),
        original: diary.exhibit_label(chat.import.source.original),
        source,
        senders,
        senders_total: all.len(),
    }
}

/// The first [`MAX_CONVERSATIONS`] conversations, in the order imported.
pub fn conversations(diary: &Diary) -> ConversationsDto {
    let all = diary.state().chats();
    ConversationsDto {
        conversations: all
            .iter()
            .take(MAX_CONVERSATIONS)
            .map(|c| {
                let messages = &c.import.messages;
                let span = c.span();
                ConversationLineDto {
                    number: c.number,
                    title: clip(&c.import.title, MAX_NAME),
                    messages: messages.len(),
                    flagged: c.import.flagged.len(),
                    first: span.map(|s| s.0),
                    last: span.map(|s| s.1),
                    original: diary.exhibit_label(c.import.source.original),
                    format: c.import.source.format.clone(),
                    zone: c.import.source.zone.clone(),
                }
            })
            .collect(),
        total: all.len(),
    }
}

/// Says sender `sender` (its number in [`ConversationDto::senders`]) of
/// conversation `number` is `person`, or no one.
pub fn link_sender(
    diary: &mut Diary,
    number: u32,
    sender: usize,
    person: Option<incident_diary::model::Id>,
) -> IpcResult<()> {
    let chat = diary.chat(&number.to_string())?;
    let id = chat.id();
    let name = sender
        .checked_sub(1)
        .and_then(|i| chat.senders().into_iter().nth(i))
        .map(|(name, _)| name.into_owned())
        .ok_or_else(|| IpcError::invalid("sender", "not a sender of this conversation"))?;
    diary.link_sender(id, &name, person)?;
    Ok(())
}

/// Adds `dto`s while they fit in `budget` bytes of JSON (the first always).
fn within<T: Serialize>(dtos: impl Iterator<Item = T>, budget: usize) -> Vec<T> {
    let mut used = 0;
    let mut out = Vec::new();
    for dto in dtos {
        used += serde_json::to_vec(&dto).map_or(budget, |j| j.len() + 1);
        if used > budget && !out.is_empty() {
            break;
        }
        out.push(dto);
    }
    out
}

fn message(diary: &Diary, found: &Found<'_>) -> MessageDto {
    let m = found.message;
    let cut = m.text.chars().count() > MAX_TEXT;
    MessageDto {
        number: found.number,
        sender: m.who().map(|w| clip(&w, MAX_NAME)),
        sent_at: m.sent_at,
        text: if cut {
            m.text.chars().take(MAX_TEXT).collect()
        } else {
            m.text.clone()
        },
        cut,
        attachment_name: m.attachment.as_deref().map(|a| clip(a, MAX_NAME)),
        attachment: m.exhibit.map(|n| diary.exhibit_label(n)),
        exhibit: m.exhibit,
        kind: m.kind,
        line: m.line,
    }
}

/// A page of conversation `number`: the messages `query` matches, in
/// the order of the original.
pub fn messages(diary: &Diary, number: u32, query: &MessagesQuery) -> IpcResult<MessagesDto> {
    let chat = diary.chat(&number.to_string())?;
    let filter = MessageFilter {
        chat: Some(number),
        sender: query.sender.clone().filter(|s| !s.is_empty()),
        text: query.text.clone().filter(|t| !t.trim().is_empty()),
        ..MessageFilter::default()
    };
    let found = filter.apply(diary.state());
    let limit = match query.limit {
        0 => 50,
        n => n.min(MESSAGE_PAGE),
    };
    Ok(MessagesDto {
        conversation: conversation(diary, chat),
        messages: within(
            found
                .iter()
                .skip(query.offset)
                .take(limit)
                .map(|f| message(diary, f)),
            MESSAGE_BYTES,
        ),
        offset: query.offset,
        matching: found.len(),
    })
}

/// A new incident from messages of conversation `number`, with what she
/// adds (what happened, the behaviours); its number.
pub fn incident_from_messages(
    diary: &mut Diary,
    number: u32,
    picked: &[u32],
    narrative: &str,
    behaviours: Vec<Behaviour>,
) -> incident_diary::Result<u32> {
    let chat = diary.chat(&number.to_string())?.id();
    let mut incident = diary.incident_from_messages(chat, picked)?;
    incident.narrative = narrative.trim().to_string();
    incident.behaviours = behaviours;
    Ok(diary.add_incident(incident)?.number)
}

/// Messages an incident quotes, as its screen shows them.
#[derive(Debug, Serialize)]
pub struct QuotedDto {
    pub conversation: u32,
    pub title: String,
    #[serde(flatten)]
    pub message: MessageDto,
}

/// Quoted messages shown on an incident's screen at most (the report and
/// the conversation screen have all of them).
pub const MAX_QUOTED_SHOWN: usize = 100;

/// The first [`MAX_QUOTED_SHOWN`] messages `incident` quotes (fewer when
/// they would pass [`QUOTED_BYTES`]), and how many
/// it quotes in all.
pub fn quoted(
    diary: &Diary,
    incident: &incident_diary::model::Incident,
) -> (Vec<QuotedDto>, usize) {
    let total = incident.messages.iter().map(|r| r.messages.len()).sum();
    let state = diary.state();
    let all = incident.messages.iter().flat_map(|r| {
        let chat = state.chat(r.chat);
        r.messages.iter().filter_map(move |&n| {
            let chat = chat?;
            let m = chat.import.messages.get((n as usize).wrapping_sub(1))?;
            Some(QuotedDto {
                conversation: chat.number,
                title: clip(&chat.import.title, MAX_NAME),
                message: message(
                    diary,
                    &Found {
                        chat,
                        number: n,
                        message: m,
                    },
                ),
            })
        })
    });
    let out = within(all.take(MAX_QUOTED_SHOWN), QUOTED_BYTES);
    (out, total)
}

#[cfg(test)]
mod tests {
    use incident_diary::model::Incident;
    use incident_diary::{KdfParams, Passphrase, SystemClock};

    use super::*;

    /// A chat of 300 long messages (4,001 four-byte characters each) from
    /// senders with 1,000-character names: every reply stays under 256
    /// KiB, names are cut, and paging by what came back reaches every
    /// message once.
    #[test]
    fn conversation_replies_are_bounded_however_long_the_messages() {
        let tmp = tempfile::tempdir().unwrap();
        let mut diary = Diary::create(
            &tmp.path().join("v"),
            &Passphrase::new("pw".into()),
            KdfParams::cheapest(),
            Box::new(SystemClock),
        )
        .unwrap()
        .0;
        // A Telegram export: its names are as long as the sender made them.
        let long = "😀".repeat(MAX_TEXT + 1);
        let sent: Vec<serde_json::Value> = (0..300)
            .map(|i| {
                serde_json::json!({
                    "id": i, "type": "message", "date": "2026-03-01T21:00:00",
                    "date_unixtime": (1_772_398_800 + i).to_string(),
                    "from": format!("{}{}", "M".repeat(1_000), i % 60),
                    "from_id": format!("user{}", i % 60), "text": long,
                })
            })
            .collect();
        let chat =
            serde_json::json!({"name": "M", "type": "personal_chat", "id": 1, "messages": sent});
        let path = tmp.path().join("result.json");
        std::fs::write(&path, serde_json::to_string_pretty(&chat).unwrap()).unwrap();
        let options = ImportOptions {
            zone: Some("UTC".into()),
            ..ImportOptions::default()
        };
        diary.import_chat(&path, &options).unwrap();
        let mut seen = 0;
        let mut pages = 0;
        while seen < 300 {
            let page = messages(
                &diary,
                1,
                &MessagesQuery {
                    offset: seen,
                    limit: MESSAGE_PAGE,
                    ..MessagesQuery::default()
                },
            )
            .unwrap();
            assert!(size(&page) < 256 << 10, "{} bytes", size(&page));
            assert_eq!(page.messages[0].number as usize, seen + 1);
            assert!(page.messages.iter().all(|m| m.cut));
            assert!(
                page.conversation
                    .senders
                    .iter()
                    .all(|s| s.name.chars().count() <= MAX_NAME + 1)
            );
            assert_eq!(page.conversation.senders_total, 60);
            assert_eq!(page.conversation.senders.len(), MAX_SENDERS);
            seen += page.messages.len();
            pages += 1;
        }
        assert_eq!(seen, 300);
        assert!(pages > 2, "a page stops short of its byte budget");

        // Linking by number reaches the sender whose name was cut.
        let mark: incident_diary::model::Person =
            serde_json::from_value(serde_json::json!({"role": "perpetrator", "name": "Mark"}))
                .unwrap();
        let person = diary.add_person(mark).unwrap();
        link_sender(&mut diary, 1, 2, Some(person)).unwrap();
        let after = conversation(&diary, diary.chat("1").unwrap());
        assert_eq!(after.senders[1].person, Some(person.to_hex()));
        assert!(link_sender(&mut diary, 1, 61, Some(person)).is_err());

        // An incident quoting all 300 shows as many as fit, and says how many.
        let chat_id = diary.chat("1").unwrap().id();
        let all: Vec<u32> = (1..=300).collect();
        let incident: Incident = diary.incident_from_messages(chat_id, &all).unwrap();
        let (shown, total) = quoted(&diary, &incident);
        assert_eq!(total, 300);
        assert!(!shown.is_empty() && shown.len() < MAX_QUOTED_SHOWN);
        let listed = conversations(&diary);
        assert_eq!(listed.total, 1);
        assert!(listed.conversations[0].title.chars().count() <= MAX_NAME + 1);
    }

    /// The size of a reply as it crosses IPC.
    fn size<T: Serialize>(reply: &T) -> usize {
        serde_json::to_vec(reply).unwrap().len()
    }
}
