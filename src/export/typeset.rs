//! Typesets the report with typst, used as a library.
//!
//! The typst World here serves exactly four kinds of file, all from memory:
//! the template compiled into the binary, the report data as JSON, the
//! thumbnails, and the manifest to attach. It has no file system, no
//! network and no packages, so nothing in the diary's data can make typst
//! read or fetch anything: the data is only ever parsed as JSON by the
//! template and inserted as text, never evaluated as markup.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::error::{Error, Result};

const TEMPLATE: &str = include_str!("report.typ");

/// Fonts shipped in `assets/fonts` (SIL OFL 1.1, see `OFL.txt` there).
const FONT_FILES: &[&[u8]] = &[
    include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSans-Italic.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansDevanagari-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansGurmukhi-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansGurmukhi-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansBengali-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansBengali-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansMono-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansMono-Bold.ttf"),
];

/// Parsed once per process: parsing the fonts is the same work every time.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        (LazyHash::new(book), fonts)
    })
}

/// Whether some bundled font draws `c`.
fn drawable(c: char) -> bool {
    fonts()
        .1
        .iter()
        .any(|f| f.info().coverage.contains(c as u32))
}

/// Longest run of characters without a space the report prints: a page
/// line holds about a hundred, and PDF strings are limited (32,767 bytes).
const MAX_RUN: usize = 200;

/// Every string of the report data made printable: characters no bundled
/// font draws (an emoji, a script the fonts do not hold) and control
/// characters written as `[U+1F4F8]`; invisible joiners and variation
/// selectors left out; direction overrides and isolates left out, so a name
/// holding U+202E cannot turn the report's own words around it backwards;
/// and a space put into a run of more than [`MAX_RUN`] characters, so a
/// long word cannot run off the page or past what a PDF string holds. typst
/// refuses a PDF/A with text it cannot show, and one message must not stop
/// an export. The bundle's data files keep the text exactly.
fn printable(value: &mut serde_json::Value, known: &mut HashMap<char, bool>) {
    match value {
        serde_json::Value::String(text) => {
            let mut drawn = |c: char| *known.entry(c).or_insert_with(|| drawable(c));
            let mut out = String::with_capacity(text.len() + 16);
            let mut run = 0usize;
            for c in text.chars() {
                if c == '\n' || c == '\t' || (c.is_whitespace() && !c.is_control()) {
                    out.push(c);
                    run = 0;
                    continue;
                }
                if matches!(
                    c,
                    '\u{200c}'
                        | '\u{200d}'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{061c}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{fe00}'..='\u{fe0f}'
                        | '\u{e0020}'..='\u{e007f}'
                ) {
                    continue;
                }
                if run >= MAX_RUN {
                    out.push(' ');
                    run = 0;
                }
                if !c.is_control() && drawn(c) {
                    out.push(c);
                } else {
                    out.push_str(&format!("[U+{:04X}]", c as u32));
                }
                run += 1;
            }
            if out != *text {
                *text = out;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| printable(v, known)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| printable(v, known)),
        _ => {}
    }
}

/// The report data with only text the fonts can draw (see [`printable`]).
fn printable_data(data: Vec<u8>) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&data) else {
        return data;
    };
    printable(&mut value, &mut HashMap::new());
    serde_json::to_vec(&value).unwrap_or(data)
}

/// What the report is made from.
pub struct ReportInput {
    /// The report data (see `report.rs`), as JSON.
    pub data: Vec<u8>,
    /// Thumbnails by virtual path (`/thumbs/1.png`).
    pub thumbnails: HashMap<String, Vec<u8>>,
    /// `manifest.json`, attached inside the PDF.
    pub manifest: Vec<u8>,
    /// The export time, written into the PDF's metadata.
    pub now: DateTime<FixedOffset>,
}

struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    now: DateTime<FixedOffset>,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("paths here are fixed and valid"),
    )
    .intern()
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.now.year(),
            self.now.month() as u8,
            self.now.day() as u8,
        )
    }
}

fn typst_error(diagnostics: &[SourceDiagnostic]) -> Error {
    let text: Vec<String> = diagnostics.iter().map(|d| d.message.to_string()).collect();
    Error::Storage(format!(
        "the report could not be typeset: {}",
        text.join("; ")
    ))
}

/// Typesets the report into a tagged PDF/A-3u with the manifest attached.
pub fn render(input: ReportInput) -> Result<Vec<u8>> {
    let now = input.now;
    let document = compile(input)?;
    let utc = now.naive_utc();
    let timestamp = Datetime::from_ymd_hms(
        utc.year(),
        utc.month() as u8,
        utc.day() as u8,
        utc.hour() as u8,
        utc.minute() as u8,
        utc.second() as u8,
    )
    .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom("incident-diary-report".into()),
        timestamp,
        standards: PdfStandards::new(&[PdfStandard::A_3u])
            .map_err(|e| Error::Storage(format!("PDF/A settings: {}", e.message())))?,
        tagged: true,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|d| typst_error(&d));
    drop(document);
    typst::comemo::evict(0);
    pdf
}

/// Lays the report out in pages.
fn compile(input: ReportInput) -> Result<PagedDocument> {
    let mut files = HashMap::new();
    files.insert(
        file_id("/data.json"),
        Bytes::new(printable_data(input.data)),
    );
    files.insert(file_id("/manifest.json"), Bytes::new(input.manifest));
    for (path, bytes) in input.thumbnails {
        files.insert(file_id(&path), Bytes::new(bytes));
    }
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        main: Source::new(file_id("/report.typ"), TEMPLATE.to_string()),
        files,
        now: input.now,
    };
    typst::compile(&world).output.map_err(|d| typst_error(&d))
}

/// The text the report lays out on its pages, run after run (for the
/// fuzz check that any text prints as typed, `crate::fuzzing`).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn laid_out_text(input: ReportInput) -> Result<String> {
    use typst::layout::{Frame, FrameItem};
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => {
                    out.push_str(text.text.as_str());
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    let document = compile(input)?;
    let mut text = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut text);
    }
    drop(document);
    typst::comemo::evict(0);
    Ok(text)
}

/// `text` as the report prints it (see [`printable`]).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn printable_text(text: &str) -> String {
    let mut value = serde_json::Value::String(text.to_string());
    printable(&mut value, &mut HashMap::new());
    match value {
        serde_json::Value::String(s) => s,
        _ => unreachable!("a string stays a string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_no_font_draws_is_written_as_its_code_point() {
        let data = serde_json::json!({"a": ["Look 📸\u{fe0f} here", "你好", "café ع"]});
        let out: serde_json::Value =
            serde_json::from_slice(&printable_data(serde_json::to_vec(&data).unwrap())).unwrap();
        assert_eq!(
            out,
            serde_json::json!({"a": ["Look [U+1F4F8] here", "[U+4F60][U+597D]", "café ع"]})
        );
        // A NUL, an override that would reverse the words around it, and a
        // word longer than any line.
        let hostile = serde_json::json!(["Mark\u{0}\u{202e} 21:41", "W".repeat(450)]);
        let out: serde_json::Value =
            serde_json::from_slice(&printable_data(serde_json::to_vec(&hostile).unwrap())).unwrap();
        assert_eq!(out[0], "Mark[U+0000] 21:41");
        let long = out[1].as_str().unwrap();
        assert_eq!(
            long.split(' ').map(str::len).collect::<Vec<_>>(),
            [200, 200, 50]
        );
    }
}
