//! SHA-256 and size of whatever passes through a reader or a writer.
//!
//! Exports hash each file as they write it, backups as they archive it,
//! restores as they unpack it and `verify` as it reads: always the bytes
//! that actually passed, never a second read that could differ. ring's
//! assembly SHA-256 (about twice the portable speed without SHA
//! instructions), since exhibits are large.

use std::io::{self, Read, Write};

use ring::digest;

/// A SHA-256 value.
pub(crate) type Sha256 = [u8; 32];

/// Counts and hashes what passes through, in either direction.
pub(crate) struct Hashing<T> {
    inner: T,
    size: u64,
    context: digest::Context,
}

impl<T> Hashing<T> {
    pub(crate) fn new(inner: T) -> Self {
        Hashing {
            inner,
            size: 0,
            context: digest::Context::new(&digest::SHA256),
        }
    }

    /// The inner reader or writer, the byte count and the SHA-256.
    pub(crate) fn finish(self) -> (T, u64, Sha256) {
        let digest = self.context.finish();
        let sum = digest.as_ref().try_into().expect("SHA-256 is 32 bytes");
        (self.inner, self.size, sum)
    }

    fn pass(&mut self, bytes: &[u8]) {
        self.context.update(bytes);
        self.size += bytes.len() as u64;
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.pass(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pass(&buf[..n]);
        Ok(n)
    }
}

/// Size and SHA-256 of everything `input` holds, streamed.
pub(crate) fn sum_of(input: &mut dyn Read) -> io::Result<(u64, Sha256)> {
    let mut hashing = Hashing::new(io::sink());
    io::copy(input, &mut hashing)?;
    let (_, size, sum) = hashing.finish();
    Ok((size, sum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_agree_with_sha256sum() {
        // `printf abc | sha256sum`
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let (size, sum) = sum_of(&mut &b"abc"[..]).unwrap();
        assert_eq!((size, hex::encode(sum).as_str()), (3, abc));
        let mut w = Hashing::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let (bytes, size, sum) = w.finish();
        assert_eq!(
            (bytes.as_slice(), size, hex::encode(sum).as_str()),
            (&b"abc"[..], 3, abc)
        );
    }
}
