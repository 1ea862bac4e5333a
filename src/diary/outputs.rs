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
//! vault's `outputs/` folder, sealed like the side files under the current
//! key (a path can name a hiding place; the path is padded, so a marker's
//! size does not tell its length), with the identity (device and inode) of
//! the folder it is in, and the marker is held under an exclusive lock until
//! the write ends. At every unlock, a marker no living writer holds names
//! what a kill left behind: that is removed, then the marker. The lock is
//! what tells a dead writer from one still running (the app exporting while
//! the CLI opens the same vault): the system lets go of it when the process
//! dies, however it dies.
//!
//! A marker is a key holder's instruction to delete, so it is read with
//! suspicion (an independent review showed how each of these would be
//! abused): only one sealed under the current key counts (not one someone
//! forged with a key they knew before a rotation); only an absolute path
//! whose last part is a name [`durable::partial_sibling`] gives, written
//! exactly as its folder and name put together (no `.`, `..` or trailing
//! `/` to make the last part a folder the path goes through); only while
//! its folder is the very folder it was written in (an empty mount point
//! where a USB stick was, or a folder swapped for another, keeps the marker
//! for a later unlock); and the last part is removed without following a
//! link. Only regular files named as markers are read in `outputs/`, which
//! must itself be a folder (a link or a pipe planted there is removed or
//! ignored, never followed or waited on). Where no marker can be written (a
//! vault on a read-only disk, a full one) the write goes ahead all the
//! same: getting the evidence out matters more than tidying after a kill.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use super::Diary;
use crate::durable;

/// The vault's folder of markers.
pub const OUTPUTS_DIR: &str = "outputs";
/// Bytes a marker's path is padded to: it says nothing of the path's length.
const PATH_PAD: usize = 4096;
/// A marker's name: 16 hex digits.
const MARKER_NAME_LEN: usize = 16;

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

/// What a marker says: the temporary path and its folder's identity.
struct Noted {
    tmp: PathBuf,
    folder: FolderId,
}

impl Noted {
    fn to_bytes(&self) -> Option<Vec<u8>> {
        let path = path_bytes(&self.tmp);
        let len = u16::try_from(path.len())
            .ok()
            .filter(|&n| usize::from(n) <= PATH_PAD)?;
        let mut out = Vec::with_capacity(16 + 2 + PATH_PAD);
        out.extend_from_slice(&self.folder.dev.to_be_bytes());
        out.extend_from_slice(&self.folder.ino.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&path);
        out.resize(16 + 2 + PATH_PAD, 0);
        Some(out)
    }

    fn from_bytes(bytes: &[u8]) -> Option<Noted> {
        if bytes.len() != 16 + 2 + PATH_PAD {
            return None;
        }
        let word = |i: usize| u64::from_be_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let len = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
        let path = bytes.get(18..18 + len)?;
        Some(Noted {
            tmp: path_from_bytes(path)?,
            folder: FolderId {
                dev: word(0),
                ino: word(8),
            },
        })
    }
}

/// A folder's identity: device and inode (zero where the system has none
/// to give, which matches only another zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FolderId {
    dev: u64,
    ino: u64,
}

