//! The records the state is made of: incidents with their versions,
//! exhibits, people and other entries, key changes, and the private map of
//! exhibit file keys.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use crate::model::{
    ChatImport, Exhibit, FileKey, Id, Incident, KeyChange, KeyRotation, StoredMessage,
};

/// One version of an incident: the original or an amendment.
#[derive(Debug, Clone)]
pub struct Version {
    /// Log position of the event.
    pub seq: u64,
    /// When the device recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why it was amended (`None` for the original).
    pub reason: Option<String>,
    /// The fields as of this version.
    pub incident: Incident,
}

/// Why and when an incident was withdrawn.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// Log position of the tombstone.
    pub seq: u64,
    /// When it was withdrawn.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why.
    pub reason: String,
}

/// An incident with its system fields and full history.
#[derive(Debug, Clone)]
pub struct IncidentRecord {
    /// Random id.
    pub id: Id,
    /// 1, 2, 3... in order of recording; never reused.
    pub number: u32,
    /// Original first, then each amendment.
    pub versions: Vec<Version>,
    /// Set once withdrawn.
    pub withdrawn: Option<Withdrawal>,
    /// Lower-cased text of the current version, for in-memory search.
    pub(crate) haystack: String,
}

impl IncidentRecord {
    /// The current version's fields.
    pub fn current(&self) -> &Incident {
        &self
            .versions
            .last()
            .expect("an incident always has its original version")
            .incident
    }

    /// When it was first recorded (never editable).
    pub fn recorded_at(&self) -> DateTime<FixedOffset> {
        self.versions[0].recorded_at
    }

    /// Number of amendments.
    pub fn amendments(&self) -> usize {
        self.versions.len() - 1
    }
}

/// A stored object of another kind, with its id and recording time.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// Random id.
    pub id: Id,
    /// When it was first recorded (never editable).
    pub recorded_at: DateTime<FixedOffset>,
    /// The object as it stands now.
    pub value: T,
    /// Each correction, oldest first, with the version it replaced (people
    /// and orders; risk checks are never amended).
    pub amendments: Vec<Amendment<T>>,
}

/// One correction of an [`Entry`]: when, why, and what it replaced.
#[derive(Debug, Clone)]
pub struct Amendment<T> {
    /// Log position of the amendment.
    pub seq: u64,
    /// When the device recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why it was amended.
    pub reason: String,
    /// The version this amendment replaced.
    pub replaced: T,
}

impl<T> Entry<T> {
    pub(super) fn new(id: Id, recorded_at: DateTime<FixedOffset>, value: T) -> Self {
        Entry {
            id,
            recorded_at,
            value,
            amendments: Vec::new(),
        }
    }

    /// Makes `value` current, keeping the version it replaces.
    pub(super) fn amend(
        &mut self,
        seq: u64,
        recorded_at: DateTime<FixedOffset>,
        value: T,
        reason: String,
    ) {
        let replaced = std::mem::replace(&mut self.value, value);
        self.amendments.push(Amendment {
            seq,
            recorded_at,
            reason,
            replaced,
        });
    }

    /// Every version, oldest first: when it was recorded, why (`None` for
    /// the original), and the value.
    pub fn versions(&self) -> Vec<(DateTime<FixedOffset>, Option<&str>, &T)> {
        let mut out = Vec::with_capacity(self.amendments.len() + 1);
        let mut at = self.recorded_at;
        let mut reason = None;
        for a in &self.amendments {
            out.push((at, reason, &a.replaced));
            at = a.recorded_at;
            reason = Some(a.reason.as_str());
        }
        out.push((at, reason, &self.value));
        out
    }
}

/// An exhibit with its id, when it was added and whether it was deleted.
#[derive(Debug, Clone)]
pub struct ExhibitRecord {
    /// Random id; also the name of its attachment file.
    pub id: Id,
    /// When it was added (the import time).
    pub recorded_at: DateTime<FixedOffset>,
    /// What was attached.
    pub exhibit: Exhibit,
    /// Set when the victim deleted it (the file is gone, the record stays).
    pub deleted: Option<Withdrawal>,
    /// The log entry of its record when an export may disclose it (format
    /// 2's `exhibit.attach`; a v1 record holds the file key and is never
    /// disclosed).
    pub disclosable_at: Option<u64>,
    /// SHA-256 of its thumbnail as made when it was attached (format 2).
    pub thumbnail_sha256: Option<[u8; 32]>,
}

/// The key of every exhibit file that still exists, by exhibit id.
///
/// Kept apart from [`State`], which views, export and backup read: the
/// diary holds the one instance privately, so nothing above it can reach a
/// key. A deleted exhibit's key is dropped (and wiped) with its file.
#[derive(Debug, Default)]
pub(crate) struct FileKeys(pub(super) HashMap<Id, FileKey>);

impl FileKeys {
    /// The key of a live exhibit's file.
    pub(crate) fn get(&self, id: Id) -> Option<&FileKey> {
        self.0.get(&id)
    }
}

/// A change to the secrets that open the diary, where it is in the log.
#[derive(Debug, Clone)]
pub struct KeyEvent {
    /// Log position.
    pub seq: u64,
    /// When the device recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    /// What changed.
    pub change: KeyEventKind,
}

/// What a [`KeyEvent`] changed.
#[derive(Debug, Clone)]
pub enum KeyEventKind {
    /// The passphrase or recovery key.
    Secrets(KeyChange),
    /// The vault key (a new epoch).
    Rotation(KeyRotation),
}

/// An imported conversation, with the senders linked to people.
#[derive(Debug, Clone)]
pub struct ChatRecord {
    /// 1, 2, 3... in order of importing.
    pub number: u32,
    /// Log position of the import.
    pub seq: u64,
    /// When it was imported.
    pub recorded_at: DateTime<FixedOffset>,
    /// The import: provenance, messages, flagged lines.
    pub import: Box<ChatImport>,
    /// Senders said to be people of the diary, in order of saying.
    pub senders: Vec<(String, Id)>,
    /// Each message's text and sender, lower-cased, for search.
    pub(crate) haystacks: Vec<String>,
}

impl ChatRecord {
    /// The conversation's id.
    pub fn id(&self) -> Id {
        self.import.id
    }

    /// Each sender and how many messages they sent, most first (ties in
    /// the order they first wrote).
    /// A sender is named as listed ([`StoredMessage::who`]): two who share
    /// a name but not an address are two senders.
    pub fn senders(&self) -> Vec<(Cow<'_, str>, usize)> {
        let mut counts: Vec<(Cow<'_, str>, usize)> = Vec::new();
        let mut at: HashMap<Cow<'_, str>, usize> = HashMap::new();
        for who in self.import.messages.iter().filter_map(StoredMessage::who) {
            match at.get(&who) {
                Some(&i) => counts[i].1 += 1,
                None => {
                    at.insert(who.clone(), counts.len());
                    counts.push((who, 1));
                }
            }
        }
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        counts
    }

    /// When its first and last messages were sent (none when it has none),
    /// in one pass: the CLI's and the app's listings show both.
    pub fn span(&self) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        self.import.messages.iter().fold(None, |span, m| {
            let t = m.sent_at;
            Some(span.map_or((t, t), |(a, b): (DateTime<FixedOffset>, _)| {
                (a.min(t), b.max(t))
            }))
        })
    }

    /// The person a sender (as listed) is linked to, if any.
    pub fn person_of(&self, sender: &str) -> Option<Id> {
        self.senders
            .iter()
            .find(|(s, _)| s == sender)
            .map(|(_, p)| *p)
    }
}
