//! What a vault folder holds, as someone who can write files may leave it:
//! the database (header, key slots, wrapped keys of earlier epochs, sealed
//! log), the plaintext of a record sealed with a key they knew, and an
//! attachment file.

use std::sync::Mutex;

use super::Scratch;
use crate::crypto::epoch::VaultKeys;
use crate::crypto::kdf::KdfParams;
use crate::crypto::keyslot::{SlotContext, SlotKind};
use crate::crypto::secret::{Passphrase, SecretKey};
use crate::crypto::stream;
use crate::log::{Verify, check_unkeyed, replay};
use crate::model::LogRecord;
use crate::state::{FileKeys, State};
use crate::store::{DB_FILE, Store};

/// The fixtures' passphrases (public: their data is invented).
const SEED_PASSPHRASES: [&str; 3] = [
    "v1 fixture passphrase",
    "v2 fixture passphrase",
    "v2 old passphrase",
];

/// The keys the fixtures' passphrases derive under KDF header `kdf`, made
/// once per header (a header that is not a seed's fails its checksum before
/// it gets here, so there are only a few; past eight, none are made).
fn seed_keys(kdf: &[u8]) -> Vec<SecretKey> {
    type Derived = Vec<(Vec<u8>, Vec<[u8; 32]>)>;
    static DERIVED: Mutex<Derived> = Mutex::new(Vec::new());
    let mut derived = DERIVED.lock().unwrap_or_else(|e| e.into_inner());
    let known = derived
        .iter()
        .find(|(k, _)| k == kdf)
        .map(|(_, keys)| keys.clone());
    let keys = match known {
        Some(keys) => keys,
        None => {
            let Ok(params) = KdfParams::from_bytes(kdf) else {
                return Vec::new();
            };
            if derived.len() >= 8 {
                return Vec::new();
            }
            let keys: Vec<[u8; 32]> = SEED_PASSPHRASES
                .iter()
                .filter_map(|p| params.derive(&Passphrase::new((*p).into())).ok())
                .map(|k| *k.expose_secret())
                .collect();
            derived.push((kdf.to_vec(), keys.clone()));
            keys
        }
    };
    keys.into_iter().map(SecretKey::from_bytes).collect()
}

/// Any bytes as a vault's database: what a restore checks without the key
/// (SQLite's own check, the header, the unkeyed chain), and, when a
/// fixture's passphrase opens a key slot, the whole keyed replay. Never a
/// panic; a replay that succeeds ends where the unkeyed walk ended, or the
/// unkeyed check refused the file's structure; and the
/// removal of planted objects leaves a database that opens or is refused.
pub fn vault_file(data: &[u8]) {
    let Some(dir) = Scratch::new() else { return };
    if dir.file(DB_FILE, data).is_none() {
        return;
    }
    let unkeyed = check_unkeyed(dir.path(), |_| Ok(()));
    if let Ok(store) = Store::open(dir.path())
        && let Ok(header) = store.header()
    {
        let ctx = SlotContext {
            vault_id: &header.vault_id,
            kdf_header: &header.kdf,
        };
        let opened = seed_keys(&header.kdf)
            .iter()
            .find_map(|ikm| header.slots.open(SlotKind::Passphrase, ikm, &ctx));
        if let Some((_, vault_key)) = opened
            && let Ok(wrapped) = store.wrapped_keys(&header)
            && let Some(keys) = VaultKeys::unwrap(vault_key, &header.vault_id, &wrapped)
            && let Ok(replayed) = replay(&store, &keys, header.vault_id, Verify::Full)
        {
            match &unkeyed {
                Ok((seq, head)) => assert_eq!(
                    (replayed.log.seq(), replayed.log.head()),
                    (*seq, *head),
                    "the keyed and unkeyed reads end apart"
                ),
                // The rows read, but SQLite finds the file's structure
                // damaged (the fuzzer's first finding here: page counts in
                // the file header changed): `check` and a restore say so.
                Err(_) => assert!(
                    store.integrity_check().is_err(),
                    "the log replays with its key but not without"
                ),
            }
        }
    }
    let _ = crate::diary::Diary::remove_planted(dir.path());
}

/// Any bytes as the plaintext of log records, one per line (what someone
/// who knew a key could seal): each reads, or is refused; one that reads
/// writes back to the same record (parse(write(x)) == x); and applied in
/// order to a state, each is taken or rejected, never a panic.
pub fn sealed_record(data: &[u8]) {
    let mut state = State::default();
    let mut keys = FileKeys::default();
    for (i, line) in data.split(|&b| b == b'\n').enumerate().take(64) {
        let Ok(record) = LogRecord::from_json(line) else {
            continue;
        };
        let canonical = record.to_canonical_json();
        let back = LogRecord::from_json(&canonical).expect("a canonical record reads back");
        assert_eq!(back.to_canonical_json(), canonical, "canonical form moves");
        let _ = state.apply(i as u64 + 1, record, &mut keys);
    }
}

/// Any bytes as an attachment file, four ways by the first byte. 0: the
/// rest is a file to attach, sealed and opened back whole. 1 and 2: the
/// rest after two bytes of position (and, for 1, a byte of mask) is
/// sealed, then one byte flipped (1) or the file cut short (2): it must
/// not open. Else: the bytes are a file to open; one that opens is the only
/// ciphertext of what it holds under its nonce prefix (sealing the output
/// again gives the input byte for byte).
pub fn attachment_stream(data: &[u8]) {
    const ID: [u8; 16] = [9; 16];
    let key = SecretKey::from_bytes([5; 32]);
    let seal = |plain: &[u8]| {
        let mut sealed = Vec::new();
        let made = stream::seal(&key, &ID, &mut &plain[..], &mut sealed).expect("seals");
        (sealed, made)
    };
    let opens = |sealed: &[u8]| {
        let mut plain = Vec::new();
        stream::open(&key, &ID, &mut &sealed[..], &mut plain).map(|d| (plain, d))
    };
    match data {
        [0, plain @ ..] => {
            let (sealed, made) = seal(plain);
            let (back, opened) = opens(&sealed).expect("opens");
            assert_eq!(back, plain);
            assert_eq!((made.size, made.sha256), (opened.size, opened.sha256));
        }
        [1, a, b, mask, plain @ ..] => {
            let (mut sealed, _) = seal(plain);
            let at = usize::from(u16::from_be_bytes([*a, *b])) % sealed.len();
            sealed[at] ^= (*mask).max(1);
            assert!(opens(&sealed).is_err(), "opened with byte {at} changed");
        }
        [2, a, b, plain @ ..] => {
            let (mut sealed, _) = seal(plain);
            let keep = usize::from(u16::from_be_bytes([*a, *b])) % sealed.len();
            sealed.truncate(keep);
            assert!(opens(&sealed).is_err(), "opened cut to {keep} bytes");
        }
        _ => {
            let Ok((plain, opened)) = opens(data) else {
                return;
            };
            assert_eq!(opened.size, plain.len() as u64);
            let prefix: [u8; 19] = data[29..48].try_into().expect("a header was read");
            let mut again = Vec::new();
            stream::seal_with_prefix(&key, &ID, &prefix, &mut &plain[..], &mut again)
                .expect("seals");
            assert_eq!(again, data, "a second ciphertext opened");
        }
    }
}
