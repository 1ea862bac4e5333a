//! The five layers of `diary verify`, each checked whatever the others
//! found: signature, sums, chain, entries, exhibits.

use std::collections::{BTreeMap, HashMap};

use super::reader::{Bundle, inside, is_os_litter};
use super::{Layer, fail, pass, summarise};
use crate::crypto::chain::{self, BreakKind, ChainWalk};
use crate::crypto::sshsig::{NAMESPACE, PublicKey};
use crate::export::bundle::{
    self, ChainFile, ExportedIncident, ExportedVersion, IncidentsFile, Manifest,
};
use crate::model::{Event, LogRecord};
use crate::visible;

/// The signature layer, and the key that made the signature when it
/// verified (checked against the manifest by `verify_bundle`).
pub(super) fn check_signature(bundle: &mut Bundle) -> (Layer, Option<PublicKey>) {
    let name = "signature";
    let read_text = |bundle: &mut Bundle, path: &str| -> Result<Vec<u8>, String> {
        bundle.read(path).map_err(|e| format!("{path}: {e}"))
    };
    let result = (|| {
        let signers = read_text(bundle, bundle::ALLOWED_SIGNERS)?;
        let signers = String::from_utf8_lossy(&signers);
        let line = signers
            .lines()
            .find(|l| l.split_whitespace().next() == Some(crate::crypto::sshsig::PRINCIPAL))
            .ok_or("allowed_signers names no incident-diary key")?;
        let key_text = &line[line
            .find("ssh-ed25519")
            .ok_or("allowed_signers holds no ssh-ed25519 key")?..];
        let key = PublicKey::parse_openssh(key_text).map_err(|e| e.to_string())?;
        let sums = read_text(bundle, bundle::SUMS)?;
        let sig = read_text(bundle, bundle::SIGNATURE)?;
        key.verify(NAMESPACE, &sums, &String::from_utf8_lossy(&sig))
            .map_err(|e| e.to_string())?;
        Ok::<PublicKey, String>(key)
    })();
    match result {
        Ok(key) => (
            pass(
                name,
                format!(
                    "SHA256SUMS is signed by the diary key {} (confirm this fingerprint with the victim)",
                    key.fingerprint()
                ),
            ),
            Some(key),
        ),
        Err(why) => (fail(name, why), None),
    }
}

/// The key that signed the bundle must be the one its manifest names: a
/// bundle signed by another key (one the diary replaced, say) while the
/// manifest and the key statements describe the current one is refused.
pub(super) fn signed_as_described(
    layer: Layer,
    signer: Option<&PublicKey>,
    manifest: &Result<Manifest, String>,
) -> Layer {
    match (signer, manifest) {
        (Some(key), Ok(m)) if key.openssh() != m.signing_key => fail(
            layer.name,
            format!(
                "SHA256SUMS is signed by {}, but the manifest names {} as the diary's key",
                key.fingerprint(),
                visible::name(&m.signing_key_fingerprint)
            ),
        ),
        _ => layer,
    }
}

