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

/// The same stream made by the reference implementation (RustCrypto's
/// STREAM over XChaCha20-Poly1305, which this module used until issue 16).
fn reference_sealed(key: &SecretKey, id: &[u8; 16], prefix: &[u8; 19], plain: &[u8]) -> Vec<u8> {
    use aead_stream::EncryptorBE32;
    use chacha20poly1305::XChaCha20Poly1305;
    let mut out = header(id, prefix).to_vec();
    let mut enc =
        EncryptorBE32::<XChaCha20Poly1305>::new(key.expose_secret().into(), prefix.into());
    let aad = out.clone();
    let chunks: Vec<&[u8]> = if plain.is_empty() {
        vec![&[][..]]
    } else {
        plain.chunks(CHUNK_LEN).collect()
    };
    let (last, rest) = chunks.split_last().unwrap();
    for chunk in rest {
        let mut sealed = chunk.to_vec();
        enc.encrypt_next_in_place(&aad, &mut sealed).unwrap();
        out.extend(sealed);
    }
    let mut sealed = last.to_vec();
    enc.encrypt_last_in_place(&aad, &mut sealed).unwrap();
    out.extend(sealed);
    out
}

/// Sizes around the chunk and the 16-chunk batch of the pipeline: the
/// inline path (one batch), a batch held back until the input's end is
/// known, and the threaded path.
fn boundary_lengths() -> Vec<usize> {
    let batch = 16 * CHUNK_LEN;
    vec![
        0,
        1,
        CHUNK_LEN,
        batch - 1,
        batch,
        batch + 1,
        2 * batch,
        2 * batch + CHUNK_LEN,
        5 * batch + 3 * CHUNK_LEN + 11,
    ]
}

#[test]
fn same_bytes_as_the_reference_stream_both_ways() {
    let key = SecretKey::random();
    let prefix = [0x5a; 19];
    for len in boundary_lengths() {
        let plain = data(len);
        let mut ours = Vec::new();
        let digest = seal_with_prefix(&key, &ID, &prefix, &mut &plain[..], &mut ours).unwrap();
        let theirs = reference_sealed(&key, &ID, &prefix, &plain);
        assert!(ours == theirs, "sealed bytes differ for {len}");
        assert_eq!(digest.size, len as u64);
        assert_eq!(
            digest.sha256,
            <[u8; 32]>::from(sha2::Sha256::digest(&plain))
        );
        let mut back = Vec::new();
        assert_eq!(
            open(&key, &ID, &mut &theirs[..], &mut back).unwrap(),
            digest
        );
        assert!(back == plain, "opened bytes differ for {len}");
    }
}

/// A reader that hands out at most `step` bytes per call, then fails after
/// `fail_after` bytes if set.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
    fail_after: Option<usize>,
    given: usize,
}

impl<'a> Trickle<'a> {
    fn new(data: &'a [u8], step: usize, fail_after: Option<usize>) -> Trickle<'a> {
        Trickle {
            data,
            step,
            fail_after,
            given: 0,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail_after.is_some_and(|f| self.given >= f) {
            return Err(io::Error::other("the stick was pulled out"));
        }
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.given += n;
        Ok(n)
    }
}

#[test]
fn short_reads_make_the_same_file() {
    let key = SecretKey::random();
    let prefix = [3; 19];
    let plain = data(2 * 16 * CHUNK_LEN + 777);
    let mut whole = Vec::new();
    seal_with_prefix(&key, &ID, &prefix, &mut &plain[..], &mut whole).unwrap();
    for step in [1000, 4093, CHUNK_LEN + 1] {
        let mut input = Trickle::new(&plain, step, None);
        let mut out = Vec::new();
        seal_with_prefix(&key, &ID, &prefix, &mut input, &mut out).unwrap();
        assert!(
            out == whole,
            "sealed differently when read {step} at a time"
        );
        let mut sealed_input = Trickle::new(&whole, step, None);
        let mut back = Vec::new();
        open(&key, &ID, &mut sealed_input, &mut back).unwrap();
        assert!(back == plain);
    }
}

/// A writer that fails once `limit` bytes were written (a full disk).
struct Full {
    written: usize,
    limit: usize,
}

impl Write for Full {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() > self.limit {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        self.written += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_reader_or_writer_mid_stream_is_an_error_not_a_hang() {
    let key = SecretKey::random();
    let plain = data(6 * 16 * CHUNK_LEN);
    let mut input = Trickle::new(&plain, usize::MAX, Some(3 * 16 * CHUNK_LEN));
    let failed = seal(&key, &ID, &mut input, &mut Vec::new());
    assert!(matches!(failed, Err(StreamError::Io(_))), "{failed:?}");
    let mut full = Full {
        written: 0,
        limit: 2 * 16 * CHUNK_LEN,
    };
    let failed = seal(&key, &ID, &mut &plain[..], &mut full);
    assert!(
        matches!(failed, Err(StreamError::Io(ref e)) if e.kind() == io::ErrorKind::StorageFull)
    );
    let file = sealed(&key, &plain);
    let mut full = Full {
        written: 0,
        limit: 3 * 16 * CHUNK_LEN + 5,
    };
    let failed = open(&key, &ID, &mut &file[..], &mut full);
    assert!(
        matches!(failed, Err(StreamError::Io(ref e)) if e.kind() == io::ErrorKind::StorageFull)
    );
}

#[test]
fn damage_in_a_later_batch_is_found_and_never_written_out() {
    let key = SecretKey::random();
    let batch = 16;
    let plain = data(3 * batch * CHUNK_LEN + 9);
    let file = sealed(&key, &plain);
    let slot = CHUNK_LEN + TAG_LEN;
    // A flipped byte in chunk 37 (the third batch).
    let mut bad = file.clone();
    bad[HEADER_LEN + 37 * slot + 100] ^= 0x80;
    let mut out = Vec::new();
    let failed = open(&key, &ID, &mut &bad[..], &mut out);
    assert!(matches!(failed, Err(StreamError::Chunk(37))), "{failed:?}");
    assert!(out.len() <= 32 * CHUNK_LEN, "nothing of the damaged batch");
    assert_eq!(out[..], plain[..out.len()]);
    // Cut exactly at a batch boundary: the new last chunk was not sealed as last.
    let cut = &file[..HEADER_LEN + 2 * batch * slot];
    assert!(matches!(opened(&key, cut), Err(StreamError::Chunk(31))));
    // Chunks swapped across batches.
    let mut swapped = file.clone();
    let (a, b) = (HEADER_LEN + 15 * slot, HEADER_LEN + 16 * slot);
    let first = swapped[a..b].to_vec();
    let second = swapped[b..b + slot].to_vec();
    swapped[a..b].copy_from_slice(&second);
    swapped[b..b + slot].copy_from_slice(&first);
    assert!(matches!(
        opened(&key, &swapped),
        Err(StreamError::Chunk(15))
    ));
    // Stray bytes after the last chunk.
    let mut extended = file.clone();
    extended.extend_from_slice(&[0; 5]);
    assert!(matches!(
        opened(&key, &extended),
        Err(StreamError::Chunk(_))
    ));
}
