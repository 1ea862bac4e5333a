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
        let matcher = self.matcher(state);
        let all = state.incidents();
        state
            .by_occurrence()
            .iter()
            .map(|&i| &all[i as usize])
            .filter(|rec| matcher.matches(rec))
            .collect()
    }

    /// The filter ready to test one incident at a time (export's selection
    /// uses it, so "export what the timeline shows" follows the same rules).
    pub(crate) fn matcher<'a>(&'a self, state: &State) -> Matcher<'a> {
        let words = search_words(self.text.as_deref());
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
        Matcher {
            filter: self,
            words,
            person_hits,
        }
    }
}

/// A [`Filter`] with its search words and the people they name worked out.
pub(crate) struct Matcher<'a> {
    filter: &'a Filter,
    words: Vec<String>,
    person_hits: Vec<Vec<Id>>,
}

impl Matcher<'_> {
    /// Whether the incident passes every condition.
    pub(crate) fn matches(&self, rec: &IncidentRecord) -> bool {
        let f = self.filter;
        let inc = rec.current();
        let day = inc.occurred_at.date_naive();
        let involves = |p: &Id| inc.perpetrators.contains(p) || inc.witnesses.contains(p);
        (!f.exclude_withdrawn || rec.withdrawn.is_none())
            && f.from.is_none_or(|from| day >= from)
            && f.to.is_none_or(|to| day <= to)
            && (f.behaviours.is_empty() || inc.behaviours.iter().any(|b| f.behaviours.contains(b)))
            && f.person.as_ref().is_none_or(involves)
            && self
                .words
                .iter()
                .zip(&self.person_hits)
                .all(|(w, people)| rec.haystack.contains(w.as_str()) || people.iter().any(involves))
    }
}

/// The words of a search, lower-cased: what incidents and messages match
/// alike (every word, in any case).
pub(crate) fn search_words(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect()
}
