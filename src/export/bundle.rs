//! The machine-readable files of an evidence bundle (DESIGN section 6):
//! `manifest.json`, `data/incidents.json`, `data/chain.json` and
//! `data/profile.json`. Export writes them and `verify` reads them back, so
//! both sides share these types. Hashes are lower-case hex throughout, as
//! `sha256sum` prints them.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::model::{CaseProfile, Id, Incident, Order, Person, RiskCheck};

/// Format name written into every bundle file. Format 2 adds the key
/// transitions (`keys/`, [`Manifest::key_transitions`]); `verify` reads both.
pub const FORMAT: &str = "incident-diary-bundle/2";
/// Where each file lives in the bundle.
pub const MANIFEST: &str = "manifest.json";
/// The signed list of sums.
pub const SUMS: &str = "SHA256SUMS";
/// The signature of [`SUMS`].
pub const SIGNATURE: &str = "SHA256SUMS.sig";
/// The key that made [`SIGNATURE`], in `ssh-keygen` form.
pub const ALLOWED_SIGNERS: &str = "allowed_signers";
/// Exported incidents with history and disclosed records.
pub const INCIDENTS: &str = "data/incidents.json";
/// The whole hash chain.
pub const CHAIN: &str = "data/chain.json";
/// Case details, people, orders and risk checks.
pub const PROFILE: &str = "data/profile.json";
/// The officer's PDF.
pub const REPORT: &str = "report.pdf";
/// Plain-English instructions.
pub const README: &str = "README.txt";

/// One file of the bundle with its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the bundle, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// An exported exhibit as the register lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestExhibit {
    /// Exhibit number with the case prefix (`JS/1`).
    pub label: String,
    /// The file in the bundle (`exhibits/JS_1.jpg`), absent when deleted.
    pub file: Option<String>,
    /// Number of the incident it belongs to (0 for a conversation's).
    pub incident: u32,
    /// The conversation it belongs to (id, hex): the original export of an
    /// imported chat, or a file sent in it (bundle format 2; left out
    /// otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// What the victim said it is.
    pub description: String,
    /// File name when attached.
    pub original_name: String,
    /// Media type detected from the content.
    pub media_type: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// SHA-256 of the original, recorded when it was attached.
    pub sha256: String,
    /// When it was attached.
    pub attached_at: DateTime<FixedOffset>,
    /// Capture time claimed by the file's own metadata (not verified).
    pub captured_at: Option<String>,
    /// Set when the victim deleted the file: why.
    pub deleted: Option<String>,
    /// The log entry of its record, disclosed in `data/incidents.json`
    /// (format 2; an exhibit attached by a format-1 diary has none: its
    /// record holds the file's key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

/// Counts printed in the report and the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Incidents in the export.
    pub incidents: usize,
    /// Incidents in the diary.
    pub incidents_in_diary: usize,
    /// Left out because they occurred outside the period.
    pub outside_period: usize,
    /// Left out because they did not match the chosen filters (left out
    /// when 0, so a bundle without filters is unchanged).
    #[serde(default, skip_serializing_if = "nothing")]
    pub not_matching: usize,
    /// Left out because they were withdrawn.
    pub withdrawn: usize,
    /// Left out at the victim's request.
    pub excluded_by_victim: usize,
    /// Exhibit files in the export.
    pub exhibits: usize,
    /// Exhibits deleted by the victim (listed, no file).
    pub deleted_exhibits: usize,
}

fn nothing(n: &usize) -> bool {
    *n == 0
}

impl Counts {
    /// Incidents left out, all reasons together.
    pub fn left_out(&self) -> usize {
        self.outside_period + self.not_matching + self.withdrawn + self.excluded_by_victim
    }
}

/// The bundle's table of contents. It cannot list `report.pdf`, which
/// carries it as an attachment; `SHA256SUMS` covers every file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// Version of the program that wrote it.
    pub app_version: String,
    /// The diary's id, hex.
    pub vault_id: String,
    /// When the export was made.
    pub exported_at: DateTime<FixedOffset>,
    /// `officer` or `full`.
    pub pack: String,
    /// First day of the period, if limited.
    pub from: Option<NaiveDate>,
    /// Last day of the period, if limited.
    pub to: Option<NaiveDate>,
    /// The timeline filters the export was narrowed to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<super::select::Only>,
    /// Entries in the diary's log when exported.
    pub chain_length: u64,
    /// Chain head after the last entry, hex.
    pub chain_head: String,
    /// The signing key, `ssh-ed25519 AAAA...`.
    pub signing_key: String,
    /// Its fingerprint, `SHA256:...`.
    pub signing_key_fingerprint: String,
    /// What is in and what was left out.
    pub counts: Counts,
    /// The exhibit register.
    pub exhibits: Vec<ManifestExhibit>,
    /// Every file written before the manifest, with sizes and hashes.
    pub files: Vec<FileEntry>,
    /// Every replacement of the diary's key, oldest first (format 2; none
    /// in format 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_transitions: Vec<KeyTransition>,
}

