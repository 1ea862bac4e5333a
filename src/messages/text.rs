//! Bytes of an export as lines of text: UTF-8 (with or without a byte
//! order mark) or UTF-16 with one (some phones export that), each line
//! bounded, and the invisible direction marks WhatsApp puts around names,
//! times and attachments taken out.

use super::ChatError;

/// The longest line read (WhatsApp caps a message at 65,536 characters;
/// four bytes each, with room).
pub const MAX_LINE: usize = 512 << 10;

/// The text of `bytes`, refusing what is not UTF-8 or UTF-16 with a byte
/// order mark, naming the line of the fault, and a line longer than
/// [`MAX_LINE`] (a chat's text).
pub fn decode(bytes: &[u8]) -> Result<String, ChatError> {
    decode_lines(bytes, Some(MAX_LINE))
}

/// [`decode`], with lines up to `max_line` bytes (none: any; an SMS backup
/// holds a picture's base64 on one line).
pub fn decode_lines(bytes: &[u8], max_line: Option<usize>) -> Result<String, ChatError> {
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest)?,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        _ => utf8(bytes)?,
    };
    if let Some(max) = max_line
        && let Some(line) = text.split('\n').position(|l| l.len() > max).map(|i| i + 1)
    {
        return Err(ChatError::Unreadable {
            line,
            why: format!("longer than {} KiB, which no message is", max >> 10),
        });
    }
    Ok(text)
}

fn utf8(bytes: &[u8]) -> Result<String, ChatError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let good = &bytes[..e.utf8_error().valid_up_to()];
        ChatError::Unreadable {
            line: good.iter().filter(|&&b| b == b'\n').count() + 1,
            why: "not UTF-8 text (is it another export's encoding?)".into(),
        }
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ChatError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ChatError::Unreadable {
            line: 1,
            why: "UTF-16 text cut in the middle of a character".into(),
        });
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    let mut out = String::with_capacity(units.len());
    let mut line = 1;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| ChatError::Unreadable {
            line,
            why: "UTF-16 text with a broken character".into(),
        })?;
        if c == '\n' {
            line += 1;
        }
        out.push(c);
    }
    Ok(out)
}

/// The line without the marks WhatsApp adds (left-to-right and
/// right-to-left marks, embeddings and isolates, a byte order mark) and with its narrow and
/// non-breaking spaces as plain spaces.
pub fn clean(line: &str) -> String {
    line.trim_end_matches('\r')
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200E}'
                    | '\u{200F}'
                    | '\u{FEFF}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
            )
        })
        .map(|c| {
            if matches!(c, '\u{202F}' | '\u{00A0}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_utf16_read_alike_and_faults_name_their_line() {
        let text = "31/12/2025, 21:41 - Mark: hi\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), text);
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&le).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(&be).unwrap(), text);
        let latin1 = b"line one\nline two\nCaf\xe9\n";
        assert_eq!(
            decode(latin1),
            Err(ChatError::Unreadable {
                line: 3,
                why: "not UTF-8 text (is it another export's encoding?)".into()
            })
        );
        let long = "x".repeat(MAX_LINE + 1);
        assert!(matches!(
            decode(format!("ok\n{long}").as_bytes()),
            Err(ChatError::Unreadable { line: 2, .. })
        ));
    }

    #[test]
    fn marks_go_and_odd_spaces_become_spaces() {
        assert_eq!(
            clean("\u{200E}[31/12/2025, 9:41:05\u{202F}PM] Mark: \u{200E}image omitted\r"),
            "[31/12/2025, 9:41:05 PM] Mark: image omitted"
        );
    }
}
