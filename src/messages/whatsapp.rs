//! WhatsApp's "Export chat" text, as Android and iPhone write it, in the
//! date and time formats of many languages:
//!
//! ```text
//! 31/12/2025, 21:41 - Mark: text            Android (en-GB, es, pt-BR: "31/12/2025 21:41 - ")
//! 12/31/25, 9:41 PM - Mark: text            Android (en-US)
//! 31.12.25, 21:41 - Mark: text              Android (de)
//! 31/12/2025 à 21:41 - Mark: text           Android (fr)
//! [31/12/2025, 21:41:05] Mark: text         iPhone (and "[12/31/25, 9:41:05 PM]", "[31.12.25, 21:41:05]")
//! ```
//!
//! A line that does not start a message continues the one before (a
//! message of several lines). A line before the first message is flagged.
//! Whether 03/04 is the 3rd of April or March the 4th is worked out from
//! the whole file (a date with a first part above 12 is day first, one with
//! a second part above 12 month first); when no date decides it, the
//! reader says so and asks, rather than guess.

use chrono::NaiveDate;

use super::text::{clean, decode};
use super::{Chat, ChatError, DateOrder, Flagged, Kind, Message, SentAt};

/// The start of a message: its date parts as written, its time, and the
/// rest of the line.
#[derive(Debug, PartialEq, Eq)]
struct Header<'a> {
    /// The first two parts of the date, as written, and the year.
    date: (u32, u32, i32),
    /// Whether the year came first (2025-12-31: no order to work out).
    year_first: bool,
    /// Hour (0-23), minute, second.
    time: (u32, u32, u32),
    rest: &'a str,
    iphone: bool,
}

/// A position in a line, for reading the header part by part.
struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let digits = self.s[self.at..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits < min || digits > max {
            return None;
        }
        let n = self.s[self.at..self.at + digits].parse().ok()?;
        self.at += digits;
        Some(n)
    }

    fn eat(&mut self, lit: &str) -> bool {
        let found = self.s[self.at..].starts_with(lit);
        if found {
            self.at += lit.len();
        }
        found
    }

    fn one_of(&mut self, chars: &[char]) -> Option<char> {
        let c = self.s[self.at..]
            .chars()
            .next()
            .filter(|c| chars.contains(c))?;
        self.at += c.len_utf8();
        Some(c)
    }

    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }
}

/// `31/12/25`, `12/31/2025`, `31.12.25`, `2025-12-31`.
fn date(c: &mut Cursor<'_>) -> Option<((u32, u32, i32), bool)> {
    let year_of = |y: u32, digits_2: bool| if digits_2 { 2000 + y as i32 } else { y as i32 };
    let start = c.at;
    if let Some(y) = c.number(4, 4) {
        c.eat("-").then_some(())?;
        let m = c.number(1, 2)?;
        c.eat("-").then_some(())?;
        let d = c.number(1, 2)?;
        return Some(((d, m, y as i32), true));
    }
    c.at = start;
    let a = c.number(1, 2)?;
    let sep = c.one_of(&['/', '.', '-'])?;
    let b = c.number(1, 2)?;
    c.eat(&sep.to_string()).then_some(())?;
    let year_start = c.at;
    let y = c.number(2, 4)?;
    let two = c.at - year_start == 2;
    (c.at - year_start != 3).then_some(())?;
    Some(((a, b, year_of(y, two)), false))
}

/// `21:41`, `21:41:05`, `9:41 PM`, `9:41 p. m.`: hour in 0-23.
fn time(c: &mut Cursor<'_>) -> Option<(u32, u32, u32)> {
    let h = c.number(1, 2)?;
    c.eat(":").then_some(())?;
    let m = c.number(2, 2)?;
    let s = if c.eat(":") { c.number(2, 2)? } else { 0 };
    let before = c.at;
    c.eat(" ");
    let meridiem: String = c
        .rest()
        .chars()
        .take(6)
        .collect::<String>()
        .to_ascii_lowercase();
    let squeezed: String = meridiem
        .chars()
        .filter(|ch| !matches!(ch, '.' | ' '))
        .collect();
    let pm = if squeezed.starts_with("am") || squeezed.starts_with("pm") {
        // Consume the letters, dots and spaces of "a. m." / "PM".
        let mut letters = 0;
        let mut taken = 0;
        for ch in c.rest().chars() {
            if letters == 2 && ch != '.' {
                break;
            }
            match ch {
                'a' | 'A' | 'p' | 'P' | 'm' | 'M' => letters += 1,
                '.' | ' ' => {}
                _ => break,
            }
            taken += ch.len_utf8();
        }
        c.at += taken;
        Some(squeezed.starts_with("pm"))
    } else {
        c.at = before;
        None
    };
    let hour = match pm {
        None if h < 24 => h,
        Some(false) if (1..=12).contains(&h) => h % 12,
        Some(true) if (1..=12).contains(&h) => h % 12 + 12,
        _ => return None,
    };
    (m < 60 && s < 60).then_some((hour, m, s))
}

