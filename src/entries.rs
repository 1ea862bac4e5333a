//! Recording: every change is a new, sealed, durable log row.

use chrono::Duration;

use crate::error::{Error, Result};
use crate::model::{CaseProfile, Event, Id, Incident, Order, Person, Record, RiskCheck};
use crate::state::{IncidentRecord, Rejection};
use crate::store::Durability;
use crate::{Diary, crypto};

/// How far in the future an incident time may lie (clock and time-zone slips).
const FUTURE_TOLERANCE: Duration = Duration::hours(24);

/// The id and number given to a new incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentRef {
    /// Random id.
    pub id: Id,
    /// Number in order of recording.
    pub number: u32,
}

pub(crate) fn new_id() -> Id {
    Id::from_bytes(crypto::random::bytes())
}

pub(crate) fn require_reason(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(Error::invalid(
            "reason",
            "say why (it is kept with the history)",
        ));
    }
    crate::model::validation::max_len("reason", reason, 20_000)?;
    Ok(())
}

impl Diary {
    /// Records a new incident durably and returns its id and number.
    pub fn add_incident(&mut self, incident: Incident) -> Result<IncidentRef> {
        Ok(self.import_incidents(vec![incident], Durability::Full)?[0])
    }

    /// Records many incidents in one transaction (imports, benchmarks).
    ///
    /// With [`Durability::Normal`] a power cut may lose the whole batch but
    /// never leaves part of it; use [`Durability::Full`] for anything typed
    /// by the user.
    pub fn import_incidents(
        &mut self,
        incidents: Vec<Incident>,
        durability: Durability,
    ) -> Result<Vec<IncidentRef>> {
        let mut refs = Vec::with_capacity(incidents.len());
        let mut events = Vec::with_capacity(incidents.len());
        let first_number = self.state.incidents().len() as u32 + 1;
        for (i, incident) in incidents.into_iter().enumerate() {
            self.validate_incident(&incident)?;
            let id = new_id();
            refs.push(IncidentRef {
                id,
                number: first_number + i as u32,
            });
            events.push(Event::IncidentCreate { id, incident });
        }
        self.commit(events, durability)?;
        Ok(refs)
    }

    /// Appends an amendment: the full new version and the reason.
    pub fn amend_incident(&mut self, id: Id, incident: Incident, reason: &str) -> Result<()> {
        require_reason(reason)?;
        self.validate_incident(&incident)?;
        if self
            .state
            .incident(id)
            .is_some_and(|r| *r.current() == incident)
        {
            return Err(Error::invalid("incident", "the amendment changes nothing"));
        }
        self.commit(
            vec![Event::IncidentAmend {
                id,
                incident,
                reason: reason.to_string(),
            }],
            Durability::Full,
        )
    }

    /// Appends a tombstone. The incident stays in the log and is counted.
    pub fn withdraw_incident(&mut self, id: Id, reason: &str) -> Result<()> {
        require_reason(reason)?;
        self.commit(
            vec![Event::IncidentWithdraw {
                id,
                reason: reason.to_string(),
            }],
            Durability::Full,
        )
    }

