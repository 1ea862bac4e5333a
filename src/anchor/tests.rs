//! The anchor file: sealed for one vault and key, the count authenticated.

use super::*;

fn mark(seq: u64) -> Mark {
    Mark {
        seq,
        head: [seq as u8; 32],
        recorded_at: DateTime::parse_from_rfc3339("2026-03-01T10:00:00+01:00").ok(),
        header: [9; 32],
    }
}

#[test]
fn an_anchor_opens_only_for_its_vault_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = VaultKeys::single(SecretKey::from_bytes([7; 32]));
    let anchor = Anchor::new(tmp.path(), &keys, [1; 16], tmp.path());
    assert!(anchor.read().unwrap().is_empty());
    anchor.write(&mark(5)).unwrap();
    let sealed = anchor.read().unwrap().pop().unwrap();
    assert_eq!(sealed.seq, 5);
    assert_eq!(anchor.open(&sealed), Some(mark(5)));

    let other_key = Anchor::new(
        tmp.path(),
        &VaultKeys::single(SecretKey::from_bytes([8; 32])),
        [1; 16],
        tmp.path(),
    );
    assert_eq!(other_key.open(&sealed), None);
    // After a rotation the anchor written under the key before still
    // opens, and the next one is written under the new key.
    let mut rotated = VaultKeys::single(SecretKey::from_bytes([7; 32]));
    rotated.push(&[1; 16], SecretKey::from_bytes([8; 32]));
    let after = Anchor::new(tmp.path(), &rotated, [1; 16], tmp.path());
    assert_eq!(after.open(&sealed), Some(mark(5)));
    after.write(&mark(6)).unwrap();
    let resealed = after.read().unwrap().pop().unwrap();
    assert_eq!(anchor.open(&resealed), None);
    assert_eq!(other_key.open(&resealed), Some(mark(6)));
    anchor.write(&mark(5)).unwrap();
    // The count in the clear is authenticated: raising it breaks the seal.
    let mut bytes = std::fs::read(anchor.path()).unwrap();
    bytes[15] ^= 1;
    std::fs::write(anchor.path(), &bytes).unwrap();
    let raised = anchor.read().unwrap().pop().unwrap();
    assert_eq!(raised.seq, 4);
    assert_eq!(anchor.open(&raised), None);
    // Anything that is not an anchor is reported, never taken as none.
    std::fs::write(anchor.path(), b"garbage").unwrap();
    assert!(anchor.read().is_err());
    assert_eq!(
        Anchor::remove_file(tmp.path(), &[1; 16], tmp.path()).unwrap(),
        None
    );
    assert!(anchor.read().unwrap().is_empty());
}
