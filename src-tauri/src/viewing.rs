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
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            overwrite(&path);
            let _ = std::fs::remove_file(&path);
        }
        let _ = std::fs::remove_dir(dir);
    }
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

fn create_private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        match std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Zeros over a file's bytes before it is unlinked: on a disk (no tmpfs)
/// the blocks would otherwise keep the plaintext until reused.
fn overwrite(path: &Path) {
    use std::io::Write;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
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
}
