//! Every way a log row or the header can be altered is refused with exit 4,
//! by unlocking commands and by `check`, naming the first bad entry.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::util::{Vault, incident_json};

/// A vault with five log rows.
fn vault_with_rows() -> Vault {
    let v = Vault::new();
    for i in 1..=5 {
        v.add_json(&incident_json(
            &format!("2026-03-{i:02}T10:00:00+00:00"),
            &format!("Entry {i}"),
        ));
    }
    v
}

fn db(v: &Vault) -> Connection {
    Connection::open(v.db()).unwrap()
}

#[track_caller]
fn assert_refused(v: &Vault, expect: &str) {
    for args in [&["list"][..], &["check"]] {
        let out = v.run(args).fails_with(4);
        assert!(
            out.stderr.contains(expect),
            "expected {expect:?} in: {}",
            out.stderr
        );
    }
}

fn flip(v: &Vault, seq: i64, column: &str) {
    let conn = db(v);
    let mut bytes: Vec<u8> = conn
        .query_row(
            &format!("SELECT {column} FROM log WHERE seq = ?1"),
            [seq],
            |r| r.get(0),
        )
        .unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    conn.execute(
        &format!("UPDATE log SET {column} = ?1 WHERE seq = ?2"),
        params![bytes, seq],
    )
    .unwrap();
}

#[test]
fn one_changed_bit_in_any_column_of_any_row_names_that_row() {
    for column in ["nonce", "ct", "cth", "leaf", "head"] {
        for seq in [1, 3, 5] {
            let v = vault_with_rows();
            flip(&v, seq, column);
            assert_refused(&v, &format!("log entry {seq}"));
        }
    }
}

#[test]
fn deleted_row_is_reported_as_missing() {
    let v = vault_with_rows();
    db(&v).execute("DELETE FROM log WHERE seq = 3", []).unwrap();
    assert_refused(&v, "log entry 3: entry missing");
}

#[test]
fn deleted_last_row_is_caught_by_the_sealed_tip() {
    let v = vault_with_rows();
    db(&v).execute("DELETE FROM log WHERE seq = 5", []).unwrap();
    assert_refused(&v, "log entry 5");
}

#[test]
fn all_rows_deleted_is_caught() {
    let v = vault_with_rows();
    db(&v).execute("DELETE FROM log", []).unwrap();
    assert_refused(&v, "log entry 1");
}

#[test]
fn swapped_rows_are_detected() {
    let v = vault_with_rows();
    let conn = db(&v);
    conn.execute_batch(
        "UPDATE log SET seq = 100 WHERE seq = 2; UPDATE log SET seq = 2 WHERE seq = 4; UPDATE log SET seq = 4 WHERE seq = 100;",
    )
    .unwrap();
    drop(conn);
    assert_refused(&v, "log entry 2");
}

#[test]
fn row_copied_from_another_vault_is_detected() {
    let v = vault_with_rows();
    let other = vault_with_rows();
    type Row = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);
    let row: Row = db(&other)
        .query_row(
            "SELECT nonce, ct, cth, leaf, head FROM log WHERE seq = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    db(&v)
        .execute(
            "UPDATE log SET nonce = ?1, ct = ?2, cth = ?3, leaf = ?4, head = ?5 WHERE seq = 2",
            params![row.0, row.1, row.2, row.3, row.4],
        )
        .unwrap();
    assert_refused(&v, "log entry 2");
}

#[test]
fn extra_row_after_the_sealed_end_is_detected() {
    let v = vault_with_rows();
    let conn = db(&v);
    // Replay row 5 as row 6: it cannot decrypt at the new position.
    conn.execute("INSERT INTO log (seq, nonce, ct, cth, leaf, head) SELECT 6, nonce, ct, cth, leaf, head FROM log WHERE seq = 5", []).unwrap();
    drop(conn);
    assert_refused(&v, "log entry 6");
}

#[test]
fn content_removed_is_detected() {
    let v = vault_with_rows();
    db(&v)
        .execute("UPDATE log SET ct = NULL WHERE seq = 4", [])
        .unwrap();
    assert_refused(&v, "log entry 4");
}

/// The header checksum as the store computes it, so a test can forge it.
fn forge_checksum(conn: &Connection) {
    let (format, vault_id, kdf, epoch): (u32, Vec<u8>, Vec<u8>, u32) = conn
        .query_row("SELECT format, vault_id, kdf, epoch FROM vault", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    let mut h = Sha256::new();
    if format == 1 {
        h.update(b"idv1/header");
        h.update(format.to_be_bytes());
    } else {
        h.update(b"idv2/header");
        h.update(format.to_be_bytes());
        h.update(epoch.to_be_bytes());
    }
    h.update(&vault_id);
    h.update((kdf.len() as u32).to_be_bytes());
    h.update(&kdf);
    let mut stmt = conn
        .prepare("SELECT data FROM keyslot ORDER BY slot")
        .unwrap();
    for slot in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        h.update(slot.unwrap());
    }
    let sum: [u8; 32] = h.finalize().into();
    conn.execute("UPDATE vault SET checksum = ?1", [&sum[..]])
        .unwrap();
}

