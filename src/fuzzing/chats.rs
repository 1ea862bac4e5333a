//! The chat-export readers: WhatsApp, Telegram, SMS Backup & Restore,
//! email, and archives of them.

use super::Scratch;
use crate::messages::{self, Chat, DateOrder};

/// What holds of any chat a reader returns: every message and flagged
/// line is a line of the file, messages are in the file's order, a line
/// starts at most one message and is never both a message and flagged,
/// the bounds hold, and (WhatsApp, whose export adds them) no invisible
/// mark is left in a sender or a text. Other exports keep what was sent,
/// marks included: an email's zero-width space is the sender's own (the
/// fuzzer's first finding on `chat_file` was this check asking too much).
fn chat_holds(chat: &Chat, line_numbered: bool) {
    assert!(chat.messages.len() <= crate::model::chat::MAX_MESSAGES + messages::MAX_FLAGGED);
    assert!(chat.flagged.len() <= messages::MAX_FLAGGED + 1);
    assert!(chat.lines <= messages::MAX_LINES + 1);
    let mut last = 0;
    for m in &chat.messages {
        if line_numbered {
            assert!(
                m.line >= 1 && m.line <= chat.lines.max(1),
                "line {} of {}",
                m.line,
                chat.lines
            );
            assert!(m.line >= last, "messages out of the file's order");
            last = m.line;
        }
        let marks_removed = chat.format == "whatsapp";
        for text in [Some(&m.text), m.sender.as_ref()].into_iter().flatten() {
            assert!(
                !marks_removed || !text.contains(['\u{200e}', '\u{200f}', '\u{202f}', '\u{feff}']),
                "an invisible mark kept: {text:?}"
            );
        }
    }
    for f in &chat.flagged {
        assert!(
            f.line >= 1 && f.line <= chat.lines.max(1) + 1,
            "flagged line {} of {}",
            f.line,
            chat.lines
        );
        assert!(!f.reason.is_empty());
    }
}

/// The text readers on any bytes: WhatsApp (the order worked out, or
/// given either way), Telegram's JSON, SMS Backup & Restore's XML, email.
pub fn chat_text(data: &[u8]) {
    for given in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
        if let Ok(chat) = messages::whatsapp::parse(data, given) {
            chat_holds(&chat, true);
            // Each line starts one message at most, and a flagged line
            // starts none.
            let mut firsts: Vec<usize> = chat.messages.iter().map(|m| m.line).collect();
            firsts.dedup();
            assert_eq!(
                firsts.len(),
                chat.messages.len(),
                "two messages on one line"
            );
            for f in &chat.flagged {
                assert!(
                    firsts.binary_search(&f.line).is_err(),
                    "line {} both",
                    f.line
                );
            }
            if let Some(order) = given {
                assert_eq!(
                    chat.date_order,
                    Some(order),
                    "the order given is the order used"
                );
            }
        }
    }
    if let Ok(chat) = messages::telegram::parse(data) {
        chat_holds(&chat, false);
    }
    if let Ok(backup) = messages::sms::parse(data) {
        chat_holds(&backup.chat, true);
        assert_eq!(backup.media_of.len(), backup.chat.messages.len());
        assert!(
            backup
                .media_of
                .iter()
                .flatten()
                .all(|&i| i < backup.media.len())
        );
    }
    if let Ok(mail) = messages::email::parse(data) {
        chat_holds(&mail.chat, true);
        assert_eq!(mail.media_of.len(), mail.chat.messages.len());
        assert!(
            mail.media_of
                .iter()
                .flatten()
                .all(|&i| i < mail.media.len())
        );
    }
}

/// Any bytes as a file to import, the format told from the content and
/// the name: a `.zip` is opened as a chat archive (names, bombs, the chat
/// chosen), anything else read as whatever it looks like. Files linked to
/// messages are the archive's own, each named by a message.
pub fn chat_file(data: &[u8]) {
    let Some(dir) = Scratch::new() else { return };
    for name in ["export.zip", "chat.txt"] {
        let Some(path) = dir.file(name, data) else {
            return;
        };
        let Ok(read) = messages::read(&path, None, Some(DateOrder::Dmy)) else {
            continue;
        };
        chat_holds(&read.chat, read.chat.format != "telegram");
        assert_eq!(read.file_of.len(), read.chat.messages.len());
        for (m, file) in read.chat.messages.iter().zip(&read.file_of) {
            if let Some(i) = file {
                assert!(*i < read.files.len());
                assert!(
                    m.attachment.is_some(),
                    "a file linked to a message that names none"
                );
            }
        }
    }
}
