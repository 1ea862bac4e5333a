//! The diary's current state: the replay of every verified log event.
//!
//! Lives only in memory. [`State::admit`] holds every rule an event must
//! satisfy against the state; the diary calls it before sealing a new event,
//! and replay calls it again for each stored event, where a failure can only
//! mean tampering or a bug.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};

use crate::model::{CaseProfile, Id, KeyRotation, Order, Person, RiskCheck};

mod apply;
mod records;

pub(crate) use records::FileKeys;
pub use records::{
    Amendment, ChatRecord, Entry, ExhibitRecord, IncidentRecord, KeyEvent, KeyEventKind, Version,
    Withdrawal,
};

/// Why an event cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejection {
    UnknownIncident(Id),
    UnknownPerson { field: String },
    UnknownOrder { field: String },
    Withdrawn(Id),
    DuplicateId,
    UnknownExhibit(Id),
    ExhibitDeleted(Id),
    ExhibitNumber,
    KeyEpoch,
    ExhibitKey,
    UnknownChat(Id),
    MessageOutOfRange,
    ChatExhibit,
}

/// Everything the log says, replayed.
#[derive(Debug, Default)]
pub struct State {
    incidents: Vec<IncidentRecord>,
    by_id: HashMap<Id, usize>,
    persons: Vec<Entry<Person>>,
    orders: Vec<Entry<Order>>,
    risk_checks: Vec<Entry<RiskCheck>>,
    exhibits: Vec<ExhibitRecord>,
    case: CaseProfile,
    last_backup: Option<DateTime<FixedOffset>>,
    last_recorded: Option<DateTime<FixedOffset>>,
    key_events: Vec<KeyEvent>,
    chats: Vec<ChatRecord>,
    /// An exhibit attached in the row before, whose key must come next,
    /// with the commitment the key must match.
    awaiting_key: Option<(Id, [u8; 32])>,
    /// The incidents' places in order of occurrence, worked out once after
    /// each change to them ([`State::by_occurrence`]).
    by_occurrence: OnceLock<Vec<u32>>,
}

impl State {
    /// Incidents in order of recording.
    pub fn incidents(&self) -> &[IncidentRecord] {
        &self.incidents
    }

    /// The places of the incidents in [`State::incidents`], in order of
    /// occurrence (then of number). Sorted once after each change, not at
    /// every timeline page, search or filter: with a hundred thousand
    /// entries the sort was most of a page's time.
    pub fn by_occurrence(&self) -> &[u32] {
        self.by_occurrence.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.incidents.len() as u32).collect();
            order.sort_by_key(|&i| {
                let r = &self.incidents[i as usize];
                (r.current().occurred_at, r.number)
            });
            order
        })
    }

    /// When the last log entry was recorded (`None` in an empty diary).
    pub fn last_recorded(&self) -> Option<DateTime<FixedOffset>> {
        self.last_recorded
    }

    /// One incident by id.
    pub fn incident(&self, id: Id) -> Option<&IncidentRecord> {
        self.by_id.get(&id).map(|&i| &self.incidents[i])
    }

    /// People, in order of adding.
    pub fn persons(&self) -> &[Entry<Person>] {
        &self.persons
    }

    /// One person by id.
    pub fn person(&self, id: Id) -> Option<&Entry<Person>> {
        self.persons.iter().find(|p| p.id == id)
    }

    /// Orders, in order of adding.
    pub fn orders(&self) -> &[Entry<Order>] {
        &self.orders
    }

    /// Risk checks, in order of adding.
    pub fn risk_checks(&self) -> &[Entry<RiskCheck>] {
        &self.risk_checks
    }

    /// Exhibits in order of adding (deleted ones included, marked).
    pub fn exhibits(&self) -> &[ExhibitRecord] {
        &self.exhibits
    }

    /// One exhibit by number.
    pub fn exhibit(&self, number: u32) -> Option<&ExhibitRecord> {
        self.exhibits.get((number as usize).checked_sub(1)?)
    }

    /// Imported conversations, in order of importing.
    pub fn chats(&self) -> &[ChatRecord] {
        &self.chats
    }

    /// One conversation by id.
    pub fn chat(&self, id: Id) -> Option<&ChatRecord> {
        self.chats.iter().find(|c| c.id() == id)
    }

    /// One conversation by number (from 1).
    pub fn chat_by_number(&self, number: u32) -> Option<&ChatRecord> {
        self.chats.get((number as usize).checked_sub(1)?)
    }

    /// The case profile (empty until set).
    pub fn case(&self) -> &CaseProfile {
        &self.case
    }

    /// Every change to the diary's secrets, in order.
    pub fn key_events(&self) -> &[KeyEvent] {
        &self.key_events
    }

    /// The key rotations, in order (the n-th starts epoch n).
    pub fn rotations(&self) -> impl Iterator<Item = (&KeyEvent, &KeyRotation)> {
        self.key_events.iter().filter_map(|e| match &e.change {
            KeyEventKind::Rotation(r) => Some((e, r)),
            KeyEventKind::Secrets(_) => None,
        })
    }

    /// The log entry of an exhibit record whose key never followed (the
    /// log ends between the two rows of one commit: a record someone with
    /// the key appended alone).
    pub(crate) fn exhibit_without_key(&self) -> Option<u64> {
        let (id, _) = self.awaiting_key.as_ref()?;
        let record = self.exhibits.iter().find(|e| e.id == *id)?;
        record.disclosable_at
    }

    /// When the last backup was written, if ever (for reminders).
    pub fn last_backup(&self) -> Option<DateTime<FixedOffset>> {
        self.last_backup
    }
}
