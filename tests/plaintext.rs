//! No byte sequence of any diary value reaches any file of the vault: not the
//! database, not its write-ahead log, not its shared-memory index.

use rusqlite::Connection;

use crate::util::{Vault, walk};

const NAMES: &[&str] = &["فاطمة الزهراء", "Grzegorz Brzęczyszczykiewicz", "राजेश कुमार"];

/// Needles in the encodings a careless implementation might write.
fn encodings(text: &str) -> Vec<Vec<u8>> {
    let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    vec![
        text.as_bytes().to_vec(),
        text.to_lowercase().into_bytes(),
        utf16,
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_plaintext_of_names_titles_places_or_dates_in_any_vault_file() {
    let v = Vault::new();
    // Hold a reader open so the WAL and shared-memory files stay on disk and
    // are scanned too (the last connection to close would remove them).
    let reader = Connection::open(v.db()).unwrap();
    let _: i64 = reader
        .query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))
        .unwrap();

    v.run(&[
        "case",
        "set",
        "--victim-name",
        NAMES[0],
        "--exhibit-prefix",
        "FZ",
        "--officer",
        "PC Quillfeather",
    ])
    .ok();
    let out = v
        .run(&[
            "person",
            "add",
            "--role",
            "perpetrator",
            "--name",
            NAMES[1],
            "--identifier",
            "07700 900461",
        ])
        .ok();
    let person = out.added_id("person");
    v.run(&["person", "add", "--role", "witness", "--name", NAMES[2]])
        .ok();
    v.run(&[
        "order",
        "add",
        "--type",
        "non_molestation_order",
        "--reference",
        "NMO-77321",
        "--condition",
        "Keep away from Juniper Close",
    ])
    .ok();
    v.add_json(&format!(
        r#"{{"occurred_at":"2026-03-14T18:30:00+00:00","title":"Lurking by the Marigold Bakery",
            "narrative":"{} stood outside; {} saw it. He said \"I know where you sleep\".",
            "location":"Juniper Close, Stonebridge","behaviours":["loitering","threats"],"perpetrators":["{person}"],
            "identifiers_seen":["KX19 ZPT"],"tags":["doorstep"]}}"#,
        NAMES[1], NAMES[2]
    ));
    v.run(&[
        "add",
        "--occurred",
        "2025-12-25 07:45",
        "--title",
        "Christmas card from Wrexham",
        "--narrative",
        "Card pushed under the door",
    ])
    .ok();
    v.run(&[
        "amend",
        "1",
        "--location",
        "Juniper Close, Stonebridge, by the postbox",
        "--reason",
        "more precise place",
    ])
    .ok();
    v.run(&["withdraw", "2", "--reason", "entered by mistake"])
        .ok();
    v.run(&[
        "risk",
        "add",
        "--date",
        "2026-03-15",
        "--answer",
        "very_frightened=yes",
        "--note",
        "very_frightened=cannot sleep since the threat",
    ])
    .ok();

    let mut needles: Vec<&str> = NAMES.to_vec();
    needles.extend([
        "Lurking by the Marigold",
        "Marigold",
        "I know where you sleep",
        "Juniper Close",
        "Stonebridge",
        "KX19 ZPT",
        "07700 900461",
        "doorstep",
        "Christmas card",
        "Wrexham",
        "PC Quillfeather",
        "NMO-77321",
        "more precise place",
        "entered by mistake",
        "cannot sleep",
        "loitering",
        "threats",
        "perpetrator",
        "non_molestation_order",
        "2026-03-14",
        "2025-12-25",
        "2026-03-15",
        "18:30",
        "07:45",
    ]);
    let files = walk(&v.dir);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("-wal")),
        "the WAL should be on disk while a reader is open: {names:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for needle in &needles {
            for encoded in encodings(needle) {
                assert!(
                    !contains(&bytes, &encoded),
                    "{needle:?} found in {}",
                    file.display()
                );
            }
        }
    }
    drop(reader);
    // And once everything is checkpointed into the main file.
    for file in walk(&v.dir) {
        let bytes = std::fs::read(&file).unwrap();
        for needle in &needles {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{needle:?} found in {}",
                file.display()
            );
        }
    }
    // The entries are really there.
    assert!(
        v.run(&["search", "Marigold"])
            .ok()
            .stdout
            .contains("Lurking")
    );
}