/// One replacement of the diary's key: the statement both keys signed, and
/// the log entry that records it (disclosed in `data/incidents.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyTransition {
    /// The key epoch it starts (1 for the first).
    pub epoch: u32,
    /// The log entry of the rotation.
    pub seq: u64,
    /// When the device recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    /// `recovery` (opened with the recovery key) or `requested`.
    pub reason: String,
    /// The signing key before, `ssh-ed25519 AAAA...`.
    pub old_key: String,
    /// The signing key after.
    pub new_key: String,
    /// The statement, `keys/transition-N.txt`; `.old.sig` and `.new.sig`
    /// beside it are its signatures by each key.
    pub statement: String,
}

/// One row of the hash chain, disclosed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRow {
    /// Position from 1.
    pub seq: u64,
    /// Commitment to the record's plaintext, hex.
    pub leaf: String,
    /// Hash of the stored ciphertext, hex.
    pub cth: String,
    /// Head after this row, hex.
    pub head: String,
    /// Whether the record's plaintext is in `data/incidents.json`.
    pub disclosed: bool,
    /// The key epoch that sealed the row (format 2; left out while 0), a
    /// part of its head.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub epoch: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `data/chain.json`: every row of the log, so anyone can check that none
/// was removed or reordered, even those whose content is withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainFile {
    /// [`FORMAT`].
    pub format: String,
    /// The diary's id, hex (the genesis head is derived from it).
    pub vault_id: String,
    /// Every row in order.
    pub rows: Vec<ChainRow>,
}

/// A record whose plaintext is disclosed: its exact bytes, so its leaf can
/// be recomputed. The plaintext carries the record's blinding value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosedRecord {
    /// Log position.
    pub seq: u64,
    /// The canonical JSON plaintext, exactly as committed to by the leaf.
    pub plaintext: String,
}

/// One version of an exported incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedVersion {
    /// Log position of the event that recorded it.
    pub seq: u64,
    /// When the device recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why it was amended (`None` for the original).
    pub reason: Option<String>,
    /// The fields as of this version.
    pub incident: Incident,
}

/// A withdrawal, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedWithdrawal {
    /// Log position of the tombstone.
    pub seq: u64,
    /// When it was withdrawn.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why.
    pub reason: String,
}

/// An exported incident with its whole history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedIncident {
    /// Random id.
    pub id: Id,
    /// Number in the diary.
    pub number: u32,
    /// Original first, then each amendment.
    pub versions: Vec<ExportedVersion>,
    /// Set if withdrawn (full pack only).
    pub withdrawn: Option<ExportedWithdrawal>,
    /// Labels of its exhibits.
    pub exhibits: Vec<String>,
}

/// `data/incidents.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentsFile {
    /// [`FORMAT`].
    pub format: String,
    /// Exported incidents in order of occurrence.
    pub incidents: Vec<ExportedIncident>,
    /// The log records behind every version and withdrawal above.
    pub records: Vec<DisclosedRecord>,
}

/// A person, with the id incidents refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedPerson {
    /// Id used in incidents.
    pub id: Id,
    /// The person.
    pub person: Person,
    /// Earlier versions, oldest first (left out when never amended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<ExportedAmendment<Person>>,
}

/// A correction of a person or order: when, why, and the version it
/// replaced. Export discloses it so that an officer sees an order's
/// conditions as they stood when an earlier breach was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedAmendment<T> {
    /// When the device recorded the amendment.
    pub recorded_at: DateTime<FixedOffset>,
    /// Why.
    pub reason: String,
    /// The version it replaced.
    pub replaced: T,
}

/// An order, with the id incidents refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedOrder {
    /// Id used in incidents.
    pub id: Id,
    /// The order.
    pub order: Order,
    /// Earlier versions, oldest first (left out when never amended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<ExportedAmendment<Order>>,
}

/// `data/profile.json`: the case, people, orders and risk checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileFile {
    /// [`FORMAT`].
    pub format: String,
    /// Case details.
    pub case: CaseProfile,
    /// Everyone named in the diary.
    pub persons: Vec<ExportedPerson>,
    /// Court orders and bail conditions.
    pub orders: Vec<ExportedOrder>,
    /// Risk checks, oldest first.
    pub risk_checks: Vec<RiskCheck>,
}
