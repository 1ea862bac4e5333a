//! Files and folders only their owner can open (0600 and 0700 on Unix).
//!
//! Vault files hold only ciphertext, but an export holds the diary in plain
//! text and a backup reveals its size: on a shared computer only the user
//! should be able to read any of them.

use std::fs::{self, File};
use std::io;
use std::path::Path;

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