/// Checks every line of `SHA256SUMS`; returns the computed hashes by path.
pub(super) fn check_sums(
    bundle: &mut Bundle,
    files: &[String],
) -> (Layer, HashMap<String, (u64, String)>) {
    let name = "sums";
    let mut hashes = HashMap::new();
    let sums = match bundle.read(bundle::SUMS) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return (fail(name, format!("SHA256SUMS: {e}")), hashes),
    };
    let mut problems = Vec::new();
    let mut listed = BTreeMap::new();
    for (n, line) in sums.lines().enumerate() {
        let Some((sum, file)) = line.split_once("  ") else {
            problems.push(format!("line {} of SHA256SUMS is malformed", n + 1));
            continue;
        };
        if !inside(file) {
            problems.push(format!(
                "SHA256SUMS names {}, which is not a file inside the bundle",
                visible::name(file)
            ));
            continue;
        }
        listed.insert(file.to_string(), sum.to_ascii_lowercase());
    }
    for file in files.iter().chain(listed.keys()) {
        if visible::has_acting(file) {
            problems.push(format!(
                "the file name {} holds control characters",
                visible::name(file)
            ));
        }
    }
    for (file, sum) in &listed {
        let shown = visible::name(file);
        match bundle.hash(file) {
            Ok((size, actual)) => {
                if &actual != sum {
                    problems.push(format!("{shown} has been altered"));
                }
                hashes.insert(file.clone(), (size, actual));
            }
            Err(e) => problems.push(format!("{shown}: {e}")),
        }
    }
    let mut ignored = Vec::new();
    for file in files {
        if listed.contains_key(file) || file == bundle::SUMS || file == bundle::SIGNATURE {
            continue;
        }
        if is_os_litter(file) {
            ignored.push(visible::name(file));
        } else {
            problems.push(format!(
                "{} is not listed in SHA256SUMS",
                visible::name(file)
            ));
        }
    }
    let ignored = match ignored.len() {
        0 => String::new(),
        n => format!(
            "; ignored {n} file(s) that Finder or Explorer add: {}",
            summarise(&ignored)
        ),
    };
    let layer = if problems.is_empty() {
        pass(
            name,
            format!("{} files match SHA256SUMS{ignored}", listed.len()),
        )
    } else {
        fail(name, summarise(&problems))
    };
    (layer, hashes)
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}

pub(super) fn check_chain(
    manifest: &Result<Manifest, String>,
    chain_file: &Result<ChainFile, String>,
) -> Layer {
    let name = "chain";
    let (manifest, chain_file) = match (manifest, chain_file) {
        (Ok(m), Ok(c)) => (m, c),
        (Err(e), _) | (_, Err(e)) => return fail(name, e.clone()),
    };
    let Some(vault_id) = hex::decode(&chain_file.vault_id)
        .ok()
        .and_then(|v| <[u8; 16]>::try_from(v).ok())
    else {
        return fail(name, "the diary id in data/chain.json is malformed");
    };
    if chain_file.vault_id != manifest.vault_id {
        return fail(
            name,
            "data/chain.json is from another diary than the manifest",
        );
    }
    let mut walk = ChainWalk::new(&vault_id);
    for row in &chain_file.rows {
        // Position first, as before the walk was shared: a row both moved
        // and malformed is reported as moved.
        let step = walk.expect(row.seq).and_then(|()| {
            let (Some(leaf), Some(cth), Some(stored)) =
                (unhex(&row.leaf), unhex(&row.cth), unhex(&row.head))
            else {
                return Ok(false);
            };
            walk.step(row.seq, row.epoch, &leaf, &cth, &stored)
                .map(|_| true)
        });
        match step {
            Ok(true) => {}
            Ok(false) => return fail(name, format!("entry {} is malformed", row.seq)),
            Err(b) if b.kind == BreakKind::HeadMismatch => {
                return fail(name, format!("the chain breaks at entry {}", b.seq));
            }
            Err(b) if b.kind == BreakKind::KeyEpoch => {
                return fail(name, format!("the key epoch goes wrong at entry {}", b.seq));
            }
            Err(b) => return fail(name, format!("entry {} is missing or out of order", b.seq)),
        }
    }
    let (length, head) = (walk.seq(), walk.head());
    if length != manifest.chain_length || hex::encode(head) != manifest.chain_head {
        return fail(
            name,
            format!(
                "the chain ends at entry {length}, but the manifest says {} entries ending in {}",
                manifest.chain_length, manifest.chain_head
            ),
        );
    }
    let withheld = chain_file.rows.iter().filter(|r| !r.disclosed).count();
    pass(
        name,
        format!(
            "{length} entries link without a gap to head {} ({withheld} withheld, shown as gaps)",
            &manifest.chain_head[..16.min(manifest.chain_head.len())]
        ),
    )
}

