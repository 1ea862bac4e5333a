//! Which incidents and exhibits an export holds, and what it leaves out.
//!
//! Nothing is ever silently missing: every incident left out is counted by
//! reason, and the report and manifest print those counts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Behaviour, Id};
use crate::query::Filter;
use crate::state::{ChatRecord, ExhibitRecord, IncidentRecord, State};

/// Which pack to export.
/// Deserialising refuses any other name: an unknown pack is an error at the
/// edge, never quietly taken as the officer pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pack {
    /// For the police: leaves out withdrawn entries and entries the victim
    /// marked `exclude_from_officer_pack` (counted, not hidden).
    Officer,
    /// Everything in the period, withdrawn entries included and marked.
    Full,
}

impl Pack {
    /// The machine name (`officer`, `full`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pack::Officer => "officer",
            Pack::Full => "full",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which pack.
    pub pack: Pack,
    /// First day of the period (inclusive), by the incident's own date.
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive).
    pub to: Option<NaiveDate>,
    /// Only the incidents a timeline filter shows (everything by default).
    pub only: Only,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            pack: Pack::Officer,
            from: None,
            to: None,
            only: Only::default(),
        }
    }
}

/// A narrower selection than the period: the incidents the timeline shows
/// with these filters, by the timeline's own rules ([`Filter`]), so that a
/// victim can hand over "what I am looking at". What it leaves out is
/// counted, and the report and manifest say what the selection was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Only {
    /// At least one of these behaviours (empty = any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviours: Vec<Behaviour>,
    /// Involving this person as perpetrator or witness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Id>,
    /// Every word appears in the entry or a linked person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Only {
    /// Whether it narrows nothing.
    pub fn is_everything(&self) -> bool {
        self.behaviours.is_empty()
            && self.person.is_none()
            && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
    }

    fn filter(&self) -> Filter {
        Filter {
            behaviours: self.behaviours.clone(),
            person: self.person,
            text: self.text.clone(),
            ..Filter::default()
        }
    }
}

/// Counts of incidents not in the export, by reason. An incident is counted
/// under the first reason that applies, in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// Occurred outside the chosen period.
    pub outside_period: usize,
    /// In the period but not matching the chosen filters ([`Only`]).
    pub not_matching: usize,
    /// Withdrawn by the victim (officer pack only).
    pub withdrawn: usize,
    /// Marked "leave out of the officer pack" (officer pack only).
    pub excluded_by_victim: usize,
    /// Exhibits of exported incidents that the victim deleted (their
    /// records and hashes are listed, their files are gone).
    pub deleted_exhibits: usize,
}

/// The incidents and exhibits one export holds.
pub struct Selection<'a> {
    /// Exported incidents, in order of occurrence.
    pub incidents: Vec<&'a IncidentRecord>,
    /// Exhibits of exported incidents whose files still exist, by number.
    pub exhibits: Vec<&'a ExhibitRecord>,
    /// Exhibits of exported incidents that were deleted, by number.
    pub deleted_exhibits: Vec<&'a ExhibitRecord>,
    /// Conversations the exported incidents quote, in order of import:
    /// their records are disclosed, their original exports (and the files
    /// of the quoted messages) are exhibits of the bundle.
    pub chats: Vec<&'a ChatRecord>,
    /// What was left out.
    pub left_out: LeftOut,
}

/// Chooses what to export from `state`.
pub fn select<'a>(state: &'a State, options: &ExportOptions) -> Selection<'a> {
    let mut left_out = LeftOut::default();
    let mut incidents = Vec::new();
    let only = options.only.filter();
    let matcher = only.matcher(state);
    for record in state.incidents() {
        let day = record.current().occurred_at.date_naive();
        let in_period =
            options.from.is_none_or(|from| day >= from) && options.to.is_none_or(|to| day <= to);
        if !in_period {
            left_out.outside_period += 1;
        } else if !matcher.matches(record) {
            left_out.not_matching += 1;
        } else if options.pack == Pack::Officer && record.withdrawn.is_some() {
            left_out.withdrawn += 1;
        } else if options.pack == Pack::Officer && record.current().exclude_from_officer_pack {
            left_out.excluded_by_victim += 1;
        } else {
            incidents.push(record);
        }
    }
    incidents.sort_by_key(|r| (r.current().occurred_at, r.number));
    let chosen: std::collections::HashSet<_> = incidents.iter().map(|r| r.id).collect();
    // Conversations quoted, and the exhibits they bring: the original
    // export and the files of the messages quoted.
    let mut quoted: std::collections::BTreeMap<u32, std::collections::BTreeSet<u32>> =
        std::collections::BTreeMap::new();
    for r in &incidents {
        for q in &r.current().messages {
            if let Some(chat) = state.chat(q.chat) {
                let files = quoted.entry(chat.number).or_default();
                files.insert(chat.import.source.original);
                files.extend(q.messages.iter().filter_map(|&n| {
                    chat.import
                        .messages
                        .get((n as usize).checked_sub(1)?)?
                        .exhibit
                }));
            }
        }
    }
    let chats: Vec<&ChatRecord> = quoted
        .keys()
        .filter_map(|&n| state.chat_by_number(n))
        .collect();
    let brought: std::collections::HashSet<u32> = quoted.into_values().flatten().collect();
    let (deleted_exhibits, exhibits): (Vec<_>, Vec<_>) = state
        .exhibits()
        .iter()
        .filter(|e| chosen.contains(&e.exhibit.incident) || brought.contains(&e.exhibit.number))
        .partition(|e| e.deleted.is_some());
    left_out.deleted_exhibits = deleted_exhibits.len();
    Selection {
        incidents,
        exhibits,
        deleted_exhibits,
        chats,
        left_out,
    }
}
