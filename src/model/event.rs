//! Log events and the record envelope that is sealed into each log row.
//!
//! The plaintext of a row is the canonical JSON of a [`LogRecord`]: object keys
//! sorted by byte value, no insignificant whitespace, UTF-8, integers only,
//! and members whose value is `null`, `""` or `[]` left out (every such field
//! reads back as that default). Leaving them out roughly halves a typical
//! record, and with it the hashing and decryption work of every unlock.
//! The record carries 32 random blinding bytes so that the unkeyed chain leaf
//! of an undisclosed record cannot be confirmed by guessing its content.
//! This serialisation is frozen: stored leaves depend on it.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::case::CaseProfile;
use super::chat::ChatImport;
use super::exhibit_added::ExhibitAdded;
use super::exhibit_key::{ExhibitAttached, ExhibitKey};
use super::id::Id;
use super::incident::Incident;
use super::keys::{KeyChange, KeyRotation};
use super::order::Order;
use super::person::Person;
use super::risk::RiskCheck;

/// One change to the diary. Nothing is overwritten: state is the replay of events.
///
/// Serialised externally tagged (`{"incident.create": {…}}`): with sorted
/// keys an internal `"type"` tag would come after the fields and force serde
/// to buffer every record twice while reading, the slowest part of unlock.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// A correction to a person (format 2): the full new version and why.
    /// The earlier versions stay in the log and in the person's history.
    #[serde(rename = "person.amend")]
    PersonAmend {
        /// Person amended.
        id: Id,
        /// The new version.
        person: Person,
        /// Why it was amended.
        reason: String,
    },
    /// An order added.
    #[serde(rename = "order.add")]
    OrderAdd {
        /// New order id.
        id: Id,
        /// The order.
        order: Order,
    },
    /// A correction to an order (format 2): the full new version and why.
    #[serde(rename = "order.amend")]
    OrderAmend {
        /// Order amended.
        id: Id,
        /// The new version.
        order: Order,
        /// Why it was amended.
        reason: String,
    },
    /// A file attached to an incident as an exhibit.
    #[serde(rename = "exhibit.add")]
    ExhibitAdd(ExhibitAdded),
    /// A file attached to an incident as an exhibit (format 2): the record,
    /// which commits to the file key; the key follows in the next row.
    #[serde(rename = "exhibit.attach")]
    ExhibitAttach(ExhibitAttached),
    /// The key of the exhibit attached in the row before.
    #[serde(rename = "exhibit.key")]
    ExhibitKey(ExhibitKey),
    /// An exhibit deliberately deleted by the victim: its file is removed,
    /// its record (number, name, hash) stays and is counted.
    #[serde(rename = "exhibit.delete")]
    ExhibitDelete {
        /// Exhibit deleted.
        id: Id,
        /// Why.
        reason: String,
    },
    /// A risk check recorded.
    #[serde(rename = "risk.add")]
    RiskAdd {
        /// New check id.
        id: Id,
        /// The answers.
        check: RiskCheck,
    },
    /// A backup of the whole vault was written (its time is the record's
    /// `recorded_at`), so the app can remind the user when one is due.
    #[serde(rename = "backup.made")]
    BackupMade {
        /// Log entries the backup holds.
        log_entries: u64,
    },
    /// The passphrase or recovery key changed (the key header with it).
    /// Recorded so that the sealed tip, which holds the header's checksum,
    /// moves on with every change: a tip kept from before cannot vouch for
    /// the header someone puts back.
    #[serde(rename = "keys.change")]
    KeysChange(KeyChange),
    /// A new vault key: the first record of its epoch.
    #[serde(rename = "keys.rotate")]
    KeysRotate(KeyRotation),
    /// A conversation imported from a messaging app's export (format 2);
    /// its original file and media follow as exhibits in the same commit.
    #[serde(rename = "chat.import")]
    ChatImport(Box<ChatImport>),
    /// A sender of a conversation said to be a person of the diary (or no
    /// longer, with no person).
    #[serde(rename = "chat.sender")]
    ChatSender {
        /// The conversation.
        chat: Id,
        /// The sender as the export names them.
        sender: String,
        /// The person.
        #[serde(default)]
        person: Option<Id>,
    },
}

impl Event {
    /// The incident version this event records, if it records one.
    pub fn incident(&self) -> Option<&Incident> {
        match self {
            Event::IncidentCreate { incident, .. } | Event::IncidentAmend { incident, .. } => {
                Some(incident)
            }
            _ => None,
        }
    }
}

/// The sealed plaintext of one log row.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogRecord {
    /// 32 random bytes, hex.
    #[serde(with = "hex::serde")]
    pub blind: [u8; 32],
    /// When the device recorded the event: UTC instant with the device's offset.
    pub recorded_at: DateTime<FixedOffset>,
    /// What happened to the diary.
    pub event: Event,
}

impl LogRecord {
    /// The canonical bytes (see the module docs).
    pub fn to_canonical_json(&self) -> Vec<u8> {
        // serde_json's Value keeps object keys in a BTreeMap (sorted) as long
        // as the `preserve_order` feature stays off; a test pins this.
        let mut value = serde_json::to_value(self)
            .expect("records contain only strings, integers and booleans");
        prune_defaults(&mut value);
        serde_json::to_vec(&value).expect("a Value always serialises")
    }

