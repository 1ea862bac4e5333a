//! Telling an export's format and reading it, with the files it carries
//! (a WhatsApp `.zip`'s media, an MMS picture, an email's attachment). The
//! format is told from the bytes, not the file name (a chat saved from an
//! email may be called anything); the owner can name it.

use std::path::Path;

use super::archive::{ChatArchive, Media};
use super::{Chat, ChatError, DateOrder, Inline, email, sms, telegram, whatsapp};

/// The exports this program reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// WhatsApp's "Export chat", as text or as a `.zip` with media.
    WhatsApp,
    /// Telegram Desktop's `result.json` of one chat.
    Telegram,
    /// SMS Backup & Restore's XML.
    Sms,
    /// An `.eml` or an `.mbox`.
    Email,
}

impl Format {
    /// Its name on the command line and in the import record.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::WhatsApp => "whatsapp",
            Format::Telegram => "telegram",
            Format::Sms => "sms",
            Format::Email => "email",
        }
    }

    /// The format called `name`.
    pub fn named(name: &str) -> Option<Format> {
        [
            Format::WhatsApp,
            Format::Telegram,
            Format::Sms,
            Format::Email,
        ]
        .into_iter()
        .find(|f| f.as_str() == name)
    }

    /// The names accepted, for messages.
    pub const NAMES: &'static str = "whatsapp, telegram, sms, email";
}

/// Where a message's file is, when the export carried it.
#[derive(Debug, Clone)]
pub enum Carried {
    /// An entry of the `.zip`.
    Zipped(Media),
    /// Bytes inside the export.
    Inline(Inline),
    /// A file beside the export that it names (Telegram's `photos/...`),
    /// with the name the export gives it.
    Beside(std::path::PathBuf, String),
}

impl Carried {
    /// Its name.
    pub fn name(&self) -> &str {
        match self {
            Carried::Zipped(m) => &m.name,
            Carried::Inline(i) => &i.name,
            Carried::Beside(_, name) => name,
        }
    }
}

/// A chat read from a file.
pub struct Read {
    /// The messages and flagged lines.
    pub chat: Chat,
    /// Every file the export carried, in order (each becomes an exhibit).
    pub files: Vec<Carried>,
    /// For each message, the index into `files` of its file.
    pub file_of: Vec<Option<usize>>,
    /// The archive the zipped files are read from.
    pub archive: Option<ChatArchive>,
}

/// The most a text export may be read into memory.
pub const MAX_TEXT: u64 = super::archive::MAX_TEXT;

/// Tells the format from the first bytes of a file.
fn detect(head: &[u8]) -> Format {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        Format::Telegram
    } else if text.starts_with("<?xml") || text.starts_with("<smses") {
        Format::Sms
    } else if email::looks_like_email(text.as_bytes()) {
        Format::Email
    } else {
        // WhatsApp's text has no signature: its reader says whether a file
        // is one ("no line starts a message").
        Format::WhatsApp
    }
}

/// Messages linked to their files by position in `files`.
fn by_index(chat: Chat, inline: Vec<Inline>, of: Vec<Option<usize>>) -> Read {
    Read {
        chat,
        files: inline.into_iter().map(Carried::Inline).collect(),
        file_of: of,
        archive: None,
    }
}

/// Each message's file, by its place in the files carried: a file named
/// twice is carried once; `find` says whether (and how) a name is carried.
fn link_files(
    chat: &Chat,
    mut find: impl FnMut(&str, usize) -> Option<Carried>,
) -> (Vec<Carried>, Vec<Option<usize>>) {
    let mut files: Vec<Carried> = Vec::new();
    let file_of = chat
        .messages
        .iter()
        .map(|m| {
            let name = m.attachment.as_deref()?;
            if let Some(i) = files.iter().position(|f| f.name() == name) {
                return Some(i);
            }
            files.push(find(name, files.len())?);
            Some(files.len() - 1)
        })
        .collect();
    (files, file_of)
}

/// The folders Telegram Desktop writes an export's files into.
const TELEGRAM_FOLDERS: &[&str] = &[
    "photos",
    "files",
    "video_files",
    "voice_messages",
    "round_video_messages",
    "stickers",
    "animations",
    "contacts",
];

/// Files a Telegram export names (`photos/photo_1@....jpg`), found in its
/// folder: only a plain file, named as Telegram names its own (one of its
/// folders, then a name not starting with a dot), never through a link or
/// a second name (a hard link), at most [`MAX_BESIDE`] of them. Anything
/// else stays named only: an export saved in a home folder must not be able
/// to name `.ssh/id_rsa` into the diary and the police bundle.
fn beside(chat: Chat, folder: &Path) -> Read {
    let (files, file_of) = link_files(&chat, |name, carried| {
        let (dir, file) = name.split_once('/')?;
        let plain = TELEGRAM_FOLDERS.contains(&dir)
            && !file.is_empty()
            && !file.starts_with('.')
            && !file.contains(['/', '\\', '\0']);
        if !plain || carried >= MAX_BESIDE {
            return None;
        }
        let at = folder.join(dir).join(file);
        open_beside(&at).ok()?;
        Some(Carried::Beside(at, name.to_string()))
    });
    Read {
        chat,
        files,
        file_of,
        archive: None,
    }
}

