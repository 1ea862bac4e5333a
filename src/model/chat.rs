//! A conversation imported from a messaging app's export, as one log
//! record: where it came from and how it was read (the provenance an
//! officer asks for), and every message with the line it came from.
//!
//! ```text
//! chat.import  {"id", "source": {…provenance…}, "messages": [{…}], "flagged": [{…}]}
//! chat.sender  {"chat", "sender", "person"}     (a sender linked to a person)
//! ```
//! The original file is kept verbatim as an exhibit (and the media of a
//! `.zip` export as exhibits of their own) in the same commit, right after
//! the import record, so an import is whole or absent. Incidents quote
//! messages by [`MessageRef`].

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::id::Id;
use super::validation::{ValidationError, max_len};

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Words someone sent.
    Text,
    /// A line of the app's own ("Messages are end-to-end encrypted",
    /// a missed call).
    System,
    /// "This message was deleted".
    Deleted,
    /// A photo, video or file left out of the export.
    MediaOmitted,
}

/// One message as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredMessage {
    /// When it was sent: the export's time in the zone assumed (see
    /// [`ChatSource::zone`]), or the exact instant where the export gives
    /// one (SMS, email, Telegram).
    pub sent_at: DateTime<FixedOffset>,
    /// Who sent it as the export names them; none for the app's own lines.
    #[serde(default)]
    pub sender: Option<String>,
    /// The address the export gives beside the name: an email address, an
    /// SMS phone number, Telegram's user id. A display name is whatever
    /// the sender typed (anyone can call themselves "Mum"); the address is
    /// what tells two senders of one name apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<String>,
    /// The text.
    #[serde(default)]
    pub text: String,
    /// The file the export names as attached.
    #[serde(default)]
    pub attachment: Option<String>,
    /// The exhibit holding that file, when the export carried it.
    #[serde(default)]
    pub exhibit: Option<u32>,
    /// What it is.
    pub kind: MessageKind,
    /// The first line of the message in the original (none for JSON).
    #[serde(default)]
    pub line: Option<u32>,
    /// The export's own id of the message (Telegram), or the email's
    /// Message-ID.
    #[serde(default)]
    pub source_id: Option<String>,
    /// The email's subject.
    #[serde(default)]
    pub subject: Option<String>,
}

impl StoredMessage {
    /// Who sent it, as listed, linked to a person and quoted:
    /// [`sender_label`].
    pub fn who(&self) -> Option<Cow<'_, str>> {
        sender_label(self.sender.as_deref(), self.sender_id.as_deref())
    }
}

/// A sender as listed, linked and quoted: the name and, where the export
/// gives one that differs, the address beside it (`Jo <mark@example.com>`),
/// so a name someone else also uses is never taken for theirs.
pub fn sender_label<'a>(name: Option<&'a str>, id: Option<&'a str>) -> Option<Cow<'a, str>> {
    match (name, id) {
        (Some(n), Some(i)) if n != i => Some(Cow::Owned(format!("{n} <{i}>"))),
        (Some(n), _) => Some(Cow::Borrowed(n)),
        (None, Some(i)) => Some(Cow::Borrowed(i)),
        (None, None) => None,
    }
}

/// The sender of `messages` that `given` names: a label exactly as listed
/// ([`sender_label`]), else the one sender whose name or address it is.
/// A name two senders share is refused with both labels, never guessed.
pub fn find_sender<'a>(messages: &'a [StoredMessage], given: &str) -> Result<Cow<'a, str>, String> {
    let given = given.trim();
    let mut named: Vec<Cow<'a, str>> = Vec::new();
    for m in messages {
        let Some(who) = m.who() else { continue };
        if who == given {
            return Ok(who);
        }
        let by_name = m.sender.as_deref() == Some(given);
        let by_id = m
            .sender_id
            .as_deref()
            .is_some_and(|i| i.eq_ignore_ascii_case(given));
        if (by_name || by_id) && !named.contains(&who) {
            named.push(who);
        }
    }
    match named.len() {
        0 => Err(format!("no message in this chat is from {given:?}")),
        1 => Ok(named.remove(0)),
        _ => Err(format!(
            "{} senders are called {given:?}: say which ({})",
            named.len(),
            named
                .iter()
                .take(5)
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A line of the original that is not part of any message, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlaggedLine {
    /// Line number, from 1.
    pub line: u32,
    /// Why it was not read as a message.
    pub reason: String,
}

/// Where a conversation came from and how it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSource {
    /// The reader that made the messages (`incident-diary 0.1.0`).
    pub parser: String,
    /// `whatsapp`, `telegram`, `sms` or `email`.
    pub format: String,
    /// The layout recognised (`whatsapp-android`, `whatsapp-ios`...).
    pub variant: String,
    /// The exhibit number of the original file.
    pub original: u32,
    /// The IANA time zone the export's times were read in.
    pub zone: String,
    /// Whether the owner gave the zone (else it is this device's).
    #[serde(default)]
    pub zone_given: bool,
    /// `dmy` or `mdy`, for formats whose dates need one.
    #[serde(default)]
    pub date_order: Option<String>,
    /// Whether the owner gave the date order (else the file decided it).
    #[serde(default)]
    pub date_order_given: bool,
    /// Lines in the original (0 for JSON).
    #[serde(default)]
    pub lines: u32,
    /// Which sender is the diary's owner, as she said.
    #[serde(default)]
    pub me: Option<String>,
    /// What she says about the source: the phone, the app, how it was
    /// exported.
    #[serde(default)]
    pub note: String,
    /// Why the export looks cut (WhatsApp keeps only the latest 40,000
    /// messages, 10,000 with media), when it does.
    #[serde(default)]
    pub looks_cut: Option<String>,
}

/// A conversation: the `chat.import` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatImport {
    /// New conversation id.
    pub id: Id,
    /// A name for it (`WhatsApp chat with Mark Example`).
    pub title: String,
    /// Provenance.
    pub source: ChatSource,
    /// Every message, in the order of the original.
    pub messages: Vec<StoredMessage>,
    /// Every line that is not part of a message.
    #[serde(default)]
    pub flagged: Vec<FlaggedLine>,
    /// Exhibits that follow the original in the same commit (the media of
    /// a `.zip`).
    #[serde(default)]
    pub media: u32,
}

/// The most messages one import holds (WhatsApp exports at most 40,000).
pub const MAX_MESSAGES: usize = 200_000;

impl ChatImport {
    /// Bounds the free text and checks the references into the exhibits
    /// that come with it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        max_len("title", &self.title, 1_000)?;
        max_len("source.note", &self.source.note, 20_000)?;
        if self.messages.len() > MAX_MESSAGES {
            return Err(ValidationError::new(
                "messages",
                format!("more than {MAX_MESSAGES} in one import"),
            ));
        }
        let last = self.source.original + self.media;
        for m in &self.messages {
            if m.exhibit
                .is_some_and(|n| n <= self.source.original || n > last)
            {
                return Err(ValidationError::new(
                    "messages.exhibit",
                    "names a file that is not part of this import",
                ));
            }
        }
        Ok(())
    }
}

/// Messages quoted by an incident: a conversation and the numbers (from 1,
/// in the order of the original) of the messages in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRef {
    /// The conversation.
    pub chat: Id,
    /// Message numbers, ascending.
    pub messages: Vec<u32>,
}
