//! A chat exported "with media": a `.zip` holding the chat's text and the
//! files it names. Nothing in it is unpacked to disk: the text is read into
//! memory (bounded) and each file is streamed straight into an encrypted
//! exhibit. Names that climb out of a folder (`../`), absolute names and
//! two entries of one name (in any folders: a message names a file
//! without one) are refused; an entry that expands far beyond its
//! compressed size, or past what its header declares, or entries that share
//! their bytes, are refused as a zip bomb.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::ChatError;

/// Entries one archive may hold (WhatsApp attaches at most 10,000 files).
pub const MAX_ENTRIES: usize = 20_000;
/// The chat's text at most (40,000 messages are a few MiB).
pub const MAX_TEXT: u64 = 256 << 20;
/// All files together at most.
pub const MAX_TOTAL: u64 = 64 << 30;
/// Photos, videos and voice notes hardly compress; an entry that expands
/// more than this many times, past a few MiB, is a bomb.
const MAX_RATIO: u64 = 100;
const RATIO_FROM: u64 = 8 << 20;

/// A file of the archive other than the chat's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    index: usize,
    /// Its name, without any folder.
    pub name: String,
    /// Its size, as the archive declares it (checked while reading).
    pub size: u64,
}

/// An open chat archive.
pub struct ChatArchive {
    archive: zip::ZipArchive<BufReader<File>>,
    text: usize,
    /// The name of the chat's text file.
    pub text_name: String,
    /// Every other file, in the archive's order.
    pub media: Vec<Media>,
    /// Files left out: those of the system that zipped it (`__MACOSX/`,
    /// `.DS_Store`), and (once read) those no message names.
    pub left_out: usize,
}

fn refuse(why: impl Into<String>) -> ChatError {
    ChatError::Archive(why.into())
}

/// The last part of a name, or a refusal for a name that could point
/// outside a folder.
fn safe_name(raw: &str) -> Result<&str, ChatError> {
    let bad = raw.starts_with('/')
        || raw.contains('\\')
        || raw.contains('\0')
        || raw.as_bytes().get(1) == Some(&b':')
        || raw.split('/').any(|part| part == "..");
    if bad {
        return Err(refuse(format!(
            "it holds an entry named {raw:?}, which points outside its folder: not a chat export"
        )));
    }
    Ok(raw.rsplit('/').next().unwrap_or(raw))
}

fn litter(name: &str, base: &str) -> bool {
    name.starts_with("__MACOSX/") || base == ".DS_Store" || base == "Thumbs.db"
}

