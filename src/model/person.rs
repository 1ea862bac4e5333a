//! People in the case: perpetrators, witnesses, others.

use serde::{Deserialize, Serialize};

use super::validation::{ValidationError, max_len};

/// A person's part in the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Responsible for the behaviour.
    Perpetrator,
    /// Saw or heard something.
    Witness,
    /// Anyone else relevant.
    Other,
}

impl Role {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Perpetrator => "perpetrator",
            Role::Witness => "witness",
            Role::Other => "other",
        }
    }

    /// Parses a machine name.
    pub fn parse(name: &str) -> Option<Self> {
        [Role::Perpetrator, Role::Witness, Role::Other]
            .into_iter()
            .find(|r| r.as_str() == name)
    }
}

/// A person referred to by incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Part in the case.
    pub role: Role,
    /// Name as the victim knows it.
    pub name: String,
    /// Other names and nicknames.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Relationship to the victim (ex-partner, neighbour...).
    #[serde(default)]
    pub relationship: String,
    /// Appearance and other description.
    #[serde(default)]
    pub description: String,
    /// Phone numbers, accounts, vehicles.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

impl Person {
    /// Requires a name; bounds the text.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.name.trim().is_empty() {
            return Err(ValidationError::new("name", "is required"));
        }
        max_len("name", &self.name, 1_000)?;
        max_len("relationship", &self.relationship, 1_000)?;
        max_len("description", &self.description, 20_000)?;
        for (field, list) in [
            ("aliases", &self.aliases),
            ("identifiers", &self.identifiers),
        ] {
            for (i, item) in list.iter().enumerate() {
                max_len(&format!("{field}[{i}]"), item, 1_000)?;
            }
        }
        Ok(())
    }
}
