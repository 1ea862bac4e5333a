//! OpenSSH signatures (`PROTOCOL.sshsig`) with the vault's Ed25519 key, so
//! an export can be checked with nothing but `ssh-keygen -Y verify`.
//!
//! ```text
//! signed  = "SSHSIG" | string namespace | string "" | string "sha512" | string SHA-512(message)
//! blob    = "SSHSIG" | u32 1 | string public key | string namespace | string ""
//!           | string "sha512" | string (string "ssh-ed25519" | string signature)
//! armour  = "-----BEGIN SSH SIGNATURE-----", base64(blob) in lines of 70, "-----END ..."
//! ```
//! The key is derived from the vault key (`idv1/sign`), so it is the same
//! for every export of one diary and needs no storage of its own: an officer
//! who received an earlier bundle can tell that a later one came from the
//! same diary by its fingerprint.

use data_encoding::BASE64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256, Sha512};

use super::secret::SecretKey;

/// The namespace every export signature is made in (DESIGN section 6).
pub const NAMESPACE: &str = "incident-diary@v1";
/// The principal named in `allowed_signers`.
pub const PRINCIPAL: &str = "incident-diary";
const MAGIC: &[u8; 6] = b"SSHSIG";
const KEY_TYPE: &str = "ssh-ed25519";
const HASH: &str = "sha512";
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    /// Not an armoured SSHSIG, or fields of the wrong shape.
    #[error("the signature file is malformed: {0}")]
    Malformed(&'static str),
    /// Made in another namespace: not an export signature.
    #[error("the signature was made for another purpose (namespace {0:?})")]
    Namespace(String),
    /// Made by another key than the one expected.
    #[error("the signature was made by another key")]
    WrongKey,
    /// The signed bytes differ from the ones given.
    #[error("the signature does not match the signed file")]
    Mismatch,
}

/// The vault's export signing key, as a capability: it signs and shows its
/// public half, and has no way to hand out its secret half, so an exporter
/// given a `Signer` holds no key it could leak. The secret half is wiped on
/// drop.
pub struct Signer(SigningKey);

impl Signer {
    /// The signing key of the vault whose key is `vault_key`.
    pub fn derive(vault_key: &SecretKey) -> Signer {
        let seed = vault_key.derive(b"idv1/sign");
        Signer(SigningKey::from_bytes(seed.expose_secret()))
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The armoured SSHSIG of `message` in `namespace`.
    pub fn sign(&self, namespace: &str, message: &[u8]) -> String {
        let signature = self.0.sign(&signed_data(namespace, message));
        let mut inner = Vec::new();
        put_string(&mut inner, KEY_TYPE.as_bytes());
        put_string(&mut inner, &signature.to_bytes());
        let mut blob = Vec::new();
        blob.extend_from_slice(MAGIC);
        blob.extend_from_slice(&1u32.to_be_bytes());
        put_string(&mut blob, &self.public().wire());
        put_string(&mut blob, namespace.as_bytes());
        put_string(&mut blob, b"");
        put_string(&mut blob, HASH.as_bytes());
        put_string(&mut blob, &inner);
        armour(&blob)
    }
}

/// An Ed25519 public key in OpenSSH form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// `string "ssh-ed25519" | string key`, the OpenSSH wire form.
    fn wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_string(&mut out, KEY_TYPE.as_bytes());
        put_string(&mut out, self.0.as_bytes());
        out
    }

    /// `ssh-ed25519 AAAA...`, as in `authorized_keys` and `allowed_signers`.
    pub fn openssh(&self) -> String {
        format!("{KEY_TYPE} {}", BASE64.encode(&self.wire()))
    }

    /// `SHA256:...`, the fingerprint `ssh-keygen -l` prints.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.wire());
        let b64 = BASE64.encode(&digest);
        format!("SHA256:{}", b64.trim_end_matches('='))
    }

    /// Parses `ssh-ed25519 AAAA... [comment]` (the key part of an
    /// `allowed_signers` line).
    pub fn parse_openssh(text: &str) -> Result<PublicKey, SigError> {
        let mut words = text.split_whitespace();
        if words.next() != Some(KEY_TYPE) {
            return Err(SigError::Malformed("not an ssh-ed25519 key"));
        }
        let wire = words
            .next()
            .and_then(|b64| BASE64.decode(b64.as_bytes()).ok())
            .ok_or(SigError::Malformed("the key is not base64"))?;
        PublicKey::from_wire(&wire)
    }

    fn from_wire(wire: &[u8]) -> Result<PublicKey, SigError> {
        let mut r = Reader(wire);
        if r.string()? != KEY_TYPE.as_bytes() {
            return Err(SigError::Malformed("not an ssh-ed25519 key"));
        }
        let bytes: [u8; 32] = r
            .string()?
            .try_into()
            .map_err(|_| SigError::Malformed("key length"))?;
        r.end()?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| SigError::Malformed("not a valid Ed25519 key"))
    }

    /// Checks an armoured SSHSIG of `message` by this key in `namespace`.
    pub fn verify(&self, namespace: &str, message: &[u8], armoured: &str) -> Result<(), SigError> {
        let blob = dearmour(armoured)?;
        let mut r = Reader(&blob);
        if r.take(6)? != MAGIC || r.take(4)? != 1u32.to_be_bytes() {
            return Err(SigError::Malformed("not an SSHSIG version 1"));
        }
        let key = PublicKey::from_wire(r.string()?)?;
        let signed_namespace = r.string()?;
        let _reserved = r.string()?;
        let hash = r.string()?;
        let mut inner = Reader(r.string()?);
        r.end()?;
        if signed_namespace != namespace.as_bytes() {
            return Err(SigError::Namespace(
                String::from_utf8_lossy(signed_namespace).into_owned(),
            ));
        }
        if hash != HASH.as_bytes() {
            return Err(SigError::Malformed("unsupported hash"));
        }
        if key != *self {
            return Err(SigError::WrongKey);
        }
        if inner.string()? != KEY_TYPE.as_bytes() {
            return Err(SigError::Malformed("not an Ed25519 signature"));
        }
        let signature = Signature::from_slice(inner.string()?)
            .map_err(|_| SigError::Malformed("signature length"))?;
        inner.end()?;
        self.0
            .verify_strict(&signed_data(namespace, message), &signature)
            .map_err(|_| SigError::Mismatch)
    }
}

