//! Encrypted thumbnails of photo exhibits, kept beside the originals.
//!
//! Decoding a phone photo costs tens of milliseconds, so a thumbnail is made
//! once, at import, while the original's bytes pass through memory anyway,
//! and stored as `att/<id>.idt` in the attachment stream format under a key
//! derived from the exhibit's file key. Export and the app then only decrypt
//! a few kilobytes. A thumbnail is a derived copy: it is not in the log, and
//! one that is missing or damaged is made again from the original.

use std::io::{self, Read};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::Diary;
use crate::crypto::SecretKey;
use crate::crypto::stream;
use crate::error::Result;
use crate::model::exhibit::FileKey;
use crate::state::ExhibitRecord;
use crate::store::AttFile;
use crate::thumbnail;

/// HKDF info of the thumbnail key, from the exhibit's file key.
const THUMB_KEY_INFO: &[u8] = b"idv1/thumb";

/// Whether an exhibit of this type and size gets a thumbnail.
pub(super) fn wants_thumbnail(media_type: &str, size: u64) -> bool {
    thumbnail::can_thumbnail(media_type) && size <= thumbnail::MAX_SOURCE_BYTES
}

fn thumb_key(file_key: &FileKey) -> SecretKey {
    SecretKey::from_bytes(*file_key.expose_secret()).derive(THUMB_KEY_INFO)
}

/// Passes reads through, keeping a copy of the bytes in a buffer that is
/// wiped when dropped. The copy stops (and is discarded) if the input grows
/// past the capacity it was given, so the buffer never reallocates and
/// leaves no unwiped plaintext behind.
pub(super) struct CopyingReader<'a, R> {
    inner: R,
    copy: Option<&'a mut Zeroizing<Vec<u8>>>,
}

impl<'a, R: Read> CopyingReader<'a, R> {
    /// Copies into `copy` when it is `Some`, up to its capacity.
    pub(super) fn new(inner: R, copy: Option<&'a mut Zeroizing<Vec<u8>>>) -> Self {
        CopyingReader { inner, copy }
    }
}

impl<R: Read> Read for CopyingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(copy) = self.copy.as_deref_mut() {
            if copy.len() + n <= copy.capacity() {
                copy.extend_from_slice(&buf[..n]);
            } else {
                copy.clear();
                self.copy = None;
            }
        }
        Ok(n)
    }
}

impl Diary {
    /// Makes and stores the thumbnail of attachment `id` from its original
    /// bytes, and returns its SHA-256 (for the exhibit's record). Best
    /// effort: an image that cannot be decoded leaves no thumbnail, and the
    /// exhibit is unaffected; one that cannot be written is made again
    /// from the original when wanted.
    pub(super) fn store_thumbnail(
        &self,
        id: &[u8; 16],
        file_key: &FileKey,
        original: &[u8],
    ) -> Option<[u8; 32]> {
        let thumb = thumbnail::thumbnail(original)?;
        self.put_thumbnail(id, file_key, &thumb);
        self.mark_thumbnail_checked(*id);
        Some(Sha256::digest(&thumb).into())
    }

    fn put_thumbnail(&self, id: &[u8; 16], file_key: &FileKey, thumb: &[u8]) {
        let key = thumb_key(file_key);
        let _ = self
            .store
            .put_attachment(id, AttFile::Thumbnail, |out| -> io::Result<()> {
                stream::seal(&key, id, &mut &thumb[..], out)
                    .map(drop)
                    .map_err(|e| io::Error::other(e.to_string()))
            });
    }

    /// The stored thumbnail of an exhibit, if there is one and it decrypts.
    fn stored_thumbnail(&self, rec: &ExhibitRecord) -> Option<Vec<u8>> {
        let file = self
            .store
            .open_attachment(&rec.id.0, AttFile::Thumbnail)
            .ok()?;
        let mut thumb = Vec::new();
        let key = thumb_key(self.file_keys.get(rec.id)?);
        stream::open(&key, &rec.id.0, &mut io::BufReader::new(file), &mut thumb).ok()?;
        Some(thumb)
    }

    /// A JPEG thumbnail of photo exhibit `number` (at most 480 pixels on its
    /// long edge), for showing the exhibit; `None` for files that are not
    /// photos or cannot be decoded. The first time it is shown after an
    /// unlock it is made again from the verified original and compared
    /// with the stored one (replaced when they differ: anyone who ever held
    /// the key could have planted another picture); after that the stored
    /// one is shown.
    pub fn exhibit_thumbnail(&self, number: u32) -> Result<Option<Vec<u8>>> {
        let rec = self.exhibit_by_number(number)?;
        if self.thumbnail_checked(rec.id.0) {
            return Ok(self.thumbnails_of(&[rec])?.pop().flatten());
        }
        let thumb = self.verified_thumbnails_of(&[rec])?.pop().flatten();
        self.mark_thumbnail_checked(rec.id.0);
        Ok(thumb)
    }

    fn thumbnail_checked(&self, id: [u8; 16]) -> bool {
        let checked = self.thumbnails_checked.lock();
        checked.unwrap_or_else(|p| p.into_inner()).contains(&id)
    }