fn header(line: &str) -> Option<Header<'_>> {
    let mut c = Cursor { s: line, at: 0 };
    if c.eat("[") {
        let (date, year_first) = date(&mut c)?;
        c.eat(",");
        c.eat(" ").then_some(())?;
        let time = time(&mut c)?;
        c.eat("] ").then_some(())?;
        return Some(Header {
            date,
            year_first,
            time,
            rest: c.rest(),
            iphone: true,
        });
    }
    let (date, year_first) = date(&mut c)?;
    c.eat(",");
    c.eat(" ").then_some(())?;
    c.eat("à ");
    let time = time(&mut c)?;
    c.eat(" - ").then_some(())?;
    Some(Header {
        date,
        year_first,
        time,
        rest: c.rest(),
        iphone: false,
    })
}

/// The sender and the text of the rest of a header line; no sender for
/// the app's own lines ("Messages and calls are end-to-end encrypted").
fn sender_and_text(rest: &str) -> (Option<String>, String) {
    match rest.split_once(": ") {
        Some((who, text)) if !who.is_empty() && who.chars().count() <= 80 && !who.contains('"') => {
            (Some(who.trim().to_string()), text.to_string())
        }
        _ => (None, rest.to_string()),
    }
}

const DELETED: &[&str] = &[
    "This message was deleted",
    "You deleted this message",
    "Diese Nachricht wurde gelöscht.",
    "Du hast diese Nachricht gelöscht.",
    "Ce message a été supprimé",
    "Vous avez supprimé ce message",
    "Se eliminó este mensaje.",
    "Eliminaste este mensaje.",
    "Mensagem apagada",
    "Você apagou esta mensagem",
];
const OMITTED: &[&str] = &[
    "<Media omitted>",
    "<Medien ausgeschlossen>",
    "<Médias omis>",
    "<Multimedia omitido>",
    "<Mídia oculta>",
    "image omitted",
    "video omitted",
    "audio omitted",
    "sticker omitted",
    "GIF omitted",
    "document omitted",
    "Contact card omitted",
    "Bild weggelassen",
    "image absente",
    "imagen omitida",
    "imagem ocultada",
];
const ATTACHED: &[&str] = &[
    " (file attached)",
    " (Datei angehängt)",
    " (fichier joint)",
    " (archivo adjunto)",
    " (arquivo anexado)",
];
const ENCRYPTED: &str = "Messages and calls are end-to-end encrypted";

