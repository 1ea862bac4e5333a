//! Field-named validation errors.

use std::fmt;

/// Input that breaks a rule, naming the field (for example `occurred_until`
/// or `behaviours[2]`) so that the user can find it. Carries no field values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending field.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ValidationError {
    /// An error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Fails when a free-text field is longer than `max` bytes: bounds memory and
/// the size of every record without restricting any realistic entry.
pub fn max_len(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.len() > max {
        return Err(ValidationError::new(
            field,
            format!("longer than {max} bytes"),
        ));
    }
    Ok(())
}
