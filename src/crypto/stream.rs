//! The attachment file format (`att/<id>.ida`, DESIGN section 3.4).
//!
//! ```text
//! header (64 bytes, the AAD of every chunk):
//!   "IDVATT\0" | u8 version = 1 | u8 algorithm = 1 | u32 BE chunk size = 65536
//!   | attachment id (16) | nonce prefix (19) | 16 zero bytes (reserved)
//! then chunks: XChaCha20-Poly1305 of up to 65536 plaintext bytes + 16-byte tag,
//!   nonce = prefix(19) | u32 BE chunk counter | u8 last-chunk flag (STREAM BE32)
//! ```
//! Every chunk but the last holds exactly 65536 bytes; the last holds 0 to
//! 65536 (an empty file is one empty last chunk). Because the counter and the
//! last flag are in each nonce and the header in each AAD, a file that is cut
//! short, extended, has chunks swapped, or belongs to another attachment
//! fails to open. The key is random per attachment and must never encrypt a
//! second file. The SHA-256 of the plaintext is computed in the same pass (on
//! a second thread), and memory stays at a few chunks whatever the file size.

use std::io::{self, Read, Write};

use aead_stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::XChaCha20Poly1305;
use zeroize::Zeroizing;

use super::secret::SecretKey;

/// Bytes of plaintext per chunk.
pub const CHUNK_LEN: usize = 64 * 1024;
/// Bytes of the file header.
pub const HEADER_LEN: usize = 64;
const TAG_LEN: usize = 16;
const MAGIC: &[u8; 7] = b"IDVATT\0";
const VERSION: u8 = 1;
const ALGORITHM: u8 = 1;

/// What a sealed or opened attachment was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest256 {
    /// Plaintext length in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
}

/// Why an attachment file could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading the source or writing the destination failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Not an attachment file, or a version this program does not know.
    #[error("the attachment header is damaged or altered")]
    BadHeader,
    /// The header names another attachment: files were swapped.
    #[error("the file belongs to another attachment")]
    WrongAttachment,
    /// A chunk failed authentication: altered, reordered, cut short or extended.
    #[error("chunk {0} is altered, out of place, or the file was cut or extended")]
    Chunk(u64),
    /// More than 2^32 chunks (256 TiB): cannot be represented.
    #[error("the file is too large")]
    TooLarge,
}

fn header(id: &[u8; 16], prefix: &[u8; 19]) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..7].copy_from_slice(MAGIC);
    h[7] = VERSION;
    h[8] = ALGORITHM;
    h[9..13].copy_from_slice(&(CHUNK_LEN as u32).to_be_bytes());
    h[13..29].copy_from_slice(id);
    h[29..48].copy_from_slice(prefix);
    h
}

/// Runs `work` with a function that feeds bytes to a SHA-256 computed on a
/// second thread, so hashing overlaps encryption (SHA-256 alone was half the
/// time of an import on a CPU without SHA instructions). At most four chunks
/// wait in the queue, so memory stays bounded; each copy is wiped once hashed.
fn with_background_hash(
    work: impl FnOnce(&mut dyn FnMut(&[u8])) -> Result<u64, StreamError>,
) -> Result<Digest256, StreamError> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Zeroizing<Vec<u8>>>(4);
        let hasher = scope.spawn(move || {
            let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
            for chunk in rx {
                hasher.update(&chunk[..]);
            }
            let digest = hasher.finish();
            <[u8; 32]>::try_from(digest.as_ref()).expect("SHA-256 is 32 bytes")
        });
        let mut feed = |bytes: &[u8]| {
            // A send fails only if the hashing thread died; its join reports that.
            let _ = tx.send(Zeroizing::new(bytes.to_vec()));
        };
        let size = work(&mut feed);
        drop(tx);
        let sha256 = hasher
            .join()
            .map_err(|_| StreamError::Io(io::Error::other("the hashing thread failed")))?;
        Ok(Digest256 {
            size: size?,
            sha256,
        })
    })
}

/// Reads until `buf` holds `want` bytes or the input ends.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
    buf.clear();
    let mut taken = input.take(want as u64);
    taken.read_to_end(buf)?;
    Ok(())
}

