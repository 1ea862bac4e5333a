//! `README.txt`: what the bundle is and how to check it, in plain English,
//! with the exact commands for Linux, macOS and Windows.

use super::bundle::KeyTransition;
use super::transitions::{NAMESPACE, SIGNERS, principal};

/// The text of `README.txt` for a bundle signed by the key with
/// `fingerprint`, exported at `exported` (already formatted), from a diary
/// whose key was replaced at each of `transitions`.
pub fn readme(
    fingerprint: &str,
    exported: &str,
    counts_line: &str,
    transitions: &[KeyTransition],
) -> String {
    let mut text = body(fingerprint, exported, counts_line);
    if !transitions.is_empty() {
        text.push_str(&keys_section(transitions));
    }
    text
}

/// How to check the statements in `keys/` (see `export::transitions`).
fn keys_section(transitions: &[KeyTransition]) -> String {
    let mut text = String::from(
        "
KEY CHANGES
The diary's key was replaced (after its passphrase was lost or became known to
someone else), so earlier exports from this diary were signed with another
key. For each change, keys/ holds a statement naming the old key and the new,
signed by both. Check each like this (Linux and macOS; on Windows, inside
cmd /c \"...\" as above):
",
    );
    for t in transitions {
        let before = t.epoch.saturating_sub(1);
        text.push_str(&format!(
            "
  Change at log entry {seq} ({recorded}):
  ssh-keygen -Y verify -f {signers} -I {old} -n {ns} -s {path}.old.sig < {path}
  ssh-keygen -Y verify -f {signers} -I {new} -n {ns} -s {path}.new.sig < {path}
",
            seq = t.seq,
            recorded = t.recorded_at.format("%Y-%m-%d %H:%M %:z"),
            signers = SIGNERS,
            old = principal(before),
            new = principal(t.epoch),
            ns = NAMESPACE,
            path = t.statement,
        ));
    }
    text.push_str(
        "
Both must say \"Good ... signature\". The statements link each key to the next,
so an earlier export signed with an old key here belongs to the same diary. A
replaced key may be known to someone else (that is often why it was replaced),
who could sign other files with it: confirm the current fingerprint above with
the victim, and trust an old key only for exports made before it was replaced.
",
    );
    text
}

fn body(fingerprint: &str, exported: &str, counts_line: &str) -> String {
    format!(
        "\
EVIDENCE BUNDLE FROM AN INCIDENT DIARY
======================================

This folder was exported from Incident Diary, an encrypted diary kept by the
victim of stalking or harassment. It was made on {exported}.
{counts_line}

WHAT IS IN IT
  report.pdf           The report for the officer: the pattern on page 1, a
                       chronology, every entry with its amendments, the
                       exhibit register and the integrity details.
  exhibits/            The exhibit files, byte for byte as the victim attached
                       them (photos, screenshots, audio, video, documents).
  data/incidents.json  The same entries as data, with every amendment and the
                       records behind them.
  data/chain.json      The diary's hash chain: one line per entry ever made,
                       including entries not in this export (shown as gaps).
  data/profile.json    Case details, people, orders and risk checks.
  manifest.json        Every file above with its size and SHA-256 (also
                       attached inside report.pdf).
  SHA256SUMS           The SHA-256 of every file in this folder.
  SHA256SUMS.sig       The diary's signature on SHA256SUMS.
  allowed_signers      The diary's public signing key.

The signing key's fingerprint is:
  {fingerprint}
Ask the victim to read out the fingerprint shown in their app, and check that
it matches. Every export from the same diary has the same fingerprint.

HOW TO CHECK IT (run the commands inside this folder)

Linux
  sha256sum -c SHA256SUMS
  ssh-keygen -Y verify -f allowed_signers -I incident-diary -n incident-diary@v1 -s SHA256SUMS.sig < SHA256SUMS

macOS (Terminal)
  shasum -a 256 -c SHA256SUMS
  ssh-keygen -Y verify -f allowed_signers -I incident-diary -n incident-diary@v1 -s SHA256SUMS.sig < SHA256SUMS

Windows 10 or 11 (PowerShell; ssh-keygen comes with the OpenSSH Client feature)
  Get-Content SHA256SUMS | ForEach-Object {{ $h, $f = $_ -split '  ', 2; if ((Get-FileHash -Algorithm SHA256 -LiteralPath $f).Hash -eq $h) {{ \"OK: $f\" }} else {{ \"FAILED: $f\" }} }}
  cmd /c \"ssh-keygen -Y verify -f allowed_signers -I incident-diary -n incident-diary@v1 -s SHA256SUMS.sig < SHA256SUMS\"

Every file must be reported OK, and ssh-keygen must say
  Good \"incident-diary@v1\" signature for incident-diary with ED25519 key {fingerprint}

With the diary program itself, one command checks all of this and also the
hash chain and each entry against it (no password needed):
  diary verify .

If any check fails, the bundle was changed after it was made or damaged in
transit. Do not rely on it: ask the victim for a new export.
"
    )
}