fn signed_data(namespace: &str, message: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(MAGIC);
    put_string(&mut data, namespace.as_bytes());
    put_string(&mut data, b"");
    put_string(&mut data, HASH.as_bytes());
    put_string(&mut data, &Sha512::digest(message));
    data
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("SSH strings here are short");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn armour(blob: &[u8]) -> String {
    let b64 = BASE64.encode(blob);
    let mut out = String::from(BEGIN);
    out.push('\n');
    for line in b64.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

fn dearmour(text: &str) -> Result<Vec<u8>, SigError> {
    let text = text.trim();
    let body = text
        .strip_prefix(BEGIN)
        .and_then(|rest| rest.strip_suffix(END))
        .ok_or(SigError::Malformed("no SSH SIGNATURE armour"))?;
    let b64: String = body.split_whitespace().collect();
    BASE64
        .decode(b64.as_bytes())
        .map_err(|_| SigError::Malformed("the signature is not base64"))
}

/// Reads SSH wire fields, refusing anything short or left over.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SigError> {
        if self.0.len() < n {
            return Err(SigError::Malformed("cut short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn string(&mut self) -> Result<&'a [u8], SigError> {
        let len = u32::from_be_bytes(self.take(4)?.try_into().expect("4 bytes"));
        self.take(len as usize)
    }

    fn end(&self) -> Result<(), SigError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(SigError::Malformed("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Signer {
        Signer::derive(&SecretKey::from_bytes([5; 32]))
    }

    #[test]
    fn signs_and_verifies() {
        let key = key();
        let sig = key.sign(NAMESPACE, b"sums\n");
        assert!(sig.starts_with(BEGIN) && sig.ends_with("-----END SSH SIGNATURE-----\n"));
        assert!(sig.lines().all(|line| line.len() <= 70));
        key.public().verify(NAMESPACE, b"sums\n", &sig).unwrap();
    }

    #[test]
    fn refuses_altered_message_namespace_and_key() {
        let key = key();
        let sig = key.sign(NAMESPACE, b"sums\n");
        assert_eq!(
            key.public().verify(NAMESPACE, b"sums!\n", &sig),
            Err(SigError::Mismatch)
        );
        let other = key.sign("file", b"sums\n");
        assert!(matches!(
            key.public().verify(NAMESPACE, b"sums\n", &other),
            Err(SigError::Namespace(_))
        ));
        let stranger = Signer::derive(&SecretKey::from_bytes([6; 32]));
        assert_eq!(
            stranger.public().verify(NAMESPACE, b"sums\n", &sig),
            Err(SigError::WrongKey)
        );
        assert!(matches!(
            key.public().verify(NAMESPACE, b"sums\n", "garbage"),
            Err(SigError::Malformed(_))
        ));
    }

    #[test]
    fn public_key_round_trips_through_openssh_form() {
        let public = key().public();
        let line = public.openssh();
        assert!(line.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
        assert_eq!(PublicKey::parse_openssh(&line).unwrap(), public);
        assert!(public.fingerprint().starts_with("SHA256:"));
        assert_eq!(public.fingerprint().len(), 7 + 43);
    }

    #[test]
    fn key_depends_on_the_vault_key() {
        assert_ne!(
            key().public(),
            Signer::derive(&SecretKey::from_bytes([6; 32])).public()
        );
    }
}
