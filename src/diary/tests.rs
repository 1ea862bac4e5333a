//! Unit tests of the facade that need its private parts.

use super::testing::{at, clock, new_diary};
use super::*;
use crate::crypto::Passphrase;
use crate::crypto::kdf::KdfParams;
use crate::log::REPLAY_BATCH;
use crate::model::Incident;
use crate::store::Durability;
use crate::throttle;

/// Rows on both sides of a replay batch boundary are reported exactly.
#[test]
fn tampering_at_a_batch_boundary_names_the_right_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut diary, pass) = new_diary(&dir);
    let at = at();
    let batch: Vec<Incident> = (0..REPLAY_BATCH + 3)
        .map(|i| Incident::new(at, format!("entry {i}")))
        .collect();
    diary.import_incidents(batch, Durability::Normal).unwrap();
    drop(diary);
    Diary::unlock(&dir, &pass, clock()).unwrap();
    for seq in [
        REPLAY_BATCH as i64,
        REPLAY_BATCH as i64 + 1,
        REPLAY_BATCH as i64 + 3,
    ] {
        let conn = rusqlite::Connection::open(dir.join(crate::store::DB_FILE)).unwrap();
        let leaf: Vec<u8> = conn
            .query_row("SELECT leaf FROM log WHERE seq = ?1", [seq], |r| r.get(0))
            .unwrap();
        let mut bad = leaf.clone();
        bad[0] ^= 1;
        conn.execute(
            "UPDATE log SET leaf = ?1 WHERE seq = ?2",
            rusqlite::params![bad, seq],
        )
        .unwrap();
        match Diary::unlock(&dir, &pass, clock()) {
            Err(Error::Tampered { seq: found, .. }) => assert_eq!(found, seq as u64),
            other => panic!("expected tampering at {seq}, got {:?}", other.map(|_| ())),
        }
        conn.execute(
            "UPDATE log SET leaf = ?1 WHERE seq = ?2",
            rusqlite::params![leaf, seq],
        )
        .unwrap();
    }
}

/// Confirming the passphrase of an open diary checks the key slots
/// without reopening, and wrong guesses meet the same throttle as unlock.
#[test]
fn confirming_the_passphrase_is_throttled_like_an_unlock() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = Passphrase::new("pw".into());
    let kdf = KdfParams::new(crypto::kdf::MIN_MEMORY_KIB, 2).unwrap();
    // A clock that stands still, so the first wait cannot run out.
    let clock = crate::clock::ManualClock::new(at());
    let (diary, _) = Diary::create(&tmp.path().join("v"), &pass, kdf, Box::new(clock)).unwrap();
    diary.confirm_passphrase(&pass).unwrap();
    let wrong = Passphrase::new("guess".into());
    for _ in 0..throttle::FREE_ATTEMPTS {
        assert!(matches!(
            diary.confirm_passphrase(&wrong),
            Err(Error::WrongPassphrase)
        ));
    }
    assert!(matches!(
        diary.confirm_passphrase(&pass),
        Err(Error::Throttled { .. })
    ));
}

/// An id prefix made only of digits is found by prefix when no incident
/// has that number (it used to be taken as a number and not found).
#[test]
fn an_id_prefix_of_digits_finds_its_incident() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut diary, _) = new_diary(&dir);
    let at = at();
    let batch: Vec<Incident> = (0..300)
        .map(|i| Incident::new(at, format!("{i}")))
        .collect();
    diary.import_incidents(batch, Durability::Normal).unwrap();
    // One id in about sixteen starts with six digits: 300 ids hold one.
    let digits = diary
        .state()
        .incidents()
        .iter()
        .map(|r| r.id.to_hex())
        .find(|hex| hex[..6].bytes().all(|b| b.is_ascii_digit()))
        .expect("an id starting with six digits");
    assert_eq!(
        diary.find_incident(&digits[..6]).unwrap().id.to_hex(),
        digits
    );
    assert_eq!(diary.find_incident("300").unwrap().number, 300);
    assert!(diary.find_incident("301").is_err());
}

/// Two programs on one vault: the second to write is refused instead of
/// forking the chain, and after a reload it sees and extends the log.
#[test]
fn a_stale_handle_gets_a_conflict_then_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut first, pass) = new_diary(&dir);
    let at = at();
    let mut second = Diary::unlock(&dir, &pass, clock()).unwrap();
    first
        .add_incident(Incident::new(at, "from the first"))
        .unwrap();
    assert!(matches!(
        second.add_incident(Incident::new(at, "from the second")),
        Err(Error::Conflict)
    ));
    second.reload().unwrap();
    assert_eq!(second.state().incidents().len(), 1);
    second
        .add_incident(Incident::new(at, "from the second"))
        .unwrap();
    drop((first, second));
    let reopened = Diary::unlock(&dir, &pass, clock()).unwrap();
    assert_eq!(reopened.check().unwrap().incidents, 2);
}

