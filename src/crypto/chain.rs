//! The unkeyed hash chain over the log (DESIGN section 3.2).
//!
//! ```text
//! leaf    = SHA-256(0x00 || "idv1/leaf" || u64 seq || SHA-256(plaintext))
//! cth     = SHA-256(nonce || ct)
//! head(0) = SHA-256("idv1/genesis" || vault_id)
//! head(n) = SHA-256(0x01 || head(n-1) || u64 seq || leaf || cth)               (key epoch 0)
//! head(n) = SHA-256(0x02 || head(n-1) || u64 seq || u32 epoch || leaf || cth)  (epoch 1 and later)
//! ```
//! A row written after the diary's key was replaced carries its key epoch
//! in the chain (vault format 2), so anyone holding the chain sees where
//! each key took over: a bundle signed with a key the diary had replaced
//! cannot pass the rows of a later key off as its own. Epochs never go
//! back and rise one at a time.
//! Anyone holding the rows can check order and completeness; anyone given a
//! disclosed record's plaintext (which carries 32 random blinding bytes, so
//! leaves of undisclosed records cannot be guessed) can check its leaf.
//!
//! [`ChainWalk`] is the one place that checks continuity: unlock and
//! `check` (with the key), restore (without it) and `diary verify` (from a
//! bundle's `data/chain.json`) all walk the chain through it.

use sha2::{Digest, Sha256};

/// A 32-byte SHA-256 value.
pub type Hash = [u8; 32];

/// The head before any row: unique per vault.
pub fn genesis(vault_id: &[u8; 16]) -> Hash {
    Sha256::new()
        .chain_update(b"idv1/genesis")
        .chain_update(vault_id)
        .finalize()
        .into()
}

/// Commitment to a record's plaintext at position `seq`.
pub fn leaf(seq: u64, plaintext: &[u8]) -> Hash {
    let digest: Hash = Sha256::digest(plaintext).into();
    Sha256::new()
        .chain_update([0x00])
        .chain_update(b"idv1/leaf")
        .chain_update(seq.to_be_bytes())
        .chain_update(digest)
        .finalize()
        .into()
}

/// Hash of the stored nonce and ciphertext, checkable without the key.
pub fn ciphertext_hash(nonce: &[u8], ct: &[u8]) -> Hash {
    Sha256::new()
        .chain_update(nonce)
        .chain_update(ct)
        .finalize()
        .into()
}

/// The head after appending row `seq` sealed in key `epoch`.
pub fn next_head_in(epoch: u32, prev: &Hash, seq: u64, leaf: &Hash, cth: &Hash) -> Hash {
    if epoch == 0 {
        return next_head(prev, seq, leaf, cth);
    }
    Sha256::new()
        .chain_update([0x02])
        .chain_update(prev)
        .chain_update(seq.to_be_bytes())
        .chain_update(epoch.to_be_bytes())
        .chain_update(leaf)
        .chain_update(cth)
        .finalize()
        .into()
}

/// The head after appending row `seq` in key epoch 0.
pub fn next_head(prev: &Hash, seq: u64, leaf: &Hash, cth: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(prev)
        .chain_update(seq.to_be_bytes())
        .chain_update(leaf)
        .chain_update(cth)
        .finalize()
        .into()
}

/// Where and how a chain stops following from its genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first position that does not follow.
    pub seq: u64,
    /// What is wrong there.
    pub kind: BreakKind,
}

/// The ways a chain can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// A position was skipped: an entry is missing.
    Missing,
    /// A position came again or went back: entries are out of order.
    OutOfOrder,
    /// The stored head is not the one the entry makes.
    HeadMismatch,
    /// The entry's key epoch goes back, or skips one.
    KeyEpoch,
}

impl BreakKind {
    /// Plain words for a report.
    pub fn describe(self) -> &'static str {
        match self {
            BreakKind::Missing => "entry missing",
            BreakKind::OutOfOrder => "entries out of order",
            BreakKind::HeadMismatch => "chain head does not match",
            BreakKind::KeyEpoch => "key epoch out of order",
        }
    }
}

/// A walk along the chain from genesis, one row at a time, in order.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    seq: u64,
    head: Hash,
    epoch: u32,
}

impl ChainWalk {
    /// Before the first row of the vault `vault_id`.
    pub fn new(vault_id: &[u8; 16]) -> Self {
        ChainWalk {
            seq: 0,
            head: genesis(vault_id),
            epoch: 0,
        }
    }

    /// Positioned after row `seq` of key `epoch` whose head is `head`
    /// (already verified).
    pub fn resume(seq: u64, head: Hash, epoch: u32) -> Self {
        ChainWalk { seq, head, epoch }
    }

    /// The key epoch of the last row walked.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Rows walked so far (the last position).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The head after the last row walked.
    pub fn head(&self) -> Hash {
        self.head
    }

    /// Whether `seq` is the next position; checked first, so a missing or
    /// moved row is named as such before anything else about it.
    pub fn expect(&self, seq: u64) -> Result<(), ChainBreak> {
        let expected = self.seq + 1;
        match seq {
            s if s == expected => Ok(()),
            s if s > expected => Err(ChainBreak {
                seq: expected,
                kind: BreakKind::Missing,
            }),
            _ => Err(ChainBreak {
                seq: expected,
                kind: BreakKind::OutOfOrder,
            }),
        }
    }

