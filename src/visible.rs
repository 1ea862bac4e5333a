//! Untrusted text made safe to show: a file name from a bundle, an object
//! name from a planted database, a line of the diary printed on a terminal.
//!
//! A terminal obeys escape codes in what it prints, so a name holding
//! `ESC [2K` can erase a FAIL line and a carriage return can overwrite it; a
//! right-to-left override can make `gpj.exe` read as `exe.jpg`. Here every
//! such character is shown as its Rust escape (`\u{1b}`), so what a person
//! reads is what the bytes say.

use std::borrow::Cow;

/// Longest name shown whole; longer ones are cut and marked.
const NAME_CHARS: usize = 80;

/// Whether `c` would act on the terminal, reorder text or hide instead of
/// being shown: control characters, line and paragraph separators, the
/// Unicode direction marks and overrides, and invisible format characters
/// (zero-width spaces and joiners, the soft hyphen, tags, fillers).
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// `text` with every acting character escaped, new lines included, cut at
/// 4,000 characters: one line of a report (a verify layer's detail) that no
/// value inside it can break into two.
pub fn line(text: &str) -> String {
    escaped(text, false, 4000)
}

/// `text` with every acting character escaped, except new lines and tabs,
/// which lay out multi-line text (a narrative) as its writer meant.
pub fn text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| acts(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(escaped(text, true, usize::MAX))
}

/// JSON text (as `serde_json` writes it) with every acting character
/// inside its strings written as a JSON escape (`\u200d`), so the output
/// stays valid JSON, reads back to the same strings, and cannot act on a
/// terminal. Its own new lines (pretty printing) are kept.
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| acts(c) && c != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts(c) && c != '\n' {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A name (of a file, an object) as it is when it is plain and short;
/// otherwise with every acting character escaped, new lines included, cut
/// to 80 characters and quoted in backticks, so it reads as one name.
pub fn name(name: &str) -> String {
    if !has_acting(name) && name.chars().count() <= NAME_CHARS {
        return name.to_string();
    }
    format!("`{}`", escaped(name, false, NAME_CHARS))
}

/// The one escaping loop: acting characters as `\u{..}` (new lines and
/// tabs kept when `layout`), at most `max` characters, then `…`.
fn escaped(text: &str, layout: bool, max: usize) -> String {
    let mut shown = String::with_capacity(text.len().min(max) + 8);
    for (count, c) in text.chars().enumerate() {
        if count == max {
            shown.push('…');
            break;
        }
        if acts(c) && !(layout && (c == '\n' || c == '\t')) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Whether a name holds any character that acts on a terminal.
pub fn has_acting(name: &str) -> bool {
    name.chars().any(acts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_and_overrides_are_shown_not_obeyed() {
        assert_eq!(text("plain\nlines\tand tabs"), "plain\nlines\tand tabs");
        assert_eq!(text("x\u{1b}[2KPASS\r"), "x\\u{1b}[2KPASS\\u{d}");
        assert_eq!(name("a\nb"), "`a\\u{a}b`");
        assert_eq!(name("gpj\u{202e}.exe"), "`gpj\\u{202e}.exe`");
        assert_eq!(name(&"x".repeat(100)), format!("`{}…`", "x".repeat(80)));
        assert_eq!(name("exhibits/JS_1.jpg"), "exhibits/JS_1.jpg");
        assert!(has_acting("evil\u{7}") && !has_acting("JS_1.jpg"));
        assert!(has_acting("a\u{200b}b") && has_acting("x\u{2028}") && has_acting("\u{e0041}"));
        assert_eq!(line("a\nPASS"), "a\\u{a}PASS");
    }

    #[test]
    fn json_keeps_its_strings_and_cannot_act() {
        let value = serde_json::json!({"text": "👩\u{200d}👩 \u{202e}exe.jpg \u{e0041}"});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let shown = json(&pretty);
        assert!(!shown.chars().any(|c| acts(c) && c != '\n'), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
        assert_eq!(json("[1]"), "[1]");
    }
}