impl FolderId {
    fn of(folder: &Path) -> Option<FolderId> {
        let meta = fs::metadata(folder).ok().filter(|m| m.is_dir())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FolderId {
                dev: meta.dev(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(FolderId { dev: 0, ino: 0 })
        }
    }
}

/// `tmp` if a marker may name it: absolute, its last part a temporary
/// name of ours, and written exactly as its folder and that name put
/// together (see the module's note). Its folder and last part.
fn trusted(tmp: &Path) -> Option<(PathBuf, std::ffi::OsString)> {
    let name = tmp.file_name().filter(|n| durable::is_partial_name(n))?;
    let folder = tmp.parent()?;
    let plain = tmp.is_absolute()
        && tmp.components().all(|c| {
            matches!(c, Component::RootDir | Component::Normal(_))
                || matches!(c, Component::Prefix(p) if !matches!(
                    p.kind(),
                    std::path::Prefix::UNC(..) | std::path::Prefix::VerbatimUNC(..)
                ))
        })
        && path_bytes(&folder.join(name)) == path_bytes(tmp);
    plain.then(|| (folder.to_path_buf(), name.to_os_string()))
}

/// Whether `name` is a marker's (16 hex digits) or a marker's still being
/// written (`.<16 hex>.tmp`).
fn marker_name(name: &str) -> Option<bool> {
    let hex = |s: &str| s.len() == MARKER_NAME_LEN && s.bytes().all(|b| b.is_ascii_hexdigit());
    if hex(name) {
        return Some(true);
    }
    let staged = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    hex(staged).then_some(false)
}

impl Diary {
    /// Notes that `tmp` (a [`durable::partial_sibling`] name) is about to be
    /// written, so that a kill does not leave it for good.
    pub(crate) fn mark_output(&self, tmp: &Path) -> OutputMark {
        let tmp = std::path::absolute(tmp).unwrap_or_else(|_| tmp.to_path_buf());
        // Noted as the folder's real path (links and `..` resolved), which
        // is what a marker may name.
        let real = tmp
            .parent()
            .and_then(|folder| fs::canonicalize(folder).ok())
            .zip(tmp.file_name())
            .map(|(folder, name)| folder.join(name));
        let tmp = real.unwrap_or(tmp);
        let (marker, lock) = match self.write_marker(&tmp) {
            Some((marker, lock)) => (Some(marker), Some(lock)),
            None => (None, None),
        };
        OutputMark {
            marker,
            tmp,
            _lock: lock,
            tidy: true,
        }
    }

    /// The vault's `outputs/` folder, made if missing; none when something
    /// else is in its place.
    fn outputs_dir(&self) -> Option<PathBuf> {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => Some(dir),
            Ok(_) => None,
            Err(_) => durable::create_dir(&dir, false).ok().map(|()| dir),
        }
    }

    /// Writes a sealed marker naming `tmp`, locked before it has its name
    /// (an unlock never sees it free), and returns it with its lock.
    fn write_marker(&self, tmp: &Path) -> Option<(PathBuf, File)> {
        let (folder, _) = trusted(tmp)?;
        let noted = Noted {
            tmp: tmp.to_path_buf(),
            folder: FolderId::of(&folder)?,
        };
        let dir = self.outputs_dir()?;
        let tag = hex::encode(crate::crypto::random::bytes::<8>());
        let name = format!("{OUTPUTS_DIR}/{tag}");
        let sealed = self.seal_side(&name, &noted.to_bytes()?).ok()?;
        let marker = dir.join(&tag);
        let staged = dir.join(format!(".{tag}.tmp"));
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
        written.ok().map(|file| (marker, file))
    }

    /// Removes what killed writes left outside the vault (see the module's
    /// note). Best effort: an unlock never fails for it.
    pub(super) fn sweep_outputs(&self) {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            // A link or a file planted in its place: ours to remove, never
            // to follow.
            Ok(meta) if meta.is_symlink() || meta.is_file() => {
                let _ = fs::remove_file(&dir);
                return;
            }
            _ => return,
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let file_name = entry.file_name();
            let Some(whole) = file_name.to_str().and_then(marker_name) else {
                continue;
            };
            if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let Some(file) = open_plain(&path) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue; // Its writer is alive.
            }
            if whole && !self.sweep_one(&file_name.to_string_lossy()) {
                continue; // For a later unlock.
            }
            // A marker killed before it had its name never had a file.
            let _ = fs::remove_file(&path);
        }
    }

    /// Removes what the marker `outputs/<tag>` names, if it may (see the
    /// module's note). False when the marker must stay for a later unlock.
    fn sweep_one(&self, tag: &str) -> bool {
        let name = format!("{OUTPUTS_DIR}/{tag}");
        let Some(noted) = self
            .read_sealed(&name)
            .ok()
            .flatten()
            .and_then(|bytes| self.open_side(&name, &bytes))
            .and_then(|bytes| Noted::from_bytes(&bytes))
        else {
            return true; // Names nothing this key vouches for: dropped.
        };
        let Some((folder, _)) = trusted(&noted.tmp) else {
            return true;
        };
        if FolderId::of(&folder) != Some(noted.folder) {
            return false; // Not the folder it was written in, or none.
        }
        remove_partial(&noted.tmp);
        fs::symlink_metadata(&noted.tmp).is_err()
    }
}

