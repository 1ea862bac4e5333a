//! Round trips and every way a stream can be cut, reordered or altered.

use super::*;
use proptest::prelude::*;
use sha2::Digest;

const ID: [u8; 16] = [7; 16];

fn sealed(key: &SecretKey, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    seal(key, &ID, &mut &data[..], &mut out).unwrap();
    out
}

fn opened(key: &SecretKey, file: &[u8]) -> Result<Vec<u8>, StreamError> {
    let mut out = Vec::new();
    open(key, &ID, &mut &file[..], &mut out)?;
    Ok(out)
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn round_trip_at_chunk_boundaries() {
    let key = SecretKey::random();
    for len in [
        0,
        1,
        CHUNK_LEN - 1,
        CHUNK_LEN,
        CHUNK_LEN + 1,
        2 * CHUNK_LEN,
        3 * CHUNK_LEN + 17,
    ] {
        let plain = data(len);
        let mut file = Vec::new();
        let digest = seal(&key, &ID, &mut &plain[..], &mut file).unwrap();
        // An exact multiple ends with a full chunk flagged last; empty is one empty chunk.
        let chunks = len.div_ceil(CHUNK_LEN).max(1);
        assert_eq!(
            file.len(),
            HEADER_LEN + len + chunks * TAG_LEN,
            "length for {len}"
        );
        assert_eq!(digest.size, len as u64);
        assert_eq!(
            digest.sha256,
            <[u8; 32]>::from(sha2::Sha256::digest(&plain))
        );
        let mut out = Vec::new();
        let back = open(&key, &ID, &mut &file[..], &mut out).unwrap();
        assert_eq!(out, plain, "round trip for {len}");
        assert_eq!(back, digest);
    }
}

/// Pins the format: header layout, nonce construction and chunking.
#[test]
fn known_answer() {
    let key = SecretKey::from_bytes([0x42; 32]);
    let mut file = Vec::new();
    seal_with_prefix(
        &key,
        &[0x11; 16],
        &[0x22; 19],
        &mut &b"exhibit"[..],
        &mut file,
    )
    .unwrap();
    assert_eq!(
        hex::encode(&file[..HEADER_LEN]),
        concat!(
            "4944564154540001",
            "01",
            "00010000",
            "11111111111111111111111111111111",
            "22222222222222222222222222222222222222",
            "00000000000000000000000000000000"
        )
    );
    assert_eq!(file.len(), HEADER_LEN + 7 + TAG_LEN);
    // The chunk is the AEAD of "exhibit" under nonce prefix | 0u32 | 1 with the header as AAD.
    let mut nonce = [0x22u8; 24];
    nonce[19..23].copy_from_slice(&0u32.to_be_bytes());
    nonce[23] = 1;
    let expected =
        crate::crypto::record::seal_with_nonce(&key, &nonce, &file[..HEADER_LEN], b"exhibit");
    assert_eq!(&file[HEADER_LEN..], &expected[..]);
}

#[test]
fn truncated_at_a_chunk_boundary_is_refused() {
    let key = SecretKey::random();
    let file = sealed(&key, &data(2 * CHUNK_LEN + 5));
    let cut = &file[..HEADER_LEN + 2 * (CHUNK_LEN + TAG_LEN)];
    assert!(matches!(opened(&key, cut), Err(StreamError::Chunk(1))));
    let cut_mid = &file[..file.len() - 3];
    assert!(matches!(opened(&key, cut_mid), Err(StreamError::Chunk(2))));
}

#[test]
fn extended_file_is_refused() {
    let key = SecretKey::random();
    let mut file = sealed(&key, &data(CHUNK_LEN));
    file.extend_from_slice(&[0u8; 40]);
    assert!(opened(&key, &file).is_err());
}

#[test]
fn swapped_chunks_are_refused() {
    let key = SecretKey::random();
    let mut file = sealed(&key, &data(3 * CHUNK_LEN));
    let (a, b) = (HEADER_LEN, HEADER_LEN + CHUNK_LEN + TAG_LEN);
    let first: Vec<u8> = file[a..b].to_vec();
    let second: Vec<u8> = file[b..b + CHUNK_LEN + TAG_LEN].to_vec();
    file[a..b].copy_from_slice(&second);
    file[b..b + CHUNK_LEN + TAG_LEN].copy_from_slice(&first);
    assert!(matches!(opened(&key, &file), Err(StreamError::Chunk(0))));
}

#[test]
fn another_attachments_file_is_refused() {
    let key = SecretKey::random();
    let mut out = Vec::new();
    seal(&key, &[9; 16], &mut &b"other"[..], &mut out).unwrap();
    assert!(matches!(
        opened(&key, &out),
        Err(StreamError::WrongAttachment)
    ));
}

#[test]
fn altered_header_is_refused() {
    let key = SecretKey::random();
    let file = sealed(&key, b"photo");
    for i in [0, 7, 8, 10, 30, 50, 63] {
        let mut bad = file.clone();
        bad[i] ^= 1;
        assert!(opened(&key, &bad).is_err(), "header byte {i}");
    }
    assert!(matches!(
        opened(&key, &file[..10]),
        Err(StreamError::BadHeader)
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_flipped_bit_is_refused(len in 0usize..(2 * CHUNK_LEN + 100), bit in any::<usize>()) {
        let key = SecretKey::random();
        let mut file = sealed(&key, &data(len));
        let bit = bit % (file.len() * 8);
        file[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(opened(&key, &file).is_err());
    }

    #[test]
    fn round_trip_any_length(len in 0usize..(3 * CHUNK_LEN)) {
        let key = SecretKey::random();
        let plain = data(len);
        prop_assert_eq!(opened(&key, &sealed(&key, &plain)).unwrap(), plain);
    }
}
