//! Argon2id (RFC 9106, version 0x13): passphrase to key-encryption material.
//!
//! The parameters and salt are stored per vault in a fixed 36-byte header:
//! `"A2id" || u32 version || u32 m_kib || u32 t || u32 p || salt[16]`, all
//! big-endian. That header is authenticated as part of every passphrase key
//! slot's AAD, so it cannot be changed without the slots failing to open.

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use zeroize::Zeroizing;

use super::secret::{Passphrase, SecretKey};

/// Length in bytes of the serialised KDF header.
pub const HEADER_LEN: usize = 36;
const MAGIC: &[u8; 4] = b"A2id";
const ARGON2_VERSION: u32 = 0x13;

/// Lowest memory cost accepted on read or write (OWASP's Argon2id minimum).
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;
/// Lowest iteration count accepted.
pub const MIN_ITERATIONS: u32 = 2;
/// Memory cost used by default and as the calibration starting point.
pub const DEFAULT_MEMORY_KIB: u32 = 64 * 1024;
/// Iterations used by default before calibration.
pub const DEFAULT_ITERATIONS: u32 = 3;
/// Ceilings: a header asking for more is refused rather than exhausting the
/// device. Anyone who can write the vault file can raise the cost (the
/// header is read before any key is known), and every unlock attempt pays
/// it before it can fail, so the ceilings bound what that costs: at most
/// 512 MiB, 16 passes and 1 GiB-pass of work in all (about 3 s on the
/// benchmark machine, where calibration picks 64 MiB and 3 passes).
const MAX_MEMORY_KIB: u32 = 512 * 1024;
const MAX_ITERATIONS: u32 = 16;
const MAX_WORK_KIB_PASSES: u64 = 1024 * 1024;
const MAX_PARALLELISM: u32 = 8;
/// Calibration never chooses more passes than this (64 MiB x 8 passes is
/// far above the OWASP minimum); a noisy timing must not make unlock slow.
const MAX_CALIBRATED_ITERATIONS: u32 = 8;

/// Why a KDF header was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum KdfError {
    /// Wrong length, magic or Argon2 version.
    #[error("the key-derivation header is malformed")]
    Malformed,
    /// Parameters below the floor (a downgrade) or above the ceiling (a denial of service).
    #[error("the key-derivation parameters are outside the accepted range ({0})")]
    OutOfRange(&'static str),
}

/// Argon2id parameters and salt of one vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Per-vault random salt.
    pub salt: [u8; 16],
}

