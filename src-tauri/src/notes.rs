//! The locked screen's notes: what someone types on the neutral page is
//! kept, so that the page works as the notes app it looks like.
//!
//! Kept in `notes.txt` in the app's configuration folder, as plain text and
//! apart from the diary (the page says so): the diary's key is not in
//! memory while it is locked, and notes must work then. The diary's own
//! content never goes here.

use std::path::PathBuf;

/// The most a note may hold: far more than a notes page needs, and a bound
/// on what the page can make the app write.
pub const MAX_BYTES: usize = 64 * 1024;

pub struct Notes {
    file: Option<PathBuf>,
}

impl Notes {
    pub fn new(config_dir: Option<PathBuf>) -> Notes {
        Notes {
            file: config_dir.map(|d| d.join("notes.txt")),
        }
    }

    /// What was kept; empty when nothing was.
    pub fn read(&self) -> String {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_BYTES)]).into_owned())
            .unwrap_or_default()
    }

    /// Keeps `text` in place of what was there, whole or not at all.
    pub fn write(&self, text: &str) -> Result<(), String> {
        if text.len() > MAX_BYTES {
            return Err(format!("a note can hold at most {} KB", MAX_BYTES / 1024));
        }
        let file = self
            .file
            .as_ref()
            .ok_or("there is no folder to keep notes in")?;
        incident_diary::replace_file(file, text.as_bytes())
            .map_err(|e| format!("the note could not be saved: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_kept_and_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = Notes::new(Some(tmp.path().join("config")));
        assert_eq!(notes.read(), "");
        notes.write("milk, eggs").unwrap();
        assert_eq!(notes.read(), "milk, eggs");
        assert!(notes.write(&"x".repeat(MAX_BYTES + 1)).is_err());
        assert_eq!(notes.read(), "milk, eggs");
        assert!(Notes::new(None).write("x").is_err());
    }
}