/// Whether `name` reads as a file's name: an extension of one to five
/// letters or digits, and no more than 255 bytes.
fn file_name(name: &str) -> bool {
    name.len() <= 255
        && name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// What the message is, and the file it names as attached. `marked`: the
/// text began with U+200E, as an iPhone writes the app's own lines (and
/// media lines) under the chat's name.
fn classify(
    sender: &mut Option<String>,
    text: &mut String,
    marked: bool,
) -> (Kind, Option<String>) {
    // iPhone: the text begins with the token (after the marks cleaned
    // away); words someone typed elsewhere in a message are words.
    if let Some(start) = text
        .find("<attached: ")
        .filter(|&s| text[..s].trim().is_empty())
        && let Some(len) = text[start..].find('>')
    {
        let name = text[start + 11..start + len].trim().to_string();
        text.replace_range(start..=start + len, "");
        *text = text.trim().to_string();
        return (Kind::Text, Some(name));
    }
    let first = text.lines().next().unwrap_or("");
    for mark in ATTACHED {
        // A file's name (`IMG-20260301-WA0003.jpg`, `Letter.pdf`), not a
        // sentence that ends in the same words.
        if let Some(name) = first.strip_suffix(mark).filter(|n| file_name(n.trim())) {
            let name = name.trim().to_string();
            *text = text.lines().skip(1).collect::<Vec<_>>().join("\n");
            return (Kind::Text, Some(name));
        }
    }
    *text = text.trim().to_string();
    let said = text.trim_end_matches('.');
    if DELETED.iter().any(|d| d.trim_end_matches('.') == said) {
        (Kind::Deleted, None)
    } else if OMITTED.contains(&said) {
        (Kind::MediaOmitted, None)
    } else if sender.is_none() || marked || said.starts_with(ENCRYPTED) {
        // Not written by the person the line names: WhatsApp's own words.
        *sender = None;
        (Kind::System, None)
    } else {
        (Kind::Text, None)
    }
}

/// The date order the file's dates allow, or the one `given`.
fn date_order(
    headers: &[(usize, (u32, u32, i32), bool)],
    given: Option<DateOrder>,
) -> Result<(DateOrder, bool), ChatError> {
    if let Some(order) = given {
        return Ok((order, false));
    }
    let dmy = headers.iter().find(|(_, (a, _, _), yf)| !yf && *a > 12);
    let mdy = headers.iter().find(|(_, (_, b, _), yf)| !yf && *b > 12);
    match (dmy, mdy) {
        (Some(d), Some(m)) => Err(ChatError::MixedDateOrder { dmy: d.0, mdy: m.0 }),
        (Some(_), None) => Ok((DateOrder::Dmy, true)),
        (None, Some(_)) => Ok((DateOrder::Mdy, true)),
        // Every date has its year first: the order does not matter.
        (None, None) if headers.iter().all(|h| h.2) => Ok((DateOrder::Dmy, true)),
        (None, None) => Err(ChatError::AmbiguousDateOrder),
    }
}

/// Reads a WhatsApp chat export. `given`: the date order, when the owner
/// said it (else it is worked out from the dates).
pub fn parse(bytes: &[u8], given: Option<DateOrder>) -> Result<Chat, ChatError> {
    let text = decode(bytes)?;
    let count = text.bytes().filter(|&b| b == b'\n').count();
    if count > super::MAX_LINES {
        return Err(ChatError::Io(format!(
            "{count} lines, more than the {} a chat export has",
            super::MAX_LINES
        )));
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    // First pass: which lines start a message, and their dates.
    let cleaned: Vec<String> = lines.iter().map(|l| clean(l)).collect();
    let heads: Vec<Option<Header<'_>>> = cleaned.iter().map(|l| header(l)).collect();
    let dated: Vec<(usize, (u32, u32, i32), bool)> = heads
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.as_ref().map(|h| (i + 1, h.date, h.year_first)))
        .collect();
    if dated.is_empty() {
        return Err(ChatError::NotAChat);
    }
    let (order, inferred) = date_order(&dated, given)?;
    let iphone = heads.iter().flatten().filter(|h| h.iphone).count() * 2 > dated.len();
    let mut messages: Vec<Message> = Vec::new();
    // Whether each message's text began with U+200E (see `classify`).
    let mut marks: Vec<bool> = Vec::new();
    let mut flagged = Vec::new();
    // Whether the lines now continue a message (false after a bad date).
    let mut open = false;
    let mut seen_header = false;
    for (i, (line, head)) in cleaned.iter().zip(&heads).enumerate() {
        let n = i + 1;
        let Some(h) = head else {
            if open {
                let last = messages.last_mut().expect("open means a message");
                last.text.push('\n');
                last.text.push_str(line);
            } else {
                let why = if seen_header {
                    "part of a message whose date could not be read"
                } else {
                    "before the first message"
                };
                flagged.push(Flagged {
                    line: n,
                    reason: why.into(),
                });
            }
            continue;
        };
        seen_header = true;
        let (a, b, year) = h.date;
        let (day, month) = match (h.year_first, order) {
            (true, _) | (false, DateOrder::Dmy) => (a, b),
            (false, DateOrder::Mdy) => (b, a),
        };
        let Some(sent_at) = NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(h.time.0, h.time.1, h.time.2))
        else {
            flagged.push(Flagged {
                line: n,
                reason: "a date that does not exist".into(),
            });
            open = false;
            continue;
        };
        let (sender, mut text) = sender_and_text(h.rest);
        marks.push(h.iphone && sender.is_some() && lines[i].contains(": \u{200E}"));
        messages.push(Message {
            line: n,
            sent_at: SentAt::Local(sent_at),
            sender,
            text: std::mem::take(&mut text),
            attachment: None,
            kind: Kind::Text,
            source_id: None,
            subject: None,
            sender_id: None,
        });
        open = true;
    }
    for (m, marked) in messages.iter_mut().zip(marks) {
        let (kind, attachment) = classify(&mut m.sender, &mut m.text, marked);
        m.kind = kind;
        m.attachment = attachment;
    }
    Ok(Chat {
        format: "whatsapp",
        variant: if iphone {
            "whatsapp-ios"
        } else {
            "whatsapp-android"
        },
        title: None,
        date_order: Some(order),
        date_order_inferred: inferred,
        messages,
        flagged,
        lines: lines.len(),
    })
}

#[cfg(test)]
#[path = "whatsapp_tests.rs"]
mod tests;
