//! Conversations imported from messaging apps' exports: read, stored as
//! one `chat.import` record with the original file (and a `.zip`'s media)
//! as exhibits in the same commit, so an import is whole or absent; then
//! listed, searched, and quoted by incidents.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use chrono::Datelike;

use super::Diary;
use super::exhibits::Source;
use super::incidents::new_id;
use crate::error::{Error, Result};
use crate::file_claims::PEEK_LEN;
use crate::messages::zone::Zone;
use crate::messages::{self, Carried, Chat, ChatError, DateOrder, Format, Kind};
use crate::model::chat::find_sender;
use crate::model::{
    Channel, ChatImport, ChatSource, Event, ExhibitKey, FlaggedLine, Id, Incident, MessageKind,
    MessageRef, Role, StoredMessage, TimePrecision,
};
use crate::state::ChatRecord;
use crate::store::Durability;

/// How to read an export, as the owner says.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The format, else told from the file.
    pub format: Option<Format>,
    /// The IANA zone of the phone's clock, else this device's.
    pub zone: Option<String>,
    /// Day or month first, else worked out from the dates.
    pub date_order: Option<DateOrder>,
    /// Which sender is the owner.
    pub me: Option<String>,
    /// What she says about the source (the phone, the app, how it was
    /// exported).
    pub note: String,
}

/// What an import stored.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The conversation's id.
    pub id: Id,
    /// Its number (`diary messages --conversation N`).
    pub number: u32,
    /// Its name.
    pub title: String,
    /// Messages stored.
    pub messages: usize,
    /// Lines flagged (not part of any message).
    pub flagged: usize,
    /// The exhibit of the original file.
    pub original: u32,
    /// The exhibits of the media it carried.
    pub media: Vec<u32>,
    /// Files of the system that zipped it, left out.
    pub left_out: usize,
}

/// WhatsApp keeps only the latest messages in an export.
const WHATSAPP_CAP: usize = 40_000;
const WHATSAPP_CAP_MEDIA: usize = 10_000;

/// A reader's refusal as the diary's: the date order is a question for
/// the owner (`date_order`), anything else is the file's fault.
fn chat_error(err: ChatError) -> Error {
    let field = match err {
        ChatError::AmbiguousDateOrder | ChatError::MixedDateOrder { .. } => "date_order",
        _ => "file",
    };
    Error::invalid(field, err.to_string())
}

fn kind(k: Kind) -> MessageKind {
    match k {
        Kind::Text => MessageKind::Text,
        Kind::System => MessageKind::System,
        Kind::Deleted => MessageKind::Deleted,
        Kind::MediaOmitted => MessageKind::MediaOmitted,
    }
}

/// `WhatsApp chat with Mark Example`: from the export's own name for it,
/// else from the senders other than the owner.
fn title(
    chat: &Chat,
    stored: &[StoredMessage],
    text_name: Option<&str>,
    me: Option<&str>,
) -> String {
    let kind = match chat.format {
        "whatsapp" => "WhatsApp chat",
        "telegram" => "Telegram chat",
        "sms" => "Text messages",
        "email" => "Emails",
        other => other,
    };
    if let Some(name) = &chat.title {
        return format!("{kind} with {name}");
    }
    if let Some(with) = text_name
        .and_then(|n| n.strip_prefix("WhatsApp Chat with "))
        .and_then(|n| n.strip_suffix(".txt"))
    {
        return format!("{kind} with {with}");
    }
    let mut others: Vec<&str> = Vec::new();
    for m in stored {
        if let Some(s) = m.sender.as_deref()
            && m.who().as_deref() != me
            && s != "me"
            && !others.contains(&s)
        {
            others.push(s);
        }
    }
    match others.len() {
        0 => kind.to_string(),
        1..=3 => format!("{kind} with {}", others.join(", ")),
        n => format!(
            "{kind} with {} and {} others",
            others[..2].join(", "),
            n - 2
        ),
    }
}

