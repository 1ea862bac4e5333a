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
/// Conversations listed, and senders per conversation, at most.
const MAX_CONVERSATIONS: usize = 500;
const MAX_SENDERS: usize = 50;

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
    pub name: String,
    pub messages: usize,
    /// The person in People it is linked to (id).
    pub person: Option<String>,
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
    let mut senders: Vec<SenderDto> = chat
        .senders()
        .into_iter()
        .map(|(name, messages)| SenderDto {
            name: name.to_string(),
            messages,
            person: chat.person_of(name).map(|p| p.to_hex()),
        })
        .collect();
    let senders_total = senders.len();
    senders.truncate(MAX_SENDERS);
    ConversationDto {
        number: chat.number,
        title: chat.import.title.clone(),
        imported_at: chat.recorded_at,
        messages: messages.len(),
        flagged: chat.import.flagged.len(),
        first: messages.iter().map(|m| m.sent_at).min(),
        last: messages.iter().map(|m| m.sent_at).max(),
        original: diary.exhibit_label(chat.import.source.original),
        source: chat.import.source.clone(),
        senders,
        senders_total,
    }
}

/// Every conversation (the first [`MAX_CONVERSATIONS`]).
pub fn conversations(diary: &Diary) -> Vec<ConversationDto> {
    diary
        .state()
        .chats()
        .iter()
        .take(MAX_CONVERSATIONS)
        .map(|c| conversation(diary, c))
        .collect()
}

fn message(diary: &Diary, found: &Found<'_>) -> MessageDto {
    let m = found.message;
    let cut = m.text.chars().count() > MAX_TEXT;
    MessageDto {
        number: found.number,
        sender: m.sender.clone(),
        sent_at: m.sent_at,
        text: if cut {
            m.text.chars().take(MAX_TEXT).collect()
        } else {
            m.text.clone()
        },
        cut,
        attachment_name: m.attachment.clone(),
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
        messages: found
            .iter()
            .skip(query.offset)
            .take(limit)
            .map(|f| message(diary, f))
            .collect(),
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

/// The first [`MAX_QUOTED_SHOWN`] messages `incident` quotes, and how many
/// it quotes in all.
pub fn quoted(
    diary: &Diary,
    incident: &incident_diary::model::Incident,
) -> (Vec<QuotedDto>, usize) {
    let total = incident.messages.iter().map(|r| r.messages.len()).sum();
    let mut out = Vec::new();
    'all: for r in &incident.messages {
        let Some(chat) = diary.state().chat(r.chat) else {
            continue;
        };
        for &n in &r.messages {
            if out.len() == MAX_QUOTED_SHOWN {
                break 'all;
            }
            let Some(m) = chat.import.messages.get((n as usize).wrapping_sub(1)) else {
                continue;
            };
            let found = Found {
                chat,
                number: n,
                message: m,
            };
            out.push(QuotedDto {
                conversation: chat.number,
                title: chat.import.title.clone(),
                message: message(diary, &found),
            });
        }
    }
    (out, total)
}
