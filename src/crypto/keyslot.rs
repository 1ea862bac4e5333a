//! The key-slot table: eight fixed-size rows that wrap the vault key.
//!
//! A used row is `nonce(24) || XChaCha20-Poly1305(KEK_i, VK)` (72 bytes); an
//! unused row is 72 random bytes, so nobody can tell how many slots are used or
//! which holds the recovery key.
//!
//! ```text
//! passphrase: KEK_i = HKDF(Argon2id(passphrase), "idv1/kek/pass"     || u8 i)
//! recovery:   KEK_i = HKDF(recovery key,          "idv1/kek/recovery" || u8 i)
//! AAD_i = "idv1/slot" || vault_id || u8 i || u8 kind || kdf header
//! ```
//! The recovery slot's AAD carries an empty KDF header: its KEK does not
//! depend on Argon2, so a passphrase change (new salt) must not invalidate it.

use super::record::{self, NONCE_LEN, TAG_LEN};
use super::secret::{SecretKey, hkdf_sha256};

/// Number of rows in the table.
pub const SLOT_COUNT: usize = 8;
/// Bytes in one row.
pub const SLOT_LEN: usize = NONCE_LEN + 32 + TAG_LEN;

/// One row of the table.
pub type Slot = [u8; SLOT_LEN];

/// Which secret a slot is opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// KEK from Argon2id of the passphrase.
    Passphrase,
    /// KEK from the 256-bit recovery key.
    Recovery,
}

impl SlotKind {
    fn tag(self) -> u8 {
        match self {
            SlotKind::Passphrase => 1,
            SlotKind::Recovery => 2,
        }
    }

    fn info(self) -> &'static [u8] {
        match self {
            SlotKind::Passphrase => b"idv1/kek/pass",
            SlotKind::Recovery => b"idv1/kek/recovery",
        }
    }
}

/// What a slot is bound to: the vault and, for passphrase slots, the KDF header.
pub struct SlotContext<'a> {
    /// The vault's random id.
    pub vault_id: &'a [u8; 16],
    /// Serialised KDF header (ignored for recovery slots).
    pub kdf_header: &'a [u8],
}

impl SlotContext<'_> {
    /// The frozen AAD of slot `index` (see the module docs).
    pub fn aad(&self, index: u8, kind: SlotKind) -> Vec<u8> {
        let mut aad = Vec::with_capacity(9 + 16 + 2 + self.kdf_header.len());
        aad.extend_from_slice(b"idv1/slot");
        aad.extend_from_slice(self.vault_id);
        aad.push(index);
        aad.push(kind.tag());
        if kind == SlotKind::Passphrase {
            aad.extend_from_slice(self.kdf_header);
        }
        aad
    }
}

fn kek(kind: SlotKind, ikm: &SecretKey, index: u8) -> SecretKey {
    let mut info = kind.info().to_vec();
    info.push(index);
    hkdf_sha256(ikm.expose_secret(), &info)
}

/// A row of random bytes, indistinguishable from a used row.
fn unused_slot() -> Slot {
    super::random::bytes()
}

/// Wraps the vault key into one row for the given secret.
///
/// `ikm` is the Argon2id output for a passphrase slot, or the recovery key.
fn wrap(
    vault_key: &SecretKey,
    kind: SlotKind,
    ikm: &SecretKey,
    ctx: &SlotContext<'_>,
    index: u8,
) -> Slot {
    let (nonce, ct) = record::seal(
        &kek(kind, ikm, index),
        &ctx.aad(index, kind),
        vault_key.expose_secret(),
    );
    let mut slot = [0u8; SLOT_LEN];
    slot[..NONCE_LEN].copy_from_slice(&nonce);
    slot[NONCE_LEN..].copy_from_slice(&ct);
    slot
}

/// The eight rows, and the one loop that opens them.
pub struct SlotTable([Slot; SLOT_COUNT]);

impl SlotTable {
    /// A table of unused (random) rows.
    pub fn new() -> Self {
        SlotTable(std::array::from_fn(|_| unused_slot()))
    }

    /// The rows as stored.
    pub fn from_rows(rows: [Slot; SLOT_COUNT]) -> Self {
        SlotTable(rows)
    }

    /// The rows, for storing.
    pub fn rows(&self) -> &[Slot; SLOT_COUNT] {
        &self.0
    }

