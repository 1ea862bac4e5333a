//! The report's data path: whatever the owner typed prints as typed.

use chrono::DateTime;

use crate::model::{Event, Id, Incident, LogRecord};
use crate::state::{FileKeys, State};

/// Any bytes as an entry's narrative, title and location (split at the
/// first two U+001F): an entry the diary accepts always typesets (one odd
/// character must not stop an export), and every word of each field is on
/// the report's pages as the report prints it (the template inserts text,
/// never markup: `#panic()` or `*bold*` in a narrative prints as such).
pub fn typst_data(data: &[u8]) {
    let text = String::from_utf8_lossy(&data[..data.len().min(4096)]);
    let mut fields = text.splitn(3, '\u{1f}');
    let narrative = fields.next().unwrap_or_default().to_string();
    let title = fields.next().unwrap_or_default().to_string();
    let location = fields.next().unwrap_or_default().to_string();
    let at = DateTime::parse_from_rfc3339("2026-03-14T18:30:00+00:00").expect("a time");
    let mut incident = Incident::new(at, narrative.clone());
    incident.title = title.clone();
    incident.location = location.clone();
    if incident.validate().is_err() {
        return;
    }
    let mut state = State::default();
    let record = LogRecord {
        blind: [0; 32],
        recorded_at: at,
        event: Event::IncidentCreate {
            id: Id([1; 16]),
            incident,
        },
    };
    state
        .apply(1, record, &mut FileKeys::default())
        .expect("a valid first entry is taken");
    let pages = crate::export::report_text(&state, at).expect("an accepted entry typesets");
    // Line breaks, hyphenation and page breaks may come between letters.
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}')
            .collect()
    };
    let laid_out = squeeze(&pages);
    for field in [&narrative, &title, &location] {
        // White space around a field is not part of it (the report trims a
        // title for its heading: the fuzzer's third input, a title starting
        // with a carriage return, was the check forgetting that).
        let printed = crate::export::printable_text(field.trim());
        for word in printed.split_whitespace().take(64) {
            let word = squeeze(word);
            // Right-to-left runs are laid out in the order they are read
            // on the page, not stored (the fuzzer's second finding was the
            // check expecting otherwise): every letter of such a word must
            // be there.
            let found = if word.chars().any(right_to_left) {
                word.chars().all(|c| laid_out.contains(c))
            } else {
                laid_out.contains(&word)
            };
            assert!(found, "{word:?} of {field:?} is not on the report's pages");
        }
    }
}

/// Letters of the scripts written right to left (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and their presentation forms, and the historic ones).
fn right_to_left(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08ff}'
            | '\u{fb1d}'..='\u{fdff}'
            | '\u{fe70}'..='\u{feff}'
            | '\u{10800}'..='\u{10fff}'
            | '\u{1e800}'..='\u{1efff}'
    )
}
