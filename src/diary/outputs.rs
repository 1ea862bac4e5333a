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
//! key (a path can name a hiding place; the path is padded, so every marker
//! is one size), with the identity (device and inode) of the folder it is
//! in, and the marker is held under an exclusive lock until the write ends.
//! At every unlock, a marker no living writer holds names what a kill left:
//! that is removed, then the marker. The lock is what tells a dead writer
//! from one still running (the app exporting while the CLI opens the same
//! vault): the system lets go of it when the process dies, however it dies.
//! A write that fails and cannot remove its file (a stick pulled out) keeps
//! its marker for the next unlock too.
//!
//! A marker is an instruction to delete from whoever holds the key, so it is
//! read with suspicion (two independent reviews showed how each of these
//! would be abused):
//! - only one sealed under the current key counts, or under an earlier one
//!   if the owner's own rotation listed it (`outputs/carried`, sealed under
//!   the new key): not one forged later with a key someone knew before;
//! - only an absolute path whose last part is a name
//!   [`durable::partial_sibling`] gives, written exactly as its folder and
//!   name put together (no `.`, `..` or trailing `/` to make the last part a
//!   folder the path goes through), on a local disk or a drive letter;
//! - the file is removed only if it is there under that exact random name
//!   and is the user's; a link is removed, never followed; a folder is
//!   emptied without crossing into another disk mounted inside it;
//! - a file that is not there is taken as gone only if its folder is the
//!   very folder it was written in (an empty mount point where a USB stick
//!   was keeps the marker for a later unlock; after 90 days it is dropped);
//! - only regular files of a marker's exact size are read in `outputs/`,
//!   through the handle that was locked, which must itself be a folder (a
//!   link, a pipe or a file planted there is removed, never followed or
//!   waited on); at most [`MAX_SWEPT`] markers are read at one unlock;
//! - everything outside the vault is done on a thread of its own that the
//!   unlock waits for at most [`SWEEP_WAIT`]: a network share that does not
//!   answer must not lock the owner out.
//!
//! Where no marker can be written (a vault on a read-only disk, a full one)
//! the write goes ahead all the same: getting the evidence out matters more
//! than tidying after a kill.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

use super::Diary;
use super::side_files::SEALED_OVERHEAD;
use crate::durable;

/// The vault's folder of markers.
pub const OUTPUTS_DIR: &str = "outputs";
/// The tags of markers a rotation carried over (sealed under the new key).
pub(super) const CARRIED_FILE: &str = "outputs/carried";
/// Bytes a marker's path is padded to: it says nothing of the path's length.
const PATH_PAD: usize = 4096;
/// What a marker holds: folder device and inode, path length, padded path.
const NOTED_LEN: usize = 8 + 8 + 2 + PATH_PAD;
/// A marker's size on disk.
const MARKER_LEN: u64 = (SEALED_OVERHEAD + NOTED_LEN) as u64;
/// A marker's name: 16 hex digits.
const MARKER_NAME_LEN: usize = 16;
/// Markers read at one unlock, at most (the rest wait for the next).
pub(super) const MAX_SWEPT: usize = 256;
/// How long an unlock waits for what it removes outside the vault.
pub(super) const SWEEP_WAIT: Duration = Duration::from_secs(2);
/// A marker whose file is not there and whose folder is not the one it was
/// written in is kept this long for the disk to come back.
const KEPT_FOR: Duration = Duration::from_secs(90 * 24 * 3600);

