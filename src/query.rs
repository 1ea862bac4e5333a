//! Filters and search over the decrypted incidents, in memory only: no
//! index or FTS table is ever written, because it would be plaintext on disk.

use chrono::NaiveDate;

use crate::model::{Behaviour, Id};
use crate::state::{IncidentRecord, State};

/// Which incidents to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// First day included (the incident's own local date).
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// At least one of these behaviours (empty = any).
    pub behaviours: Vec<Behaviour>,
    /// Involves this person as perpetrator or witness.
    pub person: Option<Id>,
    /// Every word must appear (case-insensitive) in the text or in a linked person's name.
    pub text: Option<String>,
    /// Leave out withdrawn incidents (they are listed, marked, by default).
    pub exclude_withdrawn: bool,
}

impl Filter {
    /// Incidents that pass, in chronological order of occurrence (ties by number).
    pub fn apply<'a>(&self, state: &'a State) -> Vec<&'a IncidentRecord> {
        let words: Vec<String> = self
            .text
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        // Persons whose names match a word, per word, so that searching for a
        // name finds the incidents linked to that person.
        let person_hits: Vec<Vec<Id>> = words
            .iter()
            .map(|w| {
                state
                    .persons()
                    .iter()
                    .filter(|p| {
                        p.value.name.to_lowercase().contains(w.as_str())
                            || p.value
                                .aliases
                                .iter()
                                .any(|a| a.to_lowercase().contains(w.as_str()))
                    })
                    .map(|p| p.id)
                    .collect()
            })
            .collect();
        let mut hits: Vec<&IncidentRecord> = state
            .incidents()
            .iter()
            .filter(|rec| {
                let inc = rec.current();
                let day = inc.occurred_at.date_naive();
                (!self.exclude_withdrawn || rec.withdrawn.is_none())
                    && self.from.is_none_or(|f| day >= f)
                    && self.to.is_none_or(|t| day <= t)
                    && (self.behaviours.is_empty()
                        || inc.behaviours.iter().any(|b| self.behaviours.contains(b)))
                    && self
                        .person
                        .is_none_or(|p| inc.perpetrators.contains(&p) || inc.witnesses.contains(&p))
                    && words.iter().zip(&person_hits).all(|(w, people)| {
                        rec.haystack.contains(w.as_str())
                            || people
                                .iter()
                                .any(|p| inc.perpetrators.contains(p) || inc.witnesses.contains(p))
                    })
            })
            .collect();
        hits.sort_by_key(|rec| (rec.current().occurred_at, rec.number));
        hits
    }
}
