//! Opening a file the webview cannot show (a PDF, a document, a long
//! video) in the device's own viewer. The file is decrypted and checked
//! against its SHA-256 into one private folder (`$XDG_RUNTIME_DIR`, memory
//! only, where there is one; else the app's cache folder), under a neutral
//! name, and that folder is wiped at every lock, at quick exit, when the
//! app closes and when it starts (after a crash). The viewer app may keep
//! its own "recent files" list: the page says so before opening.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{IpcError, IpcResult};

/// The folder's name in the shared runtime folder: neutral, yet unlikely
/// to be another program's (everything in it is wiped).
pub const NEUTRAL_FOLDER: &str = "view-7c41e9";

/// The private folder of files opened in another app.
pub struct Viewing {
    dir: Option<PathBuf>,
    opened: Mutex<u32>,
}

impl Viewing {
    /// `dir` is created when first needed; anything left in it by a
    /// crash is wiped now.
    pub fn new(dir: Option<PathBuf>) -> Self {
        let viewing = Viewing {
            dir,
            opened: Mutex::new(0),
        };
        viewing.wipe();
        viewing
    }

    /// A new path in the private folder for a file called `name` (only
    /// its extension is kept: the viewer shows the file name).
    pub fn path_for(&self, name: &str) -> IpcResult<PathBuf> {
        let dir = self.dir.as_ref().ok_or_else(|| {
            IpcError::other("this device has no private folder to open files from")
        })?;
        if linked_above(dir) {
            return Err(IpcError::other(
                "the private folder is not private (a link above it)",
            ));
        }
        create_private(dir)
            .map_err(|e| IpcError::other(format!("cannot prepare the file: {e}")))?;
        let mut n = self.opened.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        Ok(dir.join(format!("file-{n}{}", extension(name))))
    }

    /// Deletes every file opened so far (their contents first overwritten
    /// where the folder is on disk).
    pub fn wipe(&self) {
        let Some(dir) = &self.dir else { return };
        // Never through a link: someone could put one here to a folder of
        // theirs, or to the vault, to have it emptied. Only the link goes.
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => {
                let _ = std::fs::remove_file(dir);
                return;
            }
            Ok(m) if m.is_dir() && !linked_above(dir) => {}
            _ => return,
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            overwrite(&path);
            let _ = std::fs::remove_file(&path);
        }
        let _ = std::fs::remove_dir(dir);
        // A link left in its place (not ours: we make a folder) goes too.
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            let _ = std::fs::remove_file(dir);
        }
    }
}

/// Whether a folder above `dir` (up to the runtime or cache folder the
/// app was given) is a link: then nothing is written or wiped there.
fn linked_above(dir: &Path) -> bool {
    dir.ancestors()
        .skip(1)
        .take(2)
        .any(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
}

/// Files that only show something when opened: anything else (a script, a
/// program, a shortcut someone handed over as "evidence") is never handed
/// to the system to open.
const PASSIVE: &[&str] = &[
    "pdf", "txt", "rtf", "doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "jpg",
    "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "mp3", "m4a", "aac", "wav",
    "ogg", "opus", "amr", "flac", "mp4", "m4v", "mov", "3gp", "webm", "mkv", "avi", "eml",
];

/// Whether a file called `name` may be opened in another app.
pub fn passive(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PASSIVE.contains(&e.to_ascii_lowercase().as_str()))
}

