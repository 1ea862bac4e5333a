//! The diary's domain: plain types, their stable machine names and validation.
//! No I/O, no clock, no crypto.

pub mod case;
pub mod chat;
pub mod event;
pub mod exhibit;
mod exhibit_added;
pub mod exhibit_key;
pub mod id;
pub mod incident;
pub mod keys;
pub mod order;
pub mod person;
pub mod risk;
pub(crate) mod search_text;
pub mod validation;
pub mod vocabulary;

pub use case::CaseProfile;
pub use chat::{ChatImport, ChatSource, FlaggedLine, MessageKind, MessageRef, StoredMessage};
pub use event::{Event, LogRecord};
pub use exhibit::{Exhibit, FileClaims, FileKey};
pub use exhibit_added::ExhibitAdded;
pub use exhibit_key::{ExhibitAttached, ExhibitKey};
pub use id::Id;
pub use incident::{Breach, Incident, PoliceReport, TimePrecision};
pub use keys::{KeyChange, KeyRotation, RotationReason};
pub use order::{Order, OrderType};
pub use person::{Person, Role};
pub use risk::{Answer, RiskAnswer, RiskCheck, RiskQuestion};
pub use validation::ValidationError;
pub use vocabulary::{Behaviour, Channel};
