//! The case around the incidents: people, orders, case details, risk checks.

use super::Diary;
use super::incidents::{FUTURE_TOLERANCE, new_id, require_reason};
use crate::error::{Error, Result};
use crate::model::{CaseProfile, Event, Id, Order, Person, RiskCheck};
use crate::store::Durability;

impl Diary {
    /// Adds a perpetrator, witness or other person; returns the new id.
    pub fn add_person(&mut self, person: Person) -> Result<Id> {
        person.validate()?;
        let id = new_id();
        self.commit(vec![Event::PersonAdd { id, person }], Durability::Full)?;
        Ok(id)
    }

    /// Corrects a person: the full new version and why. The earlier
    /// versions stay in the log and in [`Entry::amendments`](crate::state::Entry).
    pub fn amend_person(&mut self, id: Id, person: Person, reason: &str) -> Result<()> {
        require_reason(reason)?;
        person.validate()?;
        if self.state.person(id).is_some_and(|p| p.value == person) {
            return Err(Error::invalid("person", "the amendment changes nothing"));
        }
        let reason = reason.to_string();
        self.commit(
            vec![Event::PersonAmend { id, person, reason }],
            Durability::Full,
        )
    }

    /// Corrects an order: the full new version and why.
    pub fn amend_order(&mut self, id: Id, order: Order, reason: &str) -> Result<()> {
        require_reason(reason)?;
        order.validate()?;
        let current = self.state.orders().iter().find(|o| o.id == id);
        if current.is_some_and(|o| o.value == order) {
            return Err(Error::invalid("order", "the amendment changes nothing"));
        }
        let reason = reason.to_string();
        self.commit(
            vec![Event::OrderAmend { id, order, reason }],
            Durability::Full,
        )
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
}
