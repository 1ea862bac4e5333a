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
//! 5. exhibits: every exhibit file has the SHA-256 and size recorded for it.
//!
//! Each layer is checked even when an earlier one fails, so the report says
//! everything that is wrong.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use super::bundle::{self, ChainFile, IncidentsFile, Manifest};
use crate::crypto::chain::{self, BreakKind, ChainWalk};
use crate::crypto::sshsig::{NAMESPACE, PublicKey};
use crate::model::{Event, Record};

/// The outcome of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// `signature`, `sums`, `chain`, `entries` or `exhibits`.
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

/// A bundle on disk: a directory, or a zip holding one folder.
enum Bundle {
    Dir(PathBuf),
    Zip {
        archive: Box<zip::ZipArchive<BufReader<File>>>,
        folder: String,
    },
}

impl Bundle {
    fn open(path: &Path) -> Result<Bundle, OpenError> {
        let meta = fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound(path.to_path_buf()),
            _ => OpenError::Unreadable(format!("{}: {e}", path.display())),
        })?;
        if meta.is_dir() {
            return Ok(Bundle::Dir(path.to_path_buf()));
        }
        let unreadable = |why: String| OpenError::Unreadable(format!("{}: {why}", path.display()));
        let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
        let archive = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| unreadable(format!("not a readable zip ({e})")))?;
        let mut folders: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok())
            .filter(|n| !is_os_litter(n))
            .filter_map(|n| n.split('/').next().map(str::to_string))
            .collect();
        folders.sort();
        folders.dedup();
        match folders.as_slice() {
            [folder] => Ok(Bundle::Zip {
                archive: Box::new(archive),
                folder: folder.clone(),
            }),
            _ => Err(unreadable(
                "the zip must hold exactly one folder (the bundle)".into(),
            )),
        }
    }

    /// Every regular file, as `/`-separated paths inside the bundle.
    fn list(&self) -> io::Result<Vec<String>> {
        match self {
            Bundle::Dir(root) => {
                let mut out = Vec::new();
                let mut stack = vec![(root.clone(), String::new())];
                while let Some((dir, prefix)) = stack.pop() {
                    for entry in fs::read_dir(&dir)? {
                        let entry = entry?;
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let path = format!("{prefix}{name}");
                        let kind = entry.file_type()?;
                        if kind.is_dir() {
                            stack.push((entry.path(), format!("{path}/")));
                        } else {
                            out.push(path);
                        }
                    }
                }
                out.sort();
                Ok(out)
            }
            Bundle::Zip { archive, folder } => {
                let prefix = format!("{folder}/");
                let mut out: Vec<String> = archive
                    .file_names()
                    .filter_map(|n| n.ok())
                    .filter(|n| !n.ends_with('/'))
                    .filter_map(|n| n.strip_prefix(&prefix).map(str::to_string))
                    .collect();
                out.sort();
                Ok(out)
            }
        }
    }

    fn with_reader<T>(
        &mut self,
        path: &str,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        match self {
            Bundle::Dir(root) => {
                let full = root.join(path);
                if fs::symlink_metadata(&full)?.file_type().is_symlink() {
                    return Err(io::Error::other("is a symbolic link"));
                }
                let mut file = BufReader::with_capacity(256 * 1024, File::open(full)?);
                f(&mut file)
            }
            Bundle::Zip { archive, folder } => {
                let mut entry = archive
                    .by_name(&format!("{folder}/{path}"))
                    .map_err(|e| io::Error::new(io::ErrorKind::NotFound, e.to_string()))?;
                f(&mut entry)
            }
        }
    }

    /// A small file's bytes (at most 1 GiB, for the JSON files).
    fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
        self.with_reader(path, |r| {
            let mut out = Vec::new();
            r.take(1 << 30).read_to_end(&mut out)?;
            Ok(out)
        })
    }

    /// Size and SHA-256 of a file, streamed.
    fn hash(&mut self, path: &str) -> io::Result<(u64, String)> {
        self.with_reader(path, |r| {
            let (size, sum) = crate::hashing::sum_of(r)?;
            Ok((size, hex::encode(sum)))
        })
    }
}

fn pass(name: &'static str, detail: String) -> Layer {
    Layer {
        name,
        ok: true,
        detail,
    }
}

fn fail(name: &'static str, detail: impl Into<String>) -> Layer {
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

/// Checks the bundle at `path` (a directory or a `.zip`).
pub fn verify_bundle(path: &Path) -> Result<VerifyReport, OpenError> {
    let mut bundle = Bundle::open(path)?;
    let files = bundle
        .list()
        .map_err(|e| OpenError::Unreadable(format!("{}: {e}", path.display())))?;
    let mut layers = Vec::new();
    layers.push(check_signature(&mut bundle));
    let (sums_layer, hashes) = check_sums(&mut bundle, &files);
    layers.push(sums_layer);
    let manifest: Result<Manifest, String> = parse_json(&mut bundle, bundle::MANIFEST);
    let chain: Result<ChainFile, String> = parse_json(&mut bundle, bundle::CHAIN);
    layers.push(check_chain(&manifest, &chain));
    let incidents: Result<IncidentsFile, String> = parse_json(&mut bundle, bundle::INCIDENTS);
    layers.push(check_entries(&chain, &incidents));
    layers.push(check_exhibits(&mut bundle, &manifest, &hashes));
    Ok(VerifyReport { layers })
}

fn check_signature(bundle: &mut Bundle) -> Layer {
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
        Ok::<String, String>(key.fingerprint())
    })();
    match result {
        Ok(fingerprint) => pass(
            name,
            format!(
                "SHA256SUMS is signed by the diary key {fingerprint} (confirm this fingerprint with the victim)"
            ),
        ),
        Err(why) => fail(name, why),
    }
}

