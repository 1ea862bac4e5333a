//! Reduced copies of photos for the exhibit register.
//!
//! typst decodes every image it is given in full, so photos are shrunk here
//! first (a prototype that passed phone photos straight to typst used 2 GB
//! for 50 of them). A thumbnail is a derived copy, marked as such in the
//! report; the exhibit itself is only ever the original file.

use std::io::Cursor;

use image::{ImageDecoder, ImageReader, Limits};

/// Longest edge of a thumbnail in pixels: sharp at the 30 mm the report
/// prints it, at 400 dpi.
const LONG_EDGE: u32 = 480;
/// Larger files are not decoded for a thumbnail.
pub const MAX_SOURCE_BYTES: u64 = 48 * 1024 * 1024;

/// Media types a thumbnail can be made from. HEIC (the iPhone default) is
/// not among them: the register says "see exhibit file" instead.
pub fn can_thumbnail(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    )
}

/// A JPEG thumbnail of `bytes`, turned upright by its EXIF orientation, or
/// `None` when the image cannot be decoded (it is evidence all the same).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = image::DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let small = image.thumbnail(LONG_EDGE, LONG_EDGE).into_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
    small.write_with_encoder(encoder).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinks_a_photo_and_refuses_garbage() {
        let big = image::RgbImage::from_fn(1600, 1200, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut png = Vec::new();
        big.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let thumb = thumbnail(&png).unwrap();
        let back = image::load_from_memory(&thumb).unwrap();
        assert_eq!((back.width(), back.height()), (480, 360));
        assert!(thumbnail(b"\xff\xd8\xff\xe0 not really a jpeg").is_none());
    }
}
