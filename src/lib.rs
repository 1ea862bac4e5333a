//! Incident Diary: an encrypted, tamper-evident diary for victims of
//! stalking and harassment.
//!
//! [`Diary`] is the one facade used by the `diary` CLI and the app. A vault
//! is a directory holding one SQLite file of ciphertext and the encrypted
//! exhibit files (see `ARCHITECTURE.md` and `docs/`): a 256-bit vault key
//! wrapped in eight key slots (passphrase via Argon2id, recovery key), and
//! an append-only log of XChaCha20-Poly1305 records linked by an unkeyed
//! SHA-256 hash chain. Unlocking decrypts and verifies the whole log into
//! memory; every change is one new, durable row.
//!
//! The public modules are the domain ([`model`]), what the replayed diary
//! holds ([`state`], searched by [`query`], summarised by [`pattern`]), and
//! the two layers that publish it: [`export`] (the evidence bundle and
//! `verify`) and [`backup`]. Keys, the store and the log stay inside.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backup;
pub mod export;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod merge_patch;
pub mod messages;
pub mod model;
pub mod pattern;
pub mod query;
pub mod state;
pub mod visible;

mod anchor;
mod clock;
mod crypto;
mod diary;
mod durable;
mod error;
mod file_claims;
mod hashing;
mod log;
mod parallel;
mod process;
mod store;
mod throttle;
mod thumbnail;
mod write_behind;

pub use clock::{Clock, ManualClock, SteppingClock, SystemClock};
pub use crypto::Passphrase;
pub use crypto::kdf::{KdfError, KdfParams};
pub use diary::{
    CheckReport, Diary, ExhibitFault, ExhibitRef, ImportOptions, Imported, IncidentRef, KDF_TARGET,
    LastEntry,
};
pub use durable::replace_file;
pub use error::{Error, ErrorCode, Result};
pub use process::keep_memory_private;
pub use store::Durability;
pub use throttle::WrongPassphrases;
