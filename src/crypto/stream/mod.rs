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
mod tests;