impl Diary {
    /// Imports the export at `path` as a new conversation.
    pub fn import_chat(&mut self, path: &Path, options: &ImportOptions) -> Result<Imported> {
        let zone = match &options.zone {
            Some(name) => Zone::named(name).map_err(|e| Error::invalid("timezone", e))?,
            None => Zone::of_this_device().map_err(|e| Error::invalid("timezone", e))?,
        };
        let messages::Read {
            chat,
            files,
            file_of,
            mut archive,
        } = messages::read(path, options.format, options.date_order).map_err(chat_error)?;
        let original = self.state.exhibits().len() as u32 + 1;
        // A date no phone writes (year 1 or 300,000) is flagged, not
        // stored: no time zone reads it, no chart spans it.
        let mut flagged: Vec<FlaggedLine> = Vec::new();
        let dated = |m: &messages::Message| {
            let year = match m.sent_at {
                messages::SentAt::Local(t) => t.year(),
                messages::SentAt::Exact(t) => t.year(),
            };
            (1970..=2100).contains(&year)
        };
        let stored: Vec<StoredMessage> = chat
            .messages
            .iter()
            .zip(&file_of)
            .filter(|(m, _)| {
                let ok = dated(m);
                if !ok {
                    flagged.push(FlaggedLine {
                        line: u32::try_from(m.line).unwrap_or(u32::MAX),
                        reason: "a date out of range".into(),
                    });
                }
                ok
            })
            .map(|(m, file)| StoredMessage {
                sent_at: zone.resolve(m.sent_at),
                sender: m.sender.clone(),
                sender_id: m.sender_id.clone(),
                text: m.text.clone(),
                exhibit: file.map(|i| original + 1 + i as u32),
                attachment: m.attachment.clone(),
                kind: kind(m.kind),
                line: u32::try_from(m.line).ok().filter(|&l| l > 0),
                source_id: m.source_id.clone(),
                subject: m.subject.clone(),
            })
            .collect();
        if stored.is_empty() {
            return Err(Error::invalid(
                "file",
                "no message in it has a date this program can read",
            ));
        }
        // The owner as a sender is listed: her name alone where no one
        // else uses it, else with her address.
        let me = match &options.me {
            Some(given) => Some(
                find_sender(&stored, given)
                    .map_err(|e| Error::invalid("me", e))?
                    .into_owned(),
            ),
            // An SMS backup names the phone's owner `me`.
            None => (chat.format == "sms"
                && stored.iter().any(|m| m.sender.as_deref() == Some("me")))
            .then(|| "me".to_string()),
        };
        let cap = if archive.is_some() {
            WHATSAPP_CAP_MEDIA
        } else {
            WHATSAPP_CAP
        };
        let looks_cut = (chat.format == "whatsapp" && stored.len() >= cap).then(|| {
            format!(
                "WhatsApp exports only the latest {WHATSAPP_CAP} messages ({WHATSAPP_CAP_MEDIA} with media); this export holds {}, so older messages may be missing from it",
                stored.len()
            )
        });
        let text_name = archive.as_ref().map(|a| a.text_name.clone());
        let import = ChatImport {
            id: new_id(),
            title: title(&chat, &stored, text_name.as_deref(), me.as_deref()),
            source: ChatSource {
                parser: format!("incident-diary {}", env!("CARGO_PKG_VERSION")),
                format: chat.format.to_string(),
                variant: chat.variant.to_string(),
                original,
                zone: zone.name().to_string(),
                zone_given: zone.given,
                date_order: chat.date_order.map(|o| {
                    match o {
                        DateOrder::Dmy => "dmy",
                        DateOrder::Mdy => "mdy",
                    }
                    .to_string()
                }),
                date_order_given: chat.date_order.is_some() && !chat.date_order_inferred,
                lines: u32::try_from(chat.lines).unwrap_or(u32::MAX),
                me,
                note: options.note.trim().to_string(),
                looks_cut,
            },
            messages: stored,
            flagged: chat
                .flagged
                .iter()
                .map(|f| FlaggedLine {
                    line: u32::try_from(f.line).unwrap_or(u32::MAX),
                    reason: f.reason.clone(),
                })
                .chain(flagged)
                .collect(),
            media: files.len() as u32,
        };
        import.validate()?;
        let id = import.id;
        // Names checked before anything is sealed.
        for name in std::iter::once(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
        .chain(files.iter().map(|f| f.name().to_string()))
        {
            if name.len() > 1_000 {
                return Err(Error::invalid(
                    "file",
                    "it names a file with a name longer than 1,000 bytes",
                ));
            }
        }
        // The files first, each sealed into the vault; the records of all
        // of them in one commit after. Any failure removes what was sealed.
        let mut sealed: Vec<(crate::model::ExhibitAttached, crate::model::FileKey)> = Vec::new();
        let result = (|| -> Result<()> {
            let mut file = std::fs::File::open(path).map_err(Error::from)?;
            let size = file.metadata().map_err(Error::from)?.len();
            let mut head = Vec::with_capacity(PEEK_LEN);
            (&mut file)
                .take(PEEK_LEN as u64)
                .read_to_end(&mut head)
                .map_err(Error::from)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = Source {
                owner: id,
                number: original,
                original_name: name,
                size,
                description: format!("The export of {}, as imported", import.title),
            };
            sealed.push(self.seal_file(source, head, &mut file, &mut |_| {})?);
            for (i, file) in files.iter().enumerate() {
                let source = |size| Source {
                    owner: id,
                    number: original + 1 + i as u32,
                    original_name: file.name().to_string(),
                    size,
                    description: format!("Sent in {}", import.title),
                };
                let done = match file {
                    Carried::Inline(inline) => {
                        let bytes = &inline.bytes;
                        let head = bytes[..bytes.len().min(PEEK_LEN)].to_vec();
                        let mut rest = &bytes[head.len()..];
                        self.seal_file(source(bytes.len() as u64), head, &mut rest, &mut |_| {})?
                    }
                    Carried::Beside(at, _) => {
                        let mut f = messages::open_beside(at)
                            .map_err(|e| Error::invalid("file", format!("{}: {e}", file.name())))?;
                        let size = f.metadata()?.len();
                        let mut head = Vec::with_capacity(PEEK_LEN);
                        (&mut f).take(PEEK_LEN as u64).read_to_end(&mut head)?;
                        self.seal_file(source(size), head, &mut f, &mut |_| {})?
                    }
                    Carried::Zipped(m) => archive
                        .as_mut()
                        .expect("zipped files come with their archive")
                        .with_media(m, &mut |r| {
                            let mut head = Vec::with_capacity(PEEK_LEN);
                            r.take(PEEK_LEN as u64)
                                .read_to_end(&mut head)
                                .map_err(|e| e.to_string())?;
                            self.seal_file(source(m.size), head, r, &mut |_| {})
                                .map_err(|e| e.to_string())
                        })
                        .map_err(chat_error)?,
                };
                sealed.push(done);
            }
            Ok(())
        })();
        let ids: Vec<Id> = sealed.iter().map(|(a, _)| a.id).collect();
        let undo = |diary: &Diary| {
            for id in &ids {
                let _ = diary.store.remove_attachment(&id.0);
            }
        };
        if let Err(err) = result {
            undo(self);
            return Err(err);
        }
        let (title, count, flagged) = (
            import.title.clone(),
            import.messages.len(),
            import.flagged.len(),
        );
        if let Some(Err(err)) = sealed
            .iter()
            .map(|(a, _)| a.exhibit.validate())
            .find(Result::is_err)
        {
            undo(self);
            return Err(err.into());
        }
        let mut events = vec![Event::ChatImport(Box::new(import))];
        for (attached, file_key) in sealed {
            let key = ExhibitKey {
                id: attached.id,
                file_key,
            };
            events.push(Event::ExhibitAttach(attached));
            events.push(Event::ExhibitKey(key));
        }
        if let Err(err) = self.commit(events, Durability::Full) {
            undo(self);
            return Err(err);
        }
        let number = self.state.chats().len() as u32;
        Ok(Imported {
            id,
            number,
            title,
            messages: count,
            flagged,
            original,
            media: (0..files.len() as u32).map(|i| original + 1 + i).collect(),
            left_out: archive.map_or(0, |a| a.left_out),
        })
    }

    /// A conversation by number (`1`) or id.
    pub fn chat(&self, key: &str) -> Result<&ChatRecord> {
        let found = match key.parse::<u32>() {
            Ok(n) => self.state.chat_by_number(n),
            Err(_) => key.parse::<Id>().ok().and_then(|id| self.state.chat(id)),
        };
        found.ok_or_else(|| Error::NotFound {
            what: "conversation",
            key: key.to_string(),
        })
    }

    /// Says that `sender` in conversation `chat` is the person `person`
    /// (or, with none, no longer anyone); the sender as listed.
    ///
    /// `sender` is as listed (`Jo <jo@example.com>`), or a name or address
    /// only one sender has ([`find_sender`]).
    pub fn link_sender(&mut self, chat: Id, sender: &str, person: Option<Id>) -> Result<String> {
        let record = self.state.chat(chat).ok_or_else(|| Error::NotFound {
            what: "conversation",
            key: chat.to_hex(),
        })?;
        let sender = find_sender(&record.import.messages, sender)
            .map_err(|e| Error::invalid("sender", e))?;
        let sender = sender.into_owned();
        if record.person_of(&sender) == person {
            return Ok(sender);
        }
        let event = Event::ChatSender {
            chat,
            sender: sender.clone(),
            person,
        };
        self.commit(vec![event], Durability::Full)?;
        Ok(sender)
    }
}

/// Message numbers merged into an incident's references to `chat`.
fn merge(refs: &mut Vec<MessageRef>, chat: Id, numbers: &[u32]) {
    match refs.iter_mut().find(|r| r.chat == chat) {
        Some(r) => {
            r.messages.extend_from_slice(numbers);
            r.messages.sort_unstable();
            r.messages.dedup();
        }
        None => {
            let mut messages = numbers.to_vec();
            messages.sort_unstable();
            messages.dedup();
            refs.push(MessageRef { chat, messages });
        }
    }
}

impl Diary {
    /// The messages numbered `numbers` in conversation `chat`, checked.
    fn picked(&self, chat: Id, numbers: &[u32]) -> Result<Vec<&StoredMessage>> {
        let record = self.state.chat(chat).ok_or_else(|| Error::NotFound {
            what: "conversation",
            key: chat.to_hex(),
        })?;
        if numbers.is_empty() {
            return Err(Error::invalid("messages", "pick at least one message"));
        }
        numbers
            .iter()
            .map(|&n| {
                (n as usize)
                    .checked_sub(1)
                    .and_then(|i| record.import.messages.get(i))
                    .ok_or_else(|| {
                        Error::invalid(
                            "messages",
                            format!(
                                "no message {n} in this conversation (it has {})",
                                record.import.messages.len()
                            ),
                        )
                    })
            })
            .collect()
    }

