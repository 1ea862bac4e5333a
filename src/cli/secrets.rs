//! Reading passphrases and recovery keys: from a file, from standard input
//! (one line per secret, in the order the command needs them), or from the
//! terminal without echo. Secrets are wiped from memory when dropped.

use std::io::BufRead;

use anyhow::{Context, Result};
use incident_diary::Passphrase;
use zeroize::Zeroizing;

use super::usage;

/// Where the current passphrase comes from.
pub struct SecretSource {
    passphrase_file: Option<String>,
    /// The first line of standard input, read up front for `--passphrase-file -`.
    from_stdin: Option<Zeroizing<String>>,
}

impl SecretSource {
    /// `passphrase_file` is the global `--passphrase-file`. With `-`, the first
    /// line of standard input is taken now, before any command reads the rest
    /// of it (for example `add --json -`).
    pub fn new(passphrase_file: Option<String>) -> Result<Self> {
        let from_stdin = match passphrase_file.as_deref() {
            Some("-") => Some(read_secret_line("-")?),
            _ => None,
        };
        Ok(SecretSource {
            passphrase_file,
            from_stdin,
        })
    }

    /// Whether secrets come from `--passphrase-file` (a script), not the terminal.
    pub fn is_scripted(&self) -> bool {
        self.passphrase_file.is_some()
    }

    fn given(&mut self) -> Result<Option<Zeroizing<String>>> {
        if let Some(text) = self.from_stdin.take() {
            return Ok(Some(text));
        }
        match self.passphrase_file.as_deref() {
            Some("-") => Err(usage("standard input holds only one passphrase line")),
            Some(source) => Ok(Some(read_secret_line(source)?)),
            None => Ok(None),
        }
    }

    /// The current passphrase.
    pub fn passphrase(&mut self, prompt: &str) -> Result<Passphrase> {
        let mut text = match self.given()? {
            Some(text) => text,
            None => prompt_secret(prompt)?,
        };
        Ok(Passphrase::new(std::mem::take(&mut *text)))
    }

    /// A new passphrase: from `file` if given, else from `--passphrase-file`
    /// when `use_global` (for `init` and `recover`, which have no current
    /// passphrase), else asked twice on the terminal.
    pub fn new_passphrase(&mut self, file: Option<&str>, use_global: bool) -> Result<Passphrase> {
        let given = match file {
            Some(source) => Some(read_secret_line(source)?),
            None if use_global => self.given()?,
            None => None,
        };
        let mut text = match given {
            Some(text) => text,
            None => {
                let first = prompt_secret("New passphrase: ")?;
                let again = prompt_secret("Repeat the new passphrase: ")?;
                if *first != *again {
                    return Err(usage("the two passphrases differ; nothing was changed"));
                }
                first
            }
        };
        if text.is_empty() {
            return Err(usage("the passphrase must not be empty"));
        }
        Ok(Passphrase::new(std::mem::take(&mut *text)))
    }
}

/// First line of `source` (`-` = the next line of standard input), without
/// its line ending.
pub fn read_secret_line(source: &str) -> Result<Zeroizing<String>> {
    let mut line = Zeroizing::new(String::new());
    if source == "-" {
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("could not read standard input")?;
    } else {
        let file =
            std::fs::File::open(source).map_err(|e| usage(format!("cannot read {source}: {e}")))?;
        std::io::BufReader::new(file)
            .read_line(&mut line)
            .map_err(|e| usage(format!("cannot read {source}: {e}")))?;
    }
    let trimmed = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed);
    Ok(line)
}

/// Asks on the terminal without echo; refuses when there is no terminal.
pub fn prompt_secret(prompt: &str) -> Result<Zeroizing<String>> {
    let text = rpassword::prompt_password(prompt).map_err(|_| {
        usage("no terminal to ask for the secret on; use --passphrase-file FILE (or - for standard input)")
    })?;
    Ok(Zeroizing::new(text))
}