/// A write outside the vault in progress. Dropped (the write finished,
/// failed or panicked), it removes its temporary file if one is left, then
/// its marker, which stays if the file could not be removed.
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
            let gone = fs::symlink_metadata(&self.tmp).is_err();
            if let Some(marker) = self.marker.as_ref().filter(|_| gone) {
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
    fn to_bytes(&self) -> Option<Zeroizing<Vec<u8>>> {
        let path = path_bytes(&self.tmp);
        let len = u16::try_from(path.len())
            .ok()
            .filter(|&n| usize::from(n) <= PATH_PAD)?;
        let mut out = Zeroizing::new(Vec::with_capacity(NOTED_LEN));
        out.extend_from_slice(&self.folder.dev.to_be_bytes());
        out.extend_from_slice(&self.folder.ino.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&path);
        out.resize(NOTED_LEN, 0);
        Some(out)
    }

    fn from_bytes(bytes: &[u8]) -> Option<Noted> {
        if bytes.len() != NOTED_LEN {
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

/// `tmp`'s folder, if a marker may name `tmp`: absolute, on a local disk
/// or drive letter, its last part a temporary name of ours, and written
/// exactly as its folder and that name put together (see the module's
/// note).
fn trusted(tmp: &Path) -> Option<PathBuf> {
    let name = tmp.file_name().filter(|n| durable::is_partial_name(n))?;
    let folder = tmp.parent()?;
    let plain = tmp.is_absolute()
        && tmp.components().all(|c| match c {
            Component::RootDir | Component::Normal(_) => true,
            Component::Prefix(p) => matches!(
                p.kind(),
                std::path::Prefix::Disk(_) | std::path::Prefix::VerbatimDisk(_)
            ),
            Component::CurDir | Component::ParentDir => false,
        })
        && path_bytes(&folder.join(name)) == path_bytes(tmp);
    plain.then(|| folder.to_path_buf())
}

/// Whether `name` is a marker's (16 lowercase hex digits: `Some(true)`) or
/// a marker's still being written (`.<16 hex>.tmp`: `Some(false)`).
fn marker_name(name: &str) -> Option<bool> {
    let hex = |s: &str| {
        s.len() == MARKER_NAME_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    if hex(name) {
        return Some(true);
    }
    let staged = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    hex(staged).then_some(false)
}

/// A marker to act on, outside the vault (see [`Diary::sweep_outputs`]).
struct Job {
    marker: PathBuf,
    noted: Noted,
    age: Duration,
    /// Held until the job is done: no other unlock acts on it meanwhile.
    _lock: File,
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

    /// The vault's `outputs/` folder, made if missing, and put right if
    /// something else was planted in its place.
    fn outputs_dir(&self) -> Option<PathBuf> {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => return Some(dir),
            // A link, a pipe, a file: ours to remove, never to follow.
            Ok(_) => fs::remove_file(&dir).ok()?,
            Err(_) => {}
        }
        durable::create_dir(&dir, false).ok().map(|()| dir)
    }

    /// Writes a sealed marker naming `tmp`, locked from the moment it
    /// exists (an unlock never sees it free), and returns it with its lock.
    fn write_marker(&self, tmp: &Path) -> Option<(PathBuf, File)> {
        let folder = trusted(tmp)?;
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
            file.lock()?;
            file.write_all(&sealed)?;
            file.sync_all()?;
            durable::publish(&staged, &marker, durable::FolderSync::Required)?;
            Ok(file)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&staged);
            let _ = fs::remove_file(&marker);
        }
        written.ok().map(|file| (marker, file))
    }

    /// The tags of the markers now in `outputs/` and of those an earlier
    /// rotation carried over: what a rotation carries to the new key (a
    /// stick may come back after it).
    pub(super) fn carried_outputs(&self) -> Option<Zeroizing<Vec<u8>>> {
        let mut tags = self.carried_tags();
        let entries = fs::read_dir(self.store.dir().join(OUTPUTS_DIR)).ok()?;
        for entry in entries.flatten().take(MAX_SWEPT) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if marker_name(&name) == Some(true) && !tags.contains(&name) {
                tags.push(name);
            }
        }
        (!tags.is_empty()).then(|| Zeroizing::new(tags.join("\n").into_bytes()))
    }

    fn carried_tags(&self) -> Vec<String> {
        self.read_side(CARRIED_FILE)
            .ok()
            .flatten()
            .map(|bytes| {
                String::from_utf8_lossy(&bytes)
                    .lines()
                    .filter(|t| marker_name(t) == Some(true))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes what killed writes left outside the vault (see the module's
    /// note). Best effort: an unlock never fails for it.
    pub(super) fn sweep_outputs(&self) {
        let dir = self.store.dir().join(OUTPUTS_DIR);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                // Planted in its place: removed, never followed.
                let _ = fs::remove_file(&dir);
                return;
            }
            Err(_) => return,
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        let carried = self.carried_tags();
        let mut jobs = Vec::new();
        let mut markers = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(whole) = marker_name(&file_name) else {
                continue;
            };
            markers += 1;
            if markers > MAX_SWEPT {
                break;
            }
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let Some(mut file) = open_plain(&path) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue; // Its writer is alive.
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .unwrap_or_default();
            let noted = (whole && meta.len() == MARKER_LEN)
                .then(|| {
                    // From the handle that was locked, not the name again.
                    let mut bytes = Zeroizing::new(Vec::with_capacity(MARKER_LEN as usize));
                    Read::by_ref(&mut file)
                        .take(MARKER_LEN)
                        .read_to_end(&mut bytes)
                        .ok()?;
                    let name = format!("{OUTPUTS_DIR}/{file_name}");
                    let older = carried.contains(&file_name);
                    let opened = self.open_side_of(&name, &bytes, older)?;
                    Noted::from_bytes(&opened)
                })
                .flatten();
            match noted {
                Some(noted) => jobs.push(Job {
                    marker: path,
                    noted,
                    age,
                    _lock: file,
                }),
                // A marker killed before it had its name (it never had a
                // file), or one that names nothing this key vouches for.
                None => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        if jobs.is_empty() && markers == 0 {
            let _ = self.remove_side(CARRIED_FILE);
        }
        if jobs.is_empty() {
            return;
        }
        // Outside the vault, on a thread of its own: a disk that does not
        // answer must not hold the unlock (the thread carries paths only).
        let (done, finished) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("output sweep".into())
            .spawn(move || {
                for job in jobs {
                    if clean(&job.noted, job.age) {
                        let _ = fs::remove_file(&job.marker);
                    }
                }
                let _ = done.send(());
            });
        if spawned.is_ok() {
            let _ = finished.recv_timeout(SWEEP_WAIT);
        }
    }
}

/// Removes what `noted` names, if it may (see the module's note); true
/// when its marker can go.
fn clean(noted: &Noted, age: Duration) -> bool {
    let Some(folder) = trusted(&noted.tmp) else {
        return true; // Names nothing of ours.
    };
    match fs::symlink_metadata(&noted.tmp) {
        Ok(_) => {
            remove_partial(&noted.tmp);
            fs::symlink_metadata(&noted.tmp).is_err()
        }
        // Gone, if its folder is the one it was written in; else the disk
        // it is on may be elsewhere for now.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            FolderId::of(&folder) == Some(noted.folder) || age > KEPT_FOR
        }
        Err(_) => false,
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

/// Removes `tmp` if a marker may name it (see [`trusted`]) and it is the
/// user's: a link itself, never what it points to; a folder without
/// crossing into another disk mounted inside it.
fn remove_partial(tmp: &Path) {
    if trusted(tmp).is_none() {
        return;
    }
    let Ok(meta) = fs::symlink_metadata(tmp) else {
        return;
    };
    if meta.is_symlink() {
        let _ = fs::remove_file(tmp);
    } else if owned(&meta) && meta.is_dir() {
        remove_tree(tmp, device(&meta));
    } else if owned(&meta) {
        let _ = fs::remove_file(tmp);
    }
}

/// Removes the folder `dir` and what is in it, never a folder on another
/// device than `dev` (a disk mounted inside) nor what a link points to.
fn remove_tree(dir: &Path, dev: u64) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() && !meta.is_symlink() => {
                    if device(&meta) == dev {
                        remove_tree(&path, dev);
                    }
                }
                Ok(_) => {
                    let _ = fs::remove_file(&path);
                }
                Err(_) => {}
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

#[cfg(unix)]
fn device(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::dev(meta)
}

#[cfg(not(unix))]
fn device(_: &fs::Metadata) -> u64 {
    0
}

/// Whether the user running this owns the file (always, where the system
/// has no owners).
#[cfg(unix)]
fn owned(meta: &fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::uid(meta) == rustix::process::getuid().as_raw()
}

#[cfg(not(unix))]
fn owned(_: &fs::Metadata) -> bool {
    true
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
    use crate::crypto::Passphrase;

    impl OutputMark {
        /// What a kill leaves: the marker and the file, no lock.
        fn killed(mut self) {
            self.tidy = false;
        }
    }

    impl Diary {
        /// A marker `tag` sealed under the current key naming whatever
        /// `tmp` is (what someone who knows the key could plant).
        fn plant_marker(&self, tag: &str, tmp: &Path, folder: FolderId) -> PathBuf {
            let name = format!("{OUTPUTS_DIR}/{tag}");
            let noted = Noted {
                tmp: tmp.to_path_buf(),
                folder,
            };
            let sealed = self.seal_side(&name, &noted.to_bytes().unwrap()).unwrap();
            fs::create_dir_all(self.dir().join(OUTPUTS_DIR)).unwrap();
            fs::write(self.dir().join(&name), sealed).unwrap();
            self.dir().join(&name)
        }
    }

    fn markers(vault: &Path) -> usize {
        fs::read_dir(vault.join(OUTPUTS_DIR)).map_or(0, |d| {
            d.flatten()
                .filter(|e| marker_name(&e.file_name().to_string_lossy()).is_some())
                .count()
        })
    }

    fn files_in(dir: &Path) -> usize {
        fs::read_dir(dir).map_or(0, |d| d.count())
    }

    fn reopen(diary: Diary, pass: &Passphrase) -> Diary {
        let dir = diary.dir().to_path_buf();
        drop(diary);
        Diary::unlock(&dir, pass, clock()).unwrap()
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
        assert_eq!(on_disk.len() as u64, MARKER_LEN, "every marker is one size");
        fs::write(&partial, b"half an export").unwrap();
        drop(mark);
        assert!(!partial.exists());
        assert_eq!(markers(&dir), 0);

        // Killed: an export (a folder), an extract (a file, named through
        // `..`), one on a stick taken away, one on a stick that comes back
        // with other numbers, and one still running.
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
        let other = tmp.path().join("other");
        fs::create_dir(&other).unwrap();
        let moved = durable::partial_sibling(&other.join("c.zip"));
        diary.mark_output(&moved).killed();
        fs::write(&moved, b"half an export").unwrap();
        fs::rename(&other, tmp.path().join("other-then")).unwrap();
        fs::create_dir(&other).unwrap();
        fs::copy(
            tmp.path()
                .join("other-then")
                .join(moved.file_name().unwrap()),
            &moved,
        )
        .unwrap();
        let running = durable::partial_sibling(&out_dir.join("live.zip"));
        let live = diary.mark_output(&running);
        fs::write(&running, b"being written").unwrap();
        // Something that only looks like ours is never removed.
        let bystander = out_dir.join(".door.jpg.partial");
        fs::write(&bystander, b"not ours").unwrap();
        assert_eq!(markers(&dir), 5);

        // The stick's mount point is there, empty: not the folder written in.
        fs::create_dir(&stick).unwrap();
        let diary = reopen(diary, &pass);
        assert!(!folder.exists() && !file.exists(), "left by kills: removed");
        assert!(
            !moved.exists(),
            "removed under its own random name, whatever the numbers"
        );
        assert!(running.exists(), "a write still running is left alone");
        assert!(bystander.exists());
        assert_eq!(markers(&dir), 2, "kept: the running one, the absent stick");
        drop(live);
        assert!(!running.exists());

        // The stick is back: the next unlock removes what is on it.
        fs::remove_dir(&stick).unwrap();
        fs::rename(tmp.path().join("stick-away"), &stick).unwrap();
        let _diary = reopen(diary, &pass);
        assert!(!gone.exists());
        assert_eq!(markers(&dir), 0);
    }

    #[test]
    fn a_rotation_carries_the_markers_over_and_no_one_elses() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("v");
        let (mut diary, _) = new_diary(&dir);
        let here = FolderId::of(tmp.path()).unwrap();
        let stick = tmp.path().join("stick");
        fs::create_dir(&stick).unwrap();
        let mine = stick.join(".mine.partial-0badc0de");
        let theirs = tmp.path().join(".theirs.partial-0badc0de");
        fs::write(&mine, b"a killed export").unwrap();
        fs::write(&theirs, b"a bystander").unwrap();
        diary.plant_marker("00112233445566aa", &mine, FolderId::of(&stick).unwrap());
        let forged = diary.plant_marker("00112233445566bb", &theirs, here);
        let sealed_before = fs::read(&forged).unwrap();
        fs::remove_file(&forged).unwrap();
        // The stick is away when she rotates: her marker must survive it.
        fs::rename(&stick, tmp.path().join("away")).unwrap();
        let new = Passphrase::new("new".into());
        diary.rotate_keys(&new, None).unwrap();
        let diary = reopen(diary, &new);
        assert_eq!(markers(&dir), 1, "kept for the stick");
        fs::rename(tmp.path().join("away"), &stick).unwrap();
        // Planted after the rotation with the key someone knew before.
        fs::write(&forged, sealed_before).unwrap();
        let _diary = reopen(diary, &new);
        assert!(!mine.exists(), "carried over by her rotation: acted on");
        assert!(theirs.exists(), "forged with an earlier key: not acted on");
        assert_eq!(markers(&dir), 0);
    }

    /// The attacks two independent reviews made on the first versions.
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

        // `outputs` a link to her documents, or a file: removed, never
        // followed, and markers are written again.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&docs, dir.join(OUTPUTS_DIR)).unwrap();
            diary = reopen(diary, &pass);
            assert_eq!(files_in(&docs), 3);
            assert!(fs::symlink_metadata(dir.join(OUTPUTS_DIR)).is_err());
            fs::write(dir.join(OUTPUTS_DIR), b"planted").unwrap();
            let mark = diary.mark_output(&durable::partial_sibling(&docs.join("x")));
            assert_eq!(
                markers(&dir),
                1,
                "a file in its place does not stop the markers"
            );
            drop(mark);
        }

        // A marker whose last part goes through a link (`L/.`, `L/`), or
        // names a file of hers, or a relative path.
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
                diary.plant_marker("00112233445566ff", &forged, folder);
                diary = reopen(diary, &pass);
                assert_eq!(files_in(&docs), 3, "{forged:?}");
                assert_eq!(markers(&dir), 0, "{forged:?} dropped");
            }
            // The link itself, named like ours, may go; never what it points to.
            diary.plant_marker("00112233445566ff", &link, here);
            diary = reopen(diary, &pass);
            assert_eq!(files_in(&docs), 3);
        }

        // Something named as a marker but of another size is not read.
        let big = dir.join(OUTPUTS_DIR).join("00112233445566ee");
        fs::create_dir_all(dir.join(OUTPUTS_DIR)).unwrap();
        fs::write(&big, vec![0u8; 300 * 1024]).unwrap();
        diary = reopen(diary, &pass);
        assert!(!big.exists());

        // A pipe in a marker's place, or in the folder's, does not make the
        // unlock wait.
        #[cfg(unix)]
        for fifo in [
            dir.join(OUTPUTS_DIR).join("0011223344556677"),
            dir.join(OUTPUTS_DIR).join(".0011223344556677.tmp"),
        ] {
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if !made.is_ok_and(|s| s.success()) {
                continue;
            }
            drop(diary);
            let (send, got) = std::sync::mpsc::channel();
            let (d, p) = (dir.clone(), pass.expose_secret().to_string());
            std::thread::spawn(move || {
                let opened = Diary::unlock(&d, &Passphrase::new(p), clock());
                let _ = send.send(opened.is_ok());
            });
            let opened = got.recv_timeout(Duration::from_secs(20));
            assert_eq!(opened, Ok(true), "the unlock waited on a pipe");
            diary = Diary::unlock(&dir, &pass, clock()).unwrap();
        }
        drop(diary);
    }
}
