//! The key-transitions layer of `diary verify` (bundle format 2, only when
//! the diary's key was ever replaced): each statement in `keys/` is exactly
//! the one its manifest entry describes, is signed by the old key and by the
//! new, the keys follow on from the first to the one that signed this
//! bundle, and the rotation's own entry in the hash chain names the same
//! keys (see `export::transitions`).

use std::collections::BTreeSet;

use super::reader::Bundle;
use super::{Layer, fail, pass, summarise};
use crate::crypto::chain;
use crate::crypto::sshsig::PublicKey;
use crate::export::bundle::{ChainFile, IncidentsFile, KeyTransition, Manifest};
use crate::export::transitions::{self, NAMESPACE, SIGNERS, principal, statement};
use crate::model::{Event, LogRecord};
use crate::visible;

/// The layer, or `None` when the bundle records no key change.
pub(super) fn check_keys(
    bundle: &mut Bundle,
    files: &[String],
    manifest: &Result<Manifest, String>,
    chain_file: &Result<ChainFile, String>,
    incidents: &Result<IncidentsFile, String>,
) -> Option<Layer> {
    let name = "keys";
    let in_keys: BTreeSet<&String> = files.iter().filter(|f| f.starts_with("keys/")).collect();
    let manifest = manifest.as_ref().ok()?;
    let all = &manifest.key_transitions;
    let rotations = chain_rotations(chain_file);
    if all.is_empty() && in_keys.is_empty() && rotations.is_empty() {
        return None;
    }
    let (chain_file, incidents) = match (chain_file, incidents) {
        (Ok(c), Ok(i)) => (c, i),
        (Err(e), _) | (_, Err(e)) => return Some(fail(name, e.clone())),
    };
    let mut problems = chain_agrees(all, &rotations, &manifest.signing_key);
    let mut expected = BTreeSet::new();
    for (i, t) in all.iter().enumerate() {
        let next_key = all
            .get(i + 1)
            .map_or(&manifest.signing_key, |next| &next.old_key);
        let context = (&manifest.vault_id, chain_file, incidents);
        if check_transition(bundle, i, t, next_key, context, &mut problems) {
            for suffix in ["", ".old.sig", ".new.sig"] {
                expected.insert(format!("{}{suffix}", t.statement));
            }
        }
    }
    if !all.is_empty() {
        expected.insert(SIGNERS.to_string());
        check_signers_file(bundle, all, &mut problems);
    }
    for file in in_keys {
        if !expected.contains(file) {
            problems.push(format!(
                "{} is not a statement the manifest lists",
                visible::name(file)
            ));
        }
    }
    for file in &expected {
        if !files.contains(file) {
            problems.push(format!("{} is missing", visible::name(file)));
        }
    }
    Some(if problems.is_empty() {
        pass(
            name,
            format!(
                "the diary's key was replaced {} time(s); each change is signed by the key before and the key after, and recorded in the chain",
                all.len()
            ),
        )
    } else {
        fail(name, summarise(&problems))
    })
}

/// Every key change the chain shows (the key epoch is part of each head)
/// has its statement, and every statement its place in the chain, so a
/// bundle cannot leave out the change that retired the key it was signed
/// with; nor may it be signed with a key a statement retires.
fn chain_agrees(all: &[KeyTransition], rotations: &[(u64, u32)], signing_key: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for &(seq, epoch) in rotations {
        if !all.iter().any(|t| t.seq == seq && t.epoch == epoch) {
            problems.push(format!(
                "entry {seq} of the chain starts key epoch {epoch}, but the bundle has no statement of it"
            ));
        }
    }
    if all.len() != rotations.len() {
        problems.push(format!(
            "the bundle has {} key-change statements, but its chain shows {} key changes",
            all.len(),
            rotations.len()
        ));
    }
    if all.iter().any(|t| t.old_key == signing_key) {
        problems.push("the bundle is signed with a key the diary had replaced".into());
    }
    problems
}

