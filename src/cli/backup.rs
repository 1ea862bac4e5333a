//! `backup` and `restore`.

use std::path::Path;

use anyhow::{Context, Result};
use incident_diary::Passphrase;
use incident_diary::backup;
use serde::Serialize;

use super::output::print_json;
use super::secrets::{prompt_secret, read_secret_line};
use super::{Session, usage};

fn from_file(source: &str) -> Result<Passphrase> {
    let mut text = read_secret_line(source)?;
    if text.is_empty() {
        return Err(usage(format!("{source} holds an empty backup passphrase")));
    }
    Ok(Passphrase::new(std::mem::take(&mut *text)))
}

/// The backup's passphrase for `backup`: from the flag, else the diary's own
/// in scripts, else asked twice (Enter alone keeps the diary's).
fn new_backup_passphrase(
    session: &Session,
    flag: Option<&str>,
    diary_passphrase: Passphrase,
) -> Result<Passphrase> {
    if let Some(source) = flag {
        return from_file(source);
    }
    if session.secrets.is_scripted() {
        return Ok(diary_passphrase);
    }
    let first = prompt_secret("Passphrase for the backup file (Enter: same as the diary's): ")?;
    if first.is_empty() {
        return Ok(diary_passphrase);
    }
    let again = prompt_secret("Repeat the backup passphrase: ")?;
    if *first != *again {
        return Err(usage("the two passphrases differ; no backup was written"));
    }
    Ok(Passphrase::new(first.to_string()))
}

#[derive(Serialize)]
struct BackupOut {
    path: String,
    bytes: u64,
    created_at: String,
    log_entries: u64,
    exhibits: usize,
    chain_head: String,
}

pub fn backup(session: &mut Session, out: &Path, flag: Option<String>, json: bool) -> Result<()> {
    let (mut diary, diary_passphrase) = session.unlock_keeping_passphrase()?;
    let passphrase = new_backup_passphrase(session, flag.as_deref(), diary_passphrase)?;
    let summary = diary
        .backup(out, &passphrase)
        .context("the backup was not written")?;
    if json {
        return print_json(&BackupOut {
            path: summary.path.display().to_string(),
            bytes: summary.bytes,
            created_at: summary.created_at.to_rfc3339(),
            log_entries: summary.log_entries,
            exhibits: summary.exhibits,
            chain_head: hex::encode(summary.chain_head),
        });
    }
    say!(
        "backup written: {} ({:.1} MB)",
        summary.path.display(),
        summary.bytes as f64 / 1e6
    );
    say!(
        "  {} log entries; {} exhibits, each checked against its SHA-256",
        summary.log_entries,
        summary.exhibits
    );
    say!(
        "  it opens with the backup passphrase; the diary inside still needs your diary passphrase or recovery key"
    );
    say!(
        "  keep a copy somewhere the other person cannot reach (see README, \"Keeping your diary safe\")"
    );
    Ok(())
}

#[derive(Serialize)]
struct RestoreOut {
    dir: String,
    created_at: String,
    log_entries: u64,
    exhibits: u64,
    chain_head: String,
    device_had_seen: Option<u64>,
}

pub fn restore(session: &mut Session, file: &Path, flag: Option<String>, json: bool) -> Result<()> {
    let passphrase = match flag.as_deref() {
        Some(source) => from_file(source)?,
        None if session.secrets.is_scripted() => session.secrets.passphrase("")?,
        None => Passphrase::new(prompt_secret("Backup passphrase: ")?.to_string()),
    };
    let summary =
        backup::restore(file, &session.vault, &passphrase).context("nothing was restored")?;
    if json {
        return print_json(&RestoreOut {
            dir: summary.dir.display().to_string(),
            created_at: summary.created_at.to_rfc3339(),
            log_entries: summary.log_entries,
            exhibits: summary.exhibits,
            chain_head: hex::encode(summary.chain_head),
            device_had_seen: summary.device_had_seen,
        });
    }
    say!(
        "restored into {}: {} log entries, chain verified; {} exhibits, all match the backup",
        summary.dir.display(),
        summary.log_entries,
        summary.exhibits
    );
    say!(
        "backup made {}",
        summary.created_at.format("%Y-%m-%d %H:%M %:z")
    );
    if let Some(seen) = summary.device_had_seen {
        say!(
            "this device had last seen {seen} log entries of this diary; it now remembers the restored {}",
            summary.log_entries
        );
    }
    say!("open it with your diary passphrase, or set a new one with `diary recover`");
    Ok(())
}
