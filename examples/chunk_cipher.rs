//! The per-GiB cost of each piece of an attachment import on this CPU, so
//! the choice of implementation rests on a measurement (issue 16,
//! BENCHMARKS.md "Attachments"):
//!
//! - RustCrypto's XChaCha20-Poly1305 (portable, what the files used before);
//! - ring's ChaCha20-Poly1305 (assembly), what the chunk cipher uses now;
//! - ring's and RustCrypto's SHA-256.
//!
//! The whole import and extraction, file to file beside `age`, is
//! `benches/attachments.sh`.
//!
//! `cargo run --release --example chunk_cipher -- [MIB]` (default 1024),
//! best of 3 runs each.

use std::time::{Duration, Instant};

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use sha2::Digest;

const CHUNK: usize = 64 * 1024;

fn best_of_3(mut run: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .expect("three runs")
}

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let chunks = mib * 16;
    let mut buf = vec![0x5au8; CHUNK];
    let per_gib = |d: Duration| d.as_secs_f64() * 1024.0 / mib as f64;
    let report = |what: &str, d: Duration| println!("{what:<40} {:6.3} s per GiB", per_gib(d));

    let rust_crypto = XChaCha20Poly1305::new(&[7u8; 32].into());
    report(
        "XChaCha20-Poly1305 (RustCrypto)",
        best_of_3(|| {
            for i in 0..chunks {
                let mut nonce = [0u8; 24];
                nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
                let tag = rust_crypto
                    .encrypt_inout_detached(&nonce.into(), b"header", (&mut buf[..]).into())
                    .expect("seals");
                let _ = std::hint::black_box(tag);
            }
        }),
    );

    let ring_key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &[7u8; 32]).unwrap());
    report(
        "ChaCha20-Poly1305 (ring)",
        best_of_3(|| {
            for i in 0..chunks {
                let mut nonce = [0u8; 12];
                nonce[4..].copy_from_slice(&(i as u64).to_be_bytes());
                let tag = ring_key
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(nonce),
                        Aad::from(b"header"),
                        &mut buf,
                    )
                    .expect("seals");
                let _ = std::hint::black_box(tag);
            }
        }),
    );

    report(
        "SHA-256 (ring)",
        best_of_3(|| {
            let mut h = ring::digest::Context::new(&ring::digest::SHA256);
            for _ in 0..chunks {
                h.update(&buf);
            }
            std::hint::black_box(h.finish());
        }),
    );
    report(
        "SHA-256 (RustCrypto sha2)",
        best_of_3(|| {
            let mut h = sha2::Sha256::new();
            for _ in 0..chunks {
                h.update(&buf);
            }
            std::hint::black_box(h.finalize());
        }),
    );
}
