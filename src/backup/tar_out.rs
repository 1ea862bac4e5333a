//! Writing a tar stream file by file, with each file's SHA-256 taken from
//! the bytes actually written.
//!
//! The `tar` crate's `Builder` wants a reader per file; a backup instead
//! pushes each exhibit through the decrypting verifier and into the archive
//! in one pass, so headers and padding are written here, with the crate's
//! `Header` for the format itself (ustar, readable by every tar).

use std::io::{self, Write};

use crate::hashing::Hashing;

const BLOCK: usize = 512;

/// A tar stream over `W`.
pub(crate) struct TarOut<W: Write> {
    out: W,
    mtime: u64,
}

/// Writes into one tar entry, counting and hashing what passes.
pub(crate) type EntryWriter<'a, W> = Hashing<&'a mut W>;

impl<W: Write> TarOut<W> {
    /// Entries get modification time `mtime` (Unix seconds) and mode 0600.
    pub(crate) fn new(out: W, mtime: u64) -> Self {
        TarOut { out, mtime }
    }

    /// Adds file `path` of exactly `size` bytes, written by `write`.
    /// Returns the SHA-256 of the bytes (hex). Fails if `write` wrote a
    /// different number of bytes: the archive would be corrupt.
    pub(crate) fn add<E: From<io::Error>>(
        &mut self,
        path: &str,
        size: u64,
        write: impl FnOnce(&mut EntryWriter<'_, W>) -> Result<(), E>,
    ) -> Result<String, E> {
        let mut header = tar::Header::new_ustar();
        header.set_path(path)?;
        header.set_size(size);
        header.set_mode(0o600);
        header.set_mtime(self.mtime);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        self.out.write_all(header.as_bytes())?;
        let mut entry = Hashing::new(&mut self.out);
        write(&mut entry)?;
        let (_, written, sum) = entry.finish();
        if written != size {
            return Err(io::Error::other(format!(
                "{path} changed size while it was copied ({written} bytes, expected {size})"
            ))
            .into());
        }
        let sum = hex::encode(sum);
        let pad = (BLOCK - (size as usize % BLOCK)) % BLOCK;
        self.out.write_all(&[0u8; BLOCK][..pad])?;
        Ok(sum)
    }

    /// Adds a file held in memory.
    pub(crate) fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> io::Result<String> {
        self.add(path, bytes.len() as u64, |w| w.write_all(bytes))
    }

    /// Writes the end-of-archive marker and returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&[0u8; 2 * BLOCK])?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is written reads back with the `tar` crate, sums included.
    #[test]
    fn entries_read_back_with_their_sums() {
        let mut tar = TarOut::new(Vec::new(), 1_700_000_000);
        let a = tar.add_bytes("root/a.txt", b"hello").unwrap();
        let b = tar.add_bytes("root/att/b.bin", &[7u8; 1024]).unwrap();
        let short: Result<String, io::Error> = tar.add("root/c", 10, |w| w.write_all(b"abc"));
        assert!(short.is_err(), "a short entry is refused");
        let bytes = tar.finish().unwrap();
        assert_eq!(
            a,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let mut archive = tar::Archive::new(&bytes[..]);
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            io::Read::read_to_end(&mut entry, &mut data).unwrap();
            seen.push((
                path,
                hex::encode(crate::hashing::sum_of(&mut &data[..]).unwrap().1),
            ));
            if seen.len() == 2 {
                break;
            }
        }
        assert_eq!(seen[0], ("root/a.txt".to_string(), a));
        assert_eq!(seen[1], ("root/att/b.bin".to_string(), b));
    }
}
