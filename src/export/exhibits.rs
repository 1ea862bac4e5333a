//! The exhibits of a bundle: their files, their register, their thumbnails
//! for the report.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::Progress;
use super::bundle::ManifestExhibit;
use super::select::Selection;
use super::sink::{Packing, Sink};
use crate::diary::Disclosure;
use crate::error::Result;
use crate::model::exhibit;
use crate::state::{ExhibitRecord, State};

/// Copies each exhibit's original bytes, checked against its recorded
/// hash on the way out; returns the register, deleted exhibits included.
pub(super) fn write_exhibits(
    sink: &mut Sink,
    source: &Disclosure<'_>,
    selection: &Selection<'_>,
    prefix: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<ManifestExhibit>> {
    let state = source.state();
    let mut register = Vec::new();
    let total = selection.exhibits.len();
    for (done, rec) in selection.exhibits.iter().enumerate() {
        let path = format!("exhibits/{}", exhibit_file_name(prefix, rec));
        sink.add(&path, Packing::Stored, rec.exhibit.size, |w| {
            source.copy_exhibit(rec, w)
        })?;
        register.push(manifest_exhibit(state, prefix, rec, Some(path)));
        progress(Progress::Exhibits {
            done: done + 1,
            total,
        });
    }
    for rec in &selection.deleted_exhibits {
        register.push(manifest_exhibit(state, prefix, rec, None));
    }
    register.sort_by_key(|e| exhibit::parse_label(&e.label));
    Ok(register)
}

/// Paths the report uses for each photo's thumbnail (by label), and the
/// thumbnails' bytes by path.
pub(super) type Thumbnails = (BTreeMap<String, String>, HashMap<String, Vec<u8>>);

pub(super) fn thumbnails(
    source: &Disclosure<'_>,
    selection: &Selection<'_>,
    prefix: &str,
) -> Result<Thumbnails> {
    let mut paths = BTreeMap::new();
    let mut files = HashMap::new();
    let made = source.thumbnails(&selection.exhibits)?;
    for (rec, thumb) in selection.exhibits.iter().zip(made) {
        if let Some(bytes) = thumb {
            let path = format!("/thumbs/{}.jpg", rec.exhibit.number);
            paths.insert(exhibit::label(prefix, rec.exhibit.number), path.clone());
            files.insert(path, bytes);
        }
    }
    Ok((paths, files))
}

/// Extensions a bundle file may carry: files that only show something.
/// Any other (`.hta`, `.lnk`, `.exe`, `.js`: a file a stalker sent, named to
/// run when an officer double-clicks it) becomes `.bin`.
const PASSIVE: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "mp3", "m4a", "aac",
    "wav", "ogg", "opus", "amr", "flac", "mp4", "m4v", "mov", "3gp", "webm", "mkv", "avi", "pdf",
    "txt", "rtf", "doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "eml", "mbox",
    "json", "xml", "zip", "gz", "vcf",
];

/// `JS_3.jpg`: the exhibit's file label and a safe ASCII extension.
pub(super) fn exhibit_file_name(prefix: &str, rec: &ExhibitRecord) -> String {
    let from_name = Path::new(&rec.exhibit.original_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| PASSIVE.contains(&e.as_str()));
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

fn manifest_exhibit(
    state: &State,
    prefix: &str,
    rec: &ExhibitRecord,
    file: Option<String>,
) -> ManifestExhibit {
    let e = &rec.exhibit;
    let incident = state.incident(e.incident).map(|r| r.number).unwrap_or(0);
    ManifestExhibit {
        label: exhibit::label(prefix, e.number),
        file,
        incident,
        conversation: state.chat(e.incident).map(|c| c.id().to_hex()),
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
        record: rec.disclosable_at,
    }
}
