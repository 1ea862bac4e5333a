//! What a file says about itself: its media type (from the content, not the
//! name) and, for photos, the EXIF capture time, camera and GPS position.
//!
//! Only the first [`PEEK_LEN`] bytes are examined, taken from the same single
//! read that encrypts the file. A file that is not what its name says, or
//! whose metadata is corrupt, simply yields no claims: it is still evidence
//! and is stored as given.

use std::io::Cursor;

use exif::{In, Reader, Tag, Value};

use crate::model::FileClaims;

/// How much of the start of a file is examined (EXIF sits in the first
/// 64 KiB of a JPEG; the rest covers TIFF and HEIF headers).
pub const PEEK_LEN: usize = 256 * 1024;

/// The media type from magic numbers, or `application/octet-stream`.
pub fn media_type(head: &[u8]) -> String {
    match infer::get(head) {
        Some(kind) => kind.mime_type().to_string(),
        None if looks_like_text(head) => "text/plain".to_string(),
        None => "application/octet-stream".to_string(),
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    !head.is_empty() && std::str::from_utf8(head).is_ok() && !head.contains(&0)
}

/// EXIF claims, when the file carries readable EXIF.
pub fn claims(head: &[u8]) -> FileClaims {
    let Ok(exif) = Reader::new().read_from_container(&mut Cursor::new(head)) else {
        return FileClaims::default();
    };
    let text = |tag: Tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|f| match &f.value {
                Value::Ascii(parts) => parts
                    .first()
                    .map(|p| {
                        String::from_utf8_lossy(p)
                            .trim_end_matches('\0')
                            .trim()
                            .to_string()
                    })
                    .filter(|s| !s.is_empty()),
                _ => None,
            })
    };
    let captured_at = text(Tag::DateTimeOriginal)
        .or_else(|| text(Tag::DateTime))
        .map(|t| exif_time(&t));
    FileClaims {
        captured_at,
        captured_offset: text(Tag::OffsetTimeOriginal).or_else(|| text(Tag::OffsetTime)),
        camera_make: text(Tag::Make),
        camera_model: text(Tag::Model),
        gps_latitude: gps(&exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0),
        gps_longitude: gps(&exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0),
    }
}

/// `2026:03:14 18:30:05` to `2026-03-14 18:30:05`.
fn exif_time(text: &str) -> String {
    match text.split_once(' ') {
        Some((date, time)) => format!("{} {time}", date.replace(':', "-")),
        None => text.to_string(),
    }
}

/// Degrees, minutes and seconds to signed decimal degrees; none beyond
/// `limit` (a file may say anything: 200 degrees north is no place).
fn gps(exif: &exif::Exif, tag: Tag, reference: Tag, negative: u8, limit: f64) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    let [d, m, s] = parts.as_slice() else {
        return None;
    };
    let degrees = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
    if !degrees.is_finite() || degrees > limit || degrees < 0.0 {
        return None;
    }
    let sign = match &exif.get_field(reference, In::PRIMARY)?.value {
        Value::Ascii(r) if r.first().and_then(|r| r.first()) == Some(&negative) => -1.0,
        _ => 1.0,
    };
    Some(sign * degrees)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_comes_from_content() {
        assert_eq!(
            media_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]),
            "image/jpeg"
        );
        assert_eq!(media_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(media_type(b"plain words"), "text/plain");
        assert_eq!(media_type(&[0, 1, 2, 3, 0xFE]), "application/octet-stream");
    }

    #[test]
    fn garbage_with_an_image_name_has_no_claims() {
        assert_eq!(claims(b"not really a jpeg"), FileClaims::default());
        assert_eq!(
            claims(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E', b'x']),
            FileClaims::default()
        );
    }

    #[test]
    fn exif_times_read_as_dates() {
        assert_eq!(exif_time("2026:03:14 18:30:05"), "2026-03-14 18:30:05");
    }
}
