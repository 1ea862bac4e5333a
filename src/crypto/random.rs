//! Random bytes from the operating system.

/// Returns `N` bytes from the operating system's CSPRNG.
///
/// # Panics
/// When the OS generator is unavailable. Nothing in this crate can be done
/// safely without randomness (nonces, keys, blinding), so continuing would be
/// worse than stopping; on supported platforms this does not happen.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// Fills `buf` from the operating system's CSPRNG. Panics as [`bytes`] does.
pub fn fill(buf: &mut [u8]) {
    getrandom::getrandom(buf).expect("the operating system's random generator failed");
}