    /// A new incident made from messages, ready to change and record: when
    /// (the first and last message), how (the app), who (the senders linked
    /// to perpetrators in People), and the messages quoted.
    pub fn incident_from_messages(&self, chat: Id, numbers: &[u32]) -> Result<Incident> {
        let picked = self.picked(chat, numbers)?;
        let record = self.state.chat(chat).expect("checked by picked");
        let first = picked
            .iter()
            .map(|m| m.sent_at)
            .min()
            .expect("at least one");
        let last = picked
            .iter()
            .map(|m| m.sent_at)
            .max()
            .expect("at least one");
        let mut incident = Incident::new(first, "");
        incident.occurred_until = (last > first).then_some(last);
        incident.time_precision = TimePrecision::Exact;
        incident.channels = vec![match record.import.source.format.as_str() {
            "sms" => Channel::TextMessage,
            "email" => Channel::Email,
            _ => Channel::MessagingApp,
        }];
        let me = record.import.source.me.as_deref();
        let mut senders: Vec<Cow<'_, str>> = Vec::new();
        for m in &picked {
            if let Some(s) = m.who()
                && Some(s.as_ref()) != me
                && !senders.contains(&s)
            {
                senders.push(s);
            }
        }
        for s in &senders {
            if let Some(p) = record.person_of(s)
                && self
                    .state
                    .person(p)
                    .is_some_and(|p| p.value.role == Role::Perpetrator)
                && !incident.perpetrators.contains(&p)
            {
                incident.perpetrators.push(p);
            }
        }
        let from = if senders.is_empty() {
            String::new()
        } else {
            format!(" from {}", senders.join(", "))
        };
        incident.title = format!(
            "{} message{}{from} ({})",
            picked.len(),
            if picked.len() == 1 { "" } else { "s" },
            record.import.title
        );
        merge(&mut incident.messages, chat, numbers);
        Ok(incident)
    }

    /// Adds messages to those incident `incident` quotes, as an amendment
    /// with `reason`.
    pub fn quote_messages(
        &mut self,
        incident: Id,
        chat: Id,
        numbers: &[u32],
        reason: &str,
    ) -> Result<()> {
        self.picked(chat, numbers)?;
        let mut amended = self
            .state
            .incident(incident)
            .ok_or_else(|| Error::NotFound {
                what: "incident",
                key: incident.to_hex(),
            })?
            .current()
            .clone();
        merge(&mut amended.messages, chat, numbers);
        self.amend_incident(incident, amended, reason)
    }
}