pub(super) fn check_entries(
    chain_file: &Result<ChainFile, String>,
    incidents: &Result<IncidentsFile, String>,
) -> Layer {
    let name = "entries";
    let (chain_file, incidents) = match (chain_file, incidents) {
        (Ok(c), Ok(i)) => (c, i),
        (Err(e), _) | (_, Err(e)) => return fail(name, e.clone()),
    };
    let mut problems = Vec::new();
    let records = disclosed_records(chain_file, incidents, &mut problems);
    let mut versions = 0usize;
    for incident in &incidents.incidents {
        let n = incident.number;
        for (i, version) in incident.versions.iter().enumerate() {
            versions += 1;
            if !version_matches(records.get(&version.seq), incident, i, version) {
                problems.push(format!(
                    "incident {n}, version {}, does not match the record it cites",
                    i + 1
                ));
            }
        }
        if let Some(w) = &incident.withdrawn {
            let matches = matches!(
                records.get(&w.seq),
                Some(LogRecord { recorded_at, event: Event::IncidentWithdraw { id, reason }, .. })
                    if *recorded_at == w.recorded_at && *id == incident.id && *reason == w.reason
            );
            if !matches {
                problems.push(format!(
                    "the withdrawal of incident {n} does not match its record"
                ));
            }
        }
    }
    let disclosed_rows = chain_file.rows.iter().filter(|r| r.disclosed).count();
    if disclosed_rows != incidents.records.len() {
        problems.push(format!(
            "the chain marks {disclosed_rows} entries as disclosed, but {} records are given",
            incidents.records.len()
        ));
    }
    if problems.is_empty() {
        pass(
            name,
            format!(
                "{} incidents ({versions} versions) match {} records in the chain",
                incidents.incidents.len(),
                records.len()
            ),
        )
    } else {
        fail(name, summarise(&problems))
    }
}

/// The disclosed records whose plaintext hashes to their leaf in the chain,
/// by position; every other one is a problem.
pub(super) fn disclosed_records(
    chain_file: &ChainFile,
    incidents: &IncidentsFile,
    problems: &mut Vec<String>,
) -> HashMap<u64, LogRecord> {
    let mut records = HashMap::new();
    for disclosed in &incidents.records {
        let row = (disclosed.seq as usize)
            .checked_sub(1)
            .and_then(|i| chain_file.rows.get(i));
        let Some(row) = row else {
            problems.push(format!("record {} is not in the chain", disclosed.seq));
            continue;
        };
        let leaf = hex::encode(chain::leaf(disclosed.seq, disclosed.plaintext.as_bytes()));
        if leaf != row.leaf {
            problems.push(format!(
                "record {} does not match its leaf in the chain",
                disclosed.seq
            ));
            continue;
        }
        match LogRecord::from_json(disclosed.plaintext.as_bytes()) {
            Ok(record) => {
                records.insert(disclosed.seq, record);
            }
            Err(_) => problems.push(format!("record {} is not a valid record", disclosed.seq)),
        }
    }
    records
}

/// Whether version `i` of an exported incident is exactly what the record
/// it cites says: the original is a creation, every later one an amendment
/// with the same reason, fields and time.
fn version_matches(
    record: Option<&LogRecord>,
    incident: &ExportedIncident,
    i: usize,
    version: &ExportedVersion,
) -> bool {
    // The same instant is not enough: the offset is part of what the
    // report shows.
    let same_time = |r: &&LogRecord| {
        r.recorded_at == version.recorded_at
            && r.recorded_at.offset() == version.recorded_at.offset()
    };
    let Some(record) = record.filter(same_time) else {
        return false;
    };
    match &record.event {
        Event::IncidentCreate {
            id,
            incident: fields,
        } => {
            i == 0 && *id == incident.id && *fields == version.incident && version.reason.is_none()
        }
        Event::IncidentAmend {
            id,
            incident: fields,
            reason,
        } => {
            i > 0
                && *id == incident.id
                && *fields == version.incident
                && version.reason.as_deref() == Some(reason.as_str())
        }
        _ => false,
    }
}
