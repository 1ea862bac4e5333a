//! Export: the evidence bundle of DESIGN section 6, and its verification.
//!
//! An export is written in this order, each file hashed as it is written:
//! exhibits (original bytes, checked against their recorded SHA-256 on the
//! way out), the data files, `manifest.json`, `report.pdf` (which carries
//! the manifest), `README.txt`, `allowed_signers`, then `SHA256SUMS` over all
//! of them and its signature. Everything goes to a temporary name that is
//! renamed into place only when complete.
//!
//! This layer sits above the diary: it is given a `Disclosure` (decrypted
//! values, chain rows, exhibit readers, a signer) and never holds a key or
//! the store. [`write_bundle`] runs the stages in `write.rs`, one function
//! each.

pub mod bundle;
mod exhibits;
mod readme;
mod report;
mod select;
mod sink;
pub mod transitions;
#[cfg(feature = "report")]
mod typeset;
pub mod verify;
mod write;

use std::path::PathBuf;

pub use select::{ExportOptions, LeftOut, Only, Pack};
pub(crate) use write::write_bundle;
#[cfg(all(feature = "report", any(test, feature = "fuzzing")))]
pub(crate) use {typeset::printable_text, write::report_text};

use self::bundle::Counts;

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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::DateTime;

    use super::exhibits::exhibit_file_name;
    use super::*;
    use crate::Diary;
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
        d.import_incidents(incidents, crate::Durability::Normal)
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
        for name in [
            "zdjęcie.JPEG",
            "صورة",
            "notes.tar.gz",
            "odd.ext?",
            "photo.hta",
        ] {
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
        // A file named to run when double-clicked never carries that name.
        assert_eq!(
            names,
            ["JS_1.jpeg", "JS_2.bin", "JS_3.gz", "JS_4.bin", "JS_5.bin"]
        );
    }
}