impl KdfParams {
    /// Parameters with a fresh random salt, checked against floor and ceiling.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, KdfError> {
        let params = KdfParams {
            memory_kib,
            iterations,
            parallelism: 1,
            salt: super::random::bytes(),
        };
        params.check_range()?;
        Ok(params)
    }

    fn check_range(&self) -> Result<(), KdfError> {
        if self.memory_kib < MIN_MEMORY_KIB {
            return Err(KdfError::OutOfRange("memory below 19 MiB"));
        }
        if self.iterations < MIN_ITERATIONS {
            return Err(KdfError::OutOfRange("fewer than 2 iterations"));
        }
        if self.memory_kib > MAX_MEMORY_KIB {
            return Err(KdfError::OutOfRange("memory above 512 MiB"));
        }
        if self.iterations > MAX_ITERATIONS {
            return Err(KdfError::OutOfRange("more than 16 iterations"));
        }
        if u64::from(self.memory_kib) * u64::from(self.iterations) > MAX_WORK_KIB_PASSES {
            return Err(KdfError::OutOfRange(
                "memory times iterations above 1 GiB (for example 64 MiB and 16 passes)",
            ));
        }
        if self.parallelism == 0 || self.parallelism > MAX_PARALLELISM {
            return Err(KdfError::OutOfRange("parallelism not in 1..=8"));
        }
        Ok(())
    }

    /// The cost a person chose: memory in MiB and passes, the defaults for
    /// what they left out.
    pub fn chosen(memory_mib: Option<u32>, iterations: Option<u32>) -> Result<Self, KdfError> {
        let memory_kib = memory_mib
            .map(|m| m.saturating_mul(1024))
            .unwrap_or(DEFAULT_MEMORY_KIB);
        KdfParams::new(memory_kib, iterations.unwrap_or(DEFAULT_ITERATIONS))
    }

    /// The lowest cost accepted (19 MiB, 2 passes): for tests and
    /// benchmarks, never for a victim's vault.
    pub fn cheapest() -> Self {
        KdfParams::new(MIN_MEMORY_KIB, MIN_ITERATIONS).expect("the floor is in range")
    }

    /// The frozen header bytes (see the module docs).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(MAGIC);
        out[4..8].copy_from_slice(&ARGON2_VERSION.to_be_bytes());
        out[8..12].copy_from_slice(&self.memory_kib.to_be_bytes());
        out[12..16].copy_from_slice(&self.iterations.to_be_bytes());
        out[16..20].copy_from_slice(&self.parallelism.to_be_bytes());
        out[20..36].copy_from_slice(&self.salt);
        out
    }

    /// Parses and range-checks a header read from disk.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KdfError> {
        if bytes.len() != HEADER_LEN || &bytes[0..4] != MAGIC {
            return Err(KdfError::Malformed);
        }
        let word = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        if word(4) != ARGON2_VERSION {
            return Err(KdfError::Malformed);
        }
        let params = KdfParams {
            memory_kib: word(8),
            iterations: word(12),
            parallelism: word(16),
            salt: bytes[20..36].try_into().expect("16 bytes"),
        };
        params.check_range()?;
        Ok(params)
    }

    /// Runs Argon2id over the passphrase: the input keying material of every
    /// passphrase key slot. One run per unlock; the slots then use HKDF.
    pub fn derive(&self, passphrase: &Passphrase) -> Result<SecretKey, KdfError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|_| KdfError::OutOfRange("rejected by Argon2"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon2id_into(
            &argon,
            passphrase.expose_secret().as_bytes(),
            &self.salt,
            &mut *out,
        )?;
        Ok(SecretKey::from_bytes(*out))
    }
}

/// Argon2 with a caller-owned working memory that is zeroized afterwards, so
/// the 64 MiB of passphrase-dependent state never lingers in freed memory.
fn argon2id_into(
    argon: &Argon2<'_>,
    pwd: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), KdfError> {
    let mut blocks = Zeroizing::new(vec![Block::new(); argon.params().block_count()]);
    argon
        .hash_password_into_with_memory(pwd, salt, out, blocks.as_mut_slice())
        .map_err(|_| KdfError::OutOfRange("rejected by Argon2"))
}

