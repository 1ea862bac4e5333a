//! Starts a large file's pages on their way to the disk while it is still
//! being written, so the fsync that makes it durable at the end waits for
//! the last few MiB rather than the whole file.
//!
//! Every exhibit is fsynced before its record is committed, and an
//! extracted copy before it is renamed into place. Left to the kernel, a
//! 1 GiB file sits in the page cache until that fsync, which then writes all
//! of it while the import waits (measured in BENCHMARKS.md, "Attachments").
//! Every [`WINDOW`] bytes the range just written is handed to the kernel with
//! `posix_fadvise(DONTNEED)`, which on Linux and Android starts its
//! writeback without waiting for it. The advice drops only pages already
//! written, so the window before is advised again one window later, when
//! its writeback has had time to finish: its pages are freed and the next
//! windows are cached in the same memory. A 4 GiB video then passes through
//! a few MiB of page cache instead of pushing out everything else the phone
//! had cached, and needs no fresh memory (on the benchmark VM, the first
//! touch of memory its host had taken back cost up to 7 s of system time
//! per GiB written; BENCHMARKS.md, "Issue 16"). The advice never waits and
//! never consumes a write error: the final fsync still reports it (an fsync
//! on a second handle would need a thread to wait in, and kernels before
//! 4.13 reported a write error to one handle only). Elsewhere it does
//! nothing.

use std::fs::File;
use std::io::{self, BufWriter, IoSlice, Write};

/// Bytes between two hand-overs to the kernel.
pub(crate) const WINDOW: u64 = 8 << 20;

/// A writer into a new file that starts writeback as it goes.
pub(crate) struct WriteBehind<'a> {
    out: &'a mut BufWriter<File>,
    /// Bytes accepted so far (the file's size once flushed).
    written: u64,
    /// Where the range not yet handed to the kernel starts.
    handed: u64,
    /// Where the range handed once but not yet dropped starts.
    dropped: u64,
}

impl<'a> WriteBehind<'a> {
    /// Wraps the writer of a file written from its start.
    pub(crate) fn new(out: &'a mut BufWriter<File>) -> WriteBehind<'a> {
        WriteBehind {
            out,
            written: 0,
            handed: 0,
            dropped: 0,
        }
    }

    fn wrote(&mut self, n: usize) {
        self.written += n as u64;
        // What the buffer still holds is not in the file yet.
        let in_file = self.written - self.out.buffer().len() as u64;
        if in_file - self.handed >= WINDOW {
            // One call: drops the window before (written by now) and starts
            // the writeback of the new one.
            advise_dont_need(self.out.get_ref(), self.dropped, in_file - self.dropped);
            self.dropped = self.handed;
            self.handed = in_file;
        }
    }
}

impl Write for WriteBehind<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.wrote(n);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let n = self.out.write_vectored(bufs)?;
        self.wrote(n);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Best effort: a filesystem that ignores the advice only loses the
/// overlap, never a byte.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn advise_dont_need(file: &File, from: u64, len: u64) {
    let _ = rustix::fs::fadvise(
        file,
        from,
        std::num::NonZeroU64::new(len),
        rustix::fs::Advice::DontNeed,
    );
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn advise_dont_need(_file: &File, _from: u64, _len: u64) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn every_byte_arrives_in_order_whatever_the_write_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut out = BufWriter::with_capacity(256 * 1024, File::create(&path).unwrap());
        let data: Vec<u8> = (0..(3 * WINDOW as usize + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        {
            let mut behind = WriteBehind::new(&mut out);
            let mut rest = &data[..];
            for (i, size) in [1usize, 4096, 65_536, 1 << 20, 3 << 20]
                .iter()
                .cycle()
                .enumerate()
            {
                if rest.is_empty() {
                    break;
                }
                let take = (*size).min(rest.len());
                if i % 2 == 0 {
                    behind.write_all(&rest[..take]).unwrap();
                } else {
                    let half = take / 2;
                    let slices = [IoSlice::new(&rest[..half]), IoSlice::new(&rest[half..take])];
                    let n = behind.write_vectored(&slices).unwrap();
                    behind.write_all(&rest[n..take]).unwrap();
                }
                rest = &rest[take..];
            }
            behind.flush().unwrap();
            assert_eq!(behind.written, data.len() as u64);
            assert!(behind.handed >= 2 * WINDOW, "writeback was started");
            assert!(
                behind.dropped >= WINDOW && behind.handed - behind.dropped >= WINDOW,
                "each window is advised again one window later"
            );
        }
        out.get_ref().sync_all().unwrap();
        let mut back = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut back).unwrap();
        assert!(back == data);
    }
}