impl ChatArchive {
    /// Opens `path` and finds the chat's text in it.
    pub fn open(path: &Path) -> Result<ChatArchive, ChatError> {
        let file = File::open(path).map_err(|e| refuse(e.to_string()))?;
        let mut archive = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| refuse(format!("not a zip this program can read ({e})")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(refuse(format!(
                "it holds {} files, more than the {MAX_ENTRIES} a chat export can",
                archive.len()
            )));
        }
        if archive.has_duplicate_names() {
            return Err(refuse("it holds two files of the same name"));
        }
        let mut texts = Vec::new();
        let mut media = Vec::new();
        let mut left_out = 0;
        let mut total = 0u64;
        // Where each entry's bytes lie, to refuse entries that overlap.
        let mut spans: Vec<(u64, u64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for index in 0..archive.len() {
            let entry = archive
                .by_index_raw(index)
                .map_err(|e| refuse(format!("entry {}: {e}", index + 1)))?;
            if entry.is_dir() {
                continue;
            }
            let raw = entry
                .name()
                .map_err(|e| refuse(format!("entry {}: {e}", index + 1)))?
                .into_owned();
            let name = safe_name(&raw)?.to_string();
            let (size, packed) = (entry.size(), entry.compressed_size());
            spans.push((entry.header_start(), packed));
            if size > RATIO_FROM && size / packed.max(1) > MAX_RATIO {
                return Err(refuse(format!(
                    "{name:?} would expand {} times over: a zip bomb, not a chat export",
                    size / packed.max(1)
                )));
            }
            total = total.saturating_add(size);
            if litter(&raw, &name) {
                left_out += 1;
                continue;
            }
            if !seen.insert(name.clone()) {
                return Err(refuse(format!(
                    "it holds two files named {name:?} in different folders: which one a message means cannot be told"
                )));
            }
            if name.to_ascii_lowercase().ends_with(".txt") {
                texts.push((index, name, size));
            } else {
                media.push(Media { index, name, size });
            }
        }
        spans.sort_unstable();
        if spans
            .windows(2)
            .any(|w| w[1].0 < w[0].0.saturating_add(w[0].1))
        {
            return Err(refuse(
                "two of its entries share their bytes: a zip bomb, not a chat export",
            ));
        }
        if total > MAX_TOTAL {
            return Err(refuse(format!(
                "its files come to {} GiB, more than the {} GiB a chat export can",
                total >> 30,
                MAX_TOTAL >> 30
            )));
        }
        let mut chat = ChatArchive {
            archive,
            text: 0,
            text_name: String::new(),
            media: Vec::new(),
            left_out,
        };
        let chosen = chat.chat_text(&texts, path)?;
        for (index, name, size) in texts {
            if index != chosen.0 {
                media.push(Media { index, name, size });
            }
        }
        media.sort_by_key(|m| m.index);
        if chosen.2 > MAX_TEXT {
            return Err(refuse(format!(
                "its chat text is {} MiB, more than {} MiB",
                chosen.2 >> 20,
                MAX_TEXT >> 20
            )));
        }
        chat.text = chosen.0;
        chat.text_name = chosen.1;
        chat.media = media;
        Ok(chat)
    }

    /// Which `.txt` of the archive is the chat. A document someone sent is
    /// a `.txt` too, and may itself be an exported chat: the chat is the
    /// only text, else the one named as WhatsApp names it (iPhone
    /// `_chat.txt`, Android `WhatsApp Chat with Mark.txt`), else the one
    /// the zip is named after, else the one whose messages name the others.
    fn chat_text(
        &mut self,
        texts: &[(usize, String, u64)],
        path: &Path,
    ) -> Result<(usize, String, u64), ChatError> {
        if let [one] = texts {
            return Ok(one.clone());
        }
        let mut named: Vec<&(usize, String, u64)> = texts
            .iter()
            .filter(|(_, n, _)| n == "_chat.txt" || n.starts_with("WhatsApp Chat"))
            .collect();
        if named.is_empty() {
            return Err(refuse(if texts.is_empty() {
                "it holds no chat text (.txt): not a chat export"
            } else {
                "it holds several texts and none is plainly the chat (_chat.txt or WhatsApp Chat with ...)"
            }));
        }
        if named.len() > 1
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && let Some(one) = named
                .iter()
                .find(|(_, n, _)| n.strip_suffix(".txt") == Some(stem))
        {
            named = vec![*one];
        }
        if named.len() > 1 {
            // The chat names the exported chat it carries ("WhatsApp Chat
            // with Sam.txt (file attached)"); that one names no other.
            let mut naming = Vec::new();
            for (index, name, size) in &named {
                if *size > MAX_TEXT {
                    continue;
                }
                let mut bytes = Vec::new();
                self.with_entry(*index, &mut |r| {
                    r.read_to_end(&mut bytes).map_err(|e| e.to_string())
                })?;
                let text = String::from_utf8_lossy(&bytes);
                if named
                    .iter()
                    .any(|(_, other, _)| other != name && text.contains(other.as_str()))
                {
                    naming.push(*index);
                }
            }
            if let [one] = naming.as_slice() {
                named.retain(|(i, _, _)| i == one);
            }
        }
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(refuse(format!(
                "it holds {} chat texts ({}) and which one is the chat cannot be told: export the chat again",
                named.len(),
                named
                    .iter()
                    .map(|(_, n, _)| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The chat's text, as bytes.
    pub fn text(&mut self) -> Result<Vec<u8>, ChatError> {
        let index = self.text;
        let mut bytes = Vec::new();
        self.with_entry(index, &mut |r| {
            r.read_to_end(&mut bytes)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })?;
        Ok(bytes)
    }

    /// Runs `f` on a reader of one media file's bytes; reading more than
    /// its declared size fails.
    pub fn with_media<T>(
        &mut self,
        media: &Media,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<T, String>,
    ) -> Result<T, ChatError> {
        self.with_entry(media.index, f)
    }

    fn with_entry<T>(
        &mut self,
        index: usize,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<T, String>,
    ) -> Result<T, ChatError> {
        let entry = self
            .archive
            .by_index(index)
            .map_err(|e| refuse(format!("entry {}: {e}", index + 1)))?;
        let declared = entry.size();
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut bounded = Bounded {
            inner: entry,
            left: declared,
        };
        f(&mut bounded).map_err(|e| refuse(format!("{name}: {e}")))
    }
}

/// A reader that fails once more than the declared size comes out.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(
                "it holds more than its header declares (a zip bomb?)",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(path: &Path, files: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, bytes) in files {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn the_chat_and_its_media_are_found_and_bad_names_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let good = tmp.path().join("chat.zip");
        zip_of(
            &good,
            &[
                (
                    "WhatsApp Chat with Mark.txt",
                    b"31/12/2025, 21:41 - Mark: hi\n",
                ),
                ("IMG-20251231-WA0001.jpg", b"\xff\xd8\xff"),
                ("notes.txt", b"a document he sent"),
                ("__MACOSX/._IMG-20251231-WA0001.jpg", b"fork"),
            ],
        );
        let mut chat = ChatArchive::open(&good).unwrap();
        assert_eq!(chat.text_name, "WhatsApp Chat with Mark.txt");
        assert_eq!(chat.text().unwrap(), b"31/12/2025, 21:41 - Mark: hi\n");
        let names: Vec<&str> = chat.media.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["IMG-20251231-WA0001.jpg", "notes.txt"]);
        assert_eq!(chat.left_out, 1);
        let media = chat.media[0].clone();
        let bytes = chat
            .with_media(&media, &mut |r| {
                let mut v = Vec::new();
                r.read_to_end(&mut v).map_err(|e| e.to_string())?;
                Ok(v)
            })
            .unwrap();
        assert_eq!(bytes, b"\xff\xd8\xff");

        for bad in ["../evil.txt", "/etc/passwd", "a/../../b.jpg", "C:/x.jpg"] {
            let path = tmp.path().join("bad.zip");
            zip_of(&path, &[("_chat.txt", b"x"), (bad, b"y")]);
            let err = ChatArchive::open(&path).err().unwrap();
            assert!(
                err.to_string().contains("outside its folder"),
                "{bad}: {err}"
            );
        }
        let none = tmp.path().join("none.zip");
        zip_of(&none, &[("photo.jpg", b"y")]);
        assert!(ChatArchive::open(&none).is_err());
        let not_zip = tmp.path().join("not.zip");
        std::fs::write(&not_zip, b"PK\x03\x04 cut short").unwrap();
        assert!(ChatArchive::open(&not_zip).is_err());
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("bomb.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let deflated =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("_chat.txt", deflated).unwrap();
        zip.write_all(b"[31/12/2025, 21:41:05] Mark: hi\n").unwrap();
        zip.start_file("video.mp4", deflated).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
        let err = ChatArchive::open(&path).err().unwrap();
        assert!(err.to_string().contains("zip bomb"), "{err}");
    }

    #[test]
    fn the_chat_is_told_from_a_chat_it_carries() {
        let tmp = tempfile::tempdir().unwrap();
        let chat: &[u8] = b"31/12/2025, 21:41 - Mark: WhatsApp Chat with Sam.txt (file attached)\n";
        let carried: &[u8] = b"30/12/2025, 10:00 - Sam: an old chat he forwarded\n";
        let files = [
            ("WhatsApp Chat with Sam.txt", carried),
            ("WhatsApp Chat with Mark.txt", chat),
        ];
        // By the zip's own name, then by which one names the other.
        for zip_name in ["WhatsApp Chat with Mark.zip", "export.zip"] {
            let path = tmp.path().join(zip_name);
            zip_of(&path, &files);
            let mut opened = ChatArchive::open(&path).unwrap();
            assert_eq!(
                opened.text_name, "WhatsApp Chat with Mark.txt",
                "{zip_name}"
            );
            assert_eq!(opened.text().unwrap(), chat);
            assert_eq!(opened.media[0].name, "WhatsApp Chat with Sam.txt");
        }
        // Two chats, neither naming the other: asked, not guessed.
        let path = tmp.path().join("two.zip");
        zip_of(
            &path,
            &[
                ("WhatsApp Chat with Sam.txt", carried),
                ("_chat.txt", carried),
            ],
        );
        let err = ChatArchive::open(&path).err().unwrap().to_string();
        assert!(err.contains("cannot be told"), "{err}");
    }

    #[test]
    fn one_name_in_two_folders_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("chat.zip");
        zip_of(
            &path,
            &[
                ("_chat.txt", b"x"),
                ("a/IMG-1.jpg", b"one"),
                ("b/IMG-1.jpg", b"two"),
            ],
        );
        let err = ChatArchive::open(&path).err().unwrap().to_string();
        assert!(err.contains("two files named \"IMG-1.jpg\""), "{err}");
    }

    /// Two central directory entries whose bytes are the same: the
    /// overlapping-files bomb, built by hand (no writer makes one).
    #[test]
    fn entries_that_share_their_bytes_are_refused() {
        let data = b"[31/12/2025, 21:41:05] Mark: hi\n";
        let mut zip = Vec::new();
        let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
        let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
        let crc = {
            // CRC-32 (IEEE), bit by bit.
            let mut c = !0u32;
            for &b in data.iter() {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 == 1 {
                        (c >> 1) ^ 0xEDB8_8320
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        };
        let name = b"_chat.txt";
        le32(&mut zip, 0x0403_4b50);
        for x in [20u16, 0, 0, 0, 0] {
            le16(&mut zip, x);
        }
        le32(&mut zip, crc);
        le32(&mut zip, data.len() as u32);
        le32(&mut zip, data.len() as u32);
        le16(&mut zip, name.len() as u16);
        le16(&mut zip, 0);
        zip.extend_from_slice(name);
        zip.extend_from_slice(data);
        let directory = zip.len() as u32;
        for entry in [&b"_chat.txt"[..], &b"copy.jpg"[..]] {
            le32(&mut zip, 0x0201_4b50);
            for x in [20u16, 20, 0, 0, 0, 0] {
                le16(&mut zip, x);
            }
            le32(&mut zip, crc);
            le32(&mut zip, data.len() as u32);
            le32(&mut zip, data.len() as u32);
            for x in [entry.len() as u16, 0, 0, 0, 0] {
                le16(&mut zip, x);
            }
            le32(&mut zip, 0);
            le32(&mut zip, 0); // both at the one local header
            zip.extend_from_slice(entry);
        }
        let size = zip.len() as u32 - directory;
        le32(&mut zip, 0x0605_4b50);
        for x in [0u16, 0, 2, 2] {
            le16(&mut zip, x);
        }
        le32(&mut zip, size);
        le32(&mut zip, directory);
        le16(&mut zip, 0);
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("overlap.zip");
        std::fs::write(&path, &zip).unwrap();
        let err = ChatArchive::open(&path).err().unwrap().to_string();
        assert!(err.contains("share their bytes"), "{err}");
    }
}