fn lower_kdf_memory(conn: &Connection) {
    let mut kdf: Vec<u8> = conn
        .query_row("SELECT kdf FROM vault", [], |r| r.get(0))
        .unwrap();
    kdf[8..12].copy_from_slice(&1024u32.to_be_bytes());
    conn.execute("UPDATE vault SET kdf = ?1", [kdf]).unwrap();
}

#[test]
fn lowered_kdf_parameters_are_refused() {
    let v = vault_with_rows();
    lower_kdf_memory(&db(&v));
    assert_refused(&v, "integrity failure");
}

#[test]
fn lowered_kdf_parameters_with_a_forged_checksum_are_still_refused() {
    let v = vault_with_rows();
    let conn = db(&v);
    lower_kdf_memory(&conn);
    forge_checksum(&conn);
    drop(conn);
    assert_refused(&v, "outside the accepted range");
}

#[test]
fn altered_key_slot_is_refused_as_damage_not_as_a_wrong_passphrase() {
    for slot in 0..8 {
        let v = Vault::new();
        let conn = db(&v);
        let mut data: Vec<u8> = conn
            .query_row("SELECT data FROM keyslot WHERE slot = ?1", [slot], |r| {
                r.get(0)
            })
            .unwrap();
        data[30] ^= 0x80;
        conn.execute(
            "UPDATE keyslot SET data = ?1 WHERE slot = ?2",
            params![data, slot],
        )
        .unwrap();
        drop(conn);
        assert_refused(&v, "header or key slots were altered");
    }
}

#[test]
fn altered_sealed_tip_is_refused() {
    let v = vault_with_rows();
    let conn = db(&v);
    let mut ct: Vec<u8> = conn
        .query_row("SELECT tip_ct FROM vault", [], |r| r.get(0))
        .unwrap();
    ct[0] ^= 1;
    conn.execute("UPDATE vault SET tip_ct = ?1", [ct]).unwrap();
    drop(conn);
    assert_refused(&v, "sealed end of the log");
}

#[test]
fn garbage_instead_of_a_database_is_refused() {
    let v = Vault::new();
    std::fs::write(v.db(), vec![0x42u8; 8192]).unwrap();
    assert_refused(&v, "integrity failure");
}

#[test]
fn truncated_database_file_is_refused() {
    let v = vault_with_rows();
    let bytes = std::fs::read(v.db()).unwrap();
    std::fs::write(v.db(), &bytes[..bytes.len() / 2]).unwrap();
    for args in [&["list"][..], &["check"]] {
        let out = v.run(args);
        assert_eq!(out.code, 4, "{}", out.stderr);
    }
}

