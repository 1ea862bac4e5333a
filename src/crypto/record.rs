//! XChaCha20-Poly1305 sealing of log records and small values.
//!
//! Every seal draws a fresh random 192-bit nonce; at that size random nonces
//! do not collide in practice, so no counter state has to survive a crash.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::secret::SecretKey;

/// Bytes of nonce stored with each sealed value.
pub const NONCE_LEN: usize = 24;
/// Bytes of Poly1305 tag appended to each ciphertext.
pub const TAG_LEN: usize = 16;
/// Version of the record plaintext format bound into the AAD.
pub const RECORD_VERSION: u16 = 1;

/// Authentication failed: wrong key, wrong AAD or altered bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("authentication failed")]
pub struct OpenError;

/// AAD of log row `seq`: `"idv1/rec" || u16 version || u64 seq || head(seq-1)`.
///
/// Binding the previous head makes a row valid only at its own position in its
/// own vault (the genesis head contains the vault id).
pub fn record_aad(version: u16, seq: u64, prev_head: &[u8; 32]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(8 + 2 + 8 + 32);
    aad.extend_from_slice(b"idv1/rec");
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.extend_from_slice(prev_head);
    aad
}

/// AAD of log row `seq` written in key epoch `epoch`: epoch 0 keeps the v1
/// form ([`record_aad`]), so every record written before key epochs existed
/// opens as it always did; later epochs use
/// `"idv2/rec" || u32 epoch || u64 seq || head(seq-1)`.
pub fn record_aad_in(epoch: u32, seq: u64, prev_head: &[u8; 32]) -> Vec<u8> {
    if epoch == 0 {
        return record_aad(RECORD_VERSION, seq, prev_head);
    }
    let mut aad = Vec::with_capacity(8 + 4 + 8 + 32);
    aad.extend_from_slice(b"idv2/rec");
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.extend_from_slice(prev_head);
    aad
}

/// Seals `plaintext` under `key` with a fresh random nonce.
pub fn seal(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> ([u8; NONCE_LEN], Vec<u8>) {
    let nonce = super::random::bytes::<NONCE_LEN>();
    (nonce, seal_with_nonce(key, &nonce, aad, plaintext))
}

/// Seals with a caller-chosen nonce. Only for known-answer tests and for
/// callers that derive a unique nonce themselves: a nonce must never repeat
/// under one key.
pub(crate) fn seal_with_nonce(
    key: &SecretKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.expose_secret().into());
    let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
    buf.extend_from_slice(plaintext);
    cipher
        .encrypt_in_place(&XNonce::from(*nonce), aad, &mut buf)
        .expect("plaintext length is far below the XChaCha20 limit");
    buf
}

/// Opens a sealed value; the plaintext is wiped when the caller drops it.
pub fn open(
    key: &SecretKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let cipher = XChaCha20Poly1305::new(key.expose_secret().into());
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_in_place(&XNonce::from(*nonce), aad, &mut *buf)
        .map_err(|_| OpenError)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn xchacha20poly1305_draft_test_vector() {
        // draft-irtf-cfrg-xchacha-03, section A.3.1.
        let key: [u8; 32] =
            hex::decode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
                .unwrap()
                .try_into()
                .unwrap();
        let nonce: [u8; 24] = hex::decode("404142434445464748494a4b4c4d4e4f5051525354555657")
            .unwrap()
            .try_into()
            .unwrap();
        let aad = hex::decode("50515253c0c1c2c3c4c5c6c7").unwrap();
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let sealed = seal_with_nonce(&SecretKey::from_bytes(key), &nonce, &aad, plaintext);
        let (ct, tag) = sealed.split_at(plaintext.len());
        assert_eq!(
            hex::encode(ct),
            concat!(
                "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
                "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452",
                "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9",
                "21f9664c97637da9768812f615c68b13b52e"
            )
        );
        assert_eq!(hex::encode(tag), "c0875924c1c7987947deafd8780acf49");
        let opened = open(&SecretKey::from_bytes(key), &nonce, &aad, &sealed).unwrap();
        assert_eq!(&opened[..], &plaintext[..]);
    }

    #[test]
    fn record_aad_bytes_are_pinned() {
        let aad = record_aad(1, 0x0102, &[0xEE; 32]);
        assert_eq!(
            hex::encode(aad),
            concat!(
                "696476312f726563",
                "0001",
                "0000000000000102",
                "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
            )
        );
    }

    #[test]
    fn epoch_record_aad_bytes_are_pinned() {
        assert_eq!(
            record_aad_in(0, 0x0102, &[0xEE; 32]),
            record_aad(1, 0x0102, &[0xEE; 32])
        );
        assert_eq!(
            hex::encode(record_aad_in(2, 0x0102, &[0xEE; 32])),
            concat!(
                "696476322f726563",
                "00000002",
                "0000000000000102",
                "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
            )
        );
    }

    proptest! {
        #[test]
        fn seal_open_round_trip(data in proptest::collection::vec(any::<u8>(), 0..2048), seq in any::<u64>()) {
            let key = SecretKey::random();
            let aad = record_aad(RECORD_VERSION, seq, &[1; 32]);
            let (nonce, ct) = seal(&key, &aad, &data);
            prop_assert_eq!(&open(&key, &nonce, &aad, &ct).unwrap()[..], &data[..]);
        }

        #[test]
        fn any_flipped_bit_is_rejected(data in proptest::collection::vec(any::<u8>(), 1..256), bit in any::<usize>()) {
            let key = SecretKey::random();
            let (nonce, mut ct) = seal(&key, b"aad", &data);
            let bit = bit % (ct.len() * 8);
            ct[bit / 8] ^= 1 << (bit % 8);
            prop_assert_eq!(open(&key, &nonce, b"aad", &ct), Err(OpenError));
        }
    }

    #[test]
    fn wrong_position_is_rejected() {
        let key = SecretKey::random();
        let (nonce, ct) = seal(&key, &record_aad(1, 5, &[0; 32]), b"entry");
        assert!(open(&key, &nonce, &record_aad(1, 6, &[0; 32]), &ct).is_err());
        assert!(open(&key, &nonce, &record_aad(1, 5, &[1; 32]), &ct).is_err());
    }
}
