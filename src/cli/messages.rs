//! `import` and `messages`: chats from messaging apps, kept with their
//! provenance, listed and searched, and quoted by incidents.

use std::borrow::Cow;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use incident_diary::Diary;
use incident_diary::messages::query::{Found, MessageFilter};
use incident_diary::messages::{DateOrder, Format};
use incident_diary::model::{ChatSource, Id, MessageKind};
use incident_diary::state::ChatRecord;
use incident_diary::{ImportOptions, Imported, visible};
use serde::Serialize;

use super::args::{MessageFilterArgs, MessagesAction};
use super::incidents::build;
use super::input::parse_date;
use super::output::print_json;
use super::{Session, usage};

/// `import`'s flags.
pub struct ImportArgs {
    pub format: Option<String>,
    pub timezone: Option<String>,
    pub date_order: Option<String>,
    pub me: Option<String>,
    pub source: String,
}

#[derive(Serialize)]
struct ImportedOut<'a> {
    conversation: u32,
    id: Id,
    title: &'a str,
    messages: usize,
    flagged: usize,
    original: String,
    media: Vec<String>,
    left_out: usize,
    source: &'a ChatSource,
}

pub fn import(session: &mut Session, file: &Path, args: ImportArgs, json: bool) -> Result<()> {
    let format = args
        .format
        .as_deref()
        .map(|f| {
            Format::named(f)
                .ok_or_else(|| usage(format!("--format: {f:?} is not one of {}", Format::NAMES)))
        })
        .transpose()?;
    let date_order = args.date_order.as_deref().map(|o| match o {
        "mdy" => DateOrder::Mdy,
        _ => DateOrder::Dmy,
    });
    if !file.is_file() {
        return Err(incident_diary::Error::NotFound {
            what: "file",
            key: file.display().to_string(),
        }
        .into());
    }
    let options = ImportOptions {
        format,
        zone: args.timezone,
        date_order,
        me: args.me,
        note: args.source,
    };
    let mut diary = session.unlock()?;
    let done: Imported = diary
        .import_chat(file, &options)
        .with_context(|| format!("could not import {}", file.display()))?;
    let chat = diary.state().chat(done.id).expect("just imported");
    let source = &chat.import.source;
    if json {
        return print_json(&ImportedOut {
            conversation: done.number,
            id: done.id,
            title: &done.title,
            messages: done.messages,
            flagged: done.flagged,
            original: diary.exhibit_label(done.original),
            media: done.media.iter().map(|&n| diary.exhibit_label(n)).collect(),
            left_out: done.left_out,
            source,
        });
    }
    say!(
        "imported conversation {}: {} ({} messages, {} lines flagged)",
        done.number,
        visible::name(&done.title),
        done.messages,
        done.flagged
    );
    say!(
        "read as {} ({}); times in {} ({}){}",
        source.format,
        source.variant,
        source.zone,
        if source.zone_given {
            "as given"
        } else {
            "this device's zone: give --timezone if the phone was elsewhere"
        },
        match &source.date_order {
            Some(o) if source.date_order_given => format!("; dates {o} as given"),
            Some(o) => format!("; dates {o}, worked out from the file"),
            None => String::new(),
        }
    );
    say!(
        "the original is exhibit {}{}",
        diary.exhibit_label(done.original),
        match done.media.len() {
            0 => String::new(),
            n => format!(", with {n} files from it as exhibits"),
        }
    );
    for f in chat.import.flagged.iter().take(10) {
        say!("flagged line {}: {}", f.line, f.reason);
    }
    if chat.import.flagged.len() > 10 {
        say!(
            "... and {} more flagged lines (messages --json lists every message with its line)",
            chat.import.flagged.len() - 10
        );
    }
    if let Some(cut) = &source.looks_cut {
        say!("note: {cut}");
    }
    Ok(())
}

/// Senders listed under each conversation by `messages conversations`.
const SENDERS_SHOWN: usize = 10;