/// Checks every line of `SHA256SUMS`; returns the computed hashes by path.
fn check_sums(bundle: &mut Bundle, files: &[String]) -> (Layer, HashMap<String, (u64, String)>) {
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
        listed.insert(file.to_string(), sum.to_ascii_lowercase());
    }
    for (file, sum) in &listed {
        match bundle.hash(file) {
            Ok((size, actual)) => {
                if &actual != sum {
                    problems.push(format!("{file} has been altered"));
                }
                hashes.insert(file.clone(), (size, actual));
            }
            Err(e) => problems.push(format!("{file}: {e}")),
        }
    }
    for file in files {
        if file != bundle::SUMS
            && file != bundle::SIGNATURE
            && !listed.contains_key(file)
            && !is_os_litter(file)
        {
            problems.push(format!("{file} is not listed in SHA256SUMS"));
        }
    }
    let layer = if problems.is_empty() {
        pass(name, format!("{} files match SHA256SUMS", listed.len()))
    } else {
        fail(name, summarise(&problems))
    };
    (layer, hashes)
}

/// Files an operating system adds when a folder is opened or zipped again
/// (Finder, Explorer): not part of the bundle, and no reason to fail it.
fn is_os_litter(path: &str) -> bool {
    path.starts_with("__MACOSX/")
        || matches!(
            path.rsplit('/').next(),
            Some(".DS_Store" | "Thumbs.db" | "desktop.ini")
        )
}

fn summarise(problems: &[String]) -> String {
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

fn unhex(text: &str) -> Option<[u8; 32]> {
    hex::decode(text).ok()?.try_into().ok()
}

fn check_chain(
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
        let (Some(leaf), Some(cth), Some(stored)) =
            (unhex(&row.leaf), unhex(&row.cth), unhex(&row.head))
        else {
            return fail(name, format!("entry {} is malformed", walk.seq() + 1));
        };
        if let Err(b) = walk.step(row.seq, &leaf, &cth, &stored) {
            return fail(
                name,
                match b.kind {
                    BreakKind::HeadMismatch => format!("the chain breaks at entry {}", b.seq),
                    _ => format!("entry {} is missing or out of order", b.seq),
                },
            );
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

fn check_entries(
    chain_file: &Result<ChainFile, String>,
    incidents: &Result<IncidentsFile, String>,
) -> Layer {
    let name = "entries";
    let (chain_file, incidents) = match (chain_file, incidents) {
        (Ok(c), Ok(i)) => (c, i),
        (Err(e), _) | (_, Err(e)) => return fail(name, e.clone()),
    };
    let mut problems = Vec::new();
    let mut records: HashMap<u64, Record> = HashMap::new();
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
        match Record::from_json(disclosed.plaintext.as_bytes()) {
            Ok(record) => {
                records.insert(disclosed.seq, record);
            }
            Err(_) => problems.push(format!("record {} is not a valid record", disclosed.seq)),
        }
    }
    let mut versions = 0usize;
    for incident in &incidents.incidents {
        let n = incident.number;
        for (i, version) in incident.versions.iter().enumerate() {
            versions += 1;
            let matches = match records.get(&version.seq) {
                Some(Record {
                    recorded_at, event, ..
                }) if *recorded_at == version.recorded_at => match event {
                    Event::IncidentCreate {
                        id,
                        incident: fields,
                    } => {
                        i == 0
                            && *id == incident.id
                            && *fields == version.incident
                            && version.reason.is_none()
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
                },
                _ => false,
            };
            if !matches {
                problems.push(format!(
                    "incident {n}, version {}, does not match the record it cites",
                    i + 1
                ));
            }
        }
        if let Some(w) = &incident.withdrawn {
            let matches = matches!(
                records.get(&w.seq),
                Some(Record { recorded_at, event: Event::IncidentWithdraw { id, reason }, .. })
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

fn check_exhibits(
    bundle: &mut Bundle,
    manifest: &Result<Manifest, String>,
    hashes: &HashMap<String, (u64, String)>,
) -> Layer {
    let name = "exhibits";
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => return fail(name, e.clone()),
    };
    let mut problems = Vec::new();
    let mut checked = 0usize;
    for exhibit in &manifest.exhibits {
        let Some(file) = &exhibit.file else { continue };
        let actual = match hashes.get(file) {
            Some(h) => Ok(h.clone()),
            None => bundle.hash(file),
        };
        match actual {
            Ok((size, sha)) if size == exhibit.size && sha == exhibit.sha256 => checked += 1,
            Ok(_) => problems.push(format!(
                "exhibit {} ({file}) does not match its recorded SHA-256",
                exhibit.label
            )),
            Err(e) => problems.push(format!("exhibit {} ({file}): {e}", exhibit.label)),
        }
    }
    if problems.is_empty() {
        pass(
            name,
            format!("{checked} exhibit files match their recorded SHA-256"),
        )
    } else {
        fail(name, summarise(&problems))
    }
}
