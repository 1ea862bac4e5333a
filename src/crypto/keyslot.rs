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
pub fn unused_slot() -> Slot {
    super::random::bytes()
}

/// Wraps the vault key into slot `index` for the given secret.
///
/// `ikm` is the Argon2id output for a passphrase slot, or the recovery key.
pub fn wrap(
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

/// Tries every row; returns the index that opened and the vault key, or `None`
/// when the secret opens no row (a wrong passphrase or recovery key).
pub fn unwrap(
    slots: &[Slot; SLOT_COUNT],
    kind: SlotKind,
    ikm: &SecretKey,
    ctx: &SlotContext<'_>,
) -> Option<(u8, SecretKey)> {
    slots.iter().enumerate().find_map(|(i, slot)| {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with(
        vk: &SecretKey,
        kind: SlotKind,
        ikm: &SecretKey,
        ctx: &SlotContext<'_>,
        index: u8,
    ) -> [Slot; SLOT_COUNT] {
        let mut slots = [[0u8; SLOT_LEN]; SLOT_COUNT];
        for slot in slots.iter_mut() {
            *slot = unused_slot();
        }
        slots[index as usize] = wrap(vk, kind, ikm, ctx, index);
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
        let (index, opened) = unwrap(&slots, SlotKind::Passphrase, &ikm, &ctx).unwrap();
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
        assert!(unwrap(&slots, SlotKind::Passphrase, &SecretKey::random(), &ctx).is_none());
        assert!(unwrap(&slots, SlotKind::Recovery, &ikm, &ctx).is_none());
        let other_header = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdX",
        };
        assert!(unwrap(&slots, SlotKind::Passphrase, &ikm, &other_header).is_none());
        let other_vault = SlotContext {
            vault_id: &[2; 16],
            kdf_header: b"hdr",
        };
        assert!(unwrap(&slots, SlotKind::Passphrase, &ikm, &other_vault).is_none());
    }

    #[test]
    fn a_slot_moved_to_another_row_does_not_open() {
        let vk = SecretKey::random();
        let ikm = SecretKey::random();
        let ctx = SlotContext {
            vault_id: &[1; 16],
            kdf_header: b"hdr",
        };
        let mut slots = table_with(&vk, SlotKind::Recovery, &ikm, &ctx, 0);
        slots.swap(0, 1);
        assert!(unwrap(&slots, SlotKind::Recovery, &ikm, &ctx).is_none());
    }
}
