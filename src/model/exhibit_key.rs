//! Format 2's exhibit events: the exhibit's record, which an export can
//! disclose, commits to the file key; the key itself travels in a record
//! of its own that is never disclosed.
//!
//! ```text
//! exhibit.attach  {"exhibit": {…the record…}, "id": …, "key_commitment": hex}
//! exhibit.key     {"file_key": hex, "id": …}     (the very next row)
//! key_commitment = SHA-256("idv2/file-key" || id || file key)
//! ```
//! So `diary verify` can check an exhibit's hash, size, name, time and
//! incident against the hash chain, not only against the bundle's
//! signature, while no file key ever leaves the vault. (v1's `exhibit.add`
//! carried the key inside the record and is still read.)

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::exhibit::{Exhibit, FileKey};
use super::id::Id;

/// The commitment to an exhibit's file key that its record carries.
pub fn key_commitment(id: &Id, key: &FileKey) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"idv2/file-key");
    hasher.update(id.0);
    hasher.update(key.expose_secret());
    hasher.finalize().into()
}

/// An exhibit's record, disclosable: what was attached, and a commitment
/// to the key of its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExhibitAttached {
    /// Exhibit id (also the attachment file's name).
    pub id: Id,
    /// What was attached.
    pub exhibit: Exhibit,
    /// [`key_commitment`] of the file key.
    #[serde(with = "hex::serde")]
    pub key_commitment: [u8; 32],
    /// SHA-256 of the photo's thumbnail as made when it was attached (a
    /// JPEG, stored encrypted beside the exhibit), so the stored one can be
    /// checked without decoding the original again; none for other files.
    #[serde(default, with = "optional_hex")]
    pub thumbnail_sha256: Option<[u8; 32]>,
}

/// An optional 32-byte value as hex (left out when absent).
mod optional_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => s.serialize_str(&hex::encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| {
            let mut out = [0u8; 32];
            hex::decode_to_slice(&t, &mut out)
                .map_err(|_| serde::de::Error::custom("not a SHA-256 in hex"))?;
            Ok(out)
        })
        .transpose()
    }
}

/// The key of an exhibit's file, in a record of its own.
#[derive(Debug)]
pub struct ExhibitKey {
    /// The exhibit whose file it opens.
    pub id: Id,
    /// The key.
    pub(crate) file_key: FileKey,
}

impl Serialize for ExhibitKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let key = Zeroizing::new(hex::encode(self.file_key.expose_secret()));
        let mut out = serializer.serialize_struct("ExhibitKey", 2)?;
        out.serialize_field("file_key", key.as_str())?;
        out.serialize_field("id", &self.id)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for ExhibitKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Sealed {
            file_key: super::exhibit_added::SealedKey,
            id: Id,
        }
        let Sealed { file_key, id } = Sealed::deserialize(deserializer)?;
        Ok(ExhibitKey {
            id,
            file_key: FileKey::new(*file_key.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, LogRecord};

    #[test]
    fn the_key_record_reads_back_and_refuses_anything_else() {
        let json = format!(
            r#"{{"blind":"{}","event":{{"exhibit.key":{{"file_key":"{}","id":"{}"}}}},"recorded_at":"2026-03-01T10:00:00+01:00"}}"#,
            "ab".repeat(32),
            "07".repeat(32),
            "01".repeat(16)
        );
        let record = LogRecord::from_json(json.as_bytes()).unwrap();
        assert_eq!(record.to_canonical_json(), json.as_bytes());
        let Event::ExhibitKey(key) = record.event else {
            panic!("not a key record");
        };
        assert_eq!(key.file_key.expose_secret(), &[7; 32]);
        for bad in [
            json.replace(&"07".repeat(32), &"07".repeat(31)),
            json.replace(r#""id""#, r#""colour":"red","id""#),
        ] {
            assert!(LogRecord::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_commitment_binds_the_exhibit_and_the_key() {
        let key = FileKey::new([7; 32]);
        let c = key_commitment(&Id([1; 16]), &key);
        assert_ne!(c, key_commitment(&Id([2; 16]), &key));
        assert_ne!(c, key_commitment(&Id([1; 16]), &FileKey::new([8; 32])));
    }
}
