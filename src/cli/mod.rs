//! The `diary` CLI: parsing, dispatch, printing and exit codes.
//!
//! Exit codes (DESIGN section 5): 0 ok; 1 other error; 2 usage or invalid
//! input; 3 wrong passphrase or recovery key; 4 integrity failure; 5 not found.

/// `println!` for the CLI: whatever is printed may hold diary text or names
/// that came from files, so characters that would act on the terminal
/// (escape codes, carriage returns, direction overrides) are shown escaped
/// (see `incident_diary::visible`). New lines and tabs lay out as written.
macro_rules! say {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", incident_diary::visible::text(&format!($($arg)*)))
    };
}

mod args;
mod backup;
mod exhibits;
mod export;
mod incidents;
mod input;
mod keys;
mod messages;
mod output;
mod people;
mod print;
mod profile;
mod profile_args;
mod secrets;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use incident_diary::Passphrase;
use incident_diary::model::ValidationError;
use incident_diary::{Diary, ErrorCode, SystemClock};

use args::{Cli, Command};

/// A problem with what the user typed, found before the diary is touched.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Shorthand for a usage error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// Parses arguments, runs the command and maps any error to an exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(err.exit_code() as u8);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let hint = hint(&err).map(|h| format!(" ({h})")).unwrap_or_default();
            let line = format!("diary: {}{hint}", one_line(&err));
            eprintln!("{}", incident_diary::visible::text(&line));
            ExitCode::from(exit_code(&err))
        }
    }
}

fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// What to type next, for errors whose cure is a command: the core's
/// messages say what happened and leave commands to the program in front.
fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let e = err
        .chain()
        .find_map(|c| c.downcast_ref::<incident_diary::Error>())?;
    match e {
        incident_diary::Error::NotAVault(_) => Some("create one with `diary init`"),
        incident_diary::Error::Damaged(m) if m.starts_with("the database holds an unexpected") => {
            Some("someone added it to the vault file; `diary check --remove-planted` removes it")
        }
        incident_diary::Error::WentBack(m) if m.contains("is damaged") => Some(
            "someone may have changed it; `diary check --accept-older` starts it again from this copy",
        ),
        incident_diary::Error::WentBack(_) => Some(
            "entries may have been removed by putting an older copy back; if you did that on purpose, run `diary check --accept-older`",
        ),
        incident_diary::Error::Invalid(v) if v.message.starts_with("no person") => {
            Some("add them with `diary person add`")
        }
        incident_diary::Error::Invalid(v) if v.message.starts_with("no order") => {
            Some("add it with `diary order add`")
        }
        _ => None,
    }
}

fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.downcast_ref::<UsageError>().is_some()
            || cause.downcast_ref::<ValidationError>().is_some()
        {
            return 2;
        }
        if let Some(e) = cause.downcast_ref::<incident_diary::Error>() {
            return match e.code() {
                ErrorCode::Invalid => 2,
                ErrorCode::WrongSecret | ErrorCode::Throttled => 3,
                ErrorCode::Integrity | ErrorCode::WentBack => 4,
                ErrorCode::NotFound => 5,
                _ => 1,
            };
        }
    }
    1
}

/// What every command needs: where the vault is and how to get secrets.
pub struct Session {
    vault: PathBuf,
    secrets: secrets::SecretSource,
}

impl Session {
    /// Opens the vault with the passphrase.
    pub fn unlock(&mut self) -> Result<Diary> {
        Ok(self.unlock_keeping_passphrase()?.0)
    }

    /// Opens the vault and keeps the passphrase (for `backup`).
    pub fn unlock_keeping_passphrase(&mut self) -> Result<(Diary, Passphrase)> {
        let passphrase = self.secrets.passphrase("Passphrase: ")?;
        let diary = Diary::unlock(&self.vault, &passphrase, Box::new(SystemClock))
            .context("could not open the diary")?;
        show_last_entry(&diary);
        Ok((diary, passphrase))
    }

    /// Opens a copy older than this device last saw, on purpose (`check
    /// --accept-older`); returns what was accepted.
    pub fn unlock_accepting_older(&mut self) -> Result<(Diary, Option<incident_diary::Error>)> {
        let passphrase = self.secrets.passphrase("Passphrase: ")?;
        let opened = Diary::unlock_accepting_older(&self.vault, &passphrase, Box::new(SystemClock))
            .context("could not open the diary")?;
        show_last_entry(&opened.0);
        Ok(opened)
    }
}

