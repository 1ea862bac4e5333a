//! Incidents: recording, amending, withdrawing, finding. Every change is a
//! new, sealed, durable log row.

use chrono::Duration;

use super::Diary;
use crate::crypto;
use crate::error::{Error, Result};
use crate::model::{Event, Id, Incident};
use crate::state::IncidentRecord;
use crate::store::Durability;

/// How far in the future an incident time may lie (clock and time-zone slips).
pub(super) const FUTURE_TOLERANCE: Duration = Duration::hours(24);

/// The id and number given to a new incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentRef {
    /// Random id.
    pub id: Id,
    /// Number in order of recording.
    pub number: u32,
}

pub(super) fn new_id() -> Id {
    Id::from_bytes(crypto::random::bytes())
}

pub(super) fn require_reason(reason: &str) -> Result<()> {
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

    /// The incident with this number (1, 2, 3... in order of recording).
    pub fn incident_by_number(&self, number: u32) -> Result<&IncidentRecord> {
        self.state
            .incidents()
            .get((number as usize).wrapping_sub(1))
            .ok_or_else(|| Error::NotFound {
                what: "incident",
                key: number.to_string(),
            })
    }

    /// Finds an incident by number (`3`), id, or a unique id prefix of at
    /// least 6 hex digits, as a person types it.
    pub fn find_incident(&self, key: &str) -> Result<&IncidentRecord> {
        let not_found = || Error::NotFound {
            what: "incident",
            key: key.to_string(),
        };
        let key_trim = key.trim().trim_start_matches('#');
        // A number not in use may still be an id prefix of digits only
        // (about one id in sixteen starts with six decimal digits).
        if let Ok(number) = key_trim.parse::<u32>()
            && key_trim.len() < 32
            && let Ok(found) = self.incident_by_number(number)
        {
            return Ok(found);
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

    fn validate_incident(&self, incident: &Incident) -> Result<()> {
        incident.validate()?;
        if incident.occurred_at > self.clock.now() + FUTURE_TOLERANCE {
            return Err(Error::invalid("occurred_at", "is in the future"));
        }
        Ok(())
    }
}