/// Checks the `i`-th transition: its place, that its new key is the one
/// that signed what follows (`next_key`), its statement and signatures,
/// and its entry in the chain. `false` when it is misnamed or out of
/// order (its files are then not expected either).
fn check_transition(
    bundle: &mut Bundle,
    i: usize,
    t: &KeyTransition,
    next_key: &str,
    (vault_id, chain_file, incidents): (&String, &ChainFile, &IncidentsFile),
    problems: &mut Vec<String>,
) -> bool {
    let n = t.epoch;
    if n as usize != i + 1 || t.statement != transitions::statement_path(n) {
        problems.push(format!("key change {} is out of order or misnamed", i + 1));
        return false;
    }
    if t.new_key != next_key {
        problems.push(format!(
            "the key after change {n} is not the one that signed what follows"
        ));
    }
    check_statement(bundle, vault_id, t, problems);
    if !rotation_in_chain(chain_file, incidents, t) {
        problems.push(format!(
            "key change {n} does not match its entry {} in the chain",
            t.seq
        ));
    }
    true
}

/// Where the chain's key epoch rises: `(entry, new epoch)` of each key
/// change, from the epochs the heads commit to.
fn chain_rotations(chain_file: &Result<ChainFile, String>) -> Vec<(u64, u32)> {
    let Ok(chain_file) = chain_file else {
        return Vec::new();
    };
    let mut epoch = 0;
    let mut rotations = Vec::new();
    for row in &chain_file.rows {
        if row.epoch != epoch {
            rotations.push((row.seq, row.epoch));
            epoch = row.epoch;
        }
    }
    rotations
}

/// The statement file is exactly the text its manifest entry makes, and
/// both signatures on it verify.
fn check_statement(
    bundle: &mut Bundle,
    vault_id: &str,
    t: &KeyTransition,
    problems: &mut Vec<String>,
) {
    let n = t.epoch;
    let text = statement(vault_id, t);
    match bundle.read(&t.statement) {
        Ok(bytes) if bytes == text.as_bytes() => {}
        Ok(_) => problems.push(format!("the statement of key change {n} was altered")),
        Err(e) => problems.push(format!("{}: {e}", t.statement)),
    }
    for (which, key, suffix) in [
        ("old", &t.old_key, ".old.sig"),
        ("new", &t.new_key, ".new.sig"),
    ] {
        let path = format!("{}{suffix}", t.statement);
        let verified = PublicKey::parse_openssh(key)
            .map_err(|e| e.to_string())
            .and_then(|key| {
                let sig = bundle.read(&path).map_err(|e| e.to_string())?;
                key.verify(NAMESPACE, text.as_bytes(), &String::from_utf8_lossy(&sig))
                    .map_err(|e| e.to_string())
            });
        if let Err(why) = verified {
            problems.push(format!(
                "the {which} key's signature on key change {n}: {why}"
            ));
        }
    }
}

/// `keys/allowed_signers` names exactly every epoch's key, so that
/// `ssh-keygen` given it checks the keys the statements name.
fn check_signers_file(bundle: &mut Bundle, all: &[KeyTransition], problems: &mut Vec<String>) {
    let line =
        |epoch: u32, key: &str| format!("{} namespaces=\"{NAMESPACE}\" {key}\n", principal(epoch));
    let mut text = line(0, &all[0].old_key);
    for t in all {
        text.push_str(&line(t.epoch, &t.new_key));
    }
    match bundle.read(SIGNERS) {
        Ok(bytes) if bytes == text.as_bytes() => {}
        Ok(_) => problems.push(format!(
            "{SIGNERS} does not list the keys of the statements"
        )),
        Err(e) => problems.push(format!("{SIGNERS}: {e}")),
    }
}

/// The rotation's record is disclosed, hashes to its leaf in the chain,
/// and names the same epoch, keys, reason and time.
fn rotation_in_chain(chain_file: &ChainFile, incidents: &IncidentsFile, t: &KeyTransition) -> bool {
    let Some(row) = (t.seq as usize)
        .checked_sub(1)
        .and_then(|i| chain_file.rows.get(i))
        .filter(|r| r.seq == t.seq)
    else {
        return false;
    };
    let Some(disclosed) = incidents.records.iter().find(|r| r.seq == t.seq) else {
        return false;
    };
    if hex::encode(chain::leaf(t.seq, disclosed.plaintext.as_bytes())) != row.leaf {
        return false;
    }
    match LogRecord::from_json(disclosed.plaintext.as_bytes()) {
        Ok(LogRecord {
            recorded_at,
            event: Event::KeysRotate(r),
            ..
        }) => {
            recorded_at == t.recorded_at
                && r.epoch == t.epoch
                && r.signing_key == t.new_key
                && r.previous_signing_key == t.old_key
                && transitions::reason_name(r.reason) == t.reason
        }
        _ => false,
    }
}
