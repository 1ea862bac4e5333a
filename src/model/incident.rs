//! An incident: one act in the pattern, in the victim's own words.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::chat::MessageRef;
use super::id::Id;
use super::validation::{ValidationError, max_len};
use super::vocabulary::{Behaviour, Channel};

/// Longest narrative accepted, in bytes (about 60 pages of text).
pub const MAX_NARRATIVE: usize = 200_000;
/// Longest value of any other text field, in bytes.
pub const MAX_TEXT: usize = 20_000;
/// Most items in any list field.
pub const MAX_ITEMS: usize = 200;

/// How exactly the victim knows when it happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePrecision {
    /// Date and time are known.
    #[default]
    Exact,
    /// The time is an estimate.
    Approximate,
    /// Only the day is known; the time part carries no meaning.
    DateOnly,
}

/// Whether and how the incident was reported to police.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoliceReport {
    /// Reported to police.
    pub reported: bool,
    /// Police force.
    pub force: String,
    /// Crime or incident reference number.
    pub reference: String,
    /// Officer's name or collar number.
    pub officer: String,
    /// Date reported.
    pub date: Option<NaiveDate>,
    /// What the police did.
    pub outcome: String,
}

/// The order or condition this incident breached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Breach {
    /// Id of the order (see `order add`).
    pub order: Option<Id>,
    /// Which condition was broken.
    pub condition: String,
}

/// Messages one incident may quote: a whole evening's messages, with room.
pub const MAX_QUOTED: usize = 5_000;

/// Every field the victim can record about one incident (DESIGN section 4).
/// The system's own fields (id, number, recorded time, history) live in the
/// diary state, not here, so they can never be supplied or edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// When it happened (RFC 3339 with offset).
    pub occurred_at: DateTime<FixedOffset>,
    /// When it ended, for incidents that lasted.
    #[serde(default)]
    pub occurred_until: Option<DateTime<FixedOffset>>,
    /// How exact `occurred_at` is.
    #[serde(default)]
    pub time_precision: TimePrecision,
    /// One-line summary.
    #[serde(default)]
    pub title: String,
    /// What happened, with exact words in quotes.
    #[serde(default)]
    pub narrative: String,
    /// Where it happened.
    #[serde(default)]
    pub location: String,
    /// What was done.
    #[serde(default)]
    pub behaviours: Vec<Behaviour>,
    /// How it reached the victim.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Person ids of those responsible.
    #[serde(default)]
    pub perpetrators: Vec<Id>,
    /// Phone numbers, accounts, vehicles seen.
    #[serde(default)]
    pub identifiers_seen: Vec<String>,
    /// Others present.
    #[serde(default)]
    pub people_present: Vec<String>,
    /// Whether children were present (`null` = not said).
    #[serde(default)]
    pub children_present: Option<bool>,
    /// Person ids of witnesses.
    #[serde(default)]
    pub witnesses: Vec<Id>,
    /// How it affected the victim.
    #[serde(default)]
    pub impact: String,
    /// Whether it caused fear of violence (`null` = not said).
    #[serde(default)]
    pub fear_of_violence: Option<bool>,
    /// 0 (minor) to 3 (severe).
    #[serde(default)]
    pub severity: Option<u8>,
    /// What the victim did.
    #[serde(default)]
    pub response: String,
    /// How the evidence was kept.
    #[serde(default)]
    pub preserved: String,
    /// Police report, if any.
    #[serde(default)]
    pub police: Option<PoliceReport>,
    /// Reports to others (employer, platform, landlord...).
    #[serde(default)]
    pub other_reports: String,
    /// Order breached, if any.
    #[serde(default)]
    pub breach: Option<Breach>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Leave out of the officer pack (still counted there).
    #[serde(default)]
    pub exclude_from_officer_pack: bool,
    /// Imported messages this incident quotes (format 2; left out of the
    /// JSON when none, so incidents without any read as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageRef>,
}

