//! Export: the evidence bundle of DESIGN section 6, and its verification.
//!
//! An export is written in this order, each file hashed as it is written:
//! exhibits (original bytes, checked against their recorded SHA-256 on the
//! way out), the data files, `manifest.json`, `report.pdf` (which carries
//! the manifest), `README.txt`, `allowed_signers`, then `SHA256SUMS` over all
//! of them and its signature. Everything goes to a temporary name that is
//! renamed into place only when complete.

pub mod bundle;
mod chain;
mod readme;
mod report;
mod select;
mod sink;
mod typeset;
pub mod verify;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

pub use select::{ExportOptions, LeftOut, Pack};

use self::bundle::{
    Counts, ExportedIncident, ExportedOrder, ExportedPerson, ExportedVersion, ExportedWithdrawal,
    FORMAT, IncidentsFile, Manifest, ManifestExhibit, ProfileFile,
};
use self::sink::{Packing, Sink};
use crate::Diary;
use crate::crypto::sshsig::{ExportKey, NAMESPACE, PRINCIPAL};
use crate::error::{Error, Result};
use crate::model::exhibit;
use crate::state::{ExhibitRecord, IncidentRecord};

/// How far an export has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Exhibit files copied (and checked) so far.
    Exhibits {
        /// Done.
        done: usize,
        /// In all.
        total: usize,
    },
    /// Entries prepared for the report and the data files.
    Entries {
        /// Done.
        done: usize,
        /// In all.
        total: usize,
    },
    /// Typesetting the PDF.
    Report,
    /// Writing the sums and signing them.
    Signing,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// Where the bundle is.
    pub path: PathBuf,
    /// What is in it and what was left out.
    pub counts: Counts,
    /// The signing key's fingerprint, to give to the officer.
    pub fingerprint: String,
    /// SHA-256 of `manifest.json`, hex.
    pub manifest_sha256: String,
    /// Chain head, hex.
    pub chain_head: String,
}