    /// Parses plaintext read back from the log.
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// Removes object members that are `null`, `""` or `[]`, at every depth.
/// `false` and `0` stay: `Some(false)` and `None` must remain distinct.
fn prune_defaults(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            map.retain(|_, v| match v {
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            });
            map.values_mut().for_each(prune_defaults);
        }
        Value::Array(items) => items.iter_mut().for_each(prune_defaults),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Incident, PoliceReport};

    #[test]
    fn pruned_defaults_read_back_unchanged() {
        let mut incident = Incident::new(
            DateTime::parse_from_rfc3339("2026-03-01T10:00:00+01:00").unwrap(),
            "At the gate",
        );
        incident.children_present = Some(false);
        incident.severity = Some(0);
        incident.police = Some(PoliceReport::default());
        let record = LogRecord {
            blind: [1; 32],
            recorded_at: DateTime::parse_from_rfc3339("2026-03-01T10:05:00+01:00").unwrap(),
            event: Event::IncidentCreate {
                id: Id([2; 16]),
                incident,
            },
        };
        let json = String::from_utf8(record.to_canonical_json()).unwrap();
        assert!(
            !json.contains("\"title\""),
            "empty fields are left out: {json}"
        );
        assert!(json.contains("\"children_present\":false"));
        assert!(json.contains("\"severity\":0"));
        let back = LogRecord::from_json(json.as_bytes()).unwrap();
        assert_eq!(back.to_canonical_json(), json.as_bytes());
    }

    #[test]
    fn canonical_json_is_pinned() {
        let record = LogRecord {
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
                r#""event":{"incident.withdraw":{"id":"01010101010101010101010101010101","reason":"duplicate"}},"#,
                r#""recorded_at":"2026-03-01T10:00:00+01:00"}"#
            )
        );
        let back = LogRecord::from_json(json.as_bytes()).unwrap();
        assert_eq!(back.to_canonical_json(), json.as_bytes());
    }

    /// The sealed form of an exhibit, file key inside, is frozen with v1.
    #[test]
    fn exhibit_add_json_is_pinned() {
        use crate::model::{Exhibit, FileClaims, FileKey};
        let record = LogRecord {
            blind: [0xAB; 32],
            recorded_at: DateTime::parse_from_rfc3339("2026-03-01T10:00:00+01:00").unwrap(),
            event: Event::ExhibitAdd(ExhibitAdded::new(
                Id([1; 16]),
                Exhibit {
                    incident: Id([2; 16]),
                    number: 3,
                    original_name: "a.jpg".into(),
                    size: 10,
                    sha256: [9; 32],
                    media_type: "image/jpeg".into(),
                    description: "car".into(),
                    claims: FileClaims {
                        captured_at: Some("2026-03-01 09:00:00".into()),
                        ..FileClaims::default()
                    },
                },
                FileKey::new([7; 32]),
            )),
        };
        let json = String::from_utf8(record.to_canonical_json()).unwrap();
        assert_eq!(json, PINNED_EXHIBIT_ADD);
        let back = LogRecord::from_json(json.as_bytes()).unwrap();
        assert_eq!(back.to_canonical_json(), json.as_bytes());
    }

    /// A sealed exhibit whose key is missing, short, doubled, or that has a
    /// field v1 never wrote, does not read back (the derived reader of v1
    /// refused each of these too).
    #[test]
    fn a_malformed_sealed_exhibit_is_refused() {
        let key = format!(r#""file_key":"{}","#, "07".repeat(32));
        assert!(PINNED_EXHIBIT_ADD.contains(&key));
        for bad in [
            PINNED_EXHIBIT_ADD.replace(&key, ""),
            PINNED_EXHIBIT_ADD.replace(&key, &key.replace("0707\"", "\"")),
            PINNED_EXHIBIT_ADD.replace(&key, &format!("{key}{key}")),
            PINNED_EXHIBIT_ADD.replace(&key, &format!(r#"{key}"colour":"red","#)),
            PINNED_EXHIBIT_ADD.replace(&key, r#""file_key":7,"#),
        ] {
            assert!(LogRecord::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(LogRecord::from_json(PINNED_EXHIBIT_ADD.as_bytes()).is_ok());
    }

    const PINNED_EXHIBIT_ADD: &str = concat!(
        r#"{"blind":"abababababababababababababababababababababababababababababababab","#,
        r#""event":{"exhibit.add":{"exhibit":{"claims":{"captured_at":"2026-03-01 09:00:00"},"#,
        r#""description":"car","file_key":"0707070707070707070707070707070707070707070707070707070707070707","#,
        r#""incident":"02020202020202020202020202020202","media_type":"image/jpeg","number":3,"#,
        r#""original_name":"a.jpg","sha256":"0909090909090909090909090909090909090909090909090909090909090909","#,
        r#""size":10},"id":"01010101010101010101010101010101"}},"#,
        r#""recorded_at":"2026-03-01T10:00:00+01:00"}"#
    );
}
