//! Email: one message (`.eml`) or a mailbox of them (`.mbox`), read with
//! `mail-parser`. Each email is a message: its sender's name (or address),
//! its Date header (an exact time: it carries its offset), its subject, its
//! plain text (or the text of its HTML), its first attachment carried as a
//! file. An mbox is split at its `From ` lines, and a body line that was
//! quoted on the way in (`>From `) is given back its words.

use chrono::DateTime;
use mail_parser::{MessageParser, MimeHeaders};

use super::{Chat, ChatError, Flagged, Inline, Kind, Message, SentAt};

/// The emails read, with the files they carried.
pub struct Mail {
    /// The messages.
    pub chat: Chat,
    /// Attached files, in order.
    pub media: Vec<Inline>,
    /// For each message, the index into `media` of its file.
    pub media_of: Vec<Option<usize>>,
}

/// Emails one mailbox may hold, and bytes of attachments in all.
const MAX_EMAILS: usize = 100_000;
const MAX_ATTACHED: usize = 512 << 20;

/// Whether the text starts like an email (a header line).
pub fn looks_like_email(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let first = text.lines().next().unwrap_or("");
    first.starts_with("from ")
        || [
            "return-path:",
            "received:",
            "from:",
            "date:",
            "message-id:",
            "mime-version:",
            "delivered-to:",
            "subject:",
            "to:",
            "x-",
        ]
        .iter()
        .any(|h| first.starts_with(h))
}

/// The emails of an mbox (split at `From ` lines that follow a blank
/// line), each with the line its headers start on; or the one email of an
/// `.eml`. Bytes throughout: an 8-bit attachment or a Latin-1 body is
/// handed to the MIME parser exactly as it is in the file.
fn split(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    if !bytes.starts_with(b"From ") {
        return vec![(1, bytes.to_vec())];
    }
    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut previous_blank = true;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.starts_with(b"From ") && previous_blank {
            out.push((i + 2, Vec::new()));
        } else if let Some((_, body)) = out.last_mut() {
            // mboxrd: one `>` was added before `From ` (and before `>From `).
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            let unquoted = if quotes > 0 && line[quotes..].starts_with(b"From ") {
                &line[1..]
            } else {
                line
            };
            body.extend_from_slice(unquoted);
            body.push(b'\n');
        }
        previous_blank = line.strip_suffix(b"\r").unwrap_or(line).is_empty();
    }
    out
}

/// Reads an `.eml` or an `.mbox`.
pub fn parse(bytes: &[u8]) -> Result<Mail, ChatError> {
    let parts = split(bytes);
    if parts.len() > MAX_EMAILS {
        return Err(ChatError::Io(format!(
            "{} emails, more than {MAX_EMAILS}",
            parts.len()
        )));
    }
    let parser = MessageParser::default();
    let mut messages = Vec::new();
    let mut media = Vec::new();
    let mut media_of = Vec::new();
    let mut flagged = Vec::new();
    let mut attached = 0usize;
    for (line, raw) in &parts {
        let Some(mail) = parser.parse(raw.as_slice()) else {
            flagged.push(Flagged {
                line: *line,
                reason: "an email that cannot be read".into(),
            });
            continue;
        };
        let Some(date) = mail.date() else {
            flagged.push(Flagged {
                line: *line,
                reason: "an email with no Date header".into(),
            });
            continue;
        };
        let Some(at) = DateTime::from_timestamp(date.to_timestamp(), 0) else {
            flagged.push(Flagged {
                line: *line,
                reason: "an email whose date is out of range".into(),
            });
            continue;
        };
        let from = mail.from().and_then(|a| a.first());
        let sender_id = from
            .and_then(|a| a.address())
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty());
        let sender = from.map(|a| {
            a.name()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .or(sender_id.as_deref())
                .unwrap_or("unknown")
                .to_string()
        });
        let text = mail
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n").trim_end().to_string())
            .unwrap_or_default();
        let mut file = None;
        for part in mail.attachments() {
            let name = part.attachment_name().unwrap_or("attachment").to_string();
            let bytes = part.contents().to_vec();
            attached += bytes.len();
            if attached > MAX_ATTACHED {
                return Err(ChatError::Unreadable {
                    line: *line,
                    why: format!("more than {} MiB of attachments", MAX_ATTACHED >> 20),
                });
            }
            if file.is_none() {
                file = Some(Inline { name, bytes });
            }
        }
        let attachment = file.as_ref().map(|f| f.name.clone());
        media_of.push(file.map(|f| {
            media.push(f);
            media.len() - 1
        }));
        messages.push(Message {
            line: *line,
            sent_at: SentAt::Exact(at),
            sender,
            sender_id,
            text,
            attachment,
            kind: Kind::Text,
            source_id: mail.message_id().map(str::to_string),
            subject: mail.subject().map(str::to_string),
        });
    }
    if messages.is_empty() {
        return Err(ChatError::NotAChat);
    }
    Ok(Mail {
        chat: Chat {
            format: "email",
            variant: if parts.len() > 1 || bytes.starts_with(b"From ") {
                "mboxrd"
            } else {
                "eml"
            },
            title: None,
            date_order: None,
            date_order_inferred: false,
            messages,
            flagged,
            lines: bytes.split(|&b| b == b'\n').count() - usize::from(bytes.ends_with(b"\n")),
        },
        media,
        media_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MBOX: &str = "From mark@example.com Sun Mar  1 21:41:05 2026\n\
From: Mark Example <mark@example.com>\n\
To: Jo <jo@example.org>\n\
Subject: =?UTF-8?B?WW91IGNhbid0IGhpZGU=?=\n\
Date: Sun, 1 Mar 2026 21:41:05 +0000\n\
Message-ID: <1@example.com>\n\
\n\
I saw you at the station.\n\
>From now on I will wait there.\n\
\n\
From mark@example.com Tue Jul 14 22:10:00 2026\n\
From: mark@example.com\n\
Date: Tue, 14 Jul 2026 22:10:00 +0100\n\
Subject: again\n\
\n\
Caf=C3=A9 tonight\n\
\n\
From nobody Tue Jul 14 22:10:00 2026\n\
Subject: no date\n\
\n\
x\n";

    #[test]
    fn a_mailbox_is_split_and_each_email_read() {
        let mail = parse(MBOX.as_bytes()).unwrap();
        let m = &mail.chat.messages;
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].sender.as_deref(), Some("Mark Example"));
        assert_eq!(m[0].sender_id.as_deref(), Some("mark@example.com"));
        assert_eq!(m[0].subject.as_deref(), Some("You can't hide"));
        assert_eq!(
            m[0].text,
            "I saw you at the station.\nFrom now on I will wait there."
        );
        assert_eq!(m[0].line, 2);
        assert_eq!(m[0].source_id.as_deref(), Some("1@example.com"));
        assert_eq!(
            m[1].sent_at,
            SentAt::Exact("2026-07-14T21:10:00Z".parse().unwrap())
        );
        assert_eq!(m[1].sender.as_deref(), Some("mark@example.com"));
        assert_eq!(m[1].sender_id.as_deref(), Some("mark@example.com"));
        assert_eq!(mail.chat.flagged.len(), 1);
        assert_eq!(mail.chat.flagged[0].line, 19);
        assert_eq!(mail.chat.variant, "mboxrd");
        assert!(looks_like_email(MBOX.as_bytes()));
        assert!(!looks_like_email(b"31/12/2025, 21:41 - Mark: hi"));
    }
}