/// Tells the owner, at every unlock, which entry the diary ends with and
/// when it was recorded: a diary put back to an older copy shows an entry
/// they know is not their last (on standard error, out of the way of
/// output that programs read).
fn show_last_entry(diary: &Diary) {
    let last = diary.last_entry();
    let line = match last.recorded_at {
        Some(at) => format!(
            "diary: opened; last log entry {}, recorded {}",
            last.seq,
            at.format("%Y-%m-%d %H:%M %:z")
        ),
        None => "diary: opened; no log entries yet".to_string(),
    };
    eprintln!("{line}");
    let wrong = diary.wrong_passphrases_before_open();
    if wrong.count > 0 {
        let when = wrong
            .last
            .map(|t| format!(", the last at {}", t.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        eprintln!(
            "diary: {} wrong passphrase{} tried since the diary was last opened{when}",
            wrong.count,
            if wrong.count == 1 { " was" } else { "s were" }
        );
    }
    if let Some(seen) = diary.newer_copy_seen() {
        eprintln!(
            "diary: warning: a copy of this diary with {seen} log entries was used on this device, and this one holds {}; if you did not put this copy here yourself, entries may be missing (`diary check --accept-older` makes this copy the one remembered)",
            last.seq
        );
    }
    if diary.key_header_changed() {
        eprintln!(
            "diary: warning: the key slots changed since this device last saw them (on another copy, by someone without the diary's key, or by a change that was interrupted); your recovery key may no longer work, or someone may have added a way in: make a new one with `diary new-recovery-key`"
        );
    }
    if let Some(trouble) = diary.anchor_trouble() {
        let warning = format!(
            "diary: warning: {trouble}; an older copy of the diary put back here would not be noticed"
        );
        eprintln!("{}", incident_diary::visible::text(&warning));
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    // Verifying a bundle needs neither a vault nor a passphrase.
    if let Command::Verify { path } = &cli.command {
        return export::verify(path);
    }
    let vault = match cli.vault {
        Some(dir) => dir,
        None => Diary::default_dir()
            .ok_or_else(|| usage("no data folder on this system; give --vault DIR"))?,
    };
    let mut ctx = Session {
        vault,
        secrets: secrets::SecretSource::new(cli.passphrase_file)?,
    };
    run_command(&mut ctx, cli.command)
}

/// Runs one command of the diary at `ctx.vault`.
fn run_command(ctx: &mut Session, command: Command) -> Result<()> {
    match command {
        Command::Init {
            kdf_memory,
            kdf_time,
        } => keys::init(ctx, kdf_memory, kdf_time),
        Command::Passwd {
            new_passphrase_file,
            rotate,
        } => keys::passwd(ctx, new_passphrase_file, rotate),
        Command::Recover {
            recovery_key_file,
            new_passphrase_file,
        } => keys::recover(ctx, recovery_key_file, new_passphrase_file),
        Command::Check {
            accept_older,
            remove_planted,
        } => keys::check(ctx, accept_older, remove_planted),
        Command::NewRecoveryKey => keys::new_recovery_key(ctx),
        Command::Add { json, fields } => incidents::add(ctx, json, fields),
        Command::List { filter, json } => incidents::list(ctx, filter, None, json),
        Command::Search { text, filter, json } => {
            incidents::list(ctx, filter, Some(text.join(" ")), json)
        }
        Command::Show {
            incident,
            json,
            history,
        } => incidents::show(ctx, &incident, json, history),
        Command::Amend {
            incident,
            json,
            reason,
            fields,
        } => incidents::amend(ctx, &incident, json, &reason, fields),
        Command::Withdraw { incident, reason } => incidents::withdraw(ctx, &incident, &reason),
        Command::Attach {
            incident,
            files,
            description,
        } => exhibits::attach(ctx, &incident, &files, &description),
        Command::Exhibits { json, action: None } => exhibits::list(ctx, json),
        Command::Exhibits {
            action: Some(args::ExhibitsAction::Delete { exhibit, reason }),
            ..
        } => exhibits::delete(ctx, &exhibit, &reason),
        Command::Extract {
            exhibit,
            out,
            force,
        } => exhibits::extract(ctx, &exhibit, &out, force),
        Command::Person(cmd) => people::person(ctx, cmd),
        Command::Order(cmd) => people::order(ctx, cmd),
        Command::Case(cmd) => profile::case(ctx, cmd),
        Command::Risk(cmd) => profile::risk(ctx, cmd),
        Command::Export {
            out,
            pack,
            from,
            to,
            only,
            json,
        } => export::export(
            ctx,
            &out,
            &pack,
            (from.as_deref(), to.as_deref()),
            only,
            json,
        ),
        Command::Verify { path } => export::verify(&path),
        Command::Import {
            file,
            format,
            timezone,
            date_order,
            me,
            source,
            json,
        } => messages::import(
            ctx,
            &file,
            messages::ImportArgs {
                format,
                timezone,
                date_order,
                me,
                source,
            },
            json,
        ),
        Command::Messages {
            filter,
            json,
            action: None,
        } => messages::list(ctx, filter, json),
        Command::Messages {
            action: Some(action),
            ..
        } => messages::act(ctx, action),
        Command::Backup {
            out,
            backup_passphrase_file,
            json,
        } => backup::backup(ctx, &out, backup_passphrase_file, json),
        Command::Restore {
            file,
            backup_passphrase_file,
            json,
        } => backup::restore(ctx, &file, backup_passphrase_file, json),
    }
}