impl Incident {
    /// A one-line summary of at most `max_chars` characters: the title, or
    /// the first line of the narrative, cut with "…" when longer.
    pub fn summary(&self, max_chars: usize) -> String {
        let text = if self.title.trim().is_empty() {
            self.narrative.trim()
        } else {
            self.title.trim()
        };
        let line = text.lines().next().unwrap_or("");
        if line.chars().count() > max_chars {
            let cut: String = line.chars().take(max_chars.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        } else {
            line.to_string()
        }
    }

    /// A minimal incident: when it happened and what happened.
    pub fn new(occurred_at: DateTime<FixedOffset>, narrative: impl Into<String>) -> Self {
        Incident {
            occurred_at,
            occurred_until: None,
            time_precision: TimePrecision::Exact,
            title: String::new(),
            narrative: narrative.into(),
            location: String::new(),
            behaviours: Vec::new(),
            channels: Vec::new(),
            perpetrators: Vec::new(),
            identifiers_seen: Vec::new(),
            people_present: Vec::new(),
            children_present: None,
            witnesses: Vec::new(),
            impact: String::new(),
            fear_of_violence: None,
            severity: None,
            response: String::new(),
            preserved: String::new(),
            police: None,
            other_reports: String::new(),
            breach: None,
            tags: Vec::new(),
            exclude_from_officer_pack: false,
            messages: Vec::new(),
        }
    }

    /// Checks the rules that need no other state (references to persons and
    /// orders are checked by the diary, which knows them).
    pub fn validate(&self) -> Result<(), ValidationError> {
        // A year no diary entry can have: it would also make the weekly
        // pattern span millennia.
        for (field, at) in [
            ("occurred_at", Some(self.occurred_at)),
            ("occurred_until", self.occurred_until),
        ] {
            if let Some(at) = at
                && !(1900..=2200).contains(&at.year())
            {
                return Err(ValidationError::new(
                    field,
                    "is not a year between 1900 and 2200",
                ));
            }
        }
        if let Some(until) = self.occurred_until
            && until < self.occurred_at
        {
            return Err(ValidationError::new(
                "occurred_until",
                "is before occurred_at",
            ));
        }
        if let Some(severity) = self.severity
            && severity > 3
        {
            return Err(ValidationError::new("severity", "must be 0, 1, 2 or 3"));
        }
        if self.title.trim().is_empty()
            && self.narrative.trim().is_empty()
            && self.behaviours.is_empty()
        {
            return Err(ValidationError::new(
                "narrative",
                "say what happened (a title, narrative or behaviour)",
            ));
        }
        max_len("title", &self.title, 1_000)?;
        max_len("narrative", &self.narrative, MAX_NARRATIVE)?;
        let mut quoted = 0usize;
        let mut chats = std::collections::HashSet::new();
        for r in &self.messages {
            // One list per conversation, so a message is quoted once.
            if !chats.insert(r.chat) {
                return Err(ValidationError::new(
                    "messages",
                    "a conversation is listed twice: give its messages in one list",
                ));
            }
            let ascending = r.messages.windows(2).all(|w| w[0] < w[1]);
            if r.messages.first().is_none_or(|&n| n == 0) || !ascending {
                return Err(ValidationError::new(
                    "messages",
                    "message numbers start at 1, ascending, at least one per conversation",
                ));
            }
            quoted += r.messages.len();
        }
        if quoted > MAX_QUOTED {
            return Err(ValidationError::new(
                "messages",
                format!("at most {MAX_QUOTED} messages per incident"),
            ));
        }
        for (field, value) in [
            ("location", &self.location),
            ("impact", &self.impact),
            ("response", &self.response),
            ("preserved", &self.preserved),
            ("other_reports", &self.other_reports),
        ] {
            max_len(field, value, MAX_TEXT)?;
        }
        for (field, list) in [
            ("identifiers_seen", &self.identifiers_seen),
            ("people_present", &self.people_present),
            ("tags", &self.tags),
        ] {
            check_list(field, list)?;
        }
        for (field, len) in [
            ("behaviours", self.behaviours.len()),
            ("channels", self.channels.len()),
            ("perpetrators", self.perpetrators.len()),
            ("witnesses", self.witnesses.len()),
        ] {
            if len > MAX_ITEMS {
                return Err(ValidationError::new(
                    field,
                    format!("more than {MAX_ITEMS} items"),
                ));
            }
        }
        if let Some(police) = &self.police {
            for (field, value) in [
                ("police.force", &police.force),
                ("police.reference", &police.reference),
                ("police.officer", &police.officer),
                ("police.outcome", &police.outcome),
            ] {
                max_len(field, value, MAX_TEXT)?;
            }
        }
        if let Some(breach) = &self.breach {
            max_len("breach.condition", &breach.condition, MAX_TEXT)?;
        }
        Ok(())
    }

    /// Person ids this incident refers to, with the field path of each.
    pub fn person_refs(&self) -> impl Iterator<Item = (String, Id)> + '_ {
        let perps = self
            .perpetrators
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("perpetrators[{i}]"), *id));
        let wits = self
            .witnesses
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("witnesses[{i}]"), *id));
        perps.chain(wits)
    }
}

fn check_list(field: &str, list: &[String]) -> Result<(), ValidationError> {
    if list.len() > MAX_ITEMS {
        return Err(ValidationError::new(
            field,
            format!("more than {MAX_ITEMS} items"),
        ));
    }
    for (i, item) in list.iter().enumerate() {
        if item.trim().is_empty() {
            return Err(ValidationError::new(format!("{field}[{i}]"), "is empty"));
        }
        max_len(&format!("{field}[{i}]"), item, MAX_TEXT)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn until_before_start_names_the_field() {
        let mut inc = Incident::new(at("2026-03-01T10:00:00+00:00"), "x");
        inc.occurred_until = Some(at("2026-03-01T09:00:00+00:00"));
        assert_eq!(inc.validate().unwrap_err().field, "occurred_until");
    }

    #[test]
    fn severity_above_three_is_refused() {
        let mut inc = Incident::new(at("2026-03-01T10:00:00+00:00"), "x");
        inc.severity = Some(4);
        assert_eq!(inc.validate().unwrap_err().field, "severity");
        inc.severity = Some(3);
        assert!(inc.validate().is_ok());
    }

    #[test]
    fn an_entry_must_say_something() {
        let inc = Incident::new(at("2026-03-01T10:00:00+00:00"), "  ");
        assert_eq!(inc.validate().unwrap_err().field, "narrative");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Incident>(
            r#"{"occurred_at":"2026-03-01T10:00:00Z","narrative":"x","mood":"bad"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("mood"));
    }

    #[test]
    fn empty_tag_names_its_index() {
        let mut inc = Incident::new(at("2026-03-01T10:00:00+00:00"), "x");
        inc.tags = vec!["ok".into(), " ".into()];
        assert_eq!(inc.validate().unwrap_err().field, "tags[1]");
    }

    #[test]
    fn a_conversation_is_quoted_in_one_list() {
        use crate::model::Id;
        let mut inc = Incident::new(at("2026-03-01T10:00:00+00:00"), "x");
        let quote = |n: u32| MessageRef {
            chat: Id([1; 16]),
            messages: vec![n],
        };
        inc.messages = vec![quote(1), quote(2)];
        assert_eq!(inc.validate().unwrap_err().field, "messages");
        inc.messages = vec![MessageRef {
            chat: Id([1; 16]),
            messages: vec![1, 2],
        }];
        assert!(inc.validate().is_ok());
    }
}
