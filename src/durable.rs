//! Files that appear whole or not at all, readable only by their owner.
//!
//! Every file this program writes for keeps (a vault's attachment, an
//! extracted exhibit, a backup, an export, the unlock counter) is written
//! under a temporary name beside its destination, fsynced, renamed into place
//! and its folder fsynced, so a kill or a power cut leaves either the old
//! state or the whole new file, never part of one. Vault files hold only
//! ciphertext, but an export holds the diary in plain text and a backup
//! reveals its size: on a shared computer only the user may open them
//! (0600 and 0700 on Unix).

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// A new owner-only file; fails if it exists.
pub(crate) fn create_file(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A new owner-only folder (with its missing parents when `recursive`).
pub(crate) fn create_dir(path: &Path, recursive: bool) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(recursive);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Makes a rename in `dir` durable (POSIX needs the folder fsynced).
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The folder a path is in (`.` for a bare file name).
pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `report.pdf` -> `.report.pdf.<suffix>` beside it: hidden, and never
/// mistaken for the finished file.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// A new temporary name for writing `out` in a folder of the user's
/// choosing: `.report.zip.partial-1a2b3c4d`. The random tag keeps two
/// writes of one name apart; [`is_partial_name`] recognises it.
pub(crate) fn partial_sibling(out: &Path) -> PathBuf {
    sibling(
        out,
        &format!(
            "partial-{}",
            hex::encode(crate::crypto::random::bytes::<4>())
        ),
    )
}

/// Whether `name` is one [`partial_sibling`] gives: the only names an
/// unlock removes outside the vault (see `Diary::sweep_outputs`).
pub(crate) fn is_partial_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    let Some(tag) = name
        .strip_prefix('.')
        .and_then(|rest| rest.rsplit_once(".partial-"))
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, tag)| tag)
    else {
        return false;
    };
    tag.len() == 8 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Moves a finished temporary file or folder to `path` and makes the move
/// durable (see [`FolderSync`] for when a failed folder fsync fails it).
pub(crate) fn publish(tmp: &Path, path: &Path, folder: FolderSync) -> io::Result<()> {
    fs::rename(tmp, path)?;
    match (sync_dir(&parent_of(path)), folder) {
        (Err(e), FolderSync::Required) => Err(e),
        _ => Ok(()),
    }
}

/// Whether a failed fsync of the folder, after the rename, fails the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderSync {
    /// Inside the vault: an acknowledged file must survive a power cut.
    Required,
    /// In a folder of the user's choosing (a USB stick, a network share,
    /// where a folder fsync may not be supported): the file is complete and
    /// in place either way.
    BestEffort,
}

/// A file being written under a temporary name. Dropped before
/// [`Partial::commit`] (an error, a panic), it removes itself.
pub(crate) struct Partial {
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Partial {
    /// Creates the owner-only file `tmp`, which must not exist.
    pub(crate) fn create(tmp: &Path) -> io::Result<Partial> {
        let file = create_file(tmp)?;
        Ok(Partial {
            tmp: tmp.to_path_buf(),
            out: Some(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    /// Where to write.
    pub(crate) fn writer(&mut self) -> &mut BufWriter<File> {
        self.out.as_mut().expect("present until commit")
    }

    /// Flushes and fsyncs the file, renames it to `path` and fsyncs the
    /// folder. Returns the file's size.
    pub(crate) fn commit(mut self, path: &Path, folder: FolderSync) -> io::Result<u64> {
        let out = self.out.take().expect("present until commit");
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let size = file.metadata()?.len();
        drop(file);
        let tmp = std::mem::take(&mut self.tmp);
        let published = publish(&tmp, path, folder);
        if tmp.exists() {
            // The rename failed: the temporary file is still ours to remove.
            self.tmp = tmp;
        }
        published.map(|()| size)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `path` through `write` into the new owner-only file `tmp`, then
/// fsyncs it and moves it into place (see [`Partial`]). On any error `tmp`
/// is removed and `path` is untouched.
pub(crate) fn write_file<T, E: From<io::Error>>(
    tmp: &Path,
    path: &Path,
    folder: FolderSync,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
) -> Result<T, E> {
    let mut partial = Partial::create(tmp)?;
    let value = write(partial.writer())?;
    partial.commit(path, folder)?;
    Ok(value)
}

/// Replaces the small file `path` with `bytes`, whole or not at all, owner
/// only, creating its folder. For the app's few plain files beside the
/// vault (the locked page's notes, the chosen disguise), so they follow the
/// same rule as every other file this program keeps. A temporary file left
/// by a kill is replaced, not an error.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    create_dir(&parent_of(path), true)?;
    let tmp = sibling(path, "tmp");
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    write_file(&tmp, path, FolderSync::Required, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn partial_names_are_recognised_and_nothing_else() {
        let name = partial_sibling(Path::new("/media/usb/report.zip"));
        assert_eq!(name.parent(), Some(Path::new("/media/usb")));
        assert!(is_partial_name(name.file_name().unwrap()));
        assert_ne!(name, partial_sibling(Path::new("/media/usb/report.zip")));
        for other in [
            "report.zip",
            ".report.zip",
            ".report.zip.partial",
            ".report.zip.partial-1234567",
            ".report.zip.partial-1234567g",
            ".report.zip.partial-1234ABCD",
            "report.zip.partial-12345678",
            "..partial-12345678",
            ".partial-12345678",
        ] {
            assert!(!is_partial_name(other.as_ref()), "{other}");
        }
        assert!(is_partial_name(".a.partial-0123abcd".as_ref()));
    }

    #[test]
    fn a_failed_write_leaves_neither_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        let partial = sibling(&path, "partial");
        let failed: io::Result<()> = write_file(&partial, &path, FolderSync::Required, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk gone"))
        });
        assert!(failed.is_err());
        assert!(!path.exists() && !partial.exists());
        let panicked = std::panic::catch_unwind(|| {
            let _: io::Result<()> = write_file(&partial, &path, FolderSync::Required, |w| {
                w.write_all(b"half")?;
                panic!("a bug in the writer");
            });
        });
        assert!(panicked.is_err());
        assert!(
            !path.exists() && !partial.exists(),
            "a panic leaves nothing"
        );
        write_file::<_, io::Error>(&partial, &path, FolderSync::Required, |w| {
            w.write_all(b"whole")
        })
        .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"whole");
        assert!(!partial.exists());
        // A temporary file left by a kill does not block the next write.
        fs::write(sibling(&path, "tmp"), b"left over").unwrap();
        replace_file(&path, b"again").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"again");
        assert!(!sibling(&path, "tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
