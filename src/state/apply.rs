//! The rules every event must satisfy ([`State::admit`]) and how each one
//! changes the state ([`State::apply`]).

use chrono::{DateTime, FixedOffset};

use super::{
    ChatRecord, Entry, ExhibitRecord, FileKeys, IncidentRecord, KeyEvent, KeyEventKind, Rejection,
    State, Version, Withdrawal,
};
use crate::model::exhibit_key::key_commitment;
use crate::model::search_text::search_text;
use crate::model::{Event, ExhibitAdded, ExhibitAttached, Id, Incident, LogRecord};

impl State {
    fn check_refs(&self, incident: &Incident) -> Result<(), Rejection> {
        for (field, id) in incident.person_refs() {
            if self.person(id).is_none() {
                return Err(Rejection::UnknownPerson { field });
            }
        }
        for r in &incident.messages {
            let chat = self.chat(r.chat).ok_or(Rejection::UnknownChat(r.chat))?;
            let last = r.messages.last().copied().unwrap_or(0) as usize;
            if last > chat.import.messages.len() {
                return Err(Rejection::MessageOutOfRange);
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
            || self.exhibits.iter().any(|e| e.id == id)
            || self.chat(id).is_some();
        if taken {
            Err(Rejection::DuplicateId)
        } else {
            Ok(())
        }
    }

    /// Whether `events`, committed together, may be applied one after the
    /// other. Each is checked against the state as the ones before it in
    /// the batch leave it: an exhibit's key after its record, and a
    /// conversation's original and media after its import record.
    pub(crate) fn admit_batch(&self, events: &[Event]) -> Result<(), Rejection> {
        if self.awaiting_key.is_some() {
            return Err(Rejection::ExhibitKey);
        }
        // A conversation's import, with its files to come.
        let mut chat: Option<(Id, u32)> = None;
        let mut exhibits = 0usize;
        // The exhibit whose key must come next.
        let mut awaiting: Option<Id> = None;
        for (i, event) in events.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| &events[j]);
            if awaiting.is_some() && !matches!(event, Event::ExhibitKey(_)) {
                return Err(Rejection::ExhibitKey);
            }
            match (event, before) {
                (Event::ExhibitKey(k), Some(Event::ExhibitAttach(a))) if a.id == k.id => {
                    if key_commitment(&k.id, &k.file_key) != a.key_commitment {
                        return Err(Rejection::ExhibitKey);
                    }
                    awaiting = None;
                }
                (Event::ExhibitAttach(a), _) => {
                    self.fresh(a.id)?;
                    match chat {
                        Some((id, _)) if id == a.exhibit.incident => {}
                        // A conversation's import brings its own files only.
                        Some(_) => return Err(Rejection::ChatExhibit),
                        None => {
                            self.live_incident(a.exhibit.incident)?;
                        }
                    }
                    if a.exhibit.number as usize != self.exhibits.len() + 1 + exhibits {
                        return Err(Rejection::ExhibitNumber);
                    }
                    exhibits += 1;
                    awaiting = Some(a.id);
                }
                (Event::ChatImport(import), _) if i == 0 => {
                    self.admit(event)?;
                    chat = Some((import.id, import.media + 1));
                }
                (Event::ChatImport(_), _) => return Err(Rejection::ChatExhibit),
                _ => self.admit(event)?,
            }
        }
        if awaiting.is_some() {
            return Err(Rejection::ExhibitKey);
        }
        // The original and every file it carried, no more, no fewer.
        if chat.is_some_and(|(_, files)| files as usize != exhibits) {
            return Err(Rejection::ChatExhibit);
        }
        Ok(())
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
            Event::PersonAmend { id, .. } => match self.person(*id) {
                Some(_) => Ok(()),
                None => Err(Rejection::UnknownPerson { field: "id".into() }),
            },
            Event::OrderAmend { id, .. } => match self.orders.iter().any(|o| o.id == *id) {
                true => Ok(()),
                false => Err(Rejection::UnknownOrder { field: "id".into() }),
            },
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
                // An incident's, or the original or media of a conversation.
                if self.chat(exhibit.incident).is_none() {
                    self.live_incident(exhibit.incident)?;
                }
                if exhibit.number as usize != self.exhibits.len() + 1 {
                    return Err(Rejection::ExhibitNumber);
                }
                Ok(())
            }
            Event::ExhibitKey(_) => Err(Rejection::ExhibitKey),
            Event::ChatImport(import) => {
                self.fresh(import.id)?;
                if import.source.original as usize != self.exhibits.len() + 1
                    || import.validate().is_err()
                {
                    return Err(Rejection::ChatExhibit);
                }
                Ok(())
            }
            Event::ChatSender { chat, person, .. } => {
                self.chat(*chat).ok_or(Rejection::UnknownChat(*chat))?;
                match person {
                    Some(p) if self.person(*p).is_none() => Err(Rejection::UnknownPerson {
                        field: "person".into(),
                    }),
                    _ => Ok(()),
                }
            }
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
            Event::PersonAdd { id, person } => self.persons.push(Entry::new(id, at, person)),
            Event::OrderAdd { id, order } => self.orders.push(Entry::new(id, at, order)),
            Event::RiskAdd { id, check } => self.risk_checks.push(Entry::new(id, at, check)),
            Event::PersonAmend { id, person, reason } => {
                if let Some(p) = self.persons.iter_mut().find(|p| p.id == id) {
                    p.amend(seq, at, person, reason);
                }
            }
            Event::OrderAmend { id, order, reason } => {
                if let Some(o) = self.orders.iter_mut().find(|o| o.id == id) {
                    o.amend(seq, at, order, reason);
                }
            }
            event @ (Event::ExhibitAdd(_)
            | Event::ExhibitAttach(_)
            | Event::ExhibitKey(_)
            | Event::ExhibitDelete { .. }) => self.apply_exhibit(seq, at, event, keys),
            Event::ChatImport(import) => {
                let haystacks = import
                    .messages
                    .iter()
                    .map(|m| message_haystack(m.who().as_deref(), &m.text))
                    .collect();
                self.chats.push(ChatRecord {
                    number: self.chats.len() as u32 + 1,
                    seq,
                    recorded_at: at,
                    import,
                    senders: Vec::new(),
                    haystacks,
                });
            }
            Event::ChatSender {
                chat,
                sender,
                person,
            } => {
                if let Some(c) = self.chats.iter_mut().find(|c| c.id() == chat) {
                    c.senders.retain(|(s, _)| *s != sender);
                    if let Some(p) = person {
                        c.senders.push((sender, p));
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies an admitted exhibit event; a file key goes into `keys`.
    fn apply_exhibit(
        &mut self,
        seq: u64,
        at: DateTime<FixedOffset>,
        event: Event,
        keys: &mut FileKeys,
    ) {
        match event {
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
            _ => {}
        }
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
        // A new version may move an entry in time.
        self.by_occurrence.take();
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

/// What a message's search looks in: its sender as listed (name and
/// address) and text, lower-cased.
pub(crate) fn message_haystack(sender: Option<&str>, text: &str) -> String {
    let mut hay = String::with_capacity(text.len() + 32);
    if let Some(s) = sender {
        hay.push_str(&s.to_lowercase());
        hay.push('\n');
    }
    hay.push_str(&text.to_lowercase());
    hay
}