/// A message in `messages --json`.
#[derive(Serialize)]
struct MessageOut<'a> {
    conversation: u32,
    number: u32,
    /// The name the export gives.
    sender: Option<&'a str>,
    /// The address beside it (email address, phone number, Telegram id).
    #[serde(skip_serializing_if = "Option::is_none")]
    sender_id: Option<&'a str>,
    /// The person in People the sender is linked to.
    person: Option<Id>,
    sent_at: DateTime<FixedOffset>,
    text: &'a str,
    /// The exhibit holding the attached file, when the export carried it.
    attachment: Option<String>,
    /// The file's name as the export gives it.
    attachment_name: Option<&'a str>,
    kind: MessageKind,
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
}

fn message_out<'a>(diary: &Diary, found: &Found<'a>) -> MessageOut<'a> {
    let m = found.message;
    MessageOut {
        conversation: found.chat.number,
        number: found.number,
        sender: m.sender.as_deref(),
        sender_id: m.sender_id.as_deref(),
        person: m.who().and_then(|s| found.chat.person_of(&s)),
        sent_at: m.sent_at,
        text: &m.text,
        attachment: m.exhibit.map(|n| diary.exhibit_label(n)),
        attachment_name: m.attachment.as_deref(),
        kind: m.kind,
        line: m.line,
        subject: m.subject.as_deref(),
    }
}

pub fn list(session: &mut Session, args: MessageFilterArgs, json: bool) -> Result<()> {
    let filter = MessageFilter {
        chat: args.conversation,
        sender: args.sender,
        from: args
            .from
            .as_deref()
            .map(|d| parse_date("--from", d))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_date("--to", d))
            .transpose()?,
        text: args.search,
    };
    let diary = session.unlock()?;
    if let Some(n) = filter.chat {
        diary.chat(&n.to_string())?;
    }
    let found = filter.apply(diary.state());
    if json {
        let out: Vec<MessageOut> = found.iter().map(|f| message_out(&diary, f)).collect();
        return print_json(&out);
    }
    for f in &found {
        let m = f.message;
        let what = match m.kind {
            MessageKind::Deleted => " [deleted]",
            MessageKind::MediaOmitted => " [media left out of the export]",
            MessageKind::System => " [the app's own line]",
            MessageKind::Text => "",
        };
        let attached = match (m.exhibit, m.attachment.as_deref()) {
            (Some(n), _) => format!(" [file: exhibit {}]", diary.exhibit_label(n)),
            (None, Some(name)) => format!(" [file not in the export: {name}]"),
            _ => String::new(),
        };
        // A name is one line, and a message's own lines are indented
        // under it: no text can pass for another message.
        say!(
            "{}.{:<5} {}  {}: {}{what}{attached}",
            f.chat.number,
            f.number,
            m.sent_at.format("%Y-%m-%d %H:%M:%S %:z"),
            m.who()
                .map_or_else(|| "(system)".into(), |w| visible::name(&w)),
            m.text.replace('\n', "\n        ")
        );
    }
    if found.is_empty() {
        say!("no messages");
    }
    Ok(())
}

#[derive(Serialize)]
struct ConversationOut<'a> {
    number: u32,
    id: Id,
    title: &'a str,
    imported_at: DateTime<FixedOffset>,
    messages: usize,
    flagged: usize,
    first: Option<DateTime<FixedOffset>>,
    last: Option<DateTime<FixedOffset>>,
    senders: Vec<SenderOut<'a>>,
    original: String,
    source: &'a ChatSource,
}

#[derive(Serialize)]
struct SenderOut<'a> {
    /// As listed: the name, with the address where the export gives one.
    name: Cow<'a, str>,
    messages: usize,
    person: Option<Id>,
}

fn conversation_out<'a>(diary: &Diary, chat: &'a ChatRecord) -> ConversationOut<'a> {
    let messages = &chat.import.messages;
    let span = chat.span();
    let senders = chat
        .senders()
        .into_iter()
        .map(|(name, messages)| SenderOut {
            person: chat.person_of(&name),
            name,
            messages,
        })
        .collect();
    ConversationOut {
        number: chat.number,
        id: chat.id(),
        title: &chat.import.title,
        imported_at: chat.recorded_at,
        messages: messages.len(),
        flagged: chat.import.flagged.len(),
        first: span.map(|s| s.0),
        last: span.map(|s| s.1),
        senders,
        original: diary.exhibit_label(chat.import.source.original),
        source: &chat.import.source,
    }
}

