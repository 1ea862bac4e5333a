//! Listing and searching imported messages, in memory only (as incidents
//! are: no index is ever written, it would be plaintext on disk).

use chrono::NaiveDate;

use crate::model::StoredMessage;
use crate::state::{ChatRecord, State};

/// Which messages to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    /// One conversation (its number), else all.
    pub chat: Option<u32>,
    /// Sent by this sender: as listed (`Jo <jo@example.com>`), or their
    /// name or address alone, in any case.
    pub sender: Option<String>,
    /// First day included (the message's own local date).
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// Every word must appear (case-insensitive) in the text or the sender.
    pub text: Option<String>,
}

/// A message found: its conversation, its number there (from 1) and the
/// message.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The conversation.
    pub chat: &'a ChatRecord,
    /// The message's number in it.
    pub number: u32,
    /// The message.
    pub message: &'a StoredMessage,
}

impl MessageFilter {
    /// Messages that pass, conversation by conversation, each in the order
    /// of its original.
    pub fn apply<'a>(&self, state: &'a State) -> Vec<Found<'a>> {
        let words = crate::query::search_words(self.text.as_deref());
        let sender = self.sender.as_deref().map(str::to_lowercase);
        let mut out = Vec::new();
        for chat in state.chats() {
            if self.chat.is_some_and(|n| n != chat.number) {
                continue;
            }
            for (i, (m, hay)) in chat.import.messages.iter().zip(&chat.haystacks).enumerate() {
                let day = m.sent_at.date_naive();
                let pass = self.from.is_none_or(|f| day >= f)
                    && self.to.is_none_or(|t| day <= t)
                    && sender.as_deref().is_none_or(|s| sent_by(m, s))
                    && words.iter().all(|w| hay.contains(w.as_str()));
                if pass {
                    out.push(Found {
                        chat,
                        number: i as u32 + 1,
                        message: m,
                    });
                }
            }
        }
        out
    }
}

/// Whether `m` was sent by `who` (lower-cased): the sender as listed, or
/// the name or the address alone.
fn sent_by(m: &StoredMessage, who: &str) -> bool {
    let is = |x: &str| x.to_lowercase() == who;
    m.sender.as_deref().is_some_and(is)
        || m.sender_id.as_deref().is_some_and(is)
        || m.who().is_some_and(|w| is(&w))
}
