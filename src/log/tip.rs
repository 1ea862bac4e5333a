//! The sealed tip: where the log ends, and which key header it ends with,
//! sealed under the current vault key.
//!
//! ```text
//! plaintext = u64 seq || head(seq) || checksum of the key header   (72 bytes)
//! AAD       = "idv2/tip" || vault_id || u32 epoch
//! ```
//! A tip written before key epochs (`"idv1/tip" || vault_id`, 40 bytes,
//! no header) is still read in epoch 0, and replaced at the first unlock.
//! Holding the header checksum makes the tip the header's keyed MAC: a salt,
//! cost or slot changed by anyone without the current key is refused after
//! unlock. Every change of the diary's own secrets appends a record, so a
//! tip kept from before a change never names the current end of the log.

use super::SealedLog;
use crate::crypto::chain::Hash;
use crate::crypto::record;
use crate::error::{Error, Result};
use crate::store::Sealed;

/// Which key header the sealed tip vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TipSeal {
    /// A tip written before the tip held the header (epoch 0 only).
    Legacy,
    /// The checksum of the header the tip was sealed with.
    Header(Hash),
}

const LEN: usize = 8 + 32 + 32;
const LEGACY_LEN: usize = 8 + 32;

fn altered() -> Error {
    Error::Damaged("the sealed end of the log was altered".into())
}

impl SealedLog {
    fn tip_aad(&self, epoch: u32) -> Vec<u8> {
        [&b"idv2/tip"[..], &self.vault_id, &epoch.to_be_bytes()].concat()
    }

    /// Seals `(seq, head, header)` under the newest key: the authenticated
    /// end of the log and the key header it ends with.
    pub fn seal_tip(&self, seq: u64, head: &Hash, header: &Hash) -> Sealed {
        let mut plain = Vec::with_capacity(LEN);
        plain.extend_from_slice(&seq.to_be_bytes());
        plain.extend_from_slice(head);
        plain.extend_from_slice(header);
        let key = self.rec_keys.last().expect("never empty");
        let (nonce, ct) = record::seal(key, &self.tip_aad(self.key_epoch()), &plain);
        Sealed { nonce, ct }
    }

    /// After every row was read: the sealed tip must be sealed under the
    /// current key and name the same end. Returns the header it vouches for.
    pub fn check_tip(&self, sealed: &Sealed) -> Result<TipSeal> {
        let epoch = self.key_epoch();
        if self.walk.epoch() != epoch {
            return Err(Error::Damaged(
                "the key header names another key than the one the log was last written with"
                    .into(),
            ));
        }
        let key = self.rec_keys.last().expect("never empty");
        let opened = record::open(key, &sealed.nonce, &self.tip_aad(epoch), &sealed.ct);
        let (plain, seal) = match opened {
            Ok(plain) if plain.len() == LEN => {
                let header = plain[40..].try_into().expect("32 bytes");
                (plain, TipSeal::Header(header))
            }
            Ok(_) => return Err(altered()),
            Err(_) if epoch == 0 => {
                let aad = [&b"idv1/tip"[..], &self.vault_id].concat();
                let plain =
                    record::open(key, &sealed.nonce, &aad, &sealed.ct).map_err(|_| altered())?;
                if plain.len() != LEGACY_LEN {
                    return Err(altered());
                }
                (plain, TipSeal::Legacy)
            }
            Err(_) => return Err(altered()),
        };
        let tip_seq = u64::from_be_bytes(plain[..8].try_into().expect("8 bytes"));
        let seq = self.seq();
        if tip_seq > seq {
            return Err(Error::tampered(
                seq + 1,
                "entry missing from the end of the log",
            ));
        }
        if tip_seq < seq {
            return Err(Error::tampered(
                tip_seq + 1,
                "entry added after the sealed end of the log",
            ));
        }
        if plain[8..40] != self.head() {
            return Err(Error::tampered(
                seq.max(1),
                "the log does not end where it was sealed",
            ));
        }
        Ok(seal)
    }
}