/// `.pdf`, `.mp4`...: letters and digits only, at most 8, else none.
fn extension(name: &str) -> String {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some(e)
            if !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!(".{}", e.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

/// Creates the folder, or accepts it only as a real folder (not a link
/// someone put there to send the plaintext elsewhere) of this user that
/// no one else can open.
fn create_private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        if let Some(parent) = dir.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let meta = std::fs::symlink_metadata(dir)?;
        let mine = meta.uid() == rustix::process::getuid().as_raw();
        if !meta.is_dir() || !mine || meta.permissions().mode() & 0o077 != 0 {
            return Err(std::io::Error::other(
                "the private folder is not private (a link, another owner, or open to others)",
            ));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Writes `bytes` as a new file at `path`: never through a link or over a
/// file someone put there first.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Zeros over a file's bytes before it is unlinked: on a disk (no tmpfs)
/// the blocks would otherwise keep the plaintext until reused.
fn overwrite(path: &Path) {
    use std::io::Write;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    // Only a file of ours: a hard link someone made to another file would
    // have that file zeroed.
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::nlink(&meta) != 1 {
        return;
    }
    if !meta.is_file() {
        return;
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
        let zeros = vec![0u8; 1 << 16];
        let mut left = meta.len();
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            if f.write_all(&zeros[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
        let _ = f.sync_all();
    }
}

/// Hands `path` to the device's viewer for its type. With the `e2e`
/// feature, `INCIDENT_DIARY_E2E_OPENER` names the program instead (no
/// desktop viewer runs under the test).
pub fn open_in_viewer(path: &Path) -> IpcResult<()> {
    let program = opener()?;
    std::process::Command::new(program.0)
        .args(program.1)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| IpcError::other(format!("no app on this device opens it: {e}")))
}

type Program = (std::ffi::OsString, Vec<&'static str>);

fn opener() -> IpcResult<Program> {
    #[cfg(feature = "e2e")]
    if let Some(p) = std::env::var_os("INCIDENT_DIARY_E2E_OPENER") {
        return Ok((p, vec![]));
    }
    if cfg!(target_os = "linux") {
        Ok(("xdg-open".into(), vec![]))
    } else if cfg!(target_os = "macos") {
        Ok(("open".into(), vec![]))
    } else if cfg!(windows) {
        Ok(("explorer".into(), vec![]))
    } else {
        Err(IpcError::other(
            "opening a file in another app is not available on this device yet",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_get_neutral_names_in_a_private_folder_wiped_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("view");
        let viewing = Viewing::new(Some(dir.clone()));
        let a = viewing.path_for("Mark's threats 2026.PDF").unwrap();
        assert_eq!(a.file_name().unwrap(), "file-1.pdf");
        let b = viewing.path_for("no extension").unwrap();
        assert_eq!(b.file_name().unwrap(), "file-2");
        let c = viewing.path_for("x.<script>").unwrap();
        assert_eq!(c.file_name().unwrap(), "file-3");
        std::fs::write(&a, b"secret").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        viewing.wipe();
        assert!(!dir.exists());
        // Left over by a crash: wiped when the app starts.
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("file-9.mp4"), b"left").unwrap();
        Viewing::new(Some(dir.clone()));
        assert!(!dir.exists());
    }

    /// Someone with the device puts a link where the folder goes, to a
    /// folder that syncs: nothing is written through it, and it is removed.
    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_folder_is_refused_and_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("synced");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("vault.db"), b"the diary").unwrap();
        let dir = tmp.path().join("view");
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        let viewing = Viewing {
            dir: Some(dir.clone()),
            opened: Mutex::new(0),
        };
        assert!(
            viewing.path_for("a.pdf").is_err(),
            "a link is not our folder"
        );
        viewing.wipe();
        assert!(std::fs::symlink_metadata(&dir).is_err(), "the link is gone");
        assert_eq!(
            std::fs::read(elsewhere.join("vault.db")).unwrap(),
            b"the diary",
            "what it pointed to is left alone"
        );
        // A folder others can open is refused too.
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(viewing.path_for("a.pdf").is_err());
        // A file put where the report goes is not written over.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let path = viewing.path_for("report.pdf").unwrap();
        std::fs::write(&path, b"planted").unwrap();
        assert!(write_new(&path, b"%PDF").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"planted");
        // A hard link to another file is unlinked, never zeroed.
        std::fs::hard_link(elsewhere.join("vault.db"), dir.join("file-9")).unwrap();
        viewing.wipe();
        assert_eq!(
            std::fs::read(elsewhere.join("vault.db")).unwrap(),
            b"the diary"
        );
        assert!(!dir.join("file-9").exists());
        assert!(passive("letter.PDF") && !passive("evidence.hta") && !passive("x.desktop"));
    }
}
