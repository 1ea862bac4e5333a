//! Court orders and bail conditions that protect the victim.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{ValidationError, max_len};

/// Kind of order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    /// Restraining order.
    RestrainingOrder,
    /// Non-molestation order.
    NonMolestationOrder,
    /// Stalking protection order.
    StalkingProtectionOrder,
    /// Interim stalking protection order.
    InterimStalkingProtectionOrder,
    /// Injunction.
    Injunction,
    /// Bail conditions.
    BailConditions,
    /// Anything else.
    Other,
}

impl OrderType {
    /// Every value, in the documented order.
    pub const ALL: &'static [OrderType] = &[
        OrderType::RestrainingOrder,
        OrderType::NonMolestationOrder,
        OrderType::StalkingProtectionOrder,
        OrderType::InterimStalkingProtectionOrder,
        OrderType::Injunction,
        OrderType::BailConditions,
        OrderType::Other,
    ];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::RestrainingOrder => "restraining_order",
            OrderType::NonMolestationOrder => "non_molestation_order",
            OrderType::StalkingProtectionOrder => "stalking_protection_order",
            OrderType::InterimStalkingProtectionOrder => "interim_stalking_protection_order",
            OrderType::Injunction => "injunction",
            OrderType::BailConditions => "bail_conditions",
            OrderType::Other => "other",
        }
    }

    /// Parses a machine name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == name)
    }
}

/// An order with its conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Kind of order.
    #[serde(rename = "type")]
    pub kind: OrderType,
    /// Court or police reference.
    #[serde(default)]
    pub reference: String,
    /// Court that made it.
    #[serde(default)]
    pub court: String,
    /// Date made.
    #[serde(default)]
    pub made_on: Option<NaiveDate>,
    /// Date it ends.
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    /// Conditions, one per item.
    #[serde(default)]
    pub conditions: Vec<String>,
}

impl Order {
    /// Expiry must not precede the date made.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let (Some(made), Some(expires)) = (self.made_on, self.expires)
            && expires < made
        {
            return Err(ValidationError::new("expires", "is before made_on"));
        }
        max_len("reference", &self.reference, 1_000)?;
        max_len("court", &self.court, 1_000)?;
        for (i, c) in self.conditions.iter().enumerate() {
            max_len(&format!("conditions[{i}]"), c, 20_000)?;
        }
        Ok(())
    }

    /// In force on `day`: made on or before it and not yet expired.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.made_on.is_none_or(|m| m <= day) && self.expires.is_none_or(|e| day <= e)
    }
}
