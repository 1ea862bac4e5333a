//! Key transitions in an export: when the diary's key was replaced
//! (`recover`, `passwd --rotate`), its export signing key changed with it.
//! An officer holding an earlier bundle, signed by the old key, must be
//! able to tell that a later one, signed by the new key, comes from the same
//! diary. So every bundle carries, for each replacement, a statement naming
//! both keys, signed by the old key and by the new one, checkable with
//! `ssh-keygen -Y verify` alone:
//!
//! ```text
//! keys/transition-N.txt       the statement (epoch N starts)
//! keys/transition-N.txt.old.sig   SSHSIG by the key of epoch N-1
//! keys/transition-N.txt.new.sig   SSHSIG by the key of epoch N
//! keys/allowed_signers        every epoch's key, principal incident-diary-epoch-K
//! ```
//! in the namespace [`NAMESPACE`]. The rotation's own log entry is disclosed
//! with the entries, so `diary verify` also checks the statement against
//! the hash chain: the transition is part of the diary's history, not only
//! a claim the keys make.

use super::bundle::KeyTransition;
use super::sink::{Packing, Sink};
use crate::crypto::sshsig::{PublicKey, Signer};
use crate::diary::Disclosure;
use crate::error::{Error, Result};
use crate::model::RotationReason;

/// The namespace of transition signatures (never that of export
/// signatures, so neither can stand in for the other).
pub const NAMESPACE: &str = "incident-diary-key-transition@v1";
/// Every epoch's public key, for `ssh-keygen -Y verify -f`.
pub const SIGNERS: &str = "keys/allowed_signers";

/// The principal of epoch `epoch`'s key in [`SIGNERS`].
pub fn principal(epoch: u32) -> String {
    format!("incident-diary-epoch-{epoch}")
}

/// Where the statement of the transition into `epoch` goes.
pub fn statement_path(epoch: u32) -> String {
    format!("keys/transition-{epoch}.txt")
}

/// The machine name of a rotation's reason.
pub fn reason_name(reason: RotationReason) -> &'static str {
    match reason {
        RotationReason::Recovery => "recovery",
        RotationReason::Requested => "requested",
    }
}

fn fingerprint(key: &str) -> String {
    PublicKey::parse_openssh(key).map_or_else(|_| "(not a valid key)".into(), |k| k.fingerprint())
}

/// The exact text both keys sign, made from the transition and the diary
/// id alone, so `verify` can rebuild it and compare byte for byte.
pub fn statement(vault_id: &str, t: &KeyTransition) -> String {
    let before = t.epoch.saturating_sub(1);
    format!(
        "\
INCIDENT DIARY: KEY TRANSITION

The key of this diary was replaced. Exports made before log entry {seq} were
signed with the key of epoch {before}; exports made after it are signed with
the key of epoch {epoch}. Both keys signed this statement.

diary id: {vault_id}
epoch: {epoch}
log entry: {seq}
recorded at: {recorded}
reason: {reason}
old key: {old}
old key fingerprint: {old_fp}
new key: {new}
new key fingerprint: {new_fp}
",
        seq = t.seq,
        epoch = t.epoch,
        recorded = t.recorded_at.to_rfc3339(),
        reason = t.reason,
        old = t.old_key,
        old_fp = fingerprint(&t.old_key),
        new = t.new_key,
        new_fp = fingerprint(&t.new_key),
    )
}

/// The transitions of the diary `source` discloses, each with its two
/// signers. The keys the log recorded must be the ones the diary derives.
fn transitions(source: &Disclosure<'_>) -> Result<Vec<(KeyTransition, Signer, Signer)>> {
    let mismatch = || Error::Damaged("a key rotation in the log names other keys".into());
    source
        .state()
        .rotations()
        .map(|(event, rotation)| {
            let old = source
                .epoch_signer(rotation.epoch - 1)
                .ok_or_else(mismatch)?;
            let new = source.epoch_signer(rotation.epoch).ok_or_else(mismatch)?;
            if old.public().openssh() != rotation.previous_signing_key
                || new.public().openssh() != rotation.signing_key
            {
                return Err(mismatch());
            }
            let transition = KeyTransition {
                epoch: rotation.epoch,
                seq: event.seq,
                recorded_at: event.recorded_at,
                reason: reason_name(rotation.reason).into(),
                old_key: rotation.previous_signing_key.clone(),
                new_key: rotation.signing_key.clone(),
                statement: statement_path(rotation.epoch),
            };
            Ok((transition, old, new))
        })
        .collect()
}

/// Writes the statements, their signatures and `keys/allowed_signers`;
/// returns the transitions for the manifest (none when the key never
/// changed, and then nothing is written).
pub(crate) fn write(
    sink: &mut Sink,
    source: &Disclosure<'_>,
    vault_id: &str,
) -> Result<Vec<KeyTransition>> {
    let all = transitions(source)?;
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let mut signers = String::new();
    for (i, (t, old, new)) in all.iter().enumerate() {
        if i == 0 {
            signers.push_str(&signer_line(0, &old.public()));
        }
        signers.push_str(&signer_line(t.epoch, &new.public()));
        let text = statement(vault_id, t);
        sink.add_bytes(&t.statement, Packing::Deflated, text.as_bytes())?;
        for (suffix, signer) in [(".old.sig", old), (".new.sig", new)] {
            let sig = signer.sign(NAMESPACE, text.as_bytes());
            let path = format!("{}{suffix}", t.statement);
            sink.add_bytes(&path, Packing::Deflated, sig.as_bytes())?;
        }
    }
    sink.add_bytes(SIGNERS, Packing::Deflated, signers.as_bytes())?;
    Ok(all.into_iter().map(|(t, _, _)| t).collect())
}

fn signer_line(epoch: u32, key: &PublicKey) -> String {
    format!(
        "{} namespaces=\"{NAMESPACE}\" {}\n",
        principal(epoch),
        key.openssh()
    )
}