/// `JS_3.jpg`: the exhibit's file label and a safe ASCII extension.
fn exhibit_file_name(prefix: &str, rec: &ExhibitRecord) -> String {
    let from_name = Path::new(&rec.exhibit.original_name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_ascii_lowercase);
    let ext = from_name.unwrap_or_else(|| {
        match rec.exhibit.media_type.as_str() {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/heif" | "image/heic" => "heic",
            "video/mp4" => "mp4",
            "audio/mpeg" => "mp3",
            "application/pdf" => "pdf",
            _ => "bin",
        }
        .to_string()
    });
    format!("{}.{ext}", exhibit::file_label(prefix, rec.exhibit.number))
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

impl Diary {
    /// Writes the evidence bundle to `out` (a `.zip` or a new directory),
    /// calling `progress` as it goes.
    pub fn export(
        &self,
        out: &Path,
        options: &ExportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportSummary> {
        if let (Some(from), Some(to)) = (options.from, options.to) {
            if from > to {
                return Err(Error::invalid("from", "the period starts after it ends"));
            }
        }
        let now = self.clock.now();
        let state = &self.state;
        let prefix = state.case().exhibit_prefix.clone();
        let selection = select::select(state, options);
        let disclose: HashSet<u64> = selection
            .incidents
            .iter()
            .flat_map(|r| {
                r.versions
                    .iter()
                    .map(|v| v.seq)
                    .chain(r.withdrawn.as_ref().map(|w| w.seq))
            })
            .collect();
        let (rows, records) = self.read_chain(&disclose)?;
        let key = ExportKey::derive(&self.vault_key);
        let public = key.public();
        let folder = format!(
            "incident-diary-{}{}",
            if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}-")
            },
            now.format("%Y-%m-%d-%H%M")
        );
        let mut sink = Sink::create(out, &folder, now)?;

        // Exhibits: original bytes, verified against the recorded hash.
        let mut register = Vec::new();
        let total = selection.exhibits.len();
        for (done, rec) in selection.exhibits.iter().enumerate() {
            let path = format!("exhibits/{}", exhibit_file_name(&prefix, rec));
            sink.add(&path, Packing::Stored, rec.exhibit.size, |mut w| {
                self.open_exhibit(rec, &mut w)
            })?;
            register.push(self.manifest_exhibit(&prefix, rec, Some(path)));
            progress(Progress::Exhibits {
                done: done + 1,
                total,
            });
        }
        for rec in &selection.deleted_exhibits {
            register.push(self.manifest_exhibit(&prefix, rec, None));
        }
        register.sort_by_key(|e| exhibit::parse_label(&e.label));
        let mut thumb_paths = BTreeMap::new();
        let mut thumb_files = HashMap::new();
        let thumbnails = self.thumbnails_of(&selection.exhibits)?;
        for (rec, thumb) in selection.exhibits.iter().zip(thumbnails) {
            if let Some(bytes) = thumb {
                let path = format!("/thumbs/{}.jpg", rec.exhibit.number);
                thumb_paths.insert(exhibit::label(&prefix, rec.exhibit.number), path.clone());
                thumb_files.insert(path, bytes);
            }
        }

        // Data files.
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
            records,
        };
        sink.add_bytes(
            bundle::INCIDENTS,
            Packing::Deflated,
            &json_bytes(&incidents),
        )?;
        drop(incidents);
        let chain_head = hex::encode(self.journal.head());
        sink.add_bytes(
            bundle::CHAIN,
            Packing::Deflated,
            &json_bytes(&bundle::ChainFile {
                format: FORMAT.into(),
                vault_id: hex::encode(self.vault_id),
                rows,
            }),
        )?;
        let profile = ProfileFile {
            format: FORMAT.into(),
            case: state.case().clone(),
            persons: state
                .persons()
                .iter()
                .map(|p| ExportedPerson {
                    id: p.id,
                    person: p.value.clone(),
                })
                .collect(),
            orders: state
                .orders()
                .iter()
                .map(|o| ExportedOrder {
                    id: o.id,
                    order: o.value.clone(),
                })
                .collect(),
            risk_checks: state
                .risk_checks()
                .iter()
                .map(|c| c.value.clone())
                .collect(),
        };
        sink.add_bytes(bundle::PROFILE, Packing::Deflated, &json_bytes(&profile))?;

        let counts = Counts {
            incidents: selection.incidents.len(),
            incidents_in_diary: state.incidents().len(),
            outside_period: selection.left_out.outside_period,
            withdrawn: selection.left_out.withdrawn,
            excluded_by_victim: selection.left_out.excluded_by_victim,
            exhibits: selection.exhibits.len(),
            deleted_exhibits: selection.left_out.deleted_exhibits,
        };
        let manifest = Manifest {
            format: FORMAT.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            vault_id: hex::encode(self.vault_id),
            exported_at: now,
            pack: options.pack.as_str().into(),
            from: options.from,
            to: options.to,
            chain_length: self.journal.seq(),
            chain_head: chain_head.clone(),
            signing_key: public.openssh(),
            signing_key_fingerprint: public.fingerprint(),
            counts: counts.clone(),
            exhibits: register.clone(),
            files: sink.written().to_vec(),
        };
        let manifest_bytes = json_bytes(&manifest);
        let manifest_entry =
            sink.add_bytes(bundle::MANIFEST, Packing::Deflated, &manifest_bytes)?;

        // The report.
        let total = selection.incidents.len();
        let context = report::ReportContext {
            state,
            options,
            counts: &counts,
            exhibits: &register,
            thumbnails: &thumb_paths,
            now,
            chain: (self.journal.seq(), chain_head.clone()),
            key: (public.fingerprint(), public.openssh()),
            vault_id: hex::encode(self.vault_id),
            manifest_sha256: manifest_entry.sha256.clone(),
        };
        let data = report::report_data(&selection, &context);
        progress(Progress::Entries { done: total, total });
        progress(Progress::Report);
        let pdf = typeset::render(typeset::ReportInput {
            data: serde_json::to_vec(&data).expect("report data always serialises"),
            thumbnails: thumb_files,
            manifest: manifest_bytes,
            now,
        })?;
        sink.add_bytes(bundle::REPORT, Packing::Deflated, &pdf)?;
        drop(pdf);

        // README, key, sums, signature.
        progress(Progress::Signing);
        let counts_line = format!(
            "It holds {} of the diary's {} incidents and {} exhibit files.",
            counts.incidents, counts.incidents_in_diary, counts.exhibits
        );
        sink.add_bytes(
            bundle::README,
            Packing::Deflated,
            readme::readme(&public.fingerprint(), &report_time(now), &counts_line).as_bytes(),
        )?;
        let signers = format!(
            "{PRINCIPAL} namespaces=\"{NAMESPACE}\" {}\n",
            public.openssh()
        );
        sink.add_bytes(
            bundle::ALLOWED_SIGNERS,
            Packing::Deflated,
            signers.as_bytes(),
        )?;
        let mut sums = String::new();
        for entry in sink.written() {
            sums.push_str(&format!("{}  {}\n", entry.sha256, entry.path));
        }
        sink.add_bytes(bundle::SUMS, Packing::Deflated, sums.as_bytes())?;
        let signature = key.sign(NAMESPACE, sums.as_bytes());
        sink.add_bytes(bundle::SIGNATURE, Packing::Deflated, signature.as_bytes())?;
        let path = sink.finish()?;
        Ok(ExportSummary {
            path,
            counts,
            fingerprint: public.fingerprint(),
            manifest_sha256: manifest_entry.sha256,
            chain_head,
        })
    }

    fn manifest_exhibit(
        &self,
        prefix: &str,
        rec: &ExhibitRecord,
        file: Option<String>,
    ) -> ManifestExhibit {
        let e = &rec.exhibit;
        let incident = self
            .state
            .incident(e.incident)
            .map(|r| r.number)
            .unwrap_or(0);
        ManifestExhibit {
            label: exhibit::label(prefix, e.number),
            file,
            incident,
            description: e.description.clone(),
            original_name: e.original_name.clone(),
            media_type: e.media_type.clone(),
            size: e.size,
            sha256: hex::encode(e.sha256),
            attached_at: rec.recorded_at,
            captured_at: e
                .claims
                .captured_at
                .as_ref()
                .map(|t| match &e.claims.captured_offset {
                    Some(offset) => format!("{t} {offset}"),
                    None => t.clone(),
                }),
            deleted: rec.deleted.as_ref().map(|d| d.reason.clone()),
        }
    }
}

