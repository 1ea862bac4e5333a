//! Bundles forged by someone who knew a key the diary has since replaced:
//! re-signed with the old key, with or without the statements of the key
//! change. Each must fail `verify`, though every file matches its sums.

use std::fs;
use std::path::Path;

use super::verify_bundle;
use crate::crypto::sshsig::{NAMESPACE, PRINCIPAL, Signer};
use crate::crypto::{Passphrase, SecretKey};
use crate::diary::testing::{at, current_key, new_diary};
use crate::export::ExportOptions;
use crate::model::Incident;

/// A bundle exported after one rotation, and the key from before it.
fn rotated_bundle(dir: &Path) -> SecretKey {
    let (mut diary, _) = new_diary(&dir.join("v"));
    diary.add_incident(Incident::new(at(), "before")).unwrap();
    let old = current_key(&diary);
    diary
        .rotate_keys(&Passphrase::new("new".into()), None)
        .unwrap();
    diary.add_incident(Incident::new(at(), "after")).unwrap();
    let options = ExportOptions::default();
    diary.export(&dir.join("b"), &options, &mut |_| {}).unwrap();
    old
}

/// Re-makes `SHA256SUMS` from the files it lists and signs it with `key`,
/// as a forger holding that key would.
fn resign(bundle: &Path, key: &SecretKey) {
    let signer = Signer::derive(key);
    let listed = fs::read_to_string(bundle.join("SHA256SUMS")).unwrap();
    let mut sums = String::new();
    for line in listed.lines() {
        let (_, path) = line.split_once("  ").unwrap();
        if let Ok(bytes) = fs::read(bundle.join(path)) {
            let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
            sums.push_str(&format!("{digest}  {path}\n"));
        }
    }
    fs::write(bundle.join("SHA256SUMS"), &sums).unwrap();
    fs::write(
        bundle.join("SHA256SUMS.sig"),
        signer.sign(NAMESPACE, sums.as_bytes()),
    )
    .unwrap();
    let line = format!(
        "{PRINCIPAL} namespaces=\"{NAMESPACE}\" {}\n",
        signer.public().openssh()
    );
    fs::write(bundle.join("allowed_signers"), line).unwrap();
}

fn edit_manifest(bundle: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = bundle.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    edit(&mut manifest);
    fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

fn failed(bundle: &Path) -> Vec<(String, String)> {
    let report = verify_bundle(bundle).unwrap();
    report
        .layers
        .into_iter()
        .filter(|l| !l.ok)
        .map(|l| (l.name.to_string(), l.detail))
        .collect()
}

#[test]
fn a_bundle_re_signed_with_the_replaced_key_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let old = rotated_bundle(tmp.path());
    let bundle = tmp.path().join("b");
    assert!(failed(&bundle).is_empty());
    resign(&bundle, &old);
    let failures = failed(&bundle);
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "signature" && d.contains("but the manifest names")),
        "{failures:?}"
    );
}

#[test]
fn a_bundle_claiming_the_replaced_key_as_its_own_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let old = rotated_bundle(tmp.path());
    let bundle = tmp.path().join("b");
    let old_public = Signer::derive(&old).public();
    edit_manifest(&bundle, |m| {
        m["signing_key"] = old_public.openssh().into();
        m["signing_key_fingerprint"] = old_public.fingerprint().into();
    });
    resign(&bundle, &old);
    let failures = failed(&bundle);
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "keys" && d.contains("a key the diary had replaced")),
        "{failures:?}"
    );

    // The statements removed as well: the chain still discloses the
    // rotation, which now has no statement.
    edit_manifest(&bundle, |m| {
        m.as_object_mut().unwrap().remove("key_transitions");
    });
    fs::remove_dir_all(bundle.join("keys")).unwrap();
    resign(&bundle, &old);
    let failures = failed(&bundle);
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "keys" && d.contains("has no statement of it")),
        "{failures:?}"
    );
}

/// Someone holding the replaced key hides the change: the rotation's row
/// withheld, the statements removed, the manifest naming the old key. The
/// chain's heads commit to each row's key epoch, so the change still shows.
#[test]
fn a_bundle_hiding_a_key_change_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let old = rotated_bundle(tmp.path());
    let bundle = tmp.path().join("b");
    let old_public = Signer::derive(&old).public();
    let mut seq = 0;
    edit_manifest(&bundle, |m| {
        seq = m["key_transitions"][0]["seq"].as_u64().unwrap();
        m.as_object_mut().unwrap().remove("key_transitions");
        m["signing_key"] = old_public.openssh().into();
        m["signing_key_fingerprint"] = old_public.fingerprint().into();
    });
    fs::remove_dir_all(bundle.join("keys")).unwrap();
    let edit_json = |path: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let path = bundle.join(path);
        let mut value: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        edit(&mut value);
        fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    };
    edit_json("data/incidents.json", &|v| {
        v["records"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["seq"].as_u64() != Some(seq));
    });
    edit_json("data/chain.json", &|v| {
        for row in v["rows"].as_array_mut().unwrap() {
            if row["seq"].as_u64() == Some(seq) {
                row["disclosed"] = false.into();
            }
        }
    });
    resign(&bundle, &old);
    let failures = failed(&bundle);
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "keys" && d.contains("starts key epoch 1")),
        "{failures:?}"
    );
    // Relabelling the rows as of the old key breaks the chain instead.
    edit_json("data/chain.json", &|v| {
        for row in v["rows"].as_array_mut().unwrap() {
            row.as_object_mut().unwrap().remove("epoch");
        }
    });
    resign(&bundle, &old);
    let failures = failed(&bundle);
    assert!(failures.iter().any(|(n, _)| n == "chain"), "{failures:?}");
}

/// The register cannot skip the chain check: an exhibit whose record is
/// disclosed must cite it, and one that cites none must come before every
/// exhibit that does.
#[test]
fn an_exhibit_that_drops_its_record_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut diary, _) = new_diary(&tmp.path().join("v"));
    let incident = diary.add_incident(Incident::new(at(), "x")).unwrap().id;
    for name in ["a.txt", "b.txt"] {
        let file = tmp.path().join(name);
        fs::write(&file, name).unwrap();
        diary.attach(incident, &file, name).unwrap();
    }
    let bundle = tmp.path().join("b");
    let options = ExportOptions::default();
    diary.export(&bundle, &options, &mut |_| {}).unwrap();
    let key = current_key(&diary);
    edit_manifest(&bundle, |m| {
        m["exhibits"][1].as_object_mut().unwrap().remove("record");
        m["exhibits"][1]["description"] = "another file".into();
    });
    resign(&bundle, &key);
    let failures = failed(&bundle);
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "exhibits" && d.contains("no exhibit cites it")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|(n, d)| n == "exhibits" && d.contains("comes after exhibits that do")),
        "{failures:?}"
    );
}
