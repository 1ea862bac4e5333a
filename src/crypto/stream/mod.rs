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
//! second file. The SHA-256 of the plaintext is computed in the same pass,
//! in parallel with the cipher (`pipeline`), and memory stays at a few MiB
//! whatever the file size.

use std::io::{self, Read, Write};

use cipher::{ChunkCipher, TAG_LEN};
use pipeline::{Batch, Ends};

use super::secret::SecretKey;

/// Bytes of plaintext per chunk.
pub const CHUNK_LEN: usize = 64 * 1024;
/// Bytes of the file header.
pub const HEADER_LEN: usize = 64;
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

/// Encrypts `input` into `output` as attachment `id` under `key`. The
/// output is written from a worker thread (hence `Send`), the input read on
/// the calling one.
pub fn seal(
    key: &SecretKey,
    id: &[u8; 16],
    input: &mut impl Read,
    output: &mut (impl Write + Send),
) -> Result<Digest256, StreamError> {
    seal_with_prefix(key, id, &super::random::bytes(), input, output)
}

/// [`seal`] with a chosen nonce prefix, for known-answer tests only.
pub(crate) fn seal_with_prefix(
    key: &SecretKey,
    id: &[u8; 16],
    prefix: &[u8; 19],
    input: &mut impl Read,
    output: &mut (impl Write + Send),
) -> Result<Digest256, StreamError> {
    let header = header(id, prefix);
    output.write_all(&header)?;
    let cipher = ChunkCipher::new(key, &header);
    let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
    let mut size = 0u64;
    pipeline::run_split(
        |batch| {
            let end = batch.fill_plain(input)?;
            size += batch.bytes as u64;
            for chunk in batch.layout().plain_chunks() {
                hash.update(&batch.buf()[chunk.range]);
            }
            Ok(end)
        },
        |batch| {
            for chunk in batch.layout().plain_chunks() {
                let counter = u32::try_from(chunk.index).expect("checked by the pipeline");
                let end = chunk.range.end;
                let tag = cipher.seal(counter, chunk.last, &mut batch.buf_mut()[chunk.range]);
                batch.buf_mut()[end..end + TAG_LEN].copy_from_slice(&tag);
            }
            Ok(output.write_all(batch.sealed())?)
        },
    )?;
    output.flush()?;
    Ok(Digest256 {
        size,
        sha256: finish(hash),
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
    let cipher = ChunkCipher::new(key, &head);
    let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
    let mut ends = Opening {
        input,
        output,
        size: 0,
    };
    pipeline::run(
        &mut ends,
        |batch| {
            for chunk in batch.layout().sealed_chunks() {
                let sealed = chunk.range;
                if sealed.len() < TAG_LEN {
                    batch.forged = Some(chunk.index);
                    return;
                }
                let body = sealed.start..sealed.end - TAG_LEN;
                let tag: [u8; TAG_LEN] = batch.buf()[body.end..sealed.end]
                    .try_into()
                    .expect("16 bytes");
                let counter = u32::try_from(chunk.index).expect("checked by the pipeline");
                if cipher
                    .open(counter, chunk.last, &mut batch.buf_mut()[body], tag)
                    .is_err()
                {
                    batch.forged = Some(chunk.index);
                    return;
                }
            }
        },
        |batch| {
            if batch.forged.is_none() {
                for plain in batch.opened_slices() {
                    hash.update(plain);
                }
            }
        },
    )?;
    ends.output.flush()?;
    Ok(Digest256 {
        size: ends.size,
        sha256: finish(hash),
    })
}

fn finish(hash: ring::digest::Context) -> [u8; 32] {
    <[u8; 32]>::try_from(hash.finish().as_ref()).expect("SHA-256 is 32 bytes")
}

/// The calling thread's ends when opening: sealed bytes in, plaintext out,
/// never a byte of a chunk that failed authentication.
struct Opening<'a, R, W> {
    input: &'a mut R,
    output: &'a mut W,
    size: u64,
}

impl<R: Read, W: Write> Ends for Opening<'_, R, W> {
    fn fill(&mut self, batch: &mut Batch) -> Result<bool, StreamError> {
        Ok(batch.fill_sealed(self.input)?)
    }

    fn drain(&mut self, batch: &Batch) -> Result<(), StreamError> {
        if let Some(index) = batch.forged {
            return Err(StreamError::Chunk(index));
        }
        let slices: Vec<&[u8]> = batch.opened_slices().collect();
        pipeline::write_slices(self.output, &slices)?;
        self.size += slices.iter().map(|s| s.len() as u64).sum::<u64>();
        Ok(())
    }
}

mod cipher;
mod pipeline;

#[cfg(test)]
mod tests;
