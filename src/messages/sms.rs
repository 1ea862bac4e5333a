//! SMS Backup & Restore's XML (the Android app most people use to keep
//! their texts): `<smses>` holding `<sms>` elements (one text each) and
//! `<mms>` elements (a picture message: its parts, text and files, the
//! files' bytes in base64). Times are Unix milliseconds, so exact.
//!
//! The app writes an emoji as two numeric references to UTF-16 surrogates
//! (`&#55357;&#56832;`), which is not XML a strict parser accepts; values
//! are therefore unescaped here, pairing surrogates, and a lone one reads
//! as U+FFFD. No DTD is read: a file that declares entities is refused
//! (nothing expands). Every `<sms>` and `<mms>` is a message, with the line
//! of its start tag, or flagged.

use chrono::DateTime;
use quick_xml::events::{BytesStart, Event};

use super::{Chat, ChatError, Flagged, Inline, Kind, Message, SentAt};

/// The backup read: the chat, and the files of its MMS, by index (a
/// message's `media` index).
pub struct Backup {
    /// The messages.
    pub chat: Chat,
    /// Files carried by MMS, in order; `media[i]` is named by the messages
    /// whose `media` is `Some(i)`.
    pub media: Vec<Inline>,
    /// For each message, the index into `media` of its file, if any.
    pub media_of: Vec<Option<usize>>,
}

/// The most bytes of files one backup may carry in its MMS.
const MAX_INLINE: usize = 512 << 20;

/// Unescapes an attribute value: the five XML entities and numeric
/// references, UTF-16 surrogate pairs joined.
fn unescape(raw: &[u8]) -> Result<String, String> {
    let raw = std::str::from_utf8(raw).map_err(|_| "not UTF-8".to_string())?;
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut pending_high: Option<u32> = None;
    while let Some(amp) = rest.find('&') {
        let (before, after) = rest.split_at(amp);
        if !before.is_empty() {
            if pending_high.take().is_some() {
                out.push('\u{FFFD}');
            }
            out.push_str(before);
        }
        let end = after
            .find(';')
            .filter(|&e| e <= 12)
            .ok_or("an & that starts no reference")?;
        let name = &after[1..end];
        rest = &after[end + 1..];
        let code = match name {
            "amp" => Some('&' as u32),
            "lt" => Some('<' as u32),
            "gt" => Some('>' as u32),
            "quot" => Some('"' as u32),
            "apos" => Some('\'' as u32),
            _ => {
                let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    return Err(format!("an unknown entity &{name};"));
                };
                Some(n.ok_or_else(|| format!("a bad character reference &{name};"))?)
            }
        };
        let code = code.expect("set above");
        match code {
            0xD800..=0xDBFF => {
                if pending_high.replace(code).is_some() {
                    out.push('\u{FFFD}');
                }
            }
            0xDC00..=0xDFFF => match pending_high.take() {
                Some(high) => {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                }
                None => out.push('\u{FFFD}'),
            },
            _ => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
        }
    }
    if pending_high.is_some() {
        out.push('\u{FFFD}');
    }
    out.push_str(rest);
    Ok(out)
}

/// An element's attributes, unescaped, by name.
fn attributes(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| format!("a broken attribute ({e})"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        out.push((key, unescape(&a.value)?));
    }
    Ok(out)
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| *v != "null" && !v.is_empty())
}

/// When a message was sent and by whom, as its attributes say.
struct Header {
    sent_at: SentAt,
    sender: Option<String>,
    /// The phone number of a received message (none for the owner's own).
    sender_id: Option<String>,
}

/// Time, sender and whether the phone's owner sent it.
fn header(attrs: &[(String, String)], box_attr: &str) -> Result<Header, String> {
    let ms: i64 = get(attrs, "date")
        .and_then(|d| d.parse().ok())
        .ok_or("no date")?;
    let at = DateTime::from_timestamp_millis(ms).ok_or("a date out of range")?;
    // 1 received; 2 sent, 4 outbox, 5 failed, 6 queued: written by the
    // phone's owner; 3 a draft, never sent (flagged, not a message).
    let mine = match get(attrs, box_attr).unwrap_or("1") {
        "1" => false,
        "2" | "4" | "5" | "6" => true,
        "3" => return Err("a draft, never sent".into()),
        _ => return Err("a message of a kind this program does not know".into()),
    };
    if mine {
        // The address of a sent message is whom it went to.
        return Ok(Header {
            sent_at: SentAt::Exact(at),
            sender: Some("me".into()),
            sender_id: None,
        });
    }
    let address = get(attrs, "address").map(str::to_string);
    let sender = get(attrs, "contact_name")
        .filter(|n| *n != "(Unknown)")
        .map(str::to_string)
        .or_else(|| address.clone())
        .unwrap_or_else(|| "unknown".into());
    Ok(Header {
        sent_at: SentAt::Exact(at),
        sender: Some(sender),
        sender_id: address,
    })
}

