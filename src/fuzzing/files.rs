//! What an attached file says about itself: its picture (a thumbnail is
//! decoded from it) and its EXIF claims.

use crate::model::FileClaims;

/// Any bytes as a photo to make a thumbnail of: never a panic, memory
/// bounded (libFuzzer's limit catches a decompression bomb), and what comes
/// out is a JPEG no larger than the thumbnail's edge that decodes again.
pub fn thumbnail(data: &[u8]) {
    let Some(jpeg) = crate::thumbnail::thumbnail(data) else {
        return;
    };
    let image = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
        .expect("a thumbnail is a JPEG that decodes");
    assert!(
        image.width() <= 480 && image.height() <= 480 && image.width() * image.height() > 0,
        "a thumbnail of {}x{}",
        image.width(),
        image.height()
    );
}

/// Any bytes as the start of an attached file: a media type is always
/// named, and the EXIF claims are finite, in range, short enough to show,
/// and read back from the log as they were written.
pub fn file_claims(data: &[u8]) {
    let media_type = crate::file_claims::media_type(data);
    assert!(media_type.contains('/') && media_type.is_ascii());
    let claims = crate::file_claims::claims(data);
    if let Some(lat) = claims.gps_latitude {
        assert!(lat.is_finite() && (-90.0..=90.0).contains(&lat), "{lat}");
    }
    if let Some(lon) = claims.gps_longitude {
        assert!(lon.is_finite() && (-180.0..=180.0).contains(&lon), "{lon}");
    }
    let written = serde_json::to_vec(&claims).expect("claims serialise");
    let back: FileClaims = serde_json::from_slice(&written).expect("claims read back");
    assert_eq!(back, claims, "claims change on their way through the log");
}
