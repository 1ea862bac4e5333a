//! The exhibits layer: every exhibit file has the SHA-256 and size
//! recorded for it, and (bundle format 2) an exhibit whose record is
//! disclosed is exactly what that record says, so its hash, size, name,
//! time and incident rest on the hash chain, not only on the bundle's
//! signature.

use std::collections::{HashMap, HashSet};

use super::reader::Bundle;
use super::{Layer, fail, pass, summarise};
use crate::export::bundle::{
    ChainFile, ExportedIncident, IncidentsFile, Manifest, ManifestExhibit,
};
use crate::model::{Event, ExhibitAttached, Id, LogRecord};
use crate::visible;

/// Who may own an exhibit: the exported incidents (by id, with their
/// numbers) and the conversations whose import records are disclosed.
/// Gathered once, so each exhibit is checked in constant time.
pub(super) struct Owners {
    incidents: HashMap<Id, u32>,
    chats: HashSet<Id>,
}

impl Owners {
    pub(super) fn new(records: &HashMap<u64, LogRecord>, incidents: &[ExportedIncident]) -> Owners {
        let mut numbers = HashMap::new();
        for i in incidents {
            // The first of an id, as a reader of the file would take it.
            numbers.entry(i.id).or_insert(i.number);
        }
        Owners {
            incidents: numbers,
            chats: records
                .values()
                .filter_map(|r| match &r.event {
                    Event::ChatImport(c) => Some(c.id),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// Whether `exhibit` matches the disclosed record it cites; `None` when
/// it cites none (attached by a format-1 diary).
pub(super) fn matches_record(
    exhibit: &ManifestExhibit,
    records: &HashMap<u64, LogRecord>,
    owners: &Owners,
) -> Option<bool> {
    let seq = exhibit.record?;
    let Some(LogRecord {
        recorded_at,
        event: Event::ExhibitAttach(ExhibitAttached { exhibit: e, .. }),
        ..
    }) = records.get(&seq)
    else {
        return Some(false);
    };
    let number = exhibit
        .label
        .rsplit('/')
        .next()
        .and_then(|n| n.parse::<u32>().ok());
    let incident = owners.incidents.get(&e.incident).copied();
    // An incident's exhibit names its incident; a conversation's, the
    // conversation (whose id its record gives as its owner).
    let owner = match &exhibit.conversation {
        None => incident == Some(exhibit.incident),
        Some(chat) => {
            exhibit.incident == 0
                && *chat == e.incident.to_hex()
                && owners.chats.contains(&e.incident)
        }
    };
    Some(
        *recorded_at == exhibit.attached_at
            && recorded_at.offset() == exhibit.attached_at.offset()
            && number == Some(e.number)
            && owner
            && hex::encode(e.sha256) == exhibit.sha256
            && e.size == exhibit.size
            && e.original_name == exhibit.original_name
            && e.media_type == exhibit.media_type
            && e.description == exhibit.description,
    )
}

/// The disclosed records that hash to their leaf in the chain, by
/// position (the entries layer reports the others).
pub(super) fn chain_records(
    chain_file: &Result<ChainFile, String>,
    incidents: &Result<IncidentsFile, String>,
) -> HashMap<u64, LogRecord> {
    match (chain_file, incidents) {
        (Ok(c), Ok(i)) => super::layers::disclosed_records(c, i, &mut Vec::new()),
        _ => HashMap::new(),
    }
}

pub(super) fn check_exhibits(
    bundle: &mut Bundle,
    manifest: &Result<Manifest, String>,
    hashes: &HashMap<String, (u64, String)>,
    records: &HashMap<u64, LogRecord>,
    incidents: &Result<IncidentsFile, String>,
) -> Layer {
    let name = "exhibits";
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => return fail(name, e.clone()),
    };
    let exported = incidents.as_ref().map_or(&[][..], |i| &i.incidents[..]);
    let owners = Owners::new(records, exported);
    let mut problems = citations(&manifest.exhibits, records);
    let mut checked = 0usize;
    let mut in_chain = 0usize;
    for exhibit in &manifest.exhibits {
        match matches_record(exhibit, records, &owners) {
            Some(true) => in_chain += 1,
            Some(false) => problems.push(format!(
                "exhibit {} does not match its record in the chain",
                visible::name(&exhibit.label)
            )),
            None => {}
        }
        let Some(file) = &exhibit.file else { continue };
        let actual = match hashes.get(file) {
            Some(h) => Ok(h.clone()),
            None => bundle.hash(file),
        };
        let (label, file) = (visible::name(&exhibit.label), visible::name(file));
        match actual {
            Ok((size, sha)) if size == exhibit.size && sha == exhibit.sha256 => checked += 1,
            Ok(_) => problems.push(format!(
                "exhibit {label} ({file}) does not match its recorded SHA-256"
            )),
            Err(e) => problems.push(format!("exhibit {label} ({file}): {e}")),
        }
    }
    if problems.is_empty() {
        let unchecked = manifest.exhibits.len() - in_chain;
        let chain = match (in_chain, unchecked) {
            (0, _) => String::new(),
            (n, 0) => format!("; {n} exhibit records match their entries in the chain"),
            (n, k) => format!(
                "; {n} exhibit records match their entries in the chain ({k} attached before vault format 2 rest on the signature alone)"
            ),
        };
        pass(
            name,
            format!("{checked} exhibit files match their recorded SHA-256{chain}"),
        )
    } else {
        fail(name, summarise(&problems))
    }
}

/// Every exhibit record the chain discloses is cited by exactly one
/// exhibit of the register, and an exhibit that cites none (attached
/// before vault format 2, whose record held its key) comes before every
/// exhibit that does: a register cannot skip the chain check by leaving a
/// later exhibit's record out. Returns what is wrong.
fn citations(exhibits: &[ManifestExhibit], records: &HashMap<u64, LogRecord>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut cited: HashMap<u64, usize> = HashMap::new();
    for seq in exhibits.iter().filter_map(|e| e.record) {
        *cited.entry(seq).or_default() += 1;
    }
    let mut attached: Vec<u64> = records
        .iter()
        .filter(|(_, r)| matches!(r.event, Event::ExhibitAttach(_)))
        .map(|(seq, _)| *seq)
        .collect();
    attached.sort_unstable();
    for seq in attached {
        match cited.get(&seq) {
            None => problems.push(format!(
                "the chain discloses the exhibit record at entry {seq}, but no exhibit cites it"
            )),
            Some(n) if *n > 1 => problems.push(format!(
                "the exhibit record at entry {seq} is cited by {n} exhibits"
            )),
            Some(_) => {}
        }
    }
    let number = |e: &ManifestExhibit| e.label.rsplit('/').next()?.parse::<u32>().ok();
    let first_cited = exhibits
        .iter()
        .filter(|e| e.record.is_some())
        .filter_map(number)
        .min();
    if let Some(first) = first_cited {
        for e in exhibits.iter().filter(|e| e.record.is_none()) {
            if number(e).is_none_or(|n| n > first) {
                problems.push(format!(
                    "exhibit {} cites no record in the chain, though it comes after exhibits that do",
                    visible::name(&e.label)
                ));
            }
        }
    }
    problems
}
