//! Moves an attachment through memory in batches of chunks, with reading
//! and writing on the calling thread and the two CPU stages (the cipher and
//! SHA-256) on a thread each, so a two-core phone or laptop keeps both cores
//! busy: hashing and encrypting the same bytes one after the other on one
//! thread was what made an import half as fast as `age` (issue 16).
//!
//! A batch is allocated once and handed from stage to stage (no copy, no
//! per-chunk allocation); at most [`POOL`] exist, so memory stays at a few
//! MiB whatever the size. The input and output stay on the calling thread,
//! so any reader or writer works, including ones that are not `Send`.
//!
//! A batch lays chunk `i` out at `i * SLOT`: the plaintext followed by room
//! for its tag. Sealed chunks are therefore contiguous in the buffer (one
//! write per batch), and sealed input is read into it with one read.

use std::io::{self, IoSlice, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use zeroize::Zeroize;

use super::cipher::TAG_LEN;
use super::{CHUNK_LEN, StreamError};

/// Bytes of one sealed chunk: the plaintext and its tag.
pub(super) const SLOT: usize = CHUNK_LEN + TAG_LEN;
/// Chunks per batch: 1 MiB, few enough hand-offs between threads that
/// their cost vanishes, small enough to stay in a core's cache.
pub(super) const BATCH_CHUNKS: usize = 16;
/// Batches in existence at once: one being filled, one held back until the
/// input's end is known, and the rest in the stages. 8 MiB in all, whatever
/// the file's size.
const POOL: usize = 8;

/// Chunks on their way through the pipeline.
pub(super) struct Batch {
    buf: Vec<u8>,
    /// How far into `buf` anything was ever written (wiped on drop).
    touched: usize,
    /// Index in the stream of the batch's first chunk.
    pub(super) first: u64,
    /// Plaintext bytes read (sealing) or sealed bytes read (opening).
    pub(super) bytes: usize,
    /// Holds the stream's last chunk.
    pub(super) last: bool,
    /// Index of a chunk that failed authentication (opening).
    pub(super) forged: Option<u64>,
    /// Bytes each chunk takes in what was read: a plaintext chunk when
    /// sealing, a sealed one (with its tag) when opening.
    unit: usize,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            buf: vec![0; BATCH_CHUNKS * SLOT],
            touched: 0,
            first: 0,
            bytes: 0,
            last: false,
            forged: None,
            unit: CHUNK_LEN,
        }
    }

    fn reset(&mut self, first: u64) {
        self.first = first;
        self.bytes = 0;
        self.last = false;
        self.forged = None;
    }

    /// Where the batch's chunks lie (a copy, so the buffer can be
    /// changed while walking them).
    pub(super) fn layout(&self) -> Layout {
        Layout {
            first: self.first,
            bytes: self.bytes,
            last: self.last,
        }
    }

    /// The plaintext of opened chunks, in order.
    pub(super) fn opened_slices(&self) -> impl Iterator<Item = &[u8]> {
        self.layout()
            .sealed_chunks()
            .map(|c| &self.buf[c.range.start..c.range.end - TAG_LEN])
    }

    pub(super) fn buf(&self) -> &[u8] {
        &self.buf
    }

    pub(super) fn buf_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// The sealed bytes of a sealed batch, contiguous.
    pub(super) fn sealed(&self) -> &[u8] {
        &self.buf[..self.bytes + self.layout().count(CHUNK_LEN) * TAG_LEN]
    }

    /// Reads plaintext chunk by chunk into their slots; true at the end of
    /// the input.
    pub(super) fn fill_plain(&mut self, input: &mut impl Read) -> io::Result<bool> {
        self.unit = CHUNK_LEN;
        for i in 0..BATCH_CHUNKS {
            let slot = i * SLOT;
            let n = read_full(input, &mut self.buf[slot..slot + CHUNK_LEN]);
            self.touched = self.touched.max(slot + CHUNK_LEN);
            let n = n?;
            self.bytes += n;
            if n < CHUNK_LEN {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Reads sealed chunks in one go; true at the end of the input.
    pub(super) fn fill_sealed(&mut self, input: &mut impl Read) -> io::Result<bool> {
        self.unit = SLOT;
        self.touched = self.buf.len();
        self.bytes = read_full(input, &mut self.buf)?;
        Ok(self.bytes < self.buf.len())
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Plaintext passed through: wiped once, at the end, not per chunk.
        self.buf[..self.touched].zeroize();
    }
}

/// Where a batch's chunks lie.
#[derive(Clone, Copy)]
pub(super) struct Layout {
    first: u64,
    bytes: usize,
    last: bool,
}

/// One chunk of a batch.
pub(super) struct Chunk {
    /// Its index in the stream (the nonce's counter).
    pub(super) index: u64,
    /// Whether it is the stream's last.
    pub(super) last: bool,
    /// Its bytes in the batch's buffer: plaintext when sealing; the sealed
    /// chunk, tag included, when opening (shorter than a tag if cut).
    pub(super) range: std::ops::Range<usize>,
}

impl Layout {
    /// How many chunks the batch holds when each takes `per` bytes of
    /// `bytes`: an empty batch is one empty chunk (an empty file).
    fn count(self, per: usize) -> usize {
        self.bytes.div_ceil(per).max(1)
    }

    /// The plaintext chunks read for sealing.
    pub(super) fn plain_chunks(self) -> impl Iterator<Item = Chunk> {
        let n = self.count(CHUNK_LEN);
        (0..n).map(move |i| {
            let len = (self.bytes - i * CHUNK_LEN).min(CHUNK_LEN);
            self.chunk(i, n, len)
        })
    }

    /// The sealed chunks read for opening.
    pub(super) fn sealed_chunks(self) -> impl Iterator<Item = Chunk> {
        let n = self.count(SLOT);
        (0..n).map(move |i| {
            let len = (self.bytes - (i * SLOT).min(self.bytes)).min(SLOT);
            self.chunk(i, n, len)
        })
    }

    fn chunk(self, i: usize, n: usize, len: usize) -> Chunk {
        Chunk {
            index: self.first + i as u64,
            last: self.last && i + 1 == n,
            range: i * SLOT..i * SLOT + len,
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match input.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Writes every slice, in order, with as few calls as the writer allows
/// (a file takes a batch's 16 chunks in one `writev`).
pub(super) fn write_slices(out: &mut impl Write, slices: &[&[u8]]) -> io::Result<()> {
    let mut io: Vec<IoSlice<'_>> = slices
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| IoSlice::new(s))
        .collect();
    let mut bufs = &mut io[..];
    while !bufs.is_empty() {
        match out.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What the calling thread does at each end of the pipeline.
pub(super) trait Ends {
    /// Fills a batch from the input; true at the input's end.
    fn fill(&mut self, batch: &mut Batch) -> Result<bool, StreamError>;
    /// Takes a batch that went through both stages (writes it).
    fn drain(&mut self, batch: &Batch) -> Result<(), StreamError>;
}

/// Runs every batch of the input through `first` then `second`, each on a
/// thread of its own, reading and writing on the calling thread (opening:
/// the reader and writer need not be `Send`). An input that fits in one
/// batch (a thumbnail, a screenshot) is done on the calling thread:
/// starting threads would cost more than they save.
pub(super) fn run(
    ends: &mut impl Ends,
    mut first: impl FnMut(&mut Batch) + Send,
    mut second: impl FnMut(&mut Batch) + Send,
) -> Result<(), StreamError> {
    let mut batch = Batch::new();
    batch.reset(0);
    if ends.fill(&mut batch)? {
        batch.last = true;
        check_counter(&batch)?;
        first(&mut batch);
        second(&mut batch);
        return ends.drain(&batch);
    }
    std::thread::scope(|scope| {
        let (to_first, first_rx) = sync_channel::<Batch>(POOL);
        let (first_tx, second_rx) = sync_channel::<Batch>(POOL);
        let (second_tx, done) = sync_channel::<Batch>(POOL);
        let a = spawn(scope, move || stage(first_rx, first_tx, &mut first))?;
        let b = spawn(scope, move || stage(second_rx, second_tx, &mut second))?;
        let mut stages = Stages {
            ends,
            to_work: to_first,
            done,
            made: 1,
            in_flight: 0,
        };
        let result = convey(&mut stages, batch).and_then(|()| stages.drain_all());
        drop(stages); // ends both stages, whatever happened
        let (a, b) = (a.join(), b.join());
        if a.is_err() || b.is_err() {
            return Err(worker_failed());
        }
        result
    })
}

/// Runs every batch through `fill` (reading, and any work on what was read)
/// on the calling thread and `far` (the rest, writing included) on one
/// worker: two threads with about equal work, which on two cores beats
/// three threads taking turns (sealing: reading and SHA-256 here, the
/// cipher and writing there). The writer must be `Send`; the reader need
/// not be. One batch's worth of input is done on the calling thread.
pub(super) fn run_split(
    mut fill: impl FnMut(&mut Batch) -> Result<bool, StreamError>,
    mut far: impl FnMut(&mut Batch) -> Result<(), StreamError> + Send,
) -> Result<(), StreamError> {
    let mut batch = Batch::new();
    batch.reset(0);
    if fill(&mut batch)? {
        batch.last = true;
        check_counter(&batch)?;
        return far(&mut batch);
    }
    std::thread::scope(|scope| {
        let (to_far, far_rx) = sync_channel::<Batch>(POOL);
        let (back_tx, back) = sync_channel::<Batch>(POOL);
        let worker = spawn(scope, move || -> Result<(), StreamError> {
            for mut batch in far_rx {
                far(&mut batch)?;
                // Fails only once the calling thread stopped taking them.
                let _ = back_tx.send(batch);
            }
            Ok(())
        })?;
        let mut split = Split {
            fill: &mut fill,
            to_far,
            back,
            made: 1,
        };
        let result = convey(&mut split, batch);
        drop(split); // the worker finishes what it was given, then stops
        // The worker's own error explains a closed channel: it comes first.
        worker.join().map_err(|_| worker_failed())??;
        result
    })
}

/// Starts a worker; a system that refuses a thread (a limit reached) gets
/// an error, not a panic. Channels already made close when the caller
/// returns, so a worker started before ends by itself.
fn spawn<'s, T: Send + 's>(
    scope: &'s std::thread::Scope<'s, '_>,
    work: impl FnOnce() -> T + Send + 's,
) -> Result<std::thread::ScopedJoinHandle<'s, T>, StreamError> {
    std::thread::Builder::new()
        .name("attachment".into())
        .spawn_scoped(scope, work)
        .map_err(|e| StreamError::Io(io::Error::other(format!("cannot start a thread: {e}"))))
}

/// A stage's thread: takes batches until the input side closes.
fn stage(rx: Receiver<Batch>, tx: SyncSender<Batch>, work: &mut impl FnMut(&mut Batch)) {
    for mut batch in rx {
        work(&mut batch);
        if tx.send(batch).is_err() {
            break;
        }
    }
}

fn worker_failed() -> StreamError {
    StreamError::Io(io::Error::other("an attachment worker thread failed"))
}

/// Every chunk index must fit the nonce's 32-bit counter.
fn check_counter(batch: &Batch) -> Result<(), StreamError> {
    let last_index = batch.first + batch.layout().count(batch.unit) as u64 - 1;
    if last_index > u64::from(u32::MAX) {
        return Err(StreamError::TooLarge);
    }
    Ok(())
}

/// The calling thread's side of a pipeline: where empty batches come from,
/// how they are filled, where full ones go.
trait Conveyor {
    fn free(&mut self) -> Result<Batch, StreamError>;
    fn fill(&mut self, batch: &mut Batch) -> Result<bool, StreamError>;
    fn send(&mut self, batch: Batch) -> Result<(), StreamError>;
}

/// Fills and sends batches in order after the first, `full`. A full batch
/// is held back until the next read shows whether the input ended with
/// it: its last chunk must then be sealed as the last.
fn convey(c: &mut impl Conveyor, full: Batch) -> Result<(), StreamError> {
    let mut held = full;
    let mut index = BATCH_CHUNKS as u64;
    loop {
        let mut batch = c.free()?;
        batch.reset(index);
        let end = c.fill(&mut batch)?;
        if batch.bytes == 0 {
            held.last = true;
            return c.send(held);
        }
        c.send(held)?;
        check_counter(&batch)?;
        if end {
            batch.last = true;
            return c.send(batch);
        }
        held = batch;
        index += BATCH_CHUNKS as u64;
    }
}

/// [`run`]'s calling thread: hands batches to the first stage, drains what
/// comes back from the second, and reuses the buffers.
struct Stages<'e, E> {
    ends: &'e mut E,
    to_work: SyncSender<Batch>,
    done: Receiver<Batch>,
    made: usize,
    in_flight: usize,
}

impl<E: Ends> Stages<'_, E> {
    fn finish_one(&mut self) -> Result<Batch, StreamError> {
        let batch = self.done.recv().map_err(|_| worker_failed())?;
        self.in_flight -= 1;
        self.ends.drain(&batch)?;
        Ok(batch)
    }

    fn drain_all(&mut self) -> Result<(), StreamError> {
        while self.in_flight > 0 {
            self.finish_one()?;
        }
        Ok(())
    }
}

impl<E: Ends> Conveyor for Stages<'_, E> {
    /// A new batch while fewer than [`POOL`] exist, else the next one to
    /// come back, once drained.
    fn free(&mut self) -> Result<Batch, StreamError> {
        if self.made < POOL {
            self.made += 1;
            return Ok(Batch::new());
        }
        self.finish_one()
    }

    fn fill(&mut self, batch: &mut Batch) -> Result<bool, StreamError> {
        self.ends.fill(batch)
    }

    fn send(&mut self, batch: Batch) -> Result<(), StreamError> {
        self.to_work.send(batch).map_err(|_| worker_failed())?;
        self.in_flight += 1;
        Ok(())
    }
}

/// [`run_split`]'s calling thread.
struct Split<'f, F> {
    fill: &'f mut F,
    to_far: SyncSender<Batch>,
    back: Receiver<Batch>,
    made: usize,
}

impl<F: FnMut(&mut Batch) -> Result<bool, StreamError>> Conveyor for Split<'_, F> {
    fn free(&mut self) -> Result<Batch, StreamError> {
        if self.made < POOL {
            self.made += 1;
            return Ok(Batch::new());
        }
        self.back.recv().map_err(|_| worker_failed())
    }

    fn fill(&mut self, batch: &mut Batch) -> Result<bool, StreamError> {
        (self.fill)(batch)
    }

    fn send(&mut self, batch: Batch) -> Result<(), StreamError> {
        self.to_far.send(batch).map_err(|_| worker_failed())
    }
}
