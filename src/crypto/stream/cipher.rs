//! The chunk cipher of attachment files: XChaCha20-Poly1305 with the
//! STREAM nonce (prefix | u32 BE counter | last flag), computed as an
//! HChaCha20 subkey and ring's IETF ChaCha20-Poly1305.
//!
//! XChaCha20-Poly1305 of a 24-byte nonce is, by definition
//! (draft-irtf-cfrg-xchacha section 2.3), ChaCha20-Poly1305 under the key
//! HChaCha20(key, nonce[0..16]) with the 12-byte nonce 0000 | nonce[16..24].
//! In a STREAM every nonce shares its first 16 bytes (they are the first 16
//! of the prefix), so the subkey is derived once per file instead of once
//! per chunk, and the chunks can go through ring's assembly (AVX2/AVX-512 on
//! x86_64, NEON on phones): 2-3 times faster than the portable code here
//! (BENCHMARKS.md, "Attachments"). The bytes on disk are unchanged, which
//! the known-answer test and the v1 fixtures prove.

use std::hint::black_box;
use std::sync::atomic::{Ordering, compiler_fence};

use chacha20::hchacha;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, Tag, UnboundKey};
use zeroize::Zeroize;

use super::HEADER_LEN;
use crate::crypto::secret::SecretKey;

/// Bytes of the Poly1305 tag after each chunk.
pub(super) const TAG_LEN: usize = 16;

/// Seals and opens the chunks of one attachment file.
pub(super) struct ChunkCipher {
    /// Boxed so that [`Drop`] overwrites the one place ring keeps the subkey
    /// (ring never wipes its keys; this crate forbids the `unsafe` that
    /// would reach inside, so the key is replaced in place instead).
    key: Box<LessSafeKey>,
    /// The last 3 bytes of the nonce prefix: the start of every IETF nonce.
    tail: [u8; 3],
    /// The file header, authenticated with every chunk.
    header: [u8; HEADER_LEN],
}

/// A chunk failed authentication.
#[derive(Debug)]
pub(super) struct Forged;

impl ChunkCipher {
    /// The cipher of the file whose key is `key` and whose header (which
    /// holds the nonce prefix at bytes 29..48) is `header`.
    pub(super) fn new(key: &SecretKey, header: &[u8; HEADER_LEN]) -> ChunkCipher {
        let prefix = &header[29..48];
        let input: [u8; 16] = prefix[..16].try_into().expect("16 bytes");
        let mut subkey = hchacha::<chacha20::R20>(key.expose_secret().into(), &input.into());
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &subkey[..]);
        subkey[..].zeroize();
        let unbound = unbound.expect("a 32-byte ChaCha20 key");
        ChunkCipher {
            key: Box::new(LessSafeKey::new(unbound)),
            tail: prefix[16..19].try_into().expect("3 bytes"),
            header: *header,
        }
    }

    fn nonce(&self, counter: u32, last: bool) -> Nonce {
        let mut n = [0u8; 12];
        n[4..7].copy_from_slice(&self.tail);
        n[7..11].copy_from_slice(&counter.to_be_bytes());
        n[11] = u8::from(last);
        Nonce::assume_unique_for_key(n)
    }

    /// Encrypts `chunk` in place; returns its tag.
    pub(super) fn seal(&self, counter: u32, last: bool, chunk: &mut [u8]) -> [u8; TAG_LEN] {
        let tag = self
            .key
            .seal_in_place_separate_tag(self.nonce(counter, last), Aad::from(&self.header), chunk)
            .expect("a chunk of at most 64 KiB is within ChaCha20's limit");
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// Decrypts `chunk` in place if `tag` authenticates it. On failure the
    /// chunk's bytes are meaningless and must not be used.
    pub(super) fn open(
        &self,
        counter: u32,
        last: bool,
        chunk: &mut [u8],
        tag: [u8; TAG_LEN],
    ) -> Result<(), Forged> {
        self.key
            .open_in_place_separate_tag(
                self.nonce(counter, last),
                Aad::from(&self.header),
                Tag::from(tag),
                chunk,
                0..,
            )
            .map(|_| ())
            .map_err(|_| Forged)
    }
}

impl Drop for ChunkCipher {
    fn drop(&mut self) {
        // Overwrites the subkey ring holds (its key is the 32 bytes as eight
        // words, nothing derived) with the all-zero key, in the same heap
        // slot. `black_box` and the fence keep the store from being elided
        // before the free: the most safe code can do (no volatile write), and
        // in practice enough, though neither is a formal guarantee. Copies the
        // ChaCha code leaves on thread stacks are beyond reach, as they were
        // with the portable cipher.
        let zero = UnboundKey::new(&CHACHA20_POLY1305, &[0u8; 32]).expect("a 32-byte key");
        *self.key = LessSafeKey::new(zero);
        black_box(&*self.key);
        compiler_fence(Ordering::SeqCst);
    }
}