/// A forger who replaces a ciphertext hash and recomputes every later head
/// (the chain is unkeyed) is still caught, and the first forged row named.
#[test]
fn rewritten_chain_after_a_forged_hash_is_caught_at_the_first_forged_row() {
    let v = vault_with_rows();
    let conn = db(&v);
    conn.execute("UPDATE log SET cth = ?1 WHERE seq = 2", [&[0x55u8; 32][..]])
        .unwrap();
    let mut prev: Vec<u8> = conn
        .query_row("SELECT head FROM log WHERE seq = 1", [], |r| r.get(0))
        .unwrap();
    for seq in 2..=5i64 {
        let (leaf, cth): (Vec<u8>, Vec<u8>) = conn
            .query_row("SELECT leaf, cth FROM log WHERE seq = ?1", [seq], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let head: [u8; 32] = Sha256::new()
            .chain_update([0x01])
            .chain_update(&prev)
            .chain_update((seq as u64).to_be_bytes())
            .chain_update(&leaf)
            .chain_update(&cth)
            .finalize()
            .into();
        conn.execute(
            "UPDATE log SET head = ?1 WHERE seq = ?2",
            params![&head[..], seq],
        )
        .unwrap();
        prev = head.to_vec();
    }
}

/// A vault with one entry whose KDF header `alter` changed, with the
/// checksum forged to match; with its recovery key and the altered header.
fn with_altered_kdf(alter: impl Fn(&mut Vec<u8>)) -> (Vault, String, Vec<u8>) {
    let (v, key) = Vault::with_recovery_key();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let conn = db(&v);
    let mut kdf: Vec<u8> = conn
        .query_row("SELECT kdf FROM vault", [], |r| r.get(0))
        .unwrap();
    alter(&mut kdf);
    conn.execute("UPDATE vault SET kdf = ?1", [&kdf]).unwrap();
    forge_checksum(&conn);
    drop(conn);
    (v, key, kdf)
}

/// Someone who can write the vault file changes the passphrase slot's salt
/// and forges the unkeyed checksum: the right passphrase can no longer
/// work. This device remembers the header it last saw (in the rollback
/// anchor), so the owner is told the header changed (exit 4), not that
/// their passphrase is wrong, and the attempts are not counted against
/// them. The recovery key still opens the diary, and `recover` sets a new
/// passphrase at a freshly calibrated cost.
#[test]
fn a_changed_salt_is_damage_not_a_wrong_passphrase_and_recover_mends_it() {
    let (v, key, kdf) = with_altered_kdf(|kdf| kdf[20] ^= 1);
    for _ in 0..5 {
        let out = v.run(&["list"]).fails_with(4);
        assert!(
            out.stderr
                .contains("key header changed since this device last opened it"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("too many"), "{}", out.stderr);
    }
    let key_file = v.file("key", &format!("{key}\n"));
    let new_pass = v.file("new-pass", "a brand new passphrase\n");
    let mut recover = v.command_with(&new_pass, &["recover", "--recovery-key-file"]);
    recover.arg(&key_file);
    crate::util::Run::from(recover.output().unwrap()).ok();
    let now: Vec<u8> = db(&v)
        .query_row("SELECT kdf FROM vault", [], |r| r.get(0))
        .unwrap();
    assert_ne!(now[20..], kdf[20..], "a new salt");
    assert_ne!(
        now[8..16],
        kdf[8..16],
        "the cost was calibrated again, not kept at 19 MiB and 2 passes"
    );
    let out = crate::util::Run::from(v.command_with(&new_pass, &["check"]).output().unwrap());
    assert!(out.ok().stdout.contains("PASS"));
}

/// A cost raised in the vault file (every unlock attempt pays it before it
/// can fail) is refused above the ceiling, before any work; the recovery
/// key, which needs no KDF, still opens the diary and `recover` sets a
/// sane cost again.
#[test]
fn a_raised_kdf_cost_above_the_ceiling_is_refused_and_recover_mends_it() {
    for (memory_kib, passes) in [(1024 * 1024u32, 2u32), (256 * 1024, 8), (19 * 1024, 64)] {
        let (v, key, _) = with_altered_kdf(|kdf| {
            kdf[8..12].copy_from_slice(&memory_kib.to_be_bytes());
            kdf[12..16].copy_from_slice(&passes.to_be_bytes());
        });
        assert_refused(&v, "outside the accepted range");
        let key_file = v.file("key", &format!("{key}\n"));
        let mut recover = v.command(&["recover", "--recovery-key-file"]);
        recover.arg(&key_file);
        crate::util::Run::from(recover.output().unwrap()).ok();
        assert!(v.run(&["check"]).ok().stdout.contains("PASS"));
    }
}

/// Someone with no key replaces one key slot with random bytes and forges
/// the checksum. If it was the passphrase's slot, the owner is told the
/// header changed (not that the passphrase is wrong); if it was another
/// (perhaps the recovery key's, which would only show when it is needed),
/// every unlock warns, `check` fails, and a new recovery key mends it.
#[test]
fn a_destroyed_key_slot_is_noticed_before_the_recovery_key_is_needed() {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    let pristine = std::fs::read(v.db()).unwrap();
    let destroy = |slot: i64| {
        std::fs::write(v.db(), &pristine).unwrap();
        let conn = db(&v);
        // A slot is 72 bytes: nonce (24), wrapped key (32), tag (16).
        let noise: Vec<u8> = (0..72).map(|i| (i * 7 + slot) as u8).collect();
        conn.execute(
            "UPDATE keyslot SET data = ?1 WHERE slot = ?2",
            params![noise, slot],
        )
        .unwrap();
        forge_checksum(&conn);
    };
    let (mut refused, mut warned) = (0, Vec::new());
    for slot in 0..8 {
        destroy(slot);
        let out = v.run(&["list"]);
        if out.code == 4 {
            assert!(out.stderr.contains("key header changed"), "{}", out.stderr);
            refused += 1;
        } else {
            let out = out.ok();
            assert!(
                out.stderr.contains("the key slots changed"),
                "{}",
                out.stderr
            );
            v.run(&["check"]).fails_with(4);
            warned.push(slot);
        }
    }
    assert_eq!(
        (refused, warned.len()),
        (1, 7),
        "only the passphrase's slot refuses"
    );
    destroy(warned[0]);
    let check = v.run(&["check"]).fails_with(4);
    assert!(
        check.stderr.contains("new-recovery-key"),
        "{}",
        check.stderr
    );
    // Changing the passphrase does not hide it: the recovery key's slot may
    // still be the broken one.
    let mut passwd = v.command(&["passwd", "--new-passphrase-file"]);
    passwd.arg(&v.pass_file);
    crate::util::Run::from(passwd.output().unwrap()).ok();
    v.run(&["check"]).fails_with(4);
    v.run(&["new-recovery-key"]).ok();
    let fixed = v.run(&["check"]).ok();
    assert!(
        !fixed.stderr.contains("the key slots changed"),
        "{}",
        fixed.stderr
    );
}