    /// Notes that attachment `id`'s stored thumbnail is known to be made
    /// from its original (checked, or made here from the bytes attached).
    pub(super) fn mark_thumbnail_checked(&self, id: [u8; 16]) {
        let checked = self.thumbnails_checked.lock();
        checked.unwrap_or_else(|p| p.into_inner()).insert(id);
    }

    /// Thumbnails of the photo exhibits among `recs` (`None` for the others),
    /// in order, as stored; missing or damaged ones are made from the
    /// originals and stored for next time. For showing the victim their own
    /// exhibits (the app): fast, a few kilobytes each.
    pub(super) fn thumbnails_of(&self, recs: &[&ExhibitRecord]) -> Result<Vec<Option<Vec<u8>>>> {
        Ok(self.thumbnails_from(recs, Source::Stored)?.0)
    }

    /// Thumbnails the report may show: the stored one when its SHA-256 is
    /// in the exhibit's record (format 2), else made again from the
    /// original, decrypted and checked against its recorded SHA-256 first.
    /// Whoever ever held the key could have planted another picture in a
    /// stored thumbnail's place, so one the log does not vouch for is never
    /// used. Stored ones that differ are replaced.
    pub(super) fn verified_thumbnails_of(
        &self,
        recs: &[&ExhibitRecord],
    ) -> Result<Vec<Option<Vec<u8>>>> {
        Ok(self.thumbnails_from(recs, Source::Originals)?.0)
    }

    /// Makes every photo's thumbnail again from its verified original and
    /// compares it with the stored one (`check`). Returns how many photos
    /// were checked and the labels of those whose stored thumbnail did not
    /// match (replaced by the one made from the original).
    pub fn check_thumbnails(&self) -> Result<(usize, Vec<String>)> {
        let recs: Vec<&ExhibitRecord> = self
            .state
            .exhibits()
            .iter()
            .filter(|e| e.deleted.is_none())
            .filter(|e| wants_thumbnail(&e.exhibit.media_type, e.exhibit.size))
            .collect();
        let (_, replaced) = self.thumbnails_from(&recs, Source::Originals)?;
        let labels = replaced
            .into_iter()
            .map(|i| self.exhibit_label(recs[i].exhibit.number))
            .collect();
        Ok((recs.len(), labels))
    }

    /// Thumbnails of `recs` from `source`, and the indexes of those whose
    /// stored thumbnail was replaced because it did not match the original.
    /// Originals are decrypted a few at a time (each is held in memory while
    /// it is decoded) and decoded on all cores.
    fn thumbnails_from(&self, recs: &[&ExhibitRecord], source: Source) -> Result<Made> {
        let mut out = Vec::with_capacity(recs.len());
        let mut stored = Vec::with_capacity(recs.len());
        let mut to_make = Vec::new();
        for (i, rec) in recs.iter().enumerate() {
            let wanted = wants_thumbnail(&rec.exhibit.media_type, rec.exhibit.size);
            let kept = wanted.then(|| self.stored_thumbnail(rec)).flatten();
            // A stored thumbnail whose SHA-256 is the one in the exhibit's
            // record is the one made when it was attached: as good as one
            // made again from the original, and much cheaper.
            let in_log = kept
                .as_ref()
                .is_some_and(|t| rec.thumbnail_sha256 == Some(Sha256::digest(t).into()));
            if wanted && (kept.is_none() || (source == Source::Originals && !in_log)) {
                to_make.push(i);
            }
            out.push(if source == Source::Stored || in_log {
                kept.clone()
            } else {
                None
            });
            stored.push(kept);
        }
        let mut replaced = Vec::new();
        for batch in to_make.chunks(4) {
            let mut originals = Vec::with_capacity(batch.len());
            for &i in batch {
                let rec = recs[i];
                let mut original = Zeroizing::new(Vec::with_capacity(rec.exhibit.size as usize));
                self.open_exhibit(rec, &mut *original)?;
                originals.push(original);
            }
            let made = crate::parallel::map_heavy(&originals, |_, original| {
                thumbnail::thumbnail(original)
            });
            for (&i, thumb) in batch.iter().zip(made) {
                if stored[i].is_some() && stored[i] != thumb {
                    replaced.push(i);
                }
                if stored[i] != thumb {
                    self.replace_thumbnail(recs[i], thumb.as_deref());
                }
                out[i] = thumb;
            }
        }
        Ok((out, replaced))
    }

    /// Stores `thumb` as the thumbnail of `rec`, or removes the stored one
    /// when the original makes none. Best effort.
    fn replace_thumbnail(&self, rec: &ExhibitRecord, thumb: Option<&[u8]>) {
        match (thumb, self.file_keys.get(rec.id)) {
            (Some(thumb), Some(key)) => self.put_thumbnail(&rec.id.0, key, thumb),
            (None, _) => {
                let path = self.store.attachment_path(&rec.id.0, AttFile::Thumbnail);
                let _ = std::fs::remove_file(path);
            }
            _ => {}
        }
    }
}

/// Thumbnails made, and the indexes of replaced stored ones.
type Made = (Vec<Option<Vec<u8>>>, Vec<usize>);

/// Where a thumbnail comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The stored one when it decrypts, else made from the original.
    Stored,
    /// The stored one when the log vouches for it, else made from the
    /// verified original.
    Originals,
}

#[cfg(test)]
#[path = "thumbnail_tests.rs"]
mod tests;
