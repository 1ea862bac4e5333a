//! Files being written outside the vault, and what a kill leaves of them.
//!
//! An export (the diary in plain text), an extracted exhibit (an original,
//! decrypted) and a backup are written under a hidden temporary name beside
//! their destination and renamed into place when whole (see
//! [`crate::durable`]). A kill midway (the phone's system closing the app
//! in the background, a flat battery, someone pulling the plug) leaves that
//! temporary file in a folder the vault does not own, for anyone who looks.
//!
//! So before its first byte each temporary path is noted in a marker in the
//! vault's `outputs/` folder, sealed like the side files (a path can name a
//! hiding place), and the marker is held under an exclusive lock until the
//! write ends. At every unlock, a marker no living writer holds names what
//! a kill left behind: that is removed, then the marker. The lock is what
//! tells a dead writer from one still running (the app exporting while the
//! CLI opens the same vault): the system lets go of it when the process
//! dies, however it dies. Only a hidden name of the form
//! [`durable::partial_sibling`] gives is ever removed, so a marker planted
//! by someone who knows the key cannot make an unlock delete anything else.
//! A marker whose folder is missing (a USB stick not plugged in) is kept
//! for a later unlock. Where no marker can be written (a vault on a
//! read-only disk, a full one) the write goes ahead all the same: getting
//! the evidence out matters more than tidying after a kill.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::Diary;
use super::side_files::Epochs;
use crate::durable;

/// The vault's folder of markers.
pub const OUTPUTS_DIR: &str = "outputs";

/// A write outside the vault in progress. Dropped (the write finished,
/// failed or panicked), it removes its temporary file if one is left, then
/// its marker.
#[must_use = "the marker is removed when this is dropped"]
pub(crate) struct OutputMark {
    /// None where it could not be written.
    marker: Option<PathBuf>,
    tmp: PathBuf,
    /// Holds the lock on the marker (see the module's note).
    _lock: Option<File>,
    /// False only in tests that play a kill: the lock goes, the rest stays.
    tidy: bool,
}

impl Drop for OutputMark {
    fn drop(&mut self) {
        if self.tidy {
            remove_partial(&self.tmp);
            if let Some(marker) = &self.marker {
                let _ = fs::remove_file(marker);
            }
        }
    }
}

impl Diary {
    /// Notes that `tmp` (a [`durable::partial_sibling`] name) is about to be
    /// written, so that a kill does not leave it for good.
    pub(crate) fn mark_output(&self, tmp: &Path) -> OutputMark {
        let tmp = std::path::absolute(tmp).unwrap_or_else(|_| tmp.to_path_buf());
        let (marker, lock) = match self.write_marker(&tmp) {
            Ok((marker, lock)) => (Some(marker), Some(lock)),
            Err(_) => (None, None),
        };
        OutputMark {
            marker,
            tmp,
            _lock: lock,
            tidy: true,
        }
    }

    /// Writes a sealed marker naming `tmp`, locked before it has its name
    /// (an unlock never sees it free), and returns it with its lock.
    fn write_marker(&self, tmp: &Path) -> io::Result<(PathBuf, File)> {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        match durable::create_dir(&dir, false) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let name = format!(
            "{OUTPUTS_DIR}/{}",
            hex::encode(crate::crypto::random::bytes::<8>())
        );
        let sealed = self.seal_side(&name, &path_bytes(tmp))?;
        let marker = self.store.dir().join(&name);
        let staged = durable::sibling(&marker, "tmp");
        let written = (|| -> io::Result<File> {
            let mut file = durable::create_file(&staged)?;
            file.write_all(&sealed)?;
            file.sync_all()?;
            file.lock()?;
            durable::publish(&staged, &marker, durable::FolderSync::Required)?;
            Ok(file)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&staged);
            let _ = fs::remove_file(&marker);
        }
        written.map(|file| (marker, file))
    }