/// An `<mms>` being read: its message so far, its file if any.
struct Mms {
    line: usize,
    header: Header,
    texts: Vec<String>,
    file: Option<Inline>,
    extra_files: usize,
}

/// Reads an SMS Backup & Restore XML file.
pub fn parse(bytes: &[u8]) -> Result<Backup, ChatError> {
    let text = super::text::decode_lines(bytes, None)?;
    let upper = text.to_ascii_uppercase();
    if upper.contains("<!ENTITY") || upper.contains("<!DOCTYPE") {
        return Err(ChatError::Unreadable {
            line: line_at(&text, upper.find("<!").unwrap_or(0)),
            why: "a document type or entity declaration, which no SMS backup has".into(),
        });
    }
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut messages = Vec::new();
    let mut media = Vec::new();
    let mut media_of = Vec::new();
    let mut flagged = Vec::new();
    let mut inline_bytes = 0usize;
    let mut mms: Option<Mms> = None;
    // Inside an `<mms>` that was flagged (a draft): its parts go with it.
    let mut in_flagged_mms = false;
    let mut seen_root = false;
    // Lines counted as the reader goes, never from the start again (the
    // file may hold a million elements).
    let mut counted = Counted { at: 0, line: 1 };
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| ChatError::Unreadable {
            line: line_at(&text, reader.error_position() as usize),
            why: format!("not XML this program can read ({e})"),
        })?;
        let start =
            (at + leading_space(text.as_bytes().get(at..).unwrap_or_default())).min(text.len());
        let line = counted.line_of(&text, start);
        if flagged.len() > super::MAX_FLAGGED {
            return Err(ChatError::Unreadable {
                line,
                why: format!(
                    "more than {} elements that are not messages: not an SMS backup",
                    super::MAX_FLAGGED
                ),
            });
        }
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"smses" => {
                seen_root = true;
            }
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"sms" => {
                let read = attributes(&e).and_then(|a| {
                    let h = header(&a, "type")?;
                    Ok(Message {
                        line,
                        sent_at: h.sent_at,
                        sender: h.sender,
                        sender_id: h.sender_id,
                        text: get(&a, "body").unwrap_or("").to_string(),
                        attachment: None,
                        kind: Kind::Text,
                        source_id: None,
                        subject: get(&a, "subject").map(str::to_string),
                    })
                });
                match read {
                    Ok(m) => {
                        messages.push(m);
                        media_of.push(None);
                    }
                    Err(why) => flagged.push(Flagged { line, reason: why }),
                }
            }
            Event::Start(e) if e.name().as_ref() == b"mms" => {
                if let Some(outer) = mms.take() {
                    flagged.push(Flagged {
                        line: outer.line,
                        reason: "an MMS that did not end before the next began".into(),
                    });
                }
                in_flagged_mms = false;
                match attributes(&e).and_then(|a| header(&a, "msg_box")) {
                    Ok(header) => {
                        mms = Some(Mms {
                            line,
                            header,
                            texts: Vec::new(),
                            file: None,
                            extra_files: 0,
                        })
                    }
                    Err(why) => {
                        in_flagged_mms = true;
                        flagged.push(Flagged { line, reason: why });
                    }
                }
            }
            Event::Empty(e) if e.name().as_ref() == b"mms" => flagged.push(Flagged {
                line,
                reason: "an MMS with nothing in it".into(),
            }),
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"part" => {
                let Some(m) = mms.as_mut() else {
                    if !in_flagged_mms {
                        flagged.push(Flagged {
                            line,
                            reason: "a part of no MMS".into(),
                        });
                    }
                    continue;
                };
                let a = match attributes(&e) {
                    Ok(a) => a,
                    Err(why) => {
                        flagged.push(Flagged { line, reason: why });
                        continue;
                    }
                };
                let ct = get(&a, "ct").unwrap_or("");
                if ct == "text/plain" {
                    if let Some(t) = get(&a, "text") {
                        m.texts.push(t.to_string());
                    }
                } else if ct != "application/smil"
                    && let Some(data) = get(&a, "data")
                {
                    let bytes = data_encoding::BASE64.decode(data.as_bytes()).map_err(|_| {
                        ChatError::Unreadable {
                            line,
                            why: "a file part whose data is not base64".into(),
                        }
                    })?;
                    inline_bytes += bytes.len();
                    if inline_bytes > MAX_INLINE {
                        return Err(ChatError::Unreadable {
                            line,
                            why: format!("more than {} MiB of files", MAX_INLINE >> 20),
                        });
                    }
                    let name = get(&a, "name")
                        .or(get(&a, "cl"))
                        .or(get(&a, "fn"))
                        .unwrap_or("file")
                        .to_string();
                    if m.file.is_none() {
                        m.file = Some(Inline { name, bytes });
                    } else {
                        // A second file of one MMS: its own message, same time.
                        m.extra_files += 1;
                        messages.push(Message {
                            line,
                            sent_at: m.header.sent_at,
                            sender: m.header.sender.clone(),
                            sender_id: m.header.sender_id.clone(),
                            text: String::new(),
                            attachment: Some(name.clone()),
                            kind: Kind::Text,
                            source_id: None,
                            subject: None,
                        });
                        media.push(Inline { name, bytes });
                        media_of.push(Some(media.len() - 1));
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == b"mms" => {
                in_flagged_mms = false;
                let Some(m) = mms.take() else { continue };
                let attachment = m.file.as_ref().map(|f| f.name.clone());
                let index = m.file.map(|f| {
                    media.push(f);
                    media.len() - 1
                });
                messages.push(Message {
                    line: m.line,
                    sent_at: m.header.sent_at,
                    sender: m.header.sender,
                    sender_id: m.header.sender_id,
                    text: m.texts.join("\n"),
                    attachment,
                    kind: Kind::Text,
                    source_id: None,
                    subject: None,
                });
                media_of.push(index);
            }
            Event::Start(e) | Event::Empty(e)
                if !matches!(e.name().as_ref(), b"parts" | b"addrs" | b"addr") =>
            {
                flagged.push(Flagged {
                    line,
                    reason: format!(
                        "an element this program does not read (<{}>)",
                        String::from_utf8_lossy(e.name().as_ref())
                    ),
                });
            }
            _ => {}
        }
    }
    if let Some(open) = mms {
        flagged.push(Flagged {
            line: open.line,
            reason: "an MMS that did not end".into(),
        });
    }
    if !seen_root {
        return Err(ChatError::NotAChat);
    }
    if messages.is_empty() {
        return Err(ChatError::Unreadable {
            line: 1,
            why: "an SMS backup with no message in it".into(),
        });
    }
    // Messages in the order of the file (an MMS is complete at its end tag,
    // after any extra files it carried).
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by_key(|&i| messages[i].line);
    let messages: Vec<Message> = order.iter().map(|&i| messages[i].clone()).collect();
    let media_of: Vec<Option<usize>> = order.iter().map(|&i| media_of[i]).collect();
    let lines = text.lines().count();
    Ok(Backup {
        chat: Chat {
            format: "sms",
            variant: "sms-backup-restore",
            title: None,
            date_order: None,
            date_order_inferred: false,
            messages,
            flagged,
            lines,
        },
        media,
        media_of,
    })
}