/// Opens a file beside an export only if it is a plain file with one name,
/// reached through no link, and the file opened is the one looked at.
pub fn open_beside(path: &Path) -> std::io::Result<std::fs::File> {
    let refuse = || std::io::Error::other("not a plain file of the export");
    for step in path.ancestors().take(2) {
        if std::fs::symlink_metadata(step)?.file_type().is_symlink() {
            return Err(refuse());
        }
    }
    let seen = std::fs::symlink_metadata(path)?;
    let file = std::fs::File::open(path)?;
    let opened = file.metadata()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if opened.nlink() != 1 || (seen.dev(), seen.ino()) != (opened.dev(), opened.ino()) {
            return Err(refuse());
        }
    }
    if !seen.is_file() || !opened.is_file() {
        return Err(refuse());
    }
    Ok(file)
}

/// Files beside an export that one import takes at most.
const MAX_BESIDE: usize = 20_000;

/// Reads the export at `path` (see [`read_unchecked`]), refusing one with
/// more lines that are not messages than [`super::MAX_FLAGGED`].
pub fn read(
    path: &Path,
    format: Option<Format>,
    date_order: Option<DateOrder>,
) -> Result<Read, ChatError> {
    let read = read_unchecked(path, format, date_order)?;
    if read.chat.flagged.len() > super::MAX_FLAGGED {
        return Err(ChatError::Io(format!(
            "{} lines or entries are not part of any message, more than the {} a chat export has",
            read.chat.flagged.len(),
            super::MAX_FLAGGED
        )));
    }
    if read.chat.messages.len() > crate::model::chat::MAX_MESSAGES {
        return Err(ChatError::Io(format!(
            "{} messages, more than the {} one import holds",
            read.chat.messages.len(),
            crate::model::chat::MAX_MESSAGES
        )));
    }
    Ok(read)
}

/// Reads the export at `path`. `format`: the one the owner named, else
/// told from the bytes; `date_order`: the one she gave, else worked out.
fn read_unchecked(
    path: &Path,
    format: Option<Format>,
    date_order: Option<DateOrder>,
) -> Result<Read, ChatError> {
    let io = |e: std::io::Error| ChatError::Io(e.to_string());
    let mut head = Vec::with_capacity(256);
    {
        use std::io::Read as _;
        std::fs::File::open(path)
            .map_err(io)?
            .take(256)
            .read_to_end(&mut head)
            .map_err(io)?;
    }
    if head.starts_with(b"PK\x03\x04") {
        if format.is_some_and(|f| f != Format::WhatsApp) {
            return Err(ChatError::Io(
                "a .zip is read as a WhatsApp export with media only".into(),
            ));
        }
        let mut archive = ChatArchive::open(path)?;
        let text = archive.text()?;
        let chat = whatsapp::parse(&text, date_order)?;
        // Only the files messages name become exhibits (the original keeps
        // the rest): a zip of a thousand files no message names must not
        // fill the disk. What they come to is bounded by the zip's size,
        // since photos, videos and voice notes hardly compress.
        let (files, file_of) = link_files(&chat, |name, _| {
            let media = archive.media.iter().find(|f| f.name == name)?;
            Some(Carried::Zipped(media.clone()))
        });
        archive.left_out += archive.media.len() - files.len();
        let packed = std::fs::metadata(path).map_err(io)?.len();
        let unpacked: u64 = files
            .iter()
            .map(|f| match f {
                Carried::Zipped(m) => m.size,
                _ => 0,
            })
            .sum();
        if unpacked > packed.saturating_mul(8).saturating_add(64 << 20) {
            return Err(ChatError::Archive(format!(
                "its files would come to {} MiB from {} MiB: a zip bomb, not a chat export",
                unpacked >> 20,
                packed >> 20
            )));
        }
        return Ok(Read {
            chat,
            files,
            file_of,
            archive: Some(archive),
        });
    }
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_TEXT {
        return Err(ChatError::Io(format!(
            "{} MiB, more than an export this program reads ({} MiB)",
            size >> 20,
            MAX_TEXT >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    match format.unwrap_or_else(|| detect(&head)) {
        Format::WhatsApp => {
            let chat = whatsapp::parse(&bytes, date_order)?;
            let none = vec![None; chat.messages.len()];
            Ok(by_index(chat, Vec::new(), none))
        }
        Format::Telegram => {
            let chat = telegram::parse(&bytes)?;
            let folder = path.parent().unwrap_or(Path::new("."));
            Ok(beside(chat, folder))
        }
        Format::Sms => {
            let b = sms::parse(&bytes)?;
            Ok(by_index(b.chat, b.media, b.media_of))
        }
        Format::Email => {
            let m = email::parse(&bytes)?;
            Ok(by_index(m.chat, m.media, m.media_of))
        }
    }
}