/// Chooses parameters so that one derivation takes about `target` on this
/// device: 64 MiB and as many passes as fit, or less memory and 2 passes
/// when even that is too slow. Never below the floors.
///
/// A derivation costs a fixed part (allocating and faulting in 64 MiB of
/// fresh memory, which in a fresh process is paid at every unlock) plus a
/// part per pass. Timing 2 and 4 passes separates the two; on the
/// development VM the fixed part was about 150 ms, and a one-point estimate
/// that ignored it chose 2 passes (0.35 s) where 6 were right. Each point is
/// the faster of two runs, to damp scheduling noise.
pub fn calibrate(target: Duration) -> KdfParams {
    let time = |passes: u32| -> f64 {
        let probe = KdfParams::new(DEFAULT_MEMORY_KIB, passes).expect("defaults are in range");
        (0..2)
            .map(|_| {
                let started = Instant::now();
                let _ = probe.derive(&Passphrase::new("calibration".into()));
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let (two, four) = (time(2), time(4));
    let per_pass = ((four - two) / 2.0).max(two / 8.0).max(1e-6);
    let fixed = (two - 2.0 * per_pass).max(0.0);
    let target = target.as_secs_f64();
    // Rounded down and capped: on a noisy machine an over-estimate would make
    // every unlock slow, an under-estimate only costs some attacker effort.
    let passes = ((target - fixed) / per_pass).floor();
    let (memory_kib, iterations) = if passes >= f64::from(MIN_ITERATIONS) {
        (
            DEFAULT_MEMORY_KIB,
            (passes as u32).min(MAX_CALIBRATED_ITERATIONS),
        )
    } else {
        // Memory scales both parts: shrink it until 2 passes fit.
        let memory = (f64::from(DEFAULT_MEMORY_KIB) * target / two) as u32;
        (memory.max(MIN_MEMORY_KIB), MIN_ITERATIONS)
    };
    KdfParams::new(memory_kib, iterations).expect("calibrated values are clamped into range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_bounds_the_work_an_altered_header_can_ask_for() {
        assert!(KdfParams::new(512 * 1024, 2).is_ok());
        assert!(KdfParams::new(64 * 1024, 16).is_ok());
        assert!(KdfParams::new(513 * 1024, 2).is_err());
        assert!(KdfParams::new(19 * 1024, 17).is_err());
        assert_eq!(
            KdfParams::new(256 * 1024, 8),
            Err(KdfError::OutOfRange(
                "memory times iterations above 1 GiB (for example 64 MiB and 16 passes)"
            ))
        );
    }
    use argon2::AssociatedData;

    #[test]
    fn rfc9106_argon2id_test_vector() {
        // RFC 9106 section 5.3: m=32 KiB, t=3, p=4, with secret and associated data.
        let secret = [0x03u8; 8];
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .output_len(32)
            .data(AssociatedData::new(&[0x04; 12]).unwrap())
            .build()
            .unwrap();
        let argon =
            Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params).unwrap();
        let mut out = [0u8; 32];
        argon2id_into(&argon, &[0x01; 32], &[0x02; 16], &mut out).unwrap();
        assert_eq!(
            hex::encode(out),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn header_bytes_are_pinned() {
        let params = KdfParams {
            memory_kib: 65536,
            iterations: 3,
            parallelism: 1,
            salt: [0xAA; 16],
        };
        assert_eq!(
            hex::encode(params.to_bytes()),
            concat!(
                "41326964",
                "00000013",
                "00010000",
                "00000003",
                "00000001",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            )
        );
        assert_eq!(KdfParams::from_bytes(&params.to_bytes()), Ok(params));
    }

    #[test]
    fn lowered_parameters_are_refused_on_read() {
        let mut bytes = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap().to_bytes();
        bytes[8..12].copy_from_slice(&1024u32.to_be_bytes());
        assert!(matches!(
            KdfParams::from_bytes(&bytes),
            Err(KdfError::OutOfRange(_))
        ));
        let mut bytes = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap().to_bytes();
        bytes[12..16].copy_from_slice(&1u32.to_be_bytes());
        assert!(matches!(
            KdfParams::from_bytes(&bytes),
            Err(KdfError::OutOfRange(_))
        ));
    }

    #[test]
    fn absurd_parameters_are_refused_on_read() {
        let mut bytes = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap().to_bytes();
        bytes[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(KdfParams::from_bytes(&bytes).is_err());
        assert_eq!(
            KdfParams::from_bytes(&bytes[..35]),
            Err(KdfError::Malformed)
        );
    }

    #[test]
    fn same_passphrase_and_salt_give_the_same_key() {
        let params = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap();
        let a = params
            .derive(&Passphrase::new("correct horse".into()))
            .unwrap();
        let b = params
            .derive(&Passphrase::new("correct horse".into()))
            .unwrap();
        let c = params
            .derive(&Passphrase::new("correct horsf".into()))
            .unwrap();
        assert_eq!(a.expose_secret(), b.expose_secret());
        assert_ne!(a.expose_secret(), c.expose_secret());
    }
}
