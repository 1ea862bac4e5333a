//! Log events and the record envelope that is sealed into each log row.
//!
//! The plaintext of a row is the canonical JSON of a [`Record`]: object keys
//! sorted by byte value, no insignificant whitespace, UTF-8, integers only.
//! The record carries 32 random blinding bytes so that the unkeyed chain leaf
//! of an undisclosed record cannot be confirmed by guessing its content.
//! This serialisation is frozen: stored leaves depend on it.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::case::CaseProfile;
use super::id::Id;
use super::incident::Incident;
use super::order::Order;
use super::person::Person;
use super::risk::RiskCheck;

/// One change to the diary. Nothing is overwritten: state is the replay of events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A new incident.
    #[serde(rename = "incident.create")]
    IncidentCreate {
        /// New incident id.
        id: Id,
        /// As first recorded.
        incident: Incident,
    },
    /// A correction or addition: the full new version and why.
    #[serde(rename = "incident.amend")]
    IncidentAmend {
        /// Incident amended.
        id: Id,
        /// The new version.
        incident: Incident,
        /// Why it was amended.
        reason: String,
    },
    /// A tombstone: the incident stays in the chain and is counted.
    #[serde(rename = "incident.withdraw")]
    IncidentWithdraw {
        /// Incident withdrawn.
        id: Id,
        /// Why it was withdrawn.
        reason: String,
    },
    /// New case details (the whole profile).
    #[serde(rename = "case.set")]
    CaseSet {
        /// The profile.
        case: CaseProfile,
    },
    /// A person added.
    #[serde(rename = "person.add")]
    PersonAdd {
        /// New person id.
        id: Id,
        /// The person.
        person: Person,
    },
    /// An order added.
    #[serde(rename = "order.add")]
    OrderAdd {
        /// New order id.
        id: Id,
        /// The order.
        order: Order,
    },
    /// A risk check recorded.
    #[serde(rename = "risk.add")]
    RiskAdd {
        /// New check id.
        id: Id,
        /// The answers.
        check: RiskCheck,
    },
}

/// The sealed plaintext of one log row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// 32 random bytes, hex.
    #[serde(with = "hex::serde")]
    pub blind: [u8; 32],
    /// When the device recorded the event: UTC instant with the device's offset.
    pub recorded_at: DateTime<FixedOffset>,
    /// What happened to the diary.
    pub event: Event,
}

impl Record {
    /// The canonical bytes (see the module docs).
    pub fn to_canonical_json(&self) -> Vec<u8> {
        // serde_json's Value keeps object keys in a BTreeMap (sorted) as long
        // as the `preserve_order` feature stays off; a test pins this.
        let value = serde_json::to_value(self)
            .expect("records contain only strings, integers and booleans");
        serde_json::to_vec(&value).expect("a Value always serialises")
    }

    /// Parses plaintext read back from the log.
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_is_pinned() {
        let record = Record {
            blind: [0xAB; 32],
            recorded_at: DateTime::parse_from_rfc3339("2026-03-01T10:00:00+01:00").unwrap(),
            event: Event::IncidentWithdraw {
                id: Id([1; 16]),
                reason: "duplicate".into(),
            },
        };
        let json = String::from_utf8(record.to_canonical_json()).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"blind":"abababababababababababababababababababababababababababababababab","#,
                r#""event":{"id":"01010101010101010101010101010101","reason":"duplicate","type":"incident.withdraw"},"#,
                r#""recorded_at":"2026-03-01T10:00:00+01:00"}"#
            )
        );
        assert_eq!(Record::from_json(json.as_bytes()).unwrap(), record);
    }
}
