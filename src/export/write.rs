//! The stages of an export, in the order they write: exhibits, data files,
//! manifest, report, then the README, the key, the sums and the signature.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use super::bundle::{
    self, ChainFile, ChainRow, Counts, DisclosedRecord, ExportedAmendment, ExportedIncident,
    ExportedOrder, ExportedPerson, ExportedVersion, ExportedWithdrawal, FORMAT, FileEntry,
    IncidentsFile, Manifest, ManifestExhibit, ProfileFile,
};
use super::exhibits::{thumbnails, write_exhibits};
use super::select::{self, ExportOptions, Selection};
use super::sink::{Packing, Sink};
#[cfg(feature = "report")]
use super::typeset;
use super::{ExportSummary, Progress, readme, report, transitions};
use crate::crypto::sshsig::{NAMESPACE, PRINCIPAL, Signer};
use crate::diary::Disclosure;
use crate::durable;
use crate::error::{Error, Result};
use crate::log::Disclosed;
use crate::state::{Amendment, IncidentRecord, State};

/// Writes the evidence bundle of what `source` discloses to `out` (a `.zip`
/// or a new directory), calling `progress` as it goes.
pub(crate) fn write_bundle(
    source: &Disclosure<'_>,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportSummary> {
    if let (Some(from), Some(to)) = (options.from, options.to)
        && from > to
    {
        return Err(Error::invalid("from", "the period starts after it ends"));
    }
    let now = source.now();
    let state = source.state();
    let prefix = state.case().exhibit_prefix.clone();
    let selection = select::select(state, options);
    let chain = source.chain(&disclosed_seqs(state, &selection))?;
    let signer = source.signer();
    let public = signer.public();
    let tmp = durable::partial_sibling(out);
    // Dropped after the sink (declared before it): the sink removes what it
    // wrote, then the mark its note.
    let _mark = source.mark_output(&tmp);
    let mut sink = Sink::create(out, &tmp, &folder_name(out, &prefix, now), now)?;

    let register = write_exhibits(&mut sink, source, &selection, &prefix, progress)?;
    let (thumb_paths, thumb_files) = thumbnails(source, &selection, &prefix)?;
    let (seq, head) = source.tip();
    let chain_head = hex::encode(head);
    let vault_id = hex::encode(source.vault_id());
    write_data(&mut sink, state, &selection, &register, chain, &vault_id)?;
    let key_transitions = transitions::write(&mut sink, source, &vault_id)?;
    let counts = counts(state, &selection);
    let manifest = Manifest {
        format: FORMAT.into(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        vault_id: vault_id.clone(),
        exported_at: now,
        pack: options.pack.as_str().into(),
        from: options.from,
        to: options.to,
        only: (!options.only.is_everything()).then(|| options.only.clone()),
        chain_length: seq,
        chain_head: chain_head.clone(),
        signing_key: public.openssh(),
        signing_key_fingerprint: public.fingerprint(),
        counts: counts.clone(),
        exhibits: register.clone(),
        files: sink.written().to_vec(),
        key_transitions,
    };
    let manifest_bytes = json_bytes(&manifest);
    let manifest_entry = sink.add_bytes(bundle::MANIFEST, Packing::Deflated, &manifest_bytes)?;

    let context = report::ReportContext {
        state,
        options,
        counts: &counts,
        exhibits: &register,
        thumbnails: &thumb_paths,
        now,
        chain: (seq, chain_head.clone()),
        key: (public.fingerprint(), public.openssh()),
        transitions: &manifest.key_transitions,
        vault_id,
        manifest_sha256: manifest_entry.sha256.clone(),
    };
    let data = report::report_data(&selection, &context);
    let total = selection.incidents.len();
    progress(Progress::Entries { done: total, total });
    progress(Progress::Report);
    write_report(&mut sink, &data, thumb_files, manifest_bytes, now)?;

    progress(Progress::Signing);
    sign(&mut sink, &signer, &manifest, now)?;
    let path = sink.finish()?;
    Ok(ExportSummary {
        path,
        counts,
        fingerprint: public.fingerprint(),
        manifest_sha256: manifest_entry.sha256,
        chain_head,
    })
}

/// Typesets `report.pdf` from the report's data and adds it.
#[cfg(feature = "report")]
fn write_report(
    sink: &mut Sink,
    data: &serde_json::Value,
    thumbnails: HashMap<String, Vec<u8>>,
    manifest: Vec<u8>,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    let pdf = typeset::render(typeset::ReportInput {
        data: serde_json::to_vec(data).expect("report data always serialises"),
        thumbnails,
        manifest,
        now,
    })?;
    sink.add_bytes(bundle::REPORT, Packing::Deflated, &pdf)?;
    Ok(())
}

/// The report of `state` as an export typesets it (every incident, no
/// exhibits, a key of its own), as the text laid out on its pages, and a
/// string as the report prints it: for the fuzz check that whatever the
/// owner typed prints as typed (`crate::fuzzing`).
#[cfg(all(feature = "report", any(test, feature = "fuzzing")))]
pub(crate) fn report_text(state: &State, now: DateTime<FixedOffset>) -> Result<String> {
    let options = ExportOptions::default();
    let selection = select::select(state, &options);
    let counts = counts(state, &selection);
    let signer = Signer::derive(&crate::crypto::SecretKey::from_bytes([7; 32]));
    let public = signer.public();
    let context = report::ReportContext {
        state,
        options: &options,
        counts: &counts,
        exhibits: &[],
        thumbnails: &std::collections::BTreeMap::new(),
        now,
        chain: (1, "0".repeat(64)),
        key: (public.fingerprint(), public.openssh()),
        transitions: &[],
        vault_id: "0".repeat(32),
        manifest_sha256: "0".repeat(64),
    };
    let data = report::report_data(&selection, &context);
    typeset::laid_out_text(typeset::ReportInput {
        data: serde_json::to_vec(&data).expect("report data always serialises"),
        thumbnails: HashMap::new(),
        manifest: b"{}".to_vec(),
        now,
    })
}

/// A build without the report (the fuzz targets' own) exports nothing:
/// a bundle without its report is not one to give an officer.
#[cfg(not(feature = "report"))]
fn write_report(
    _: &mut Sink,
    _: &serde_json::Value,
    _: HashMap<String, Vec<u8>>,
    _: Vec<u8>,
    _: DateTime<FixedOffset>,
) -> Result<()> {
    Err(crate::error::Error::Storage(
        "this program was built without the report (a fuzzing build): it cannot export".into(),
    ))
}

/// The log positions whose plaintext the bundle discloses: every version
/// and withdrawal of the exported incidents, every key rotation (which
/// holds public keys only), the record of every exported exhibit that
/// commits to its key instead of holding it, and the import record of
/// every conversation an exported incident quotes.
fn disclosed_seqs(state: &State, selection: &Selection<'_>) -> HashSet<u64> {
    selection
        .incidents
        .iter()
        .flat_map(|r| {
            r.versions
                .iter()
                .map(|v| v.seq)
                .chain(r.withdrawn.as_ref().map(|w| w.seq))
        })
        .chain(state.rotations().map(|(event, _)| event.seq))
        .chain(selection.chats.iter().map(|c| c.seq))
        .chain(
            selection
                .exhibits
                .iter()
                .chain(&selection.deleted_exhibits)
                .filter_map(|e| e.disclosable_at),
        )
        .collect()
}

/// The folder inside a zip: the zip's own name (`export-2026-03-14.zip`
/// unzips to `export-2026-03-14/`), which the victim chose to mean nothing
/// to anyone else, rather than a name that gives the app away; where that
/// name has nothing usable, `evidence-JS-2026-03-14-1830`.
fn folder_name(out: &Path, prefix: &str, now: DateTime<FixedOffset>) -> String {
    let stem: String = out
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .chars()
        .map(|c| if c == ' ' { '-' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    let stem = stem.trim_matches('.');
    if !stem.is_empty() {
        return stem.to_string();
    }
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}-")
    };
    format!("evidence-{prefix}{}", now.format("%Y-%m-%d-%H%M"))
}

/// `data/incidents.json`, `data/chain.json` and `data/profile.json`.
fn write_data(
    sink: &mut Sink,
    state: &State,
    selection: &Selection<'_>,
    register: &[ManifestExhibit],
    chain: Disclosed,
    vault_id: &str,
) -> Result<()> {
    let labels_of = |r: &IncidentRecord| -> Vec<String> {
        register
            .iter()
            .filter(|e| e.incident == r.number)
            .map(|e| e.label.clone())
            .collect()
    };
    let incidents = IncidentsFile {
        format: FORMAT.into(),
        incidents: selection
            .incidents
            .iter()
            .map(|r| exported_incident(r, labels_of(r)))
            .collect(),
        records: chain
            .records
            .into_iter()
            .map(|(seq, plaintext)| DisclosedRecord { seq, plaintext })
            .collect(),
    };
    sink.add_bytes(
        bundle::INCIDENTS,
        Packing::Deflated,
        &json_bytes(&incidents),
    )?;
    drop(incidents);
    let rows = chain
        .links
        .into_iter()
        .map(|l| ChainRow {
            seq: l.seq,
            leaf: hex::encode(l.leaf),
            cth: hex::encode(l.cth),
            head: hex::encode(l.head),
            disclosed: l.disclosed,
            epoch: l.epoch,
        })
        .collect();
    let chain_file = ChainFile {
        format: FORMAT.into(),
        vault_id: vault_id.to_string(),
        rows,
    };
    sink.add_bytes(bundle::CHAIN, Packing::Deflated, &json_bytes(&chain_file))?;
    let profile = ProfileFile {
        format: FORMAT.into(),
        case: state.case().clone(),
        persons: state
            .persons()
            .iter()
            .map(|p| ExportedPerson {
                id: p.id,
                person: p.value.clone(),
                amendments: exported_amendments(&p.amendments),
            })
            .collect(),
        orders: state
            .orders()
            .iter()
            .map(|o| ExportedOrder {
                id: o.id,
                order: o.value.clone(),
                amendments: exported_amendments(&o.amendments),
            })
            .collect(),
        risk_checks: state
            .risk_checks()
            .iter()
            .map(|c| c.value.clone())
            .collect(),
    };
    sink.add_bytes(bundle::PROFILE, Packing::Deflated, &json_bytes(&profile))?;
    Ok(())
}

fn exported_amendments<T: Clone>(amendments: &[Amendment<T>]) -> Vec<ExportedAmendment<T>> {
    amendments
        .iter()
        .map(|a| ExportedAmendment {
            recorded_at: a.recorded_at,
            reason: a.reason.clone(),
            replaced: a.replaced.clone(),
        })
        .collect()
}

fn counts(state: &State, selection: &Selection<'_>) -> Counts {
    Counts {
        incidents: selection.incidents.len(),
        incidents_in_diary: state.incidents().len(),
        outside_period: selection.left_out.outside_period,
        not_matching: selection.left_out.not_matching,
        withdrawn: selection.left_out.withdrawn,
        excluded_by_victim: selection.left_out.excluded_by_victim,
        exhibits: selection.exhibits.len(),
        deleted_exhibits: selection.left_out.deleted_exhibits,
    }
}

/// `README.txt`, `allowed_signers`, `SHA256SUMS` over every file so far,
/// and `SHA256SUMS.sig`.
fn sign(
    sink: &mut Sink,
    signer: &Signer,
    manifest: &Manifest,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    let public = signer.public();
    let counts = &manifest.counts;
    let counts_line = format!(
        "It holds {} of the diary's {} incidents and {} exhibit files.",
        counts.incidents, counts.incidents_in_diary, counts.exhibits
    );
    let time = format!("{} ({})", report::local_time(now), report::utc_time(now));
    let text = readme::readme(
        &public.fingerprint(),
        &time,
        &counts_line,
        &manifest.key_transitions,
    );
    sink.add_bytes(bundle::README, Packing::Deflated, text.as_bytes())?;
    let signers = format!(
        "{PRINCIPAL} namespaces=\"{NAMESPACE}\" {}\n",
        public.openssh()
    );
    sink.add_bytes(
        bundle::ALLOWED_SIGNERS,
        Packing::Deflated,
        signers.as_bytes(),
    )?;
    let sums: String = sink
        .written()
        .iter()
        .map(|e: &FileEntry| format!("{}  {}\n", e.sha256, e.path))
        .collect();
    sink.add_bytes(bundle::SUMS, Packing::Deflated, sums.as_bytes())?;
    let signature = signer.sign(NAMESPACE, sums.as_bytes());
    sink.add_bytes(bundle::SIGNATURE, Packing::Deflated, signature.as_bytes())?;
    Ok(())
}

fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("bundle data always serialises");
    bytes.push(b'\n');
    bytes
}

fn exported_incident(r: &IncidentRecord, exhibits: Vec<String>) -> ExportedIncident {
    ExportedIncident {
        id: r.id,
        number: r.number,
        versions: r
            .versions
            .iter()
            .map(|v| ExportedVersion {
                seq: v.seq,
                recorded_at: v.recorded_at,
                reason: v.reason.clone(),
                incident: v.incident.clone(),
            })
            .collect(),
        withdrawn: r.withdrawn.as_ref().map(|w| ExportedWithdrawal {
            seq: w.seq,
            recorded_at: w.recorded_at,
            reason: w.reason.clone(),
        }),
        exhibits,
    }
}