/// `3`, `3-7`, `3-7,9` as message numbers.
fn numbers(list: &str) -> Result<Vec<u32>> {
    const MAX: u32 = 5_000;
    let bad = || usage(format!("--messages: {list:?} is not a list like 3-7,9"));
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: u32 = a.trim().parse().map_err(|_| bad())?;
        let b: u32 = b.trim().parse().map_err(|_| bad())?;
        if a == 0 || b < a || b - a >= MAX || out.len() as u32 + (b - a) >= MAX {
            return Err(bad());
        }
        out.extend(a..=b);
    }
    if out.is_empty() {
        return Err(bad());
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

pub fn act(session: &mut Session, action: MessagesAction) -> Result<()> {
    match action {
        MessagesAction::Conversations { json } => {
            let diary = session.unlock()?;
            let all: Vec<ConversationOut> = diary
                .state()
                .chats()
                .iter()
                .map(|c| conversation_out(&diary, c))
                .collect();
            if json {
                return print_json(&all);
            }
            for c in &all {
                say!(
                    "{}. {} ({} messages, {} lines flagged; original {}; {} {}, times in {})",
                    c.number,
                    visible::name(c.title),
                    c.messages,
                    c.flagged,
                    c.original,
                    c.source.format,
                    c.source.variant,
                    c.source.zone
                );
                for s in c.senders.iter().take(SENDERS_SHOWN) {
                    say!(
                        "   {} ({} message{}){}",
                        visible::name(&s.name),
                        s.messages,
                        if s.messages == 1 { "" } else { "s" },
                        s.person
                            .map(|p| format!(", person {p}"))
                            .unwrap_or_default()
                    );
                }
                if c.senders.len() > SENDERS_SHOWN {
                    say!(
                        "   ... and {} more senders (--json lists them all)",
                        c.senders.len() - SENDERS_SHOWN
                    );
                }
            }
            if all.is_empty() {
                say!("no conversations imported");
            }
            Ok(())
        }
        MessagesAction::Incident {
            conversation,
            messages,
            fields,
        } => {
            let picked = numbers(&messages)?;
            let mut diary = session.unlock()?;
            let chat = diary.chat(&conversation.to_string())?.id();
            let drafted = diary.incident_from_messages(chat, &picked)?;
            // Flags given change the draft (a narrative, behaviours...).
            let incident = build(serde_json::to_value(&drafted)?, None, *fields)?;
            let added = diary
                .add_incident(incident)
                .context("could not record the incident")?;
            say!(
                "added incident {} (id {}) quoting {} message{}",
                added.number,
                added.id,
                picked.len(),
                if picked.len() == 1 { "" } else { "s" }
            );
            Ok(())
        }
        MessagesAction::Link {
            conversation,
            messages,
            incident,
            reason,
        } => {
            let picked = numbers(&messages)?;
            let mut diary = session.unlock()?;
            let chat = diary.chat(&conversation.to_string())?.id();
            let rec = diary.find_incident(&incident)?;
            let (id, number) = (rec.id, rec.number);
            diary
                .quote_messages(id, chat, &picked, &reason)
                .context("could not link the messages")?;
            say!(
                "incident {number} now quotes {} more message(s) of conversation {conversation}",
                picked.len()
            );
            Ok(())
        }
        MessagesAction::Sender {
            conversation,
            sender,
            person,
        } => {
            let person = match person.trim() {
                "none" => None,
                id => Some(
                    id.parse::<Id>()
                        .map_err(|_| usage("--person: an id is 32 hexadecimal digits, or none"))?,
                ),
            };
            let mut diary = session.unlock()?;
            let chat = diary.chat(&conversation.to_string())?.id();
            let sender = visible::name(&diary.link_sender(chat, &sender, person)?);
            match person {
                Some(p) => say!("{sender} in conversation {conversation} is person {p}"),
                None => say!("{sender} in conversation {conversation} is linked to no one"),
            }
            Ok(())
        }
    }
}
