//! Reduced copies of photos, for the app's exhibit list and the report's
//! exhibit register.
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
    let image = if bytes.starts_with(&[0xff, 0xd8]) {
        scaled_jpeg(bytes).or_else(|| full_image(bytes))
    } else {
        full_image(bytes)
    }?;
    let small = image.thumbnail(LONG_EDGE, LONG_EDGE).into_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
    small.write_with_encoder(encoder).ok()?;
    Some(out)
}

/// Decodes a JPEG at the smallest IDCT scale that still covers the
/// thumbnail, and turns it upright by its EXIF orientation.
fn scaled_jpeg(bytes: &[u8]) -> Option<image::DynamicImage> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    if u32::from(info.width) * u32::from(info.height) > 400_000_000 {
        return None;
    }
    decoder.scale(LONG_EDGE as u16, LONG_EDGE as u16).ok()?;
    let pixels = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let mut image = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels)?)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels)?)
        }
        // CMYK and 16-bit JPEGs are rare from phones: the full decoder handles them.
        _ => return None,
    };
    if let Some(orientation) = exif_orientation(bytes) {
        image.apply_orientation(orientation);
    }
    Some(image)
}

fn exif_orientation(bytes: &[u8]) -> Option<image::metadata::Orientation> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    let value = field.value.get_uint(0)?;
    image::metadata::Orientation::from_exif(u8::try_from(value).ok()?)
}

/// Any format the image crate reads, decoded in full.
fn full_image(bytes: &[u8]) -> Option<image::DynamicImage> {
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
    Some(image)
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

    #[test]
    fn a_large_jpeg_is_decoded_at_a_reduced_scale() {
        let big = image::RgbImage::from_fn(4000, 3000, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut jpeg = Vec::new();
        big.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        let scaled = scaled_jpeg(&jpeg).unwrap();
        // 1/8 scale: the smallest that still covers 480 pixels.
        assert_eq!((scaled.width(), scaled.height()), (500, 375));
        let back = image::load_from_memory(&thumbnail(&jpeg).unwrap()).unwrap();
        assert_eq!((back.width(), back.height()), (480, 360));
    }
}