    /// Removes what killed writes left outside the vault (see the module's
    /// note). Best effort: an unlock never fails for it.
    pub(super) fn sweep_outputs(&self) {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let name = format!("{OUTPUTS_DIR}/{}", file_name.to_string_lossy());
            let path = entry.path();
            if file_name.to_string_lossy().ends_with(".tmp") {
                // A marker killed before it had its name: it never had a file.
                let _ = fs::remove_file(&path);
                continue;
            }
            let Ok(file) = File::open(&path) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue; // Its writer is alive.
            }
            let tmp = self
                .read_sealed(&name)
                .ok()
                .flatten()
                .and_then(|bytes| self.open_side(&name, &bytes, Epochs::Any))
                .map(|bytes| path_from_bytes(&bytes));
            // A note naming anything but a temporary file of ours (planted
            // by someone who knows the key) is dropped, its file untouched.
            if let Some(tmp) = tmp.filter(|t| t.file_name().is_some_and(durable::is_partial_name)) {
                if !durable::parent_of(&tmp).is_dir() {
                    continue; // On a disk not here now: for a later unlock.
                }
                remove_partial(&tmp);
                if fs::symlink_metadata(&tmp).is_ok() {
                    continue; // Could not be removed: try again next time.
                }
            }
            let _ = fs::remove_file(&path);
        }
    }
}

/// Removes `tmp` (a file or a folder, never what a link points to) if its
/// name is one this program gives its temporary files.
fn remove_partial(tmp: &Path) {
    if !tmp.file_name().is_some_and(durable::is_partial_name) {
        return;
    }
    match fs::symlink_metadata(tmp) {
        Ok(meta) if meta.is_dir() => {
            let _ = fs::remove_dir_all(tmp);
        }
        Ok(_) => {
            let _ = fs::remove_file(tmp);
        }
        Err(_) => {}
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{clock, new_diary};
    use super::*;

    impl OutputMark {
        /// What a kill leaves: the marker and the file, no lock.
        fn killed(mut self) {
            self.tidy = false;
        }
    }

    fn markers(vault: &Path) -> usize {
        fs::read_dir(vault.join(OUTPUTS_DIR)).map_or(0, |d| d.count())
    }

    #[test]
    fn what_a_killed_write_left_goes_at_the_next_unlock_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let out_dir = tmp.path().join("usb");
        fs::create_dir(&out_dir).unwrap();
        let (diary, pass) = new_diary(&dir);

        // A finished or failed write leaves neither its file nor its note.
        let partial = durable::partial_sibling(&out_dir.join("report.zip"));
        let mark = diary.mark_output(&partial);
        assert_eq!(markers(&dir), 1);
        let on_disk = fs::read(
            fs::read_dir(dir.join(OUTPUTS_DIR))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap();
        assert!(
            !on_disk.windows(3).any(|w| w == b"usb"),
            "the path is sealed"
        );
        fs::write(&partial, b"half an export").unwrap();
        drop(mark);
        assert!(!partial.exists());
        assert_eq!(markers(&dir), 0);

        // Killed: an export (a folder), an extract (a file), one on a disk
        // taken away, and one whose writer is still running.
        let folder = durable::partial_sibling(&out_dir.join("bundle"));
        diary.mark_output(&folder).killed();
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("report.pdf"), b"plain text").unwrap();
        let file = durable::partial_sibling(&out_dir.join("door.jpg"));
        diary.mark_output(&file).killed();
        fs::write(&file, b"a photo").unwrap();
        let gone = durable::partial_sibling(&tmp.path().join("stick").join("b.age"));
        diary.mark_output(&gone).killed();
        let running = durable::partial_sibling(&out_dir.join("live.zip"));
        let live = diary.mark_output(&running);
        fs::write(&running, b"being written").unwrap();
        // Something that only looks like ours is never removed, nor what a
        // planted note names.
        let bystander = out_dir.join(".door.jpg.partial");
        fs::write(&bystander, b"not ours").unwrap();
        let precious = out_dir.join("statement.pdf");
        fs::write(&precious, b"the victim's own").unwrap();
        diary.mark_output(&precious).killed();
        assert_eq!(markers(&dir), 5);
        drop(diary);

        let diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert!(!folder.exists() && !file.exists(), "left by kills: removed");
        assert!(running.exists(), "a write still running is left alone");
        assert!(bystander.exists() && precious.exists());
        assert_eq!(markers(&dir), 2, "kept: the running one, the absent disk");
        drop(live);
        assert!(!running.exists());

        // The disk is back: the next unlock removes what is on it.
        fs::create_dir(tmp.path().join("stick")).unwrap();
        fs::write(&gone, b"half a backup").unwrap();
        drop(diary);
        let diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert!(!gone.exists());
        assert_eq!(markers(&dir), 0);

        // A note the key does not open names nothing; it is dropped.
        fs::write(
            dir.join(OUTPUTS_DIR).join("0011223344556677"),
            b"IDDRAFT1 garbage",
        )
        .unwrap();
        drop(diary);
        let _ = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert_eq!(markers(&dir), 0);
    }
}
