//! `init`, `passwd`, `recover`, `check`: the vault and its keys.

use anyhow::{Context, Result};
use incident_diary::{Diary, KdfParams, SystemClock};

use super::secrets::{prompt_secret, read_secret_line};
use super::{Session, usage};

pub fn init(session: &mut Session, memory_mib: Option<u32>, time: Option<u32>) -> Result<()> {
    let params = match (memory_mib, time) {
        (None, None) => Diary::calibrated_kdf(),
        (m, t) => KdfParams::chosen(m, t)
            .map_err(|e| usage(format!("{e} (at least 19 MiB and 2 passes)")))?,
    };
    if Diary::exists(&session.vault) {
        return Err(usage(format!(
            "there is already a diary vault at {}",
            session.vault.display()
        )));
    }
    let passphrase = session.secrets.new_passphrase(None, true)?;
    let (diary, recovery) =
        Diary::create(&session.vault, &passphrase, params, Box::new(SystemClock))
            .context("could not create the vault")?;
    say!("Created a diary vault at {}", diary.dir().display());
    say!(
        "Key derivation: Argon2id, {} MiB, {} passes.",
        params.memory_kib / 1024,
        params.iterations
    );
    say!();
    print_recovery_key("RECOVERY KEY (shown only this once):", &recovery);
    Ok(())
}

fn print_recovery_key(heading: &str, key: &str) {
    say!("{heading}");
    say!();
    say!("    {key}");
    say!();
    say!("Write it down and keep it somewhere safe, away from this device, or give it");
    say!("to someone you trust (such as your advocate). It opens the diary if you forget");
    say!("your passphrase. Anyone who has it can read the diary.");
}

/// `new-recovery-key`: replaces the recovery key and prints the new one once.
pub fn new_recovery_key(session: &mut Session) -> Result<()> {
    let mut diary = session.unlock()?;
    let key = diary
        .replace_recovery_key()
        .context("no new recovery key was made")?;
    print_recovery_key(
        "NEW RECOVERY KEY (shown only this once; the old one no longer works):",
        &key,
    );
    diary.recovery_key_shown();
    Ok(())
}

pub fn passwd(session: &mut Session, new_file: Option<String>, rotate: bool) -> Result<()> {
    let mut diary = session.unlock()?;
    let new = session.secrets.new_passphrase(new_file.as_deref(), false)?;
    if !rotate {
        diary
            .change_passphrase(&new, None)
            .context("could not change the passphrase")?;
        say!("passphrase changed; the old one no longer opens the diary");
        say!(
            "if someone knows or knew the old one and may have copied the diary, use `diary passwd --rotate`"
        );
        return Ok(());
    }
    let recovery = diary
        .rotate_keys(&new, None)
        .context("the diary's key was not replaced")?;
    say_rotated(&diary, &recovery);
    diary.recovery_key_shown();
    Ok(())
}

/// What a rotation changed, and the new recovery key, shown once.
fn say_rotated(diary: &Diary, recovery: &str) {
    say!(
        "passphrase changed and the diary's key replaced (key epoch {})",
        diary.key_epoch()
    );
    say!("nothing written from now on opens with any earlier passphrase or recovery key,");
    say!("even in a copy of the diary made before; what such a copy already held stays");
    say!("readable to whoever has it and knew the old passphrase.");
    say!(
        "exports are now signed with a new key: {}",
        diary.signing_fingerprint()
    );
    say!();
    print_recovery_key(
        "NEW RECOVERY KEY (shown only this once; the old one no longer works):",
        recovery,
    );
}

