//! `diary verify`: checks an evidence bundle with no passphrase, layer by
//! layer, as an officer or a court's expert would.
//!
//! 1. signature: `SHA256SUMS.sig` is a valid SSHSIG of `SHA256SUMS` by the key
//!    in `allowed_signers` (whose fingerprint the victim can confirm);
//! 2. sums: every file matches `SHA256SUMS`, and no file is unlisted;
//! 3. chain: `data/chain.json` links from the diary's genesis to the head in
//!    the manifest without a gap;
//! 4. entries: every disclosed record hashes to its leaf, and every exported
//!    version and withdrawal is exactly what its record says;
//! 5. exhibits: every exhibit file has the SHA-256 and size recorded for it,
//!    and every exhibit whose record is disclosed matches it (format 2);
//! 6. contents: what the export holds and left out adds up to what the
//!    manifest says the diary holds (the selection is printed);
//! 7. keys (only when the diary's key was ever replaced): each change is
//!    signed by the key before and the key after, and is in the chain.
//!
//! Each layer is checked even when an earlier one fails, so the report says
//! everything that is wrong.

mod contents;
mod exhibit_records;
#[cfg(test)]
mod forged_tests;
mod keys;
mod layers;
mod reader;
mod zip_layout;

use std::path::{Path, PathBuf};

use super::bundle::{self, ChainFile, IncidentsFile, Manifest, ProfileFile};
use reader::Bundle;

/// The outcome of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// `signature`, `sums`, `chain`, `entries`, `exhibits`, `contents` or `keys`.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was checked, or what is wrong.
    pub detail: String,
}

/// Every layer's outcome.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// In the order checked.
    pub layers: Vec<Layer>,
}

impl VerifyReport {
    /// True when every layer passed.
    pub fn ok(&self) -> bool {
        self.layers.iter().all(|l| l.ok)
    }
}

/// Why a bundle could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No such file or directory.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    /// Not a directory or a zip this program can read.
    #[error("{0}")]
    Unreadable(String),
}

pub(super) fn pass(name: &'static str, detail: String) -> Layer {
    Layer {
        name,
        ok: true,
        detail,
    }
}

pub(super) fn fail(name: &'static str, detail: impl Into<String>) -> Layer {
    Layer {
        name,
        ok: false,
        detail: detail.into(),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(
    bundle: &mut Bundle,
    path: &str,
) -> Result<T, String> {
    let bytes = bundle.read(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{path} is not valid: {e}"))
}

pub(super) fn summarise(problems: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = problems
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if problems.len() > SHOWN {
        text.push_str(&format!("; and {} more", problems.len() - SHOWN));
    }
    text
}

/// The report of the bundle at `path` (a directory or a `.zip`), at most
/// `max` bytes: for the app's "Open the report" after an export. Not a
/// check: `verify_bundle` is.
pub fn report_pdf(path: &Path, max: u64) -> Result<Vec<u8>, OpenError> {
    let mut bundle = Bundle::open(path)?;
    bundle
        .read_at_most(bundle::REPORT, max)
        .map_err(|e| OpenError::Unreadable(format!("{}: report.pdf {e}", path.display())))
}

/// Checks the bundle at `path` (a directory or a `.zip`).
pub fn verify_bundle(path: &Path) -> Result<VerifyReport, OpenError> {
    let mut bundle = Bundle::open(path)?;
    let files = bundle
        .list()
        .map_err(|e| OpenError::Unreadable(format!("{}: {e}", path.display())))?;
    let mut layers = Vec::new();
    let (signature, signer) = layers::check_signature(&mut bundle);
    let (sums_layer, hashes) = layers::check_sums(&mut bundle, &files);
    let manifest: Result<Manifest, String> = parse_json(&mut bundle, bundle::MANIFEST);
    layers.push(layers::signed_as_described(
        signature,
        signer.as_ref(),
        &manifest,
    ));
    layers.push(sums_layer);
    let chain: Result<ChainFile, String> = parse_json(&mut bundle, bundle::CHAIN);
    layers.push(layers::check_chain(&manifest, &chain));
    let incidents: Result<IncidentsFile, String> = parse_json(&mut bundle, bundle::INCIDENTS);
    layers.push(layers::check_entries(&chain, &incidents));
    let records = exhibit_records::chain_records(&chain, &incidents);
    layers.push(exhibit_records::check_exhibits(
        &mut bundle,
        &manifest,
        &hashes,
        &records,
        &incidents,
    ));
    let profile: Result<ProfileFile, String> = parse_json(&mut bundle, bundle::PROFILE);
    layers.push(contents::check_contents(&manifest, &incidents, &profile));
    layers.extend(keys::check_keys(
        &mut bundle,
        &files,
        &manifest,
        &chain,
        &incidents,
    ));
    Ok(VerifyReport { layers })
}