/// Opens `path` for reading without following a link or waiting on a
/// pipe swapped in after it was looked at.
fn open_plain(path: &Path) -> Option<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    options.open(path).ok()
}

/// Removes `tmp` (a file or a folder, never what a link points to) if a
/// marker may name it (see [`trusted`]).
fn remove_partial(tmp: &Path) {
    if trusted(tmp).is_none() {
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
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    String::from_utf8(bytes.to_vec()).ok().map(PathBuf::from)
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

    impl Diary {
        /// A marker sealed under the current key naming whatever `tmp` is
        /// (what someone who knows the key could plant).
        fn plant_marker(&self, tmp: &Path, folder: FolderId) {
            let tag = "00112233445566ff";
            let name = format!("{OUTPUTS_DIR}/{tag}");
            let noted = Noted {
                tmp: tmp.to_path_buf(),
                folder,
            };
            let sealed = self.seal_side(&name, &noted.to_bytes().unwrap()).unwrap();
            fs::create_dir_all(self.dir().join(OUTPUTS_DIR)).unwrap();
            fs::write(self.dir().join(&name), sealed).unwrap();
        }
    }

    fn markers(vault: &Path) -> usize {
        fs::read_dir(vault.join(OUTPUTS_DIR)).map_or(0, |d| d.count())
    }

    fn files_in(dir: &Path) -> usize {
        fs::read_dir(dir).map_or(0, |d| d.count())
    }

    #[test]
    fn what_a_killed_write_left_goes_at_the_next_unlock_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let out_dir = tmp.path().join("usb");
        fs::create_dir(&out_dir).unwrap();
        let (diary, pass) = new_diary(&dir);

        // A finished or failed write leaves neither its file nor its note,
        // and the note says nothing readable, nor the length of the path.
        let partial = durable::partial_sibling(&out_dir.join("report.zip"));
        let mark = diary.mark_output(&partial);
        assert_eq!(markers(&dir), 1);
        let marker = fs::read_dir(dir.join(OUTPUTS_DIR))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let on_disk = fs::read(marker.path()).unwrap();
        assert!(
            !on_disk.windows(3).any(|w| w == b"usb"),
            "the path is sealed"
        );
        let long = diary.mark_output(&durable::partial_sibling(&out_dir.join("x".repeat(200))));
        let sizes: std::collections::HashSet<u64> = fs::read_dir(dir.join(OUTPUTS_DIR))
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .collect();
        assert_eq!(sizes.len(), 1, "every marker is one size");
        drop(long);
        fs::write(&partial, b"half an export").unwrap();
        drop(mark);
        assert!(!partial.exists());
        assert_eq!(markers(&dir), 0);

        // Killed: an export (a folder), an extract (a file, named through
        // `..`), one on a disk taken away, and one still running.
        let folder = durable::partial_sibling(&out_dir.join("bundle"));
        diary.mark_output(&folder).killed();
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("report.pdf"), b"plain text").unwrap();
        let file = durable::partial_sibling(&out_dir.join("door.jpg"));
        let roundabout = out_dir
            .join("..")
            .join("usb")
            .join(file.file_name().unwrap());
        diary.mark_output(&roundabout).killed();
        fs::write(&file, b"a photo").unwrap();
        let stick = tmp.path().join("stick");
        fs::create_dir(&stick).unwrap();
        let gone = durable::partial_sibling(&stick.join("b.age"));
        diary.mark_output(&gone).killed();
        fs::write(&gone, b"half a backup").unwrap();
        fs::rename(&stick, tmp.path().join("stick-away")).unwrap();
        let running = durable::partial_sibling(&out_dir.join("live.zip"));
        let live = diary.mark_output(&running);
        fs::write(&running, b"being written").unwrap();
        // Something that only looks like ours is never removed.
        let bystander = out_dir.join(".door.jpg.partial");
        fs::write(&bystander, b"not ours").unwrap();
        assert_eq!(markers(&dir), 4);
        drop(diary);

        // The stick's mount point is there, empty: not the folder written in.
        fs::create_dir(&stick).unwrap();
        let diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert!(!folder.exists() && !file.exists(), "left by kills: removed");
        assert!(running.exists(), "a write still running is left alone");
        assert!(bystander.exists());
        assert_eq!(markers(&dir), 2, "kept: the running one, the absent disk");
        drop(live);
        assert!(!running.exists());

        // The stick is back: the next unlock removes what is on it.
        fs::remove_dir(&stick).unwrap();
        fs::rename(tmp.path().join("stick-away"), &stick).unwrap();
        drop(diary);
        let _diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        assert!(!gone.exists());
        assert_eq!(markers(&dir), 0);
    }

    /// The attacks an independent review made on the first version.
    #[test]
    fn a_planted_marker_or_folder_deletes_nothing_of_the_owners() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, pass) = new_diary(&dir);
        let docs = tmp.path().join("docs");
        fs::create_dir(&docs).unwrap();
        for name in ["statement.pdf", "notes.tmp", "0011223344556677"] {
            fs::write(docs.join(name), b"the owner's").unwrap();
        }
        let id = FolderId::of(&docs).unwrap();
        let here = FolderId::of(tmp.path()).unwrap();

        // `outputs` a link to her documents: removed, never followed.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&docs, dir.join(OUTPUTS_DIR)).unwrap();
            drop(diary);
            diary = Diary::unlock(&dir, &pass, clock()).unwrap();
            assert_eq!(files_in(&docs), 3);
            assert!(fs::symlink_metadata(dir.join(OUTPUTS_DIR)).is_err());
        }

        // A marker whose last part goes through a link (`L/.`, `L/`), or
        // names a file of hers, with the folder's right identity.
        #[cfg(unix)]
        {
            let link = tmp.path().join(".x.partial-abcdef01");
            std::os::unix::fs::symlink(&docs, &link).unwrap();
            for forged in [
                PathBuf::from(format!("{}/.", link.display())),
                PathBuf::from(format!("{}/", link.display())),
                docs.join("statement.pdf"),
                PathBuf::from("docs/.x.partial-abcdef01"),
            ] {
                let folder = if forged.starts_with(&docs) { id } else { here };
                diary.plant_marker(&forged, folder);
                drop(diary);
                diary = Diary::unlock(&dir, &pass, clock()).unwrap();
                assert_eq!(files_in(&docs), 3, "{forged:?}");
                assert_eq!(markers(&dir), 0, "{forged:?} dropped");
            }
            // The link itself, named like ours, may go; never what it points to.
            diary.plant_marker(&link, here);
            drop(diary);
            diary = Diary::unlock(&dir, &pass, clock()).unwrap();
            assert_eq!(files_in(&docs), 3);
        }

        // A marker sealed with a key someone knew before a rotation.
        let mine = tmp.path().join(".mine.partial-0badc0de");
        fs::write(&mine, b"a partial").unwrap();
        diary.plant_marker(&mine, here);
        let sealed_before = fs::read(dir.join(OUTPUTS_DIR).join("00112233445566ff")).unwrap();
        diary
            .rotate_keys(&crate::crypto::Passphrase::new("new".into()), None)
            .unwrap();
        fs::write(
            dir.join(OUTPUTS_DIR).join("00112233445566ff"),
            sealed_before,
        )
        .unwrap();
        drop(diary);
        let new = crate::crypto::Passphrase::new("new".into());
        diary = Diary::unlock(&dir, &new, clock()).unwrap();
        assert!(mine.exists(), "an earlier key's marker is not acted on");
        assert_eq!(markers(&dir), 0, "and is dropped");

        // A pipe in its place does not make the unlock wait.
        #[cfg(unix)]
        {
            let fifo = dir.join(OUTPUTS_DIR).join("0011223344556677");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                drop(diary);
                let (send, got) = std::sync::mpsc::channel();
                let (d, n) = (dir.clone(), new.expose_secret().to_string());
                std::thread::spawn(move || {
                    let opened = Diary::unlock(&d, &crate::crypto::Passphrase::new(n), clock());
                    let _ = send.send(opened.is_ok());
                });
                let opened = got.recv_timeout(std::time::Duration::from_secs(20));
                assert_eq!(opened, Ok(true), "the unlock waited on a pipe");
            }
        }
        let _ = pass;
    }
}