/// A log that ends with an exhibit's record but not its key (someone with
/// the key appended the record alone) is refused at unlock, naming it,
/// instead of showing an exhibit that has no file key and refusing every
/// later write.
#[test]
fn an_exhibit_record_without_its_key_is_refused() {
    use crate::model::{Exhibit, ExhibitAttached, FileClaims, Id};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut diary, pass) = new_diary(&dir);
    let incident = diary.add_incident(Incident::new(at(), "x")).unwrap().id;
    let attached = ExhibitAttached {
        id: Id([7; 16]),
        exhibit: Exhibit {
            incident,
            number: 1,
            original_name: "a.txt".into(),
            size: 1,
            sha256: [0; 32],
            media_type: "text/plain".into(),
            description: String::new(),
            claims: FileClaims::default(),
        },
        key_commitment: [0; 32],
        thumbnail_sha256: None,
    };
    // The facade refuses it (the batch test below); someone who knew the
    // key can still append it.
    append_unchecked(&mut diary, vec![Event::ExhibitAttach(attached)]);
    drop(diary);
    match Diary::unlock(&dir, &pass, clock()) {
        Err(Error::Tampered { seq: 2, reason }) => assert!(reason.contains("without its key")),
        other => panic!("expected tampering at 2, got {:?}", other.err()),
    }
}

/// Seals `events` after the tip and writes them, as someone who knew the
/// key could, without the facade's checks.
fn append_unchecked(diary: &mut Diary, events: Vec<Event>) {
    let records: Vec<LogRecord> = events
        .into_iter()
        .map(|event| LogRecord {
            blind: crypto::random::bytes(),
            recorded_at: at(),
            event,
        })
        .collect();
    let (rows, seq, head) = diary.log.seal_rows(&records);
    let tip = diary.log.seal_tip(seq, &head, &diary.sealed_header());
    diary.store.append(&rows, &tip, Durability::Full).unwrap();
}

/// A batch is refused whole unless every exhibit record is followed by its
/// key, and a conversation comes with exactly the files it says it carried.
#[test]
fn a_batch_keys_every_exhibit_and_brings_a_conversation_whole() {
    use crate::model::exhibit_key::key_commitment;
    use crate::model::{
        ChatImport, ChatSource, Exhibit, ExhibitAttached, ExhibitKey, FileClaims, FileKey, Id,
        MessageKind, StoredMessage,
    };
    let tmp = tempfile::tempdir().unwrap();
    let (mut diary, _) = new_diary(&tmp.path().join("v"));
    let incident = diary.add_incident(Incident::new(at(), "x")).unwrap().id;
    let file = |n: u8, owner: Id| {
        let (id, key) = (Id([n; 16]), FileKey::new([n; 32]));
        let attach = Event::ExhibitAttach(ExhibitAttached {
            id,
            exhibit: Exhibit {
                incident: owner,
                number: u32::from(n),
                original_name: format!("{n}.txt"),
                size: 1,
                sha256: [0; 32],
                media_type: "text/plain".into(),
                description: String::new(),
                claims: FileClaims::default(),
            },
            key_commitment: key_commitment(&id, &key),
            thumbnail_sha256: None,
        });
        (attach, Event::ExhibitKey(ExhibitKey { id, file_key: key }))
    };
    let refused = |diary: &mut Diary, events: Vec<Event>| {
        assert!(diary.commit(events, Durability::Full).is_err());
    };
    // A record without its key, two records then one key, a wrong key.
    refused(&mut diary, vec![file(1, incident).0]);
    refused(
        &mut diary,
        vec![
            file(1, incident).0,
            file(2, incident).0,
            file(2, incident).1,
        ],
    );
    refused(&mut diary, vec![file(1, incident).0, file(2, incident).1]);
    let (a1, k1) = file(1, incident);
    let (a2, k2) = file(2, incident);
    diary
        .commit(vec![a1, k1, a2, k2], Durability::Full)
        .unwrap();

    let chat = Id([9; 16]);
    let import = |media: u32| {
        Event::ChatImport(Box::new(ChatImport {
            id: chat,
            title: "t".into(),
            source: ChatSource {
                parser: "p".into(),
                format: "whatsapp".into(),
                variant: "whatsapp-android".into(),
                original: 3,
                zone: "UTC".into(),
                zone_given: true,
                date_order: None,
                date_order_given: false,
                lines: 1,
                me: None,
                note: String::new(),
                looks_cut: None,
            },
            messages: vec![StoredMessage {
                sent_at: at(),
                sender: Some("Mark".into()),
                sender_id: None,
                text: "hi".into(),
                attachment: None,
                exhibit: None,
                kind: MessageKind::Text,
                line: Some(1),
                source_id: None,
                subject: None,
            }],
            flagged: Vec::new(),
            media,
        }))
    };
    let whole = |media: u32, files: &[(u8, Id)]| {
        let mut events = vec![import(media)];
        for &(n, owner) in files {
            let (attach, key) = file(n, owner);
            events.extend([attach, key]);
        }
        events
    };
    // Says it carried a file and brings none; brings one it did not say;
    // brings an incident's file in its commit.
    refused(&mut diary, whole(1, &[(3, chat)]));
    refused(&mut diary, whole(0, &[(3, chat), (4, chat)]));
    refused(&mut diary, whole(1, &[(3, chat), (4, incident)]));
    diary
        .commit(whole(1, &[(3, chat), (4, chat)]), Durability::Full)
        .unwrap();
    assert_eq!(diary.state().chats().len(), 1);
    assert_eq!(diary.state().exhibits().len(), 4);
}