/// Lines before a byte of the text, counted from the last byte asked for.
struct Counted {
    at: usize,
    line: usize,
}

impl Counted {
    /// The line of byte `at` (never before one asked for already).
    fn line_of(&mut self, text: &str, at: usize) -> usize {
        if at > self.at {
            self.line += text.as_bytes()[self.at..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.at = at;
        }
        self.line
    }
}

/// XML's white space at the start of `bytes`. Counted in bytes: the XML
/// reader's positions need not fall between characters (a fuzzer found a
/// UTF-16 file whose position landed inside one, and slicing there panicked).
fn leading_space(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count()
}

/// The line (from 1) of byte `at` of `text`.
fn line_at(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKUP: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="3" backup_set="x" backup_date="1772401265000" type="full">
  <sms protocol="0" address="+447700900123" date="1772401265000" type="1" subject="null" body="Look outside &#55357;&#56832; &amp; smile&#10;now" read="1" status="-1" contact_name="Mark Example" />
  <sms protocol="0" address="+447700900123" date="1772401325000" type="2" subject="null" body="Stop" contact_name="Mark Example" />
  <mms date="1772401385000" msg_box="1" address="+447700900123" contact_name="Mark Example" ct_t="application/vnd.wap.multipart.related">
    <parts>
      <part seq="-1" ct="application/smil" name="null" text="&lt;smil&gt;&lt;/smil&gt;" />
      <part seq="0" ct="image/jpeg" name="IMG_0001.jpg" cl="IMG_0001.jpg" data="/9j/4AAQ" />
      <part seq="0" ct="text/plain" name="null" text="Your car" />
    </parts>
    <addrs><addr address="+447700900123" type="137" charset="106" /></addrs>
  </mms>
  <sms protocol="0" address="+447700900123" type="1" body="no date" />
</smses>
"#;

    #[test]
    fn texts_picture_messages_and_broken_emoji_are_read() {
        let backup = parse(BACKUP.as_bytes()).unwrap();
        let m = &backup.chat.messages;
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].text, "Look outside 😀 & smile\nnow");
        assert_eq!(m[0].sender.as_deref(), Some("Mark Example"));
        assert_eq!(m[0].line, 3);
        assert_eq!(
            m[0].sent_at,
            SentAt::Exact("2026-03-01T21:41:05Z".parse().unwrap())
        );
        assert_eq!(m[0].sender_id.as_deref(), Some("+447700900123"));
        assert_eq!(m[1].sender.as_deref(), Some("me"));
        // A sent message's address is whom it went to, not who sent it.
        assert_eq!(m[1].sender_id, None);
        assert_eq!(m[2].sender_id.as_deref(), Some("+447700900123"));
        assert_eq!(m[2].text, "Your car");
        assert_eq!(m[2].attachment.as_deref(), Some("IMG_0001.jpg"));
        assert_eq!(m[2].line, 5);
        assert_eq!(backup.media_of, vec![None, None, Some(0)]);
        assert_eq!(
            backup.media[0].bytes,
            vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]
        );
        assert_eq!(backup.chat.flagged.len(), 1);
        assert_eq!(backup.chat.flagged[0].line, 13);
    }

    #[test]
    fn entities_and_broken_xml_are_refused() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><smses><sms body="&lol2;" date="1" type="1"/></smses>"#;
        assert!(parse(laughs.as_bytes()).is_err());
        assert!(parse(b"<smses><sms body=\"x\" date=\"1\"").is_err());
        assert!(matches!(parse(b"<notes/>"), Err(ChatError::NotAChat)));
        assert_eq!(unescape(b"&#55357;x").unwrap(), "\u{FFFD}x");
        assert_eq!(unescape(b"&#56832;").unwrap(), "\u{FFFD}");
        assert!(unescape(b"&nbsp;").is_err());
    }

    #[test]
    fn what_is_not_a_message_is_flagged_and_a_backup_of_none_refused() {
        let odd = r#"<smses>
<mms date="1772401385000" msg_box="1" address="+447700900123">
<mms date="1772401386000" msg_box="1" address="+447700900123">
<parts><part ct="text/plain" text="inner" /></parts>
</mms>
</mms>
<mms date="1772401387000" msg_box="1" address="+447700900123" />
<part ct="text/plain" text="loose" />
<call number="+447700900123" duration="3" />
<mms date="1772401388000" msg_box="3"><parts><part ct="text/plain" text="a draft" /></parts></mms>
<sms date="1772401389000" type="1" address="+447700900123" body="open and closed"></sms>
</smses>"#;
        let backup = parse(odd.as_bytes()).unwrap();
        let texts: Vec<&str> = backup
            .chat
            .messages
            .iter()
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(texts, ["inner", "open and closed"]);
        let flagged: Vec<(usize, &str)> = backup
            .chat
            .flagged
            .iter()
            .map(|f| (f.line, f.reason.as_str()))
            .collect();
        assert_eq!(
            flagged,
            [
                (2, "an MMS that did not end before the next began"),
                (7, "an MMS with nothing in it"),
                (8, "a part of no MMS"),
                (9, "an element this program does not read (<call>)"),
                (10, "a draft, never sent"),
            ]
        );
        let drafts = r#"<smses><sms date="1" type="3" body="unsent" /></smses>"#;
        let err = parse(drafts.as_bytes()).err().unwrap().to_string();
        assert!(err.contains("no message"), "{err}");
    }
}
