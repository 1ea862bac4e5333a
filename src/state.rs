//! The diary's current state: the replay of every verified log event.
//!
//! Lives only in memory. [`State::admit`] holds every rule an event must
//! satisfy against the state; the diary calls it before sealing a new event,
//! and replay calls it again for each stored event, where a failure can only
//! mean tampering or a bug.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use crate::model::exhibit_key::key_commitment;
use crate::model::search_text::search_text;
use crate::model::{
    CaseProfile, Event, Exhibit, ExhibitAdded, ExhibitAttached, FileKey, Id, Incident, KeyChange,
    KeyRotation, LogRecord, Order, Person, RiskCheck,
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
    /// When it was recorded.
    pub recorded_at: DateTime<FixedOffset>,
    /// The object.
    pub value: T,
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
pub(crate) struct FileKeys(HashMap<Id, FileKey>);

impl FileKeys {
    /// The key of a live exhibit's file.
    pub(crate) fn get(&self, id: Id) -> Option<&FileKey> {
        self.0.get(&id)
    }
}

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
    /// An exhibit attached in the row before, whose key must come next,
    /// with the commitment the key must match.
    awaiting_key: Option<(Id, [u8; 32])>,
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

impl State {
    /// Incidents in order of recording.
    pub fn incidents(&self) -> &[IncidentRecord] {
        &self.incidents
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

    /// When the last backup was written, if ever (for reminders).
    pub fn last_backup(&self) -> Option<DateTime<FixedOffset>> {
        self.last_backup
    }

    fn check_refs(&self, incident: &Incident) -> Result<(), Rejection> {
        for (field, id) in incident.person_refs() {
            if self.person(id).is_none() {
                return Err(Rejection::UnknownPerson { field });
            }
        }
        if let Some(order) = incident.breach.as_ref().and_then(|b| b.order)
            && !self.orders.iter().any(|o| o.id == order)
        {
            return Err(Rejection::UnknownOrder {
                field: "breach.order".into(),
            });
        }
        Ok(())
    }

    fn live_incident(&self, id: Id) -> Result<&IncidentRecord, Rejection> {
        let record = self.incident(id).ok_or(Rejection::UnknownIncident(id))?;
        if record.withdrawn.is_some() {
            return Err(Rejection::Withdrawn(id));
        }
        Ok(record)
    }

    fn fresh(&self, id: Id) -> Result<(), Rejection> {
        let taken = self.by_id.contains_key(&id)
            || self.persons.iter().any(|p| p.id == id)
            || self.orders.iter().any(|o| o.id == id)
            || self.risk_checks.iter().any(|r| r.id == id)
            || self.exhibits.iter().any(|e| e.id == id);
        if taken {
            Err(Rejection::DuplicateId)
        } else {
            Ok(())
        }
    }

    /// Whether `event` may be applied now.
    pub(crate) fn admit(&self, event: &Event) -> Result<(), Rejection> {
        if let Some((id, commitment)) = &self.awaiting_key {
            return match event {
                Event::ExhibitKey(k)
                    if k.id == *id && key_commitment(id, &k.file_key) == *commitment =>
                {
                    Ok(())
                }
                _ => Err(Rejection::ExhibitKey),
            };
        }
        match event {
            Event::IncidentCreate { id, incident } => {
                self.fresh(*id)?;
                self.check_refs(incident)
            }
            Event::IncidentAmend { id, incident, .. } => {
                self.live_incident(*id)?;
                self.check_refs(incident)
            }
            Event::IncidentWithdraw { id, .. } => self.live_incident(*id).map(|_| ()),
            Event::PersonAdd { id, .. }
            | Event::OrderAdd { id, .. }
            | Event::RiskAdd { id, .. } => self.fresh(*id),
            Event::CaseSet { .. } | Event::BackupMade { .. } | Event::KeysChange(_) => Ok(()),
            Event::KeysRotate(rotation) => {
                if rotation.epoch as usize != self.rotations().count() + 1 {
                    return Err(Rejection::KeyEpoch);
                }
                Ok(())
            }
            Event::ExhibitAdd(ExhibitAdded { id, exhibit, .. })
            | Event::ExhibitAttach(ExhibitAttached { id, exhibit, .. }) => {
                self.fresh(*id)?;
                self.live_incident(exhibit.incident)?;
                if exhibit.number as usize != self.exhibits.len() + 1 {
                    return Err(Rejection::ExhibitNumber);
                }
                Ok(())
            }
            Event::ExhibitKey(_) => Err(Rejection::ExhibitKey),
            Event::ExhibitDelete { id, .. } => match self.exhibits.iter().find(|e| e.id == *id) {
                None => Err(Rejection::UnknownExhibit(*id)),
                Some(e) if e.deleted.is_some() => Err(Rejection::ExhibitDeleted(*id)),
                Some(_) => Ok(()),
            },
        }
    }

    /// Applies a verified record at log position `seq`; an exhibit's file
    /// key goes into `keys`, never into the state.
    pub(crate) fn apply(
        &mut self,
        seq: u64,
        record: LogRecord,
        keys: &mut FileKeys,
    ) -> Result<(), Rejection> {
        self.apply_with(seq, record, None, keys)
    }

    /// [`State::apply`] with the search text of an incident event already
    /// made (unlock makes them on all cores).
    pub(crate) fn apply_with(
        &mut self,
        seq: u64,
        record: LogRecord,
        search: Option<String>,
        keys: &mut FileKeys,
    ) -> Result<(), Rejection> {
        self.admit(&record.event)?;
        let at = record.recorded_at;
        self.last_recorded = Some(at);
        match record.event {
            event @ (Event::IncidentCreate { .. }
            | Event::IncidentAmend { .. }
            | Event::IncidentWithdraw { .. }) => self.apply_incident(seq, at, event, search),
            Event::CaseSet { case } => self.case = case,
            Event::BackupMade { .. } => self.last_backup = Some(at),
            Event::KeysChange(change) => self.key_events.push(KeyEvent {
                seq,
                recorded_at: at,
                change: KeyEventKind::Secrets(change),
            }),
            Event::KeysRotate(rotation) => self.key_events.push(KeyEvent {
                seq,
                recorded_at: at,
                change: KeyEventKind::Rotation(rotation),
            }),
            Event::PersonAdd { id, person } => self.persons.push(Entry {
                id,
                recorded_at: at,
                value: person,
            }),
            Event::OrderAdd { id, order } => self.orders.push(Entry {
                id,
                recorded_at: at,
                value: order,
            }),
            Event::RiskAdd { id, check } => self.risk_checks.push(Entry {
                id,
                recorded_at: at,
                value: check,
            }),
            Event::ExhibitAdd(added) => {
                let (id, exhibit, file_key) = added.into_parts();
                keys.0.insert(id, file_key);
                self.exhibits.push(ExhibitRecord {
                    id,
                    recorded_at: at,
                    exhibit,
                    deleted: None,
                    disclosable_at: None,
                    thumbnail_sha256: None,
                });
            }
            Event::ExhibitAttach(attached) => {
                self.awaiting_key = Some((attached.id, attached.key_commitment));
                self.exhibits.push(ExhibitRecord {
                    id: attached.id,
                    recorded_at: at,
                    exhibit: attached.exhibit,
                    deleted: None,
                    disclosable_at: Some(seq),
                    thumbnail_sha256: attached.thumbnail_sha256,
                });
            }
            Event::ExhibitKey(key) => {
                self.awaiting_key = None;
                keys.0.insert(key.id, key.file_key);
            }
            Event::ExhibitDelete { id, reason } => {
                keys.0.remove(&id);
                if let Some(e) = self.exhibits.iter_mut().find(|e| e.id == id) {
                    e.deleted = Some(Withdrawal {
                        seq,
                        recorded_at: at,
                        reason,
                    });
                }
            }
        }
        Ok(())
    }

    /// Applies an admitted incident event; `search` is the new version's
    /// search text when already made.
    fn apply_incident(
        &mut self,
        seq: u64,
        at: DateTime<FixedOffset>,
        event: Event,
        search: Option<String>,
    ) {
        let text = |incident: &Incident| search.unwrap_or_else(|| search_text(incident));
        match event {
            Event::IncidentCreate { id, incident } => {
                let number = self.incidents.len() as u32 + 1;
                self.by_id.insert(id, self.incidents.len());
                let haystack = text(&incident);
                self.incidents.push(IncidentRecord {
                    id,
                    number,
                    versions: vec![Version {
                        seq,
                        recorded_at: at,
                        reason: None,
                        incident,
                    }],
                    withdrawn: None,
                    haystack,
                });
            }
            Event::IncidentAmend {
                id,
                incident,
                reason,
            } => {
                let record = &mut self.incidents[self.by_id[&id]];
                record.haystack = text(&incident);
                record.versions.push(Version {
                    seq,
                    recorded_at: at,
                    reason: Some(reason),
                    incident,
                });
            }
            Event::IncidentWithdraw { id, reason } => {
                self.incidents[self.by_id[&id]].withdrawn = Some(Withdrawal {
                    seq,
                    recorded_at: at,
                    reason,
                });
            }
            _ => {}
        }
    }
}
