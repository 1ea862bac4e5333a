//! SQL objects planted in the vault file by someone who had the device, with
//! no key at all: a trigger that swallows every new entry while the program
//! reports success, a view, an index, a table, an altered table. Each is
//! refused with exit 4 naming the object, before anything is written.

use rusqlite::Connection;

use crate::util::{Vault, incident_json};

fn vault_with_one_entry() -> Vault {
    let v = Vault::new();
    v.add_json(&incident_json("2026-03-01T10:00:00+00:00", "Entry 1"));
    v
}

fn plant(v: &Vault, sql: &str) {
    Connection::open(v.db())
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

#[test]
fn a_trigger_that_swallows_entries_is_refused_and_nothing_is_lost() {
    let v = vault_with_one_entry();
    plant(
        &v,
        "CREATE TRIGGER swallow BEFORE INSERT ON log BEGIN SELECT RAISE(IGNORE); END;
         CREATE TRIGGER keep_tip BEFORE UPDATE ON vault BEGIN SELECT RAISE(IGNORE); END;",
    );
    let json = incident_json("2026-03-02T10:00:00+00:00", "Entry 2");
    let out = v.run_stdin(&["add", "--json", "-"], &json).fails_with(4);
    assert!(out.stderr.contains("unexpected trigger"), "{}", out.stderr);
    assert!(!out.stdout.contains("added"), "{}", out.stdout);
    let check = v.run(&["check"]).fails_with(4);
    assert!(
        check.stderr.contains("trigger keep_tip"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("--remove-planted"),
        "{}",
        check.stderr
    );
    // The owner removes them; the diary opens, whole, and takes entries again.
    let removed = v.run(&["check", "--remove-planted"]).ok();
    assert!(
        removed.stdout.contains("removed planted trigger keep_tip")
            && removed.stdout.contains("removed planted trigger swallow")
            && removed.stdout.contains("PASS"),
        "{}",
        removed.stdout
    );
    let file = std::fs::read(v.db()).unwrap();
    assert!(
        !file.windows(7).any(|w| w == b"swallow"),
        "the planted text is gone from the file"
    );
    v.add_json(&json);
    let list = v.run(&["list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    v.run(&["check"]).ok();
}

#[test]
fn planted_views_indexes_tables_and_altered_tables_are_refused() {
    for (sql, named) in [
        ("CREATE VIEW rows AS SELECT seq FROM log", "view rows"),
        ("CREATE INDEX by_head ON log(head)", "index by_head"),
        ("CREATE TABLE notes (text TEXT)", "table notes"),
        ("ALTER TABLE log ADD COLUMN note TEXT", "table log"),
    ] {
        let v = vault_with_one_entry();
        plant(&v, sql);
        for args in [&["list"][..], &["check"]] {
            let out = v.run(args).fails_with(4);
            assert!(out.stderr.contains(named), "{sql}: {}", out.stderr);
        }
        // What is not the diary's is removed; a table of its own that was
        // altered is not (a backup is the way back), and nothing changes.
        if named == "table log" {
            let before = crate::util::snapshot(&v.dir);
            let out = v.run(&["check", "--remove-planted"]).fails_with(4);
            assert!(out.stderr.contains("own table log"), "{}", out.stderr);
            assert_eq!(crate::util::snapshot(&v.dir), before);
        } else {
            let out = v.run(&["check", "--remove-planted"]).ok();
            assert!(out.stdout.contains(&format!("removed planted {named}")));
            v.run(&["list"]).ok();
        }
    }
}

#[test]
fn a_planted_name_is_printed_escaped() {
    let v = vault_with_one_entry();
    plant(
        &v,
        "CREATE VIEW \"x\u{1b}[2K\u{1b}[1GPASS\" AS SELECT seq FROM log",
    );
    let out = v.run(&["check"]).fails_with(4);
    assert!(
        !out.stderr.contains('\u{1b}'),
        "raw escape in {:?}",
        out.stderr
    );
    assert!(out.stderr.contains("\\u{1b}"), "{}", out.stderr);
}

/// A table of the diary's own renamed (so that it looks planted) is never
/// dropped: removing "planted" objects would erase the key slots or the
/// log. Objects SQLite makes on its own behalf (a UNIQUE column's index,
/// AUTOINCREMENT's `sqlite_sequence`), and a trigger named like a table,
/// are removed without trouble.
#[test]
fn remove_planted_never_drops_the_diarys_own_tables() {
    for sql in [
        "ALTER TABLE keyslot RENAME TO ks",
        "ALTER TABLE log RENAME TO Log_",
        // Renamed, with an empty table of the right name in its place.
        "ALTER TABLE keyslot RENAME TO keyslot_old;
         CREATE TABLE keyslot (slot INTEGER PRIMARY KEY, data BLOB NOT NULL);",
        "ALTER TABLE log RENAME TO log_old;
         CREATE TABLE log (
        seq INTEGER PRIMARY KEY,
        nonce BLOB NOT NULL,
        ct BLOB,
        cth BLOB NOT NULL,
        leaf BLOB NOT NULL,
        head BLOB NOT NULL
    );",
    ] {
        let v = vault_with_one_entry();
        plant(&v, sql);
        let before = crate::util::snapshot(&v.dir);
        v.run(&["check"]).fails_with(4);
        let out = v.run(&["check", "--remove-planted"]).fails_with(4);
        assert!(
            out.stderr.contains("restore a backup"),
            "{sql}: {}",
            out.stderr
        );
        assert_eq!(
            crate::util::snapshot(&v.dir),
            before,
            "{sql}: nothing changed"
        );
    }
    let v = vault_with_one_entry();
    plant(
        &v,
        "CREATE TABLE p (a UNIQUE);
         CREATE TABLE q (id INTEGER PRIMARY KEY AUTOINCREMENT, b);
         CREATE TRIGGER log AFTER INSERT ON p BEGIN SELECT 1; END;",
    );
    let out = v.run(&["check", "--remove-planted"]).ok();
    assert!(
        out.stdout.contains("removed planted trigger log"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("PASS"), "{}", out.stdout);
    v.run(&["list"]).ok();
}

/// Full-text and r-tree tables (what the stock sqlite3 tool makes, with
/// shadow tables that hold rows of their own) are removed whole; a "shadow"
/// that is in fact the diary's own log, renamed, is never dropped.
#[test]
fn planted_virtual_tables_are_removed_with_their_shadow_tables() {
    let v = vault_with_one_entry();
    plant(
        &v,
        "CREATE VIRTUAL TABLE notes USING fts5(text);
         INSERT INTO notes VALUES ('planted');
         CREATE VIRTUAL TABLE boxes USING rtree(id, a, b);
         INSERT INTO boxes VALUES (1, 0, 1);",
    );
    v.run(&["list"]).fails_with(4);
    let out = v.run(&["check", "--remove-planted"]).ok();
    assert!(
        out.stdout.contains("removed planted table notes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("removed planted table boxes"),
        "{}",
        out.stdout
    );
    assert!(v.run(&["list"]).ok().stdout.contains("Entry 1"));

    let v = vault_with_one_entry();
    let conn = Connection::open(v.db()).unwrap();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'log'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!(
        "ALTER TABLE log RENAME TO boxes_log; {sql}; CREATE VIRTUAL TABLE boxes USING rtree(id, a, b);"
    ))
    .unwrap();
    drop(conn);
    let out = v.run(&["check", "--remove-planted"]).fails_with(4);
    assert!(out.stderr.contains("boxes_log"), "{}", out.stderr);
    let kept: i64 = Connection::open(v.db())
        .unwrap()
        .query_row("SELECT COUNT(*) FROM boxes_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1, "the renamed log is left as it was");
}