    /// Finds an incident by number (`3`), id, or a unique id prefix of at
    /// least 6 hex digits.
    pub fn find_incident(&self, key: &str) -> Result<&IncidentRecord> {
        let not_found = || Error::NotFound {
            what: "incident",
            key: key.to_string(),
        };
        let key_trim = key.trim().trim_start_matches('#');
        if let Ok(number) = key_trim.parse::<u32>()
            && key_trim.len() < 32
        {
            if let Some(found) = self
                .state
                .incidents()
                .get((number as usize).wrapping_sub(1))
            {
                return Ok(found);
            }
            // Not a number in use: it may be an id prefix of digits only
            // (about one id in sixteen starts with six decimal digits).
        }
        let lower = key_trim.to_ascii_lowercase();
        if lower.len() < 6 || !lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_found());
        }
        let mut matches = self
            .state
            .incidents()
            .iter()
            .filter(|r| r.id.to_hex().starts_with(&lower));
        match (matches.next(), matches.next()) {
            (Some(one), None) => Ok(one),
            (Some(_), Some(_)) => Err(Error::invalid(
                "id",
                "matches more than one incident; give more digits",
            )),
            _ => Err(not_found()),
        }
    }

    /// Adds a perpetrator, witness or other person; returns the new id.
    pub fn add_person(&mut self, person: Person) -> Result<Id> {
        person.validate()?;
        let id = new_id();
        self.commit(vec![Event::PersonAdd { id, person }], Durability::Full)?;
        Ok(id)
    }

    /// Adds an order; returns the new id.
    pub fn add_order(&mut self, order: Order) -> Result<Id> {
        order.validate()?;
        let id = new_id();
        self.commit(vec![Event::OrderAdd { id, order }], Durability::Full)?;
        Ok(id)
    }

    /// Replaces the case profile (the old one stays in the log).
    pub fn set_case(&mut self, case: CaseProfile) -> Result<()> {
        case.validate()?;
        self.commit(vec![Event::CaseSet { case }], Durability::Full)
    }

    /// Records a completed risk check; returns the new id.
    pub fn add_risk_check(&mut self, check: RiskCheck) -> Result<Id> {
        check.validate()?;
        if check.date > self.clock.now().date_naive() + FUTURE_TOLERANCE {
            return Err(Error::invalid("date", "is in the future"));
        }
        let id = new_id();
        self.commit(vec![Event::RiskAdd { id, check }], Durability::Full)?;
        Ok(id)
    }

    fn validate_incident(&self, incident: &Incident) -> Result<()> {
        incident.validate()?;
        if incident.occurred_at > self.clock.now() + FUTURE_TOLERANCE {
            return Err(Error::invalid("occurred_at", "is in the future"));
        }
        Ok(())
    }

    /// Seals `events` after the current tip and commits them in one
    /// transaction; only then is the in-memory state updated.
    pub(crate) fn commit(&mut self, events: Vec<Event>, durability: Durability) -> Result<()> {
        for event in &events {
            self.state.admit(event).map_err(rejection_error)?;
        }
        let records: Vec<Record> = events
            .into_iter()
            .map(|event| Record {
                blind: crypto::random::bytes(),
                recorded_at: self.clock.now(),
                event,
            })
            .collect();
        let (rows, seq, head) = self.journal.seal_rows(&records);
        let tip = self.journal.seal_tip(seq, &head);
        self.store.append(&rows, &tip, durability)?;
        let first = self.journal.seq() + 1;
        self.journal.advance(seq, head);
        for (i, record) in records.into_iter().enumerate() {
            // Admitted above against the same state, so this cannot fail.
            self.state
                .apply(first + i as u64, record)
                .map_err(rejection_error)?;
        }
        Ok(())
    }
}

fn rejection_error(rejection: Rejection) -> Error {
    match rejection {
        Rejection::UnknownIncident(id) => Error::NotFound {
            what: "incident",
            key: id.to_hex(),
        },
        Rejection::UnknownPerson { field } => {
            Error::invalid(field, "no person with this id (add them with `person add`)")
        }
        Rejection::UnknownOrder { field } => {
            Error::invalid(field, "no order with this id (add it with `order add`)")
        }
        Rejection::Withdrawn(_) => {
            Error::invalid("incident", "was withdrawn and can no longer be changed")
        }
        Rejection::DuplicateId => Error::invalid("id", "already in use"),
        Rejection::UnknownExhibit(id) => Error::NotFound {
            what: "exhibit",
            key: id.to_hex(),
        },
        Rejection::ExhibitDeleted(_) => Error::invalid("exhibit", "was already deleted"),
        Rejection::ExhibitNumber => Error::invalid("number", "exhibit numbers must follow on"),
    }
}