/// Encrypts `input` into `output` as attachment `id` under `key`.
pub fn seal(
    key: &SecretKey,
    id: &[u8; 16],
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<Digest256, StreamError> {
    seal_with_prefix(key, id, &super::random::bytes(), input, output)
}

/// [`seal`] with a chosen nonce prefix, for known-answer tests only.
pub(crate) fn seal_with_prefix(
    key: &SecretKey,
    id: &[u8; 16],
    prefix: &[u8; 19],
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<Digest256, StreamError> {
    let header = header(id, prefix);
    output.write_all(&header)?;
    let mut encryptor =
        EncryptorBE32::<XChaCha20Poly1305>::new(key.expose_secret().into(), prefix.into());
    with_background_hash(|hasher| {
        let mut size = 0u64;
        let mut chunks = 0u64;
        let mut current = Zeroizing::new(Vec::with_capacity(CHUNK_LEN + TAG_LEN));
        let mut next = Zeroizing::new(Vec::with_capacity(CHUNK_LEN + TAG_LEN));
        fill(input, &mut current, CHUNK_LEN)?;
        loop {
            // Look ahead one chunk: the last chunk must be flagged as last.
            if current.len() == CHUNK_LEN {
                fill(input, &mut next, CHUNK_LEN)?;
            } else {
                next.clear();
            }
            hasher(&current[..]);
            size += current.len() as u64;
            chunks += 1;
            if next.is_empty() {
                encryptor
                    .encrypt_last_in_place(&header, &mut *current)
                    .map_err(|_| StreamError::TooLarge)?;
                output.write_all(&current)?;
                break;
            }
            if chunks >= u64::from(u32::MAX) {
                return Err(StreamError::TooLarge);
            }
            encryptor
                .encrypt_next_in_place(&header, &mut *current)
                .map_err(|_| StreamError::TooLarge)?;
            output.write_all(&current)?;
            std::mem::swap(&mut current, &mut next);
        }
        output.flush()?;
        Ok(size)
    })
}

/// Decrypts attachment `id` from `input`, writing the original bytes to
/// `output` as it goes. On error, what was written so far must be discarded
/// by the caller.
pub fn open(
    key: &SecretKey,
    id: &[u8; 16],
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<Digest256, StreamError> {
    let mut head = [0u8; HEADER_LEN];
    input.read_exact(&mut head).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => StreamError::BadHeader,
        _ => StreamError::Io(e),
    })?;
    if &head[0..7] != MAGIC
        || head[7] != VERSION
        || head[8] != ALGORITHM
        || head[9..13] != (CHUNK_LEN as u32).to_be_bytes()
        || head[48..].iter().any(|&b| b != 0)
    {
        return Err(StreamError::BadHeader);
    }
    if head[13..29] != id[..] {
        return Err(StreamError::WrongAttachment);
    }
    let prefix: [u8; 19] = head[29..48].try_into().expect("19 bytes");
    let mut decryptor =
        DecryptorBE32::<XChaCha20Poly1305>::new(key.expose_secret().into(), (&prefix).into());
    with_background_hash(|hasher| {
        let mut size = 0u64;
        let mut index = 0u64;
        let mut current = Zeroizing::new(Vec::with_capacity(CHUNK_LEN + TAG_LEN));
        let mut next = Zeroizing::new(Vec::with_capacity(CHUNK_LEN + TAG_LEN));
        fill(input, &mut current, CHUNK_LEN + TAG_LEN)?;
        loop {
            if current.len() == CHUNK_LEN + TAG_LEN {
                fill(input, &mut next, CHUNK_LEN + TAG_LEN)?;
            } else {
                next.clear();
            }
            if next.is_empty() {
                decryptor
                    .decrypt_last_in_place(&head, &mut *current)
                    .map_err(|_| StreamError::Chunk(index))?;
                hasher(&current[..]);
                size += current.len() as u64;
                output.write_all(&current)?;
                break;
            }
            decryptor
                .decrypt_next_in_place(&head, &mut *current)
                .map_err(|_| StreamError::Chunk(index))?;
            hasher(&current[..]);
            size += current.len() as u64;
            output.write_all(&current)?;
            std::mem::swap(&mut current, &mut next);
            index += 1;
        }
        output.flush()?;
        Ok(size)
    })
}

#[cfg(test)]
mod tests {
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
}
