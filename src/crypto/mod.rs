//! Cryptographic building blocks. Depends on nothing else in the crate.
//!
//! Each primitive is named after the specification it implements:
//! Argon2id (RFC 9106) in [`kdf`], HKDF-SHA256 (RFC 5869) in [`secret`],
//! XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) in [`record`] and [`keyslot`],
//! SHA-256 (FIPS 180-4) in [`chain`].

pub mod chain;
pub mod epoch;
pub mod kdf;
pub mod keyslot;
pub mod random;
pub mod record;
pub mod recovery;
pub mod secret;
pub mod sshsig;
pub mod stream;

pub use secret::{Passphrase, SecretKey};
