//! Key epochs: the vault key changes, the history stays.
//!
//! A rotation (`recover`, `passwd --rotate`) makes a new vault key and
//! starts a new epoch. Every record written after it is sealed under the
//! new key, so a passphrase or recovery key someone learned before the
//! rotation opens nothing written later, while the chain and the original
//! ciphertext of every earlier record stay exactly as they were. The key of
//! each earlier epoch is kept wrapped under the key of the epoch after it:
//!
//! ```text
//! row k of `epoch_key` = nonce(24) || XChaCha20-Poly1305(HKDF(VK_{k+1}, "idv2/epoch"), VK_k)
//! AAD                  = "idv2/epoch" || vault_id || u32 k
//! ```
//! so whoever opens the current key walks back to every earlier one, and
//! nobody walks forward.

use super::record::{self, NONCE_LEN};
use super::secret::SecretKey;

/// The vault keys of every epoch, oldest first; the last is the current one.
pub struct VaultKeys(Vec<SecretKey>);

impl VaultKeys {
    /// The keys of a vault that never rotated.
    pub fn single(key: SecretKey) -> Self {
        VaultKeys(vec![key])
    }

    /// Walks back from the `current` key of epoch `wrapped.len()` through
    /// the wrapped keys of the earlier epochs (`wrapped[k]` holds epoch
    /// `k`). `None` when one does not open: the table was altered.
    pub fn unwrap(
        current: SecretKey,
        vault_id: &[u8; 16],
        wrapped: &[([u8; NONCE_LEN], Vec<u8>)],
    ) -> Option<Self> {
        let mut keys = vec![current];
        for (epoch, (nonce, ct)) in wrapped.iter().enumerate().rev() {
            let next = keys.last().expect("never empty");
            let aad = aad(vault_id, epoch as u32);
            let plain = record::open(&wrap_key(next), nonce, &aad, ct).ok()?;
            let key: [u8; 32] = plain.as_slice().try_into().ok()?;
            keys.push(SecretKey::from_bytes(key));
        }
        keys.reverse();
        Some(VaultKeys(keys))
    }

    /// The current epoch (0 before any rotation).
    pub fn epoch(&self) -> u32 {
        (self.0.len() - 1) as u32
    }

    /// The key of the current epoch.
    pub fn current(&self) -> &SecretKey {
        self.0.last().expect("never empty")
    }

    /// The key of `epoch`, if the vault has reached it.
    pub fn get(&self, epoch: u32) -> Option<&SecretKey> {
        self.0.get(epoch as usize)
    }

    /// Every key, oldest first.
    pub fn all(&self) -> &[SecretKey] {
        &self.0
    }

    /// Starts the next epoch with `key`; returns the current key wrapped
    /// under it, to store as row `epoch()` (before the push) of the table.
    pub fn push(&mut self, vault_id: &[u8; 16], key: SecretKey) -> ([u8; NONCE_LEN], Vec<u8>) {
        let epoch = self.epoch();
        let wrapped = record::seal(
            &wrap_key(&key),
            &aad(vault_id, epoch),
            self.current().expose_secret(),
        );
        self.0.push(key);
        wrapped
    }

    /// Undoes [`VaultKeys::push`] when the rotation could not be saved.
    pub fn pop(&mut self) {
        if self.0.len() > 1 {
            self.0.pop();
        }
    }
}

fn wrap_key(next: &SecretKey) -> SecretKey {
    next.derive(b"idv2/epoch")
}

fn aad(vault_id: &[u8; 16], epoch: u32) -> Vec<u8> {
    [&b"idv2/epoch"[..], vault_id, &epoch.to_be_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Wrapped = Vec<([u8; NONCE_LEN], Vec<u8>)>;

    fn rotated(times: usize) -> (VaultKeys, Wrapped, Vec<[u8; 32]>) {
        let first = SecretKey::random();
        let mut raw = vec![*first.expose_secret()];
        let mut keys = VaultKeys::single(first);
        let mut table = Vec::new();
        for _ in 0..times {
            let next = SecretKey::random();
            raw.push(*next.expose_secret());
            table.push(keys.push(&[7; 16], next));
        }
        (keys, table, raw)
    }

    #[test]
    fn the_current_key_opens_every_earlier_one() {
        let (keys, table, raw) = rotated(3);
        assert_eq!(keys.epoch(), 3);
        let current = SecretKey::from_bytes(raw[3]);
        let back = VaultKeys::unwrap(current, &[7; 16], &table).unwrap();
        let got: Vec<[u8; 32]> = back.all().iter().map(|k| *k.expose_secret()).collect();
        assert_eq!(got, raw);
    }

    #[test]
    fn an_earlier_key_opens_nothing_later() {
        let (_, table, raw) = rotated(2);
        // Epoch 1's key, presented as if it were current for the table of
        // epoch 2: the row of epoch 1 is wrapped under epoch 2's key.
        let old = SecretKey::from_bytes(raw[1]);
        assert!(VaultKeys::unwrap(old, &[7; 16], &table).is_none());
        // Its own part of the table still opens epoch 0 (that is history).
        let old = SecretKey::from_bytes(raw[1]);
        let back = VaultKeys::unwrap(old, &[7; 16], &table[..1]).unwrap();
        assert_eq!(back.get(0).unwrap().expose_secret(), &raw[0]);
    }

    #[test]
    fn a_moved_or_foreign_row_does_not_open() {
        let (_, mut table, raw) = rotated(2);
        table.swap(0, 1);
        assert!(VaultKeys::unwrap(SecretKey::from_bytes(raw[2]), &[7; 16], &table).is_none());
        let (_, table, raw) = rotated(1);
        assert!(VaultKeys::unwrap(SecretKey::from_bytes(raw[1]), &[8; 16], &table).is_none());
    }
}
