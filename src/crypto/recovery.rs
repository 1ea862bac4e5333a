//! The recovery key: 256 random bits, shown once to the user as text.
//!
//! Text form: base32 (RFC 4648, no padding) of `key(32) || check(3)` where
//! `check = SHA-256("idv1/recovery-check" || key)[..3]`, in 14 groups of 4
//! characters joined by `-`. The checksum catches typos before any slot is
//! tried, so a mistyped key is reported as mistyped, not as wrong.

use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::secret::SecretKey;

/// Why recovery-key text was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecoveryKeyError {
    /// Not 56 base32 characters once spaces and dashes are removed.
    #[error("a recovery key is 56 letters and digits in groups of four")]
    Malformed,
    /// The checksum does not match: a typo.
    #[error("the recovery key has a typo (its check letters do not match)")]
    Checksum,
}

fn checksum(key: &[u8; 32]) -> [u8; 3] {
    let digest = Sha256::new()
        .chain_update(b"idv1/recovery-check")
        .chain_update(key)
        .finalize();
    [digest[0], digest[1], digest[2]]
}

/// Encodes the key for display. The returned string is wiped on drop.
pub fn encode(key: &SecretKey) -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; 35]);
    raw[..32].copy_from_slice(key.expose_secret());
    raw[32..].copy_from_slice(&checksum(key.expose_secret()));
    let text = Zeroizing::new(BASE32_NOPAD.encode(&raw[..]));
    let groups: Vec<&str> = text
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
        .collect();
    Zeroizing::new(groups.join("-"))
}

/// Parses user-typed text: case, spaces and dashes do not matter, and the
/// digits 0, 1 and 8 are read as the letters O, I and B they resemble.
pub fn decode(text: &str) -> Result<SecretKey, RecoveryKeyError> {
    let cleaned: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                other => other,
            })
            .collect(),
    );
    if cleaned.len() != 56 {
        return Err(RecoveryKeyError::Malformed);
    }
    let raw = Zeroizing::new(
        BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| RecoveryKeyError::Malformed)?,
    );
    let key: [u8; 32] = raw[..32]
        .try_into()
        .map_err(|_| RecoveryKeyError::Malformed)?;
    let key = SecretKey::from_bytes(key);
    if raw[32..] != checksum(key.expose_secret()) {
        return Err(RecoveryKeyError::Checksum);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_sloppy_typing() {
        let key = SecretKey::random();
        let text = encode(&key);
        assert_eq!(text.len(), 56 + 13);
        let sloppy = text.to_lowercase().replace('-', " ").replace('o', "0");
        assert_eq!(
            decode(&sloppy).unwrap().expose_secret(),
            key.expose_secret()
        );
    }

    #[test]
    fn one_wrong_letter_is_a_typo() {
        let text = encode(&SecretKey::from_bytes([9; 32]));
        let mut chars: Vec<char> = text.chars().collect();
        chars[0] = if chars[0] == 'A' { 'C' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(decode(&typo).err(), Some(RecoveryKeyError::Checksum));
        assert_eq!(decode("ABCD-EFGH").err(), Some(RecoveryKeyError::Malformed));
    }
}
