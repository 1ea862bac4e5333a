//! The event that adds an exhibit, the one place its file key is sealed.

use serde::ser::{Error as _, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use super::exhibit::{Exhibit, FileClaims, FileKey};
use super::id::Id;

/// An exhibit's sealed event: its record and the key of its file.
///
/// Serialised exactly as v1 wrote it, the key inside the exhibit object
/// (`{"exhibit":{…,"file_key":"<hex>",…},"id":"<hex>"}`), so every stored
/// leaf still matches; but the key is a field of the event, not of the
/// [`Exhibit`] record that views show, and the replayed state moves it into
/// a private map.
#[derive(Debug)]
pub struct ExhibitAdded {
    /// Exhibit id (also the attachment file's name).
    pub id: Id,
    /// The exhibit's record.
    pub exhibit: Exhibit,
    /// The key its file is encrypted with.
    pub(crate) file_key: FileKey,
}

impl ExhibitAdded {
    /// A new exhibit's event.
    pub(crate) fn new(id: Id, exhibit: Exhibit, file_key: FileKey) -> Self {
        ExhibitAdded {
            id,
            exhibit,
            file_key,
        }
    }

    /// The record and the key, apart.
    pub(crate) fn into_parts(self) -> (Id, Exhibit, FileKey) {
        (self.id, self.exhibit, self.file_key)
    }
}

impl Serialize for ExhibitAdded {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut exhibit = serde_json::to_value(&self.exhibit).map_err(S::Error::custom)?;
        let key = Zeroizing::new(hex::encode(self.file_key.expose_secret()));
        exhibit
            .as_object_mut()
            .ok_or_else(|| S::Error::custom("an exhibit serialises to an object"))?
            .insert("file_key".into(), key.as_str().into());
        let mut out = serializer.serialize_struct("ExhibitAdded", 2)?;
        out.serialize_field("exhibit", &exhibit)?;
        out.serialize_field("id", &self.id)?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for ExhibitAdded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Sealed {
            exhibit: SealedExhibit,
            id: Id,
        }
        let Sealed { exhibit: e, id } = Sealed::deserialize(deserializer)?;
        let exhibit = Exhibit {
            incident: e.incident,
            number: e.number,
            original_name: e.original_name,
            size: e.size,
            sha256: e.sha256,
            media_type: e.media_type,
            description: e.description,
            claims: e.claims,
        };
        Ok(ExhibitAdded::new(id, exhibit, FileKey::new(*e.file_key.0)))
    }
}

/// The exhibit object as v1 seals it: the record's fields and the file key.
/// Read field by field, so a duplicate or unknown field is refused as the
/// derived reader always did; building the [`Exhibit`] from it fails to
/// compile if the record gains a field this reader does not know.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedExhibit {
    incident: Id,
    number: u32,
    file_key: SealedKey,
    original_name: String,
    size: u64,
    #[serde(with = "hex::serde")]
    sha256: [u8; 32],
    media_type: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    claims: FileClaims,
}

/// A file key's hex text, decoded straight into memory that is wiped.
pub(super) struct SealedKey(pub(super) Zeroizing<[u8; 32]>);

impl<'de> Deserialize<'de> for SealedKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Hex;
        impl serde::de::Visitor<'_> for Hex {
            type Value = SealedKey;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a 256-bit key in hex")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SealedKey, E> {
                let mut key = Zeroizing::new([0u8; 32]);
                hex::decode_to_slice(text, &mut key[..])
                    .map_err(|_| E::custom("exhibit.file_key is malformed"))?;
                Ok(SealedKey(key))
            }
        }
        deserializer.deserialize_str(Hex)
    }
}
