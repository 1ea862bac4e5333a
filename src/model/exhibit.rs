//! Exhibits: files attached to incidents, numbered like police exhibits.

use std::fmt;

use lockedbox::LockedBox;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::id::Id;
use super::validation::{ValidationError, max_len};

/// The random key of one attachment file.
///
/// It lives in the sealed event that adds the exhibit
/// ([`ExhibitAdded`](super::ExhibitAdded)) and, once replayed, in one
/// private map of the diary's state; nowhere else. It is wiped on drop and
/// cannot be cloned, compared (a comparison that is not constant-time leaks
/// it), printed or serialised, so no view of an exhibit can carry it:
///
/// ```compile_fail
/// fn serialisable<T: serde::Serialize>() {}
/// serialisable::<incident_diary::model::FileKey>();
/// ```
/// ```compile_fail
/// fn cloneable<T: Clone>() {}
/// cloneable::<incident_diary::model::FileKey>();
/// ```
/// ```compile_fail
/// fn comparable<T: PartialEq>() {}
/// comparable::<incident_diary::model::FileKey>();
/// ```
/// What a view shows instead, the exhibit's record, serialises:
/// ```
/// fn serialisable<T: serde::Serialize>() {}
/// serialisable::<incident_diary::model::Exhibit>();
/// ```
///
/// Like every key of the diary it lives in a page of its own locked in RAM
/// where the system allows (see `crypto::SecretKey`).
pub struct FileKey(LockedBox<[u8; 32]>);

impl FileKey {
    /// Takes the key bytes (the caller's copy should be wiped).
    pub(crate) fn new(mut bytes: [u8; 32]) -> Self {
        let key = FileKey(LockedBox::new(bytes));
        bytes.zeroize();
        key
    }

    /// The key bytes, for the attachment stream cipher only.
    pub(crate) fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for FileKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FileKey(..)")
    }
}

/// What the file says about itself (EXIF). These are claims made by the file,
/// kept apart from the diary's own times: a camera clock can be wrong, and
/// metadata can be edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileClaims {
    /// Capture time as written in the file (`YYYY-MM-DD HH:MM:SS`).
    pub captured_at: Option<String>,
    /// The capture time's UTC offset as written in the file (`+01:00`).
    pub captured_offset: Option<String>,
    /// Camera or phone maker.
    pub camera_make: Option<String>,
    /// Camera or phone model.
    pub camera_model: Option<String>,
    /// GPS latitude in decimal degrees (north positive).
    pub gps_latitude: Option<f64>,
    /// GPS longitude in decimal degrees (east positive).
    pub gps_longitude: Option<f64>,
}

/// One exhibit: where it belongs, what it is, and how to prove it unchanged.
/// Its file's key is not part of it (see [`FileKey`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exhibit {
    /// The incident it belongs to.
    pub incident: Id,
    /// 1, 2, 3... in order of adding, never reused (shown as `JS/3`).
    pub number: u32,
    /// File name as it was on the device.
    pub original_name: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// SHA-256 of the original bytes.
    #[serde(with = "hex::serde")]
    pub sha256: [u8; 32],
    /// Media type found from the content (`image/jpeg`), or
    /// `application/octet-stream` when unknown.
    pub media_type: String,
    /// The victim's description.
    #[serde(default)]
    pub description: String,
    /// Claims from the file's own metadata.
    #[serde(default)]
    pub claims: FileClaims,
}

impl Exhibit {
    /// Bounds the free text.
    pub fn validate(&self) -> Result<(), ValidationError> {
        max_len("description", &self.description, 20_000)?;
        max_len("original_name", &self.original_name, 1_000)
    }
}

/// The exhibit label: `JS/3`, or `3` without a prefix.
pub fn label(prefix: &str, number: u32) -> String {
    if prefix.is_empty() {
        number.to_string()
    } else {
        format!("{prefix}/{number}")
    }
}

/// The label in a form usable as a file name: `JS_3`.
pub fn file_label(prefix: &str, number: u32) -> String {
    if prefix.is_empty() {
        format!("EX_{number}")
    } else {
        format!("{prefix}_{number}")
    }
}

/// Reads `JS/3`, `JS_3`, `js/3` or `3` as exhibit number 3.
pub fn parse_label(text: &str) -> Option<u32> {
    let text = text.trim();
    let number = text.rsplit(['/', '_']).next()?;
    number.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label("JS", 3), "JS/3");
        assert_eq!(file_label("JS", 3), "JS_3");
        for text in ["JS/3", "JS_3", "js/3", "3", " 3 "] {
            assert_eq!(parse_label(text), Some(3), "{text}");
        }
        assert_eq!(parse_label("JS/x"), None);
        assert_eq!(parse_label("0"), None);
    }

    #[test]
    fn file_key_is_never_printed() {
        let key = FileKey::new([0xAB; 32]);
        assert_eq!(format!("{key:?}"), "FileKey(..)");
    }
}
