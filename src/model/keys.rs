//! Records of changes to the secrets that open the diary.
//!
//! They hold no secret: a key change is part of the diary's history (an
//! officer may need to know that the key changed after the phone was
//! taken), and the chain shows when it happened.

use serde::{Deserialize, Serialize};

/// Why the vault key was replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RotationReason {
    /// Opened with the recovery key (the passphrase was lost or known to
    /// someone else).
    Recovery,
    /// Asked for with the passphrase ("someone knows my passphrase").
    Requested,
}

/// A new vault key: the first record of its key epoch, sealed under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotation {
    /// The epoch this record starts (1 for the first rotation).
    pub epoch: u32,
    /// The export signing key of the new epoch (`ssh-ed25519 AAAA...`).
    pub signing_key: String,
    /// The export signing key of the epoch before.
    pub previous_signing_key: String,
    /// Why.
    pub reason: RotationReason,
}

/// The passphrase or the recovery key changed, the vault key did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChange {
    /// A new passphrase.
    #[serde(default)]
    pub passphrase: bool,
    /// A new recovery key (the old one stopped working).
    #[serde(default)]
    pub recovery_key: bool,
}
