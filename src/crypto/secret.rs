//! Secret types: they zeroize on drop, never print and are never cloned.

use std::fmt;

use hkdf::Hkdf;
use lockedbox::LockedBox;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// A 256-bit symmetric key: the vault key, a subkey or a key-encryption key.
///
/// Held in pages of its own that are locked in RAM where the system allows
/// (`mlock`; best effort: past the process's limit of locked memory the key
/// is kept all the same, unlocked), so the keys of an open diary are never
/// written to swap. Wiped when dropped.
pub struct SecretKey(LockedBox<[u8; 32]>);

impl SecretKey {
    /// A key of zeros, to be filled in place.
    fn zeroed() -> Self {
        SecretKey(LockedBox::new([0u8; 32]))
    }

    /// A fresh random key from the OS generator, drawn straight into its
    /// locked page.
    pub fn random() -> Self {
        let mut key = SecretKey::zeroed();
        super::random::fill(&mut key.0[..]);
        key
    }

    /// Wraps existing key bytes. The caller should zeroize its own copy.
    pub fn from_bytes(mut bytes: [u8; 32]) -> Self {
        let key = SecretKey(LockedBox::new(bytes));
        bytes.zeroize();
        key
    }

    /// The raw key bytes. Callers must not copy them anywhere that outlives the key.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }

    /// HKDF-SHA256 (RFC 5869) with this key as input keying material and no salt.
    ///
    /// The key is already uniformly random (or the output of Argon2id), so the
    /// extract step needs no salt; `info` separates every use of the key.
    pub fn derive(&self, info: &[u8]) -> SecretKey {
        hkdf_sha256(&self.0[..], info)
    }
}

/// HKDF-SHA256 of arbitrary input keying material into one 32-byte key.
pub fn hkdf_sha256(ikm: &[u8], info: &[u8]) -> SecretKey {
    let mut key = SecretKey::zeroed();
    Hkdf::<Sha256>::new(None, ikm)
        .expand(info, &mut key.0[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// A passphrase typed by the user. Zeroized on drop, never printed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes ownership of the string so that it is wiped when dropped.
    pub fn new(text: String) -> Self {
        Passphrase(Zeroizing::new(text))
    }

    /// The passphrase text, for the KDF only.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// True for the empty passphrase, which is never accepted for a new vault.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_key_bytes() {
        let key = SecretKey::from_bytes([0xAB; 32]);
        let shown = format!("{key:?}");
        assert_eq!(shown, "SecretKey(..)");
        let pass = Passphrase::new("hunter2".into());
        assert!(!format!("{pass:?}").contains("hunter2"));
    }

    #[test]
    fn hkdf_matches_rfc5869_case_3() {
        // RFC 5869 A.3: SHA-256, zero-length salt and info, 22 bytes of 0x0b.
        let okm = hkdf_sha256(&[0x0b; 22], b"");
        assert_eq!(
            hex::encode(okm.expose_secret()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
        );
    }

    /// A key lives in memory locked in RAM (Linux: counted in `VmLck`),
    /// wherever the process may lock any at all.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_key_is_locked_in_memory() {
        use rustix::process::{Resource, getrlimit};
        let limit = getrlimit(Resource::Memlock).current;
        if limit.is_some_and(|bytes| bytes < 4096) {
            return; // this process may lock nothing: kept, unlocked
        }
        let locked_kib = || -> u64 {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            status
                .lines()
                .find(|l| l.starts_with("VmLck:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
                .unwrap()
        };
        let key = SecretKey::random();
        assert!(locked_kib() >= 4, "VmLck {} kB", locked_kib());
        assert_ne!(key.expose_secret(), &[0; 32]);
    }

    #[test]
    fn derive_separates_info_labels() {
        let vk = SecretKey::from_bytes([7; 32]);
        assert_ne!(
            vk.derive(b"idv1/rec").expose_secret(),
            vk.derive(b"idv1/att").expose_secret()
        );
    }
}