    /// Takes row `seq` of key `epoch` with its `leaf` and ciphertext hash
    /// `cth`: it must be the next position, in the same epoch as the row
    /// before or the next one, and `stored_head` the head it makes. Only
    /// then does the walk move on.
    pub fn step(
        &mut self,
        seq: u64,
        epoch: u32,
        leaf: &Hash,
        cth: &Hash,
        stored_head: &[u8],
    ) -> Result<Hash, ChainBreak> {
        self.expect(seq)?;
        if epoch != self.epoch && Some(epoch) != self.epoch.checked_add(1) {
            return Err(ChainBreak {
                seq,
                kind: BreakKind::KeyEpoch,
            });
        }
        let head = next_head_in(epoch, &self.head, seq, leaf, cth);
        if head[..] != *stored_head {
            return Err(ChainBreak {
                seq,
                kind: BreakKind::HeadMismatch,
            });
        }
        self.seq = seq;
        self.head = head;
        self.epoch = epoch;
        Ok(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gaps, repeats and a wrong head are each named at the right position.
    #[test]
    fn a_walk_names_the_first_break() {
        let id = [3; 16];
        let leaf = [1; 32];
        let cth = [2; 32];
        let h1 = next_head(&genesis(&id), 1, &leaf, &cth);
        let h2 = next_head(&h1, 2, &leaf, &cth);
        let mut walk = ChainWalk::new(&id);
        assert_eq!(walk.step(1, 0, &leaf, &cth, &h1), Ok(h1));
        let gap = walk.clone().step(3, 0, &leaf, &cth, &h2).unwrap_err();
        assert_eq!((gap.seq, gap.kind), (2, BreakKind::Missing));
        let again = walk.clone().step(1, 0, &leaf, &cth, &h1).unwrap_err();
        assert_eq!((again.seq, again.kind), (2, BreakKind::OutOfOrder));
        let wrong = walk.clone().step(2, 0, &leaf, &cth, &h1).unwrap_err();
        assert_eq!((wrong.seq, wrong.kind), (2, BreakKind::HeadMismatch));
        assert_eq!(
            (walk.seq(), walk.head()),
            (1, h1),
            "a failed step moves nothing"
        );
        walk.step(2, 0, &leaf, &cth, &h2).unwrap();
        assert_eq!((walk.seq(), walk.head()), (2, h2));
    }

    /// Pins the chain construction (values computed independently with Python's
    /// hashlib): any change here breaks every existing vault.
    #[test]
    fn chain_values_are_pinned() {
        let g = genesis(&[0x11; 16]);
        let l = leaf(1, b"{}");
        let c = ciphertext_hash(&[0x22; 24], b"ct");
        let h = next_head(&g, 1, &l, &c);
        assert_eq!(hex::encode(g), PINNED_GENESIS);
        assert_eq!(hex::encode(l), PINNED_LEAF);
        assert_eq!(hex::encode(h), PINNED_HEAD);
    }

    /// A later key epoch is part of the head; epochs rise one at a time and
    /// never go back.
    #[test]
    fn key_epochs_are_in_the_chain() {
        let id = [3; 16];
        let (leaf, cth) = ([1; 32], [2; 32]);
        let h1 = next_head_in(1, &genesis(&id), 1, &leaf, &cth);
        assert_ne!(h1, next_head(&genesis(&id), 1, &leaf, &cth));
        let mut walk = ChainWalk::new(&id);
        let skipped = walk.clone().step(1, 2, &leaf, &cth, &h1).unwrap_err();
        assert_eq!(skipped.kind, BreakKind::KeyEpoch);
        let relabelled = walk.clone().step(1, 0, &leaf, &cth, &h1).unwrap_err();
        assert_eq!(relabelled.kind, BreakKind::HeadMismatch);
        walk.step(1, 1, &leaf, &cth, &h1).unwrap();
        let h2 = next_head(&h1, 2, &leaf, &cth);
        let back = walk.clone().step(2, 0, &leaf, &cth, &h2).unwrap_err();
        assert_eq!(back.kind, BreakKind::KeyEpoch);
        assert_eq!(
            hex::encode(next_head_in(1, &[0; 32], 1, &[0; 32], &[0; 32])),
            PINNED_EPOCH_HEAD
        );
    }

    #[test]
    fn leaf_depends_on_position() {
        assert_ne!(leaf(1, b"x"), leaf(2, b"x"));
    }

    const PINNED_GENESIS: &str = "cec777801a028129074342d136f977a494186103d766f16ccccaece2067c6fd3";
    const PINNED_LEAF: &str = "a5af0f52a4ac40b67a624a754385315b8ac176a310467cc2c9550e1bb7a0a3bb";
    const PINNED_EPOCH_HEAD: &str =
        "fe651b12ff4e6ab8f4656aed42dad2f0ae8750100b804f4878ec8432f6b4f102";
    const PINNED_HEAD: &str = "c22c63ee725eb5148288e473134f950de14656c1b4c499109ef6a664d6b332af";
}
