//! Chats exported from messaging apps, read into messages with the line
//! each came from. Every input line is either part of a message or
//! flagged with the reason: nothing is dropped silently. Readers are
//! bounded and refuse what they cannot read, naming the line, rather than
//! guess (THREATS.md: every reader of a file we did not write).
//!
//! [`read`] tells the format and reads a file (a `.zip` with media too);
//! the diary stores the result as one `chat.import` record with the
//! original kept as an exhibit (`Diary::import_chat`).

pub mod archive;
pub mod email;
#[cfg(test)]
mod fixture_tests;
pub mod query;
mod read;
pub mod sms;
pub mod telegram;
pub mod text;
pub mod whatsapp;
pub mod zone;

pub use read::{Carried, Format, Read, open_beside, read};

use chrono::{DateTime, NaiveDateTime, Utc};

/// Lines of a text export read at most (WhatsApp's 40,000 messages take
/// some 60,000), checked before any line is kept.
pub const MAX_LINES: usize = 1_000_000;
/// Lines (or JSON entries) that are not part of any message, at most: a
/// file with more is not a chat export, and each would be kept forever.
pub const MAX_FLAGGED: usize = 10_000;

/// Which of day and month comes first in a chat's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// 31/12/2026 (most of the world).
    Dmy,
    /// 12/31/2026 (the United States).
    Mdy,
}

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words someone sent.
    Text,
    /// A line of the app's own ("Messages are end-to-end encrypted").
    System,
    /// "This message was deleted".
    Deleted,
    /// A photo, video or file left out of the export.
    MediaOmitted,
}

/// When a message was sent, as the export says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentAt {
    /// A time on the phone's clock, in a zone the export does not say
    /// (WhatsApp): the zone is assumed on import, and said.
    Local(NaiveDateTime),
    /// An instant (SMS, email, Telegram's Unix times).
    Exact(DateTime<Utc>),
}

/// One message as the export shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The first line of the message in the file, from 1 (0 where the
    /// format has no lines to speak of: JSON).
    pub line: usize,
    /// When it was sent.
    pub sent_at: SentAt,
    /// Who sent it; `None` for the app's own lines.
    pub sender: Option<String>,
    /// The address beside the name, where the export gives one (an email
    /// address, an SMS phone number, Telegram's user id).
    pub sender_id: Option<String>,
    /// The text, lines joined with `\n`, invisible marks removed.
    pub text: String,
    /// The file named as attached, if any.
    pub attachment: Option<String>,
    /// What it is.
    pub kind: Kind,
    /// The export's own id of the message (Telegram's, an email's
    /// Message-ID).
    pub source_id: Option<String>,
    /// An email's subject.
    pub subject: Option<String>,
}

/// A file carried inside the export itself (an MMS picture, an email's
/// attachment), kept as an exhibit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// Its name as the export gives it.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A line that is not part of any message, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flagged {
    /// Line number, from 1.
    pub line: usize,
    /// Why it was not read as a message.
    pub reason: String,
}

/// A chat read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// `whatsapp`, `telegram`, `sms` or `email`.
    pub format: &'static str,
    /// The variant recognised (`whatsapp-android`, `whatsapp-ios`).
    pub variant: &'static str,
    /// The conversation's name where the export gives one.
    pub title: Option<String>,
    /// The date order used, for formats whose dates need one.
    pub date_order: Option<DateOrder>,
    /// Whether it was worked out from the file (else it was given).
    pub date_order_inferred: bool,
    /// Messages in file order.
    pub messages: Vec<Message>,
    /// Lines that are not part of any message.
    pub flagged: Vec<Flagged>,
    /// Lines in the file.
    pub lines: usize,
}

/// Why a chat cannot be read. Nothing is half-read: an error means no
/// message at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Not text this program can read.
    #[error("line {line}: {why}")]
    Unreadable {
        /// Line of the fault, from 1.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// The file cannot be read at all.
    #[error("cannot be read: {0}")]
    Io(String),
    /// A `.zip` export that cannot be read, or is not what a chat export is.
    #[error("the zip: {0}")]
    Archive(String),
    /// No line of the file starts a message in any known format.
    #[error("not a chat export this program can read (no line starts a message)")]
    NotAChat,
    /// Every date in the file would read as day/month and as month/day.
    #[error(
        "every date in this chat could be day/month or month/day: say which (--date-order dmy or mdy)"
    )]
    AmbiguousDateOrder,
    /// Dates that only fit day/month and others that only fit month/day.
    #[error("line {dmy} has a date only day/month fits, line {mdy} one only month/day fits")]
    MixedDateOrder {
        /// A line whose date only reads as day/month.
        dmy: usize,
        /// A line whose date only reads as month/day.
        mdy: usize,
    },
}
