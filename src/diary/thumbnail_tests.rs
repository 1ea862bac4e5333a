//! Tests of photo thumbnails: stored encrypted, checked against the log
//! or their originals, never trusted blindly.

use std::fs;

use super::*;
use crate::diary::testing::{at, new_diary};
use crate::model::Incident;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    img.write_to(&mut io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

fn size_of(thumb: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(thumb).unwrap();
    (img.width(), img.height())
}

/// Made at import, encrypted, made again when missing or damaged, and
/// removed with the exhibit; files that are not photos get none.
#[test]
fn a_photo_keeps_an_encrypted_thumbnail_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut diary, _) = new_diary(&tmp.path().join("v"));
    let incident = diary
        .add_incident(Incident::new(at(), "car outside the house"))
        .unwrap()
        .id;
    let photo = tmp.path().join("IMG_0001.jpg");
    fs::write(&photo, jpeg(1600, 1200)).unwrap();
    let text = tmp.path().join("notes.txt");
    fs::write(&text, "not a photo").unwrap();
    let p = diary.attach(incident, &photo, "the car").unwrap();
    let t = diary.attach(incident, &text, "notes").unwrap();

    let thumb_path = diary.store.attachment_path(&p.id.0, AttFile::Thumbnail);
    let stored = fs::read(&thumb_path).unwrap();
    let thumb = diary.exhibit_thumbnail(p.number).unwrap().unwrap();
    assert_eq!(size_of(&thumb), (480, 360));
    assert!(
        !stored.windows(4).any(|w| w == b"JFIF") && !stored.starts_with(&[0xff, 0xd8]),
        "the thumbnail is stored encrypted"
    );
    assert!(diary.exhibit_thumbnail(t.number).unwrap().is_none());
    assert!(
        !diary
            .store
            .attachment_path(&t.id.0, AttFile::Thumbnail)
            .exists()
    );

    // Damaged, then missing: made again from the original and stored.
    let mut damaged = stored.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    fs::write(&thumb_path, &damaged).unwrap();
    assert_eq!(
        size_of(&diary.exhibit_thumbnail(p.number).unwrap().unwrap()),
        (480, 360)
    );
    assert_ne!(fs::read(&thumb_path).unwrap(), damaged);
    fs::remove_file(&thumb_path).unwrap();
    let rec = diary.state.exhibit(p.number).unwrap();
    let made = diary.thumbnails_of(&[rec]).unwrap();
    assert_eq!(size_of(made[0].as_ref().unwrap()), (480, 360));
    assert!(thumb_path.exists());
    // One exhibit's thumbnail file does not pass for another's.
    fs::copy(
        &thumb_path,
        diary.store.attachment_path(&t.id.0, AttFile::Thumbnail),
    )
    .unwrap();
    let rec = diary.state.exhibit(t.number).unwrap();
    assert!(diary.stored_thumbnail(rec).is_none());

    diary.delete_exhibit(p.number, "not needed").unwrap();
    assert!(!thumb_path.exists());
    assert!(diary.exhibit_thumbnail(p.number).is_err());
}

/// A diary in `tmp` with one incident and a 1600 x 1200 photo attached.
fn diary_with_photo(
    tmp: &std::path::Path,
) -> (Diary, crate::crypto::Passphrase, crate::diary::ExhibitRef) {
    let (mut diary, pass) = new_diary(&tmp.join("v"));
    let incident = diary
        .add_incident(Incident::new(at(), "car outside the house"))
        .unwrap()
        .id;
    let photo = tmp.join("IMG_0002.jpg");
    fs::write(&photo, jpeg(1600, 1200)).unwrap();
    let p = diary.attach(incident, &photo, "the car").unwrap();
    (diary, pass, p)
}

/// The exhibit's record holds its thumbnail's SHA-256, so the report
/// uses the stored thumbnail without decoding the original again (here
/// the original is gone, and the thumbnail still comes).
#[test]
fn a_thumbnail_the_log_vouches_for_is_used_as_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let (diary, _, p) = diary_with_photo(tmp.path());
    let rec = diary.state.exhibit(p.number).unwrap();
    assert!(rec.thumbnail_sha256.is_some());
    let original = diary.store.attachment_path(&rec.id.0, AttFile::Original);
    fs::remove_file(original).unwrap();
    let for_report = diary.disclosure().thumbnails(&[rec]).unwrap();
    assert_eq!(size_of(for_report[0].as_ref().unwrap()), (480, 360));
}

/// Someone who held the key replaces a photo's stored thumbnail with
/// another picture: the report's thumbnails are made from the verified
/// original all the same, and `check` finds and replaces the planted one.
#[test]
fn a_planted_thumbnail_never_reaches_the_report_and_check_finds_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (diary, pass, p) = diary_with_photo(tmp.path());
    let rec = diary.state.exhibit(p.number).unwrap();
    let key = diary.file_keys.get(rec.id).unwrap();
    diary.put_thumbnail(&rec.id.0, key, &jpeg(64, 64));
    assert_eq!(
        size_of(&diary.exhibit_thumbnail(p.number).unwrap().unwrap()),
        (64, 64)
    );

    let rec = diary.state.exhibit(p.number).unwrap();
    let for_report = diary.disclosure().thumbnails(&[rec]).unwrap();
    assert_eq!(size_of(for_report[0].as_ref().unwrap()), (480, 360));

    diary.put_thumbnail(
        &rec.id.0,
        diary.file_keys.get(rec.id).unwrap(),
        &jpeg(64, 64),
    );
    let (checked, replaced) = diary.check_thumbnails().unwrap();
    assert_eq!((checked, replaced.len()), (1, 1), "{replaced:?}");
    assert_eq!(
        size_of(&diary.exhibit_thumbnail(p.number).unwrap().unwrap()),
        (480, 360)
    );
    assert!(diary.check_thumbnails().unwrap().1.is_empty());

    // Planted while the diary was locked: the app's first look after
    // the next unlock compares it with the original.
    let rec = diary.state.exhibit(p.number).unwrap();
    diary.put_thumbnail(
        &rec.id.0,
        diary.file_keys.get(rec.id).unwrap(),
        &jpeg(64, 64),
    );
    drop(diary);
    let diary =
        Diary::unlock(&tmp.path().join("v"), &pass, crate::diary::testing::clock()).unwrap();
    assert_eq!(
        size_of(&diary.exhibit_thumbnail(p.number).unwrap().unwrap()),
        (480, 360)
    );
    assert_eq!(
        size_of(&diary.exhibit_thumbnail(p.number).unwrap().unwrap()),
        (480, 360)
    );
}
