//! The case profile: who the diary belongs to and how exhibits are numbered.

use serde::{Deserialize, Serialize};

use super::validation::{ValidationError, max_len};

/// Case details shown on every page of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseProfile {
    /// The victim's name as it should appear on the report.
    pub victim_name: String,
    /// Exhibit prefix, usually initials (`JS` gives exhibits `JS/1`, `JS/2`...).
    pub exhibit_prefix: String,
    /// Police force dealing with the case.
    pub police_force: String,
    /// Officer in the case.
    pub officer: String,
    /// Crime reference numbers.
    pub crime_references: Vec<String>,
}

impl CaseProfile {
    /// The exhibit prefix is 1 to 8 capital letters or digits, so exhibit
    /// numbers and file names stay ASCII and unambiguous.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let prefix = &self.exhibit_prefix;
        if !prefix.is_empty()
            && (prefix.len() > 8
                || !prefix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        {
            return Err(ValidationError::new(
                "exhibit_prefix",
                "use 1 to 8 capital letters or digits, e.g. JS",
            ));
        }
        max_len("victim_name", &self.victim_name, 1_000)?;
        max_len("police_force", &self.police_force, 1_000)?;
        max_len("officer", &self.officer, 1_000)?;
        for (i, r) in self.crime_references.iter().enumerate() {
            max_len(&format!("crime_references[{i}]"), r, 1_000)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_must_be_capitals_or_digits() {
        let mut case = CaseProfile {
            exhibit_prefix: "JS".into(),
            ..Default::default()
        };
        assert!(case.validate().is_ok());
        case.exhibit_prefix = "J/S".into();
        assert_eq!(case.validate().unwrap_err().field, "exhibit_prefix");
    }
}