    /// Tries every row; returns the index that opened and the vault key, or
    /// `None` when the secret opens no row (a wrong passphrase or recovery
    /// key). Every row is a candidate, so which rows are used never shows.
    pub fn open(
        &self,
        kind: SlotKind,
        ikm: &SecretKey,
        ctx: &SlotContext<'_>,
    ) -> Option<(u8, SecretKey)> {
        self.0.iter().enumerate().find_map(|(i, slot)| {
            let index = i as u8;
            let nonce: [u8; NONCE_LEN] = slot[..NONCE_LEN].try_into().expect("fixed size");
            let opened = record::open(
                &kek(kind, ikm, index),
                &nonce,
                &ctx.aad(index, kind),
                &slot[NONCE_LEN..],
            )
            .ok()?;
            let key: [u8; 32] = opened.as_slice().try_into().ok()?;
            Some((index, SecretKey::from_bytes(key)))
        })
    }

    /// Wraps `vault_key` for the secret `ikm` into row `index`.
    pub fn put(
        &mut self,
        index: u8,
        vault_key: &SecretKey,
        kind: SlotKind,
        ikm: &SecretKey,
        ctx: &SlotContext<'_>,
    ) {
        self.0[index as usize] = wrap(vault_key, kind, ikm, ctx, index);
    }

    /// Refills every row but `keep` with random bytes: whatever secret
    /// opened them stops working.
    pub fn keep_only(&mut self, keep: u8) {
        for (i, slot) in self.0.iter_mut().enumerate() {
            if i as u8 != keep {
                *slot = unused_slot();
            }
        }
    }

    /// A uniformly random row index other than `except`.
    pub fn random_index(except: Option<u8>) -> u8 {
        loop {
            let i = super::random::bytes::<1>()[0] % SLOT_COUNT as u8;
            if Some(i) != except {
                return i;
            }
        }
    }
}

impl Default for SlotTable {
    fn default() -> Self {
        SlotTable::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with(
        vk: &SecretKey,
        kind: SlotKind,
        ikm: &SecretKey,
        ctx: &SlotContext<'_>,
        index: u8,
    ) -> SlotTable {
        let mut slots = SlotTable::new();
        slots.put(index, vk, kind, ikm, ctx);
        slots
    }

    #[test]
    fn slot_aad_bytes_are_pinned() {
        let ctx = SlotContext {
            vault_id: &[0x0F; 16],
            kdf_header: b"KDF",
        };
        assert_eq!(
            hex::encode(ctx.aad(3, SlotKind::Passphrase)),
            concat!(
                "696476312f736c6f74",
                "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
                "03",
                "01",
                "4b4446"
            )
        );
        assert_eq!(
            hex::encode(ctx.aad(7, SlotKind::Recovery)),
            concat!(
                "696476312f736c6f74",
                "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
                "07",
                "02"
            )
        );
    }

    #[test]
    fn the_right_secret_opens_its_slot() {
        let vk = SecretKey::random();
        let ikm = SecretKey::random();
        let ctx = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdr",
        };
        let slots = table_with(&vk, SlotKind::Passphrase, &ikm, &ctx, 5);
        let (index, opened) = slots.open(SlotKind::Passphrase, &ikm, &ctx).unwrap();
        assert_eq!(index, 5);
        assert_eq!(opened.expose_secret(), vk.expose_secret());
    }

    #[test]
    fn wrong_secret_kind_or_context_opens_nothing() {
        let vk = SecretKey::random();
        let ikm = SecretKey::random();
        let ctx = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdr",
        };
        let slots = table_with(&vk, SlotKind::Passphrase, &ikm, &ctx, 2);
        assert!(
            slots
                .open(SlotKind::Passphrase, &SecretKey::random(), &ctx)
                .is_none()
        );
        assert!(slots.open(SlotKind::Recovery, &ikm, &ctx).is_none());
        let other_header = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdX",
        };
        assert!(
            slots
                .open(SlotKind::Passphrase, &ikm, &other_header)
                .is_none()
        );
        let other_vault = SlotContext {
            vault_id: &[2; 16],
            kdf_header: b"hdr",
        };
        assert!(
            slots
                .open(SlotKind::Passphrase, &ikm, &other_vault)
                .is_none()
        );
    }

    #[test]
    fn a_slot_moved_to_another_row_does_not_open() {
        let vk = SecretKey::random();
        let ikm = SecretKey::random();
        let ctx = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdr",
        };
        let slots = table_with(&vk, SlotKind::Recovery, &ikm, &ctx, 0);
        let mut rows = *slots.rows();
        rows.swap(0, 1);
        let slots = SlotTable::from_rows(rows);
        assert!(slots.open(SlotKind::Recovery, &ikm, &ctx).is_none());
    }
}