pub fn recover(
    session: &mut Session,
    key_file: Option<String>,
    new_file: Option<String>,
) -> Result<()> {
    let key = match key_file.as_deref() {
        Some(source) => read_secret_line(source)?,
        None => prompt_secret("Recovery key: ")?,
    };
    let (mut diary, older) =
        Diary::unlock_with_recovery_key(&session.vault, &key, Box::new(SystemClock))
            .context("could not open the diary")?;
    if let Some(older) = older {
        say!(
            "note: {older}; opened with the recovery key, this copy is now the one this device remembers"
        );
    }
    // For `recover`, --passphrase-file names the new passphrase: there is no current one.
    let new = session.secrets.new_passphrase(new_file.as_deref(), true)?;
    // The cost is calibrated again rather than kept: recovery is also the
    // way out when someone raised it in the vault file to make every
    // unlock slow (or made the right passphrase fail by changing its salt).
    // The key is replaced: recovery is used when the passphrase is lost or
    // known to someone else, who may also hold a copy of the vault.
    let recovery = diary
        .rotate_keys(&new, Some(Diary::calibrated_kdf()))
        .context("could not set the new passphrase")?;
    say!("new passphrase set; the old passphrase no longer opens the diary");
    say_rotated(&diary, &recovery);
    diary.recovery_key_shown();
    Ok(())
}

pub fn check(session: &mut Session, accept_older: bool, remove_planted: bool) -> Result<()> {
    if remove_planted {
        let removed = Diary::remove_planted(&session.vault).context("nothing was removed")?;
        if removed.is_empty() {
            say!("planted objects: none");
        }
        for object in removed {
            say!("removed planted {object}");
        }
    }
    let diary = if accept_older {
        let (diary, accepted) = session.unlock_accepting_older()?;
        if let Some(older) = accepted {
            say!("accepted an older copy: {older}");
            say!("this device now remembers this copy as the diary");
        }
        diary
    } else {
        session.unlock()?
    };
    if diary.key_header_changed() {
        return Err(incident_diary::Error::Damaged(
            "the key slots changed since this device last saw them (on another copy, by someone without the diary's key, or by a change that was interrupted): your recovery key may no longer work; make a new one with `diary new-recovery-key`".into(),
        ))
        .context("check failed");
    }
    let report = diary.check().context("check failed")?;
    say!("database structure: ok");
    say!("header and key slots: ok");
    say!("log: {} entries verified, chain complete", report.entries);
    say!("chain head: {}", hex::encode(report.head));
    match diary.anchor_trouble() {
        None => say!("rollback record: kept on this device"),
        Some(trouble) => say!("rollback record: NOT KEPT ({trouble})"),
    }
    if let Some(seen) = diary.newer_copy_seen() {
        say!("other copies: one with {seen} log entries was used on this device");
    }
    match diary.last_entry().recorded_at {
        Some(at) => say!(
            "last log entry recorded: {}",
            at.format("%Y-%m-%d %H:%M %:z")
        ),
        None => say!("last log entry recorded: none yet"),
    }
    say!("incidents: {}", report.incidents);
    say!(
        "exhibits: {} decrypted and hashed, all match",
        report.exhibits
    );
    say!(
        "thumbnails: {} checked against the log or made again from their originals",
        report.thumbnails
    );
    if !report.thumbnails_replaced.is_empty() {
        say!(
            "  did not match their originals and were made again from them: {} (someone who held the key may have put another picture there; it also happens once after an update changes how thumbnails are made)",
            report.thumbnails_replaced.join(", ")
        );
    }
    match diary.state().last_backup() {
        Some(at) => say!("last backup: {}", at.format("%Y-%m-%d %H:%M %:z")),
        None => say!("last backup: never (make one with `diary backup --out FILE`)"),
    }
    let set_aside = diary.quarantined().context("check failed")?;
    if !set_aside.is_empty() {
        say!(
            "quarantine: {} file(s) no entry refers to were set aside, not deleted, in {}",
            set_aside.len(),
            diary.dir().join("quarantine").display()
        );
        say!("  (an interrupted import, a planted file, or files of a newer copy of the diary)");
        for name in set_aside.iter().take(10) {
            say!("  {}", incident_diary::visible::name(name));
        }
    }
    say!("PASS");
    Ok(())
}
