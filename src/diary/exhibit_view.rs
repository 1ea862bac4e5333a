//! An exhibit's original bytes in memory, checked against its SHA-256: for
//! the app to show a picture full size without a plain copy on disk. The
//! bytes are wiped when dropped; anything larger than the caller's bound is
//! refused (extract it to a file instead).

use zeroize::Zeroizing;

use super::Diary;
use crate::error::{Error, Result};

impl Diary {
    /// Exhibit `number`'s original bytes, verified, if at most `max` bytes.
    pub fn exhibit_bytes(&self, number: u32, max: u64) -> Result<Zeroizing<Vec<u8>>> {
        let rec = self.exhibit_by_number(number)?;
        if rec.deleted.is_some() {
            return Err(Error::invalid("number", "this exhibit's file was removed"));
        }
        if rec.exhibit.size > max {
            return Err(Error::invalid(
                "number",
                format!(
                    "this file is larger than {} MB: save a copy to open it",
                    max / 1_000_000
                ),
            ));
        }
        // Sized up front, so the buffer never reallocates and leaves a copy.
        let mut bytes = Zeroizing::new(Vec::with_capacity(rec.exhibit.size as usize));
        self.open_exhibit(rec, &mut *bytes)?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::new_diary;

    #[test]
    fn an_exhibit_is_read_whole_and_verified_and_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut diary, _) = new_diary(&tmp.path().join("v"));
        let at = chrono::DateTime::parse_from_rfc3339("2020-03-01T10:00:00Z").unwrap();
        let id = diary
            .add_incident(crate::model::Incident::new(at, "He left a note."))
            .unwrap()
            .id;
        let file = tmp.path().join("note.txt");
        std::fs::write(&file, b"I will always find you").unwrap();
        let n = diary.attach(id, &file, "the note").unwrap().number;
        assert_eq!(
            diary.exhibit_bytes(n, 1_000).unwrap().as_slice(),
            b"I will always find you"
        );
        assert!(diary.exhibit_bytes(n, 5).is_err(), "over the bound");
        assert!(
            diary.exhibit_bytes(n + 1, 1_000).is_err(),
            "no such exhibit"
        );
        diary.delete_exhibit(n, "wrong file").unwrap();
        assert!(diary.exhibit_bytes(n, 1_000).is_err(), "removed");
    }
}