fn report_time(t: DateTime<FixedOffset>) -> String {
    format!("{} ({})", report::local_time(t), report::utc_time(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SteppingClock;
    use crate::crypto::Passphrase;
    use crate::crypto::kdf::{KdfParams, MIN_MEMORY_KIB};
    use crate::model::Incident;

    fn diary(dir: &Path) -> Diary {
        let clock =
            SteppingClock::new(DateTime::parse_from_rfc3339("2026-05-01T09:00:00Z").unwrap());
        let kdf = KdfParams::new(MIN_MEMORY_KIB, 2).unwrap();
        Diary::create(dir, &Passphrase::new("pw".into()), kdf, Box::new(clock))
            .unwrap()
            .0
    }

    #[test]
    fn progress_is_reported_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = diary(&tmp.path().join("v"));
        let at = DateTime::parse_from_rfc3339("2026-04-01T10:00:00Z").unwrap();
        let id = d.add_incident(Incident::new(at, "one")).unwrap().id;
        for name in ["a.txt", "b.txt"] {
            let file = tmp.path().join(name);
            std::fs::write(&file, name).unwrap();
            d.attach(id, &file, "").unwrap();
        }
        let mut seen = Vec::new();
        let summary = d
            .export(
                &tmp.path().join("out"),
                &ExportOptions::default(),
                &mut |p| seen.push(p),
            )
            .unwrap();
        assert_eq!(
            seen,
            [
                Progress::Exhibits { done: 1, total: 2 },
                Progress::Exhibits { done: 2, total: 2 },
                Progress::Entries { done: 1, total: 1 },
                Progress::Report,
                Progress::Signing,
            ]
        );
        assert_eq!(summary.counts.exhibits, 2);
        assert!(verify::verify_bundle(&summary.path).unwrap().ok());
    }

    /// However long the diary, page 1 holds the whole pattern summary.
    #[test]
    fn page_one_holds_the_pattern_for_a_long_diary() {
        use crate::model::{Behaviour, Breach, Order, OrderType};
        let tmp = tempfile::tempdir().unwrap();
        let mut d = diary(&tmp.path().join("v"));
        let order = d
            .add_order(Order {
                kind: OrderType::RestrainingOrder,
                reference: "RO-1".into(),
                court: "Court".into(),
                made_on: None,
                expires: None,
                conditions: vec!["No contact".into()],
            })
            .unwrap();
        let start = DateTime::parse_from_rfc3339("2025-01-01T10:00:00Z").unwrap();
        let incidents: Vec<Incident> = (0..300)
            .map(|i| {
                let mut inc =
                    Incident::new(start + chrono::Duration::days(i), format!("entry {i}"));
                inc.behaviours = Behaviour::ALL.to_vec();
                inc.breach = Some(Breach {
                    order: Some(order),
                    condition: "No contact".into(),
                });
                inc
            })
            .collect();
        d.import_incidents(incidents, crate::store::Durability::Normal)
            .unwrap();
        let summary = d
            .export(
                &tmp.path().join("out"),
                &ExportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        let page_one = std::process::Command::new("pdftotext")
            .args(["-f", "1", "-l", "1"])
            .arg(summary.path.join("report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) must be installed");
        let text = String::from_utf8_lossy(&page_one.stdout);
        for heading in [
            "Pattern of behaviour",
            "Incidents by behaviour",
            "Escalation",
            "Incidents per week",
            "Orders and conditions",
            "Latest risk check",
            "296 further breaches",
            "Page 1 of",
        ] {
            assert!(text.contains(heading), "page 1 lacks {heading:?}:\n{text}");
        }
    }

    #[test]
    fn an_empty_diary_exports_a_valid_bundle() {
        let tmp = tempfile::tempdir().unwrap();
        let d = diary(&tmp.path().join("v"));
        let summary = d
            .export(
                &tmp.path().join("out.zip"),
                &ExportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(summary.counts.incidents, 0);
        let report = verify::verify_bundle(&summary.path).unwrap();
        assert!(report.ok(), "{:?}", report.layers);
    }

    #[test]
    fn exhibit_file_names_are_ascii() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = diary(&tmp.path().join("v"));
        let at = DateTime::parse_from_rfc3339("2026-04-01T10:00:00Z").unwrap();
        let id = d.add_incident(Incident::new(at, "one")).unwrap().id;
        for name in ["zdjęcie.JPEG", "صورة", "notes.tar.gz", "odd.ext?"] {
            let file = tmp.path().join(name);
            std::fs::write(&file, b"data").unwrap();
            d.attach(id, &file, "").unwrap();
        }
        let names: Vec<String> = d
            .state()
            .exhibits()
            .iter()
            .map(|rec| exhibit_file_name("JS", rec))
            .collect();
        assert_eq!(names, ["JS_1.jpeg", "JS_2.bin", "JS_3.gz", "JS_4.bin"]);
    }
}
