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

/// Files a Telegram export names (`photos/photo_1@....jpg`), found in its
/// folder: only plain files under it, never through a link or `..`, at
/// most [`MAX_BESIDE`] of them. One not there (not downloaded) stays named only.
fn beside(chat: Chat, folder: &Path) -> Read {
    let mut files: Vec<Carried> = Vec::new();
    let file_of = chat
        .messages
        .iter()
        .map(|m| {
            let name = m.attachment.as_deref()?;
            if let Some(i) = files.iter().position(|f| f.name() == name) {
                return Some(i);
            }
            let relative = Path::new(name);
            let plain = relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain || files.len() >= MAX_BESIDE {
                return None;
            }
            // Each step a real folder, the last a real file: no link.
            let mut at = folder.to_path_buf();
            for part in relative.components() {
                at.push(part);
                let meta = std::fs::symlink_metadata(&at).ok()?;
                if meta.file_type().is_symlink() {
                    return None;
                }
            }
            std::fs::symlink_metadata(&at)
                .ok()?
                .is_file()
                .then_some(())?;
            files.push(Carried::Beside(at, name.to_string()));
            Some(files.len() - 1)
        })
        .collect();
    Read {
        chat,
        files,
        file_of,
        archive: None,
    }
}

/// Files beside an export that one import takes at most.
const MAX_BESIDE: usize = 20_000;

/// Reads the export at `path`. `format`: the one the owner named, else
/// told from the bytes; `date_order`: the one she gave, else worked out.
pub fn read(
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
        let files: Vec<Carried> = archive.media.iter().cloned().map(Carried::Zipped).collect();
        let file_of = chat
            .messages
            .iter()
            .map(|m| {
                let name = m.attachment.as_deref()?;
                files.iter().position(|f| f.name() == name)
            })
            .collect();
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
