//! Reading a bundle as it was handed over: a folder, or a zip holding one
//! folder, each file read in a bounded way and hashed as it streams.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use super::OpenError;

/// A bundle on disk: a directory, or a zip holding one folder.
pub(super) enum Bundle {
    Dir(PathBuf),
    Zip {
        archive: Box<zip::ZipArchive<BufReader<File>>>,
        folder: String,
    },
}

impl Bundle {
    pub(super) fn open(path: &Path) -> Result<Bundle, OpenError> {
        let meta = fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound(path.to_path_buf()),
            _ => OpenError::Unreadable(format!("{}: {e}", path.display())),
        })?;
        if meta.is_dir() {
            return Ok(Bundle::Dir(path.to_path_buf()));
        }
        let unreadable = |why: String| OpenError::Unreadable(format!("{}: {why}", path.display()));
        let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
        // A second handle: a cloned one would share the file position.
        let mut raw = BufReader::new(File::open(path).map_err(|e| unreadable(e.to_string()))?);
        let mut archive = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| unreadable(format!("not a readable zip ({e})")))?;
        if archive.has_duplicate_names() {
            // An unzip tool may then show another file than the one checked.
            return Err(unreadable(
                "the zip holds two entries with the same name".into(),
            ));
        }
        // Each entry's local header must say what the central directory
        // says (name, method, sizes, CRC), no two entries may share bytes,
        // and no file may hide between them: tools that read the local
        // headers (streaming unzippers, some recovery tools) would
        // otherwise show other files than the ones checked.
        archive.validate_header_consistency().map_err(|e| {
            unreadable(format!(
                "the zip's entries do not agree with its directory ({e})"
            ))
        })?;
        super::zip_layout::check(&mut raw, &mut archive)
            .map_err(|why| unreadable(format!("the zip is not laid out as a bundle is: {why}")))?;
        let mut folders: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok())
            .filter(|n| !n.starts_with("__MACOSX/") && !is_os_litter(n))
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
    pub(super) fn list(&self) -> io::Result<Vec<String>> {
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
                if !inside(path) {
                    return Err(io::Error::other("is not a file inside the bundle"));
                }
                // No part of the way may be a link (`x -> /home` and `x/...`).
                let mut walked = root.clone();
                for part in path.split('/') {
                    walked.push(part);
                    if fs::symlink_metadata(&walked)?.file_type().is_symlink() {
                        return Err(io::Error::other("is a symbolic link"));
                    }
                }
                let full = walked;
                let kind = fs::symlink_metadata(&full)?.file_type();
                if kind.is_symlink() {
                    return Err(io::Error::other("is a symbolic link"));
                }
                if !kind.is_file() {
                    // A device (`/dev/zero`), a pipe or a folder: never read.
                    return Err(io::Error::other("is not a regular file"));
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

    /// A text or JSON file's bytes, refused past its cap (see [`cap`]):
    /// a crafted zip can expand a few megabytes into gigabytes.
    pub(super) fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
        self.read_at_most(path, cap(path))
    }

    /// A file's bytes, refused past `cap`.
    pub(super) fn read_at_most(&mut self, path: &str, cap: u64) -> io::Result<Vec<u8>> {
        self.with_reader(path, |r| {
            let mut out = Vec::new();
            r.take(cap + 1).read_to_end(&mut out)?;
            if out.len() as u64 > cap {
                return Err(io::Error::other(format!(
                    "is larger than {} KiB, more than any bundle holds",
                    cap >> 10
                )));
            }
            Ok(out)
        })
    }

    /// Size and SHA-256 of a file, streamed.
    pub(super) fn hash(&mut self, path: &str) -> io::Result<(u64, String)> {
        self.with_reader(path, |r| {
            let (size, sum) = crate::hashing::sum_of(r)?;
            Ok((size, hex::encode(sum)))
        })
    }
}

/// The most a file read into memory may hold, with room for a diary of a
/// million entries and tens of thousands of exhibits.
fn cap(path: &str) -> u64 {
    use crate::export::bundle;
    match path {
        bundle::SIGNATURE | bundle::ALLOWED_SIGNERS => 64 << 10,
        bundle::SUMS => 16 << 20,
        bundle::MANIFEST => 64 << 20,
        bundle::CHAIN => 512 << 20,
        _ => 1 << 30,
    }
}

/// Whether `path` names something inside the bundle: relative, `/`-separated,
/// with no empty, `.` or `..` part, no backslash and no colon (a Windows
/// drive, `C:x`, would replace the bundle folder when joined to it).
pub(super) fn inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Files an operating system adds when a folder is opened or zipped again
/// (Finder, Explorer): not part of the bundle, and no reason to fail it.
///
/// Only these fixed names are ignored, wherever Finder or Explorer leave
/// them; a `__MACOSX/` folder is ignored only beside the bundle folder in a
/// zip (where Finder puts it), never inside the bundle, where it could hold
/// a `report.pdf` of someone else's making.
pub(super) fn is_os_litter(path: &str) -> bool {
    matches!(
        path.rsplit('/').next(),
        Some(".DS_Store" | "Thumbs.db" | "desktop.ini")
    )
}
