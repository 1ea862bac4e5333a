//! The one layout a bundle zip may have: what the exporter writes.
//!
//! A zip can be read two ways: from its central directory at the end (what
//! `diary verify`, `unzip` and most tools do) or front to back along the
//! local headers (streaming readers, recovery tools). A crafted zip can
//! show each way different files: a local header hidden inside another
//! entry whose length is only given after its data, a second directory
//! after the real one that a zip64 record points to, bytes before the first
//! entry. So besides the zip crate's header consistency check, a bundle zip
//! must have exactly the exporter's layout: entries back to back from the
//! first byte, each with its sizes in its local header, then the central
//! directory, then (only where needed) the zip64 end records, then the end
//! record with no comment, and nothing else.

use std::io::{Read, Seek, SeekFrom};

/// End of central directory record, without a comment.
const EOCD_LEN: u64 = 22;
/// Zip64 end of central directory locator.
const LOCATOR_LEN: u64 = 20;
/// The largest central directory read (a million files would need ~100 MB;
/// a bundle holds a few thousand).
const MAX_DIRECTORY: u64 = 256 << 20;

/// Checks the layout of `file`, read as `archive`; the error says what is
/// out of place.
pub(super) fn check<R: Read + Seek>(
    file: &mut R,
    archive: &mut zip::ZipArchive<R>,
) -> Result<(), String> {
    let len = file.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    if archive.offset() != 0 {
        return Err("it has data before its first entry".into());
    }
    let mut spans = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| e.to_string())?;
        let data = entry.data_start().ok_or("an entry has no data")?;
        spans.push((entry.header_start(), data + entry.compressed_size()));
    }
    spans.sort_unstable();
    let mut next = 0;
    for (start, end) in spans {
        if start != next {
            return Err("it has bytes between its entries".into());
        }
        let flags = read_at(file, start + 6, 2)?;
        if flags[0] & 0x08 != 0 {
            return Err("an entry gives its size only after its data".into());
        }
        next = end;
    }
    if archive.central_directory_start() != next {
        return Err("its directory does not follow its last entry".into());
    }
    let directory = directory(file, len)?;
    if directory.0 != next {
        return Err("its end record points to another directory".into());
    }
    walk_directory(file, directory, archive.len())
}

/// Where the central directory starts and how long it is, from the end
/// records, which must close the file; refuses a comment, a zip64 record
/// that disagrees, and anything between the directory and the end records.
/// The zip64 records are recognised by their locator, not by saturated
/// fields (a bundle of exactly 65,535 files needs none).
fn directory<R: Read + Seek>(file: &mut R, len: u64) -> Result<(u64, u64), String> {
    let eocd_at = len
        .checked_sub(EOCD_LEN)
        .ok_or("it is too short to be a zip")?;
    let eocd = read_at(file, eocd_at, EOCD_LEN as usize)?;
    if eocd[..4] != [0x50, 0x4b, 0x05, 0x06] || eocd[20..22] != [0, 0] {
        return Err("it has a comment or bytes after its end record".into());
    }
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let locator_at = eocd_at.checked_sub(LOCATOR_LEN);
    let locator = match locator_at {
        Some(at) => Some(read_at(file, at, LOCATOR_LEN as usize)?),
        None => None,
    };
    let Some(locator) = locator.filter(|l| l[..4] == [0x50, 0x4b, 0x06, 0x07]) else {
        let (size, offset) = (u64::from(u32_at(&eocd, 12)), u64::from(u32_at(&eocd, 16)));
        if offset + size != eocd_at {
            return Err("it has bytes between its directory and its end record".into());
        }
        return Ok((offset, size));
    };
    let locator_at = locator_at.expect("read above");
    let record_at = u64_at(&locator, 8);
    let record = read_at(file, record_at, 56)?;
    if record[..4] != [0x50, 0x4b, 0x06, 0x06] || record_at + 12 + u64_at(&record, 4) != locator_at
    {
        return Err("its zip64 end record is out of place".into());
    }
    let (size, offset) = (u64_at(&record, 40), u64_at(&record, 48));
    if offset.checked_add(size) != Some(record_at) {
        return Err("it has bytes between its directory and its end records".into());
    }
    Ok((offset, size))
}

/// Walks the central directory record by record: it must hold exactly
/// `entries` records and end where its size says. A record the zip crate
/// does not count (the end record's count one short) would otherwise be a
/// file other tools list and `verify` never checks.
fn walk_directory<R: Read + Seek>(
    file: &mut R,
    (offset, size): (u64, u64),
    entries: usize,
) -> Result<(), String> {
    if size > MAX_DIRECTORY {
        return Err("its directory is larger than any bundle's".into());
    }
    let bytes = read_at(file, offset, size as usize)?;
    let (mut at, mut count) = (0usize, 0usize);
    while at < bytes.len() {
        let head = bytes.get(at..at + 46).ok_or("its directory is cut short")?;
        if head[..4] != [0x50, 0x4b, 0x01, 0x02] {
            return Err("its directory holds something that is not an entry".into());
        }
        let len = |i: usize| usize::from(u16::from_le_bytes([head[i], head[i + 1]]));
        at += 46 + len(28) + len(30) + len(32);
        count += 1;
    }
    if at != bytes.len() || count != entries {
        return Err("its directory holds more entries than it says".into());
    }
    Ok(())
}

fn read_at<R: Read + Seek>(file: &mut R, at: u64, len: usize) -> Result<Vec<u8>, String> {
    let mut buf = vec![0; len];
    file.seek(SeekFrom::Start(at))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|_| "it is cut short".to_string())?;
    Ok(buf)
}
