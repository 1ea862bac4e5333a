//! Command-line arguments (the contract in DESIGN section 5).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use super::profile_args::{
    CaseCommand, OrderCommand, OrderFlags, PersonCommand, PersonFlags, RiskCommand,
};

/// An encrypted, tamper-evident diary of stalking and harassment incidents.
#[derive(Debug, Parser)]
#[command(name = "diary", version, about, max_term_width = 100)]
pub struct Cli {
    /// Vault folder (default: the platform data folder, `incident-diary`).
    #[arg(long, global = true, env = "DIARY_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Read the passphrase from the first line of FILE (`-` = standard input)
    /// instead of asking on the terminal.
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault and print its recovery key once.
    Init {
        /// Argon2id memory in MiB (default: calibrated, about 64).
        #[arg(long, value_name = "MIB")]
        kdf_memory: Option<u32>,
        /// Argon2id passes (default: calibrated to about 0.6 s).
        #[arg(long, value_name = "N")]
        kdf_time: Option<u32>,
    },
    /// Record an incident from JSON or from flags.
    Add {
        /// Incident as JSON (`-` = standard input).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        #[command(flatten)]
        fields: IncidentFlags,
    },
    /// List incidents in order of occurrence.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one incident by number or id.
    Show {
        /// Incident number or id.
        incident: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Include the original and every amendment.
        #[arg(long)]
        history: bool,
    },
    /// Find incidents containing every word of TEXT.
    Search {
        /// Words to find (case-insensitive).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Amend an incident; the original stays in its history.
    Amend {
        /// Incident number or id.
        incident: String,
        /// Changed fields as JSON, merged over the current version (`-` = stdin).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Why it is amended (kept in the history).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        fields: IncidentFlags,
    },
    /// Withdraw an incident; it stays in the record, marked withdrawn.
    Withdraw {
        /// Incident number or id.
        incident: String,
        /// Why it is withdrawn (kept in the history).
        #[arg(long)]
        reason: String,
    },
    /// Attach files (photos, screenshots, audio, video, documents) to an incident as exhibits.
    Attach {
        /// Incident number or id.
        incident: String,
        /// Files to attach, in order (each gets the next exhibit number).
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// Description (applies to every file given).
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List exhibits: number, incident, name, size, type, SHA-256, capture time.
    #[command(args_conflicts_with_subcommands = true)]
    Exhibits {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<ExhibitsAction>,
    },
    /// Write an exhibit's original bytes to a file, verifying its SHA-256.
    Extract {
        /// Exhibit, e.g. JS/3 or 3.
        exhibit: String,
        /// Where to write it.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Replace PATH if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Perpetrators, witnesses and others.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Court orders and bail conditions.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Case details: name, exhibit prefix, police force, references.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Risk checks (the 11 S-DASH questions).
    #[command(subcommand)]
    Risk(RiskCommand),
    /// Change the passphrase (with --rotate: the diary's key and recovery key too).
    Passwd {
        /// Read the new passphrase from FILE (`-` = next line of standard input).
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<String>,
        /// Also replace the diary's key and the recovery key (someone knows
        /// or knew the passphrase): nothing written from now on opens with
        /// any earlier passphrase or recovery key, even in a copy of the vault.
        #[arg(long)]
        rotate: bool,
    },
    /// Make a new recovery key and print it once; the old one stops working.
    NewRecoveryKey,
    /// Set a new passphrase using the recovery key; the diary's key and the
    /// recovery key are replaced too (the new recovery key is printed once).
    Recover {
        /// Read the recovery key from FILE (`-` = next line of standard input).
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<String>,
        /// Read the new passphrase from FILE (`-` = next line of standard input).
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<String>,
    },
    /// Verify the whole vault: database, header, every log entry, the chain.
    Check {
        /// Accept a copy older than what this device last saw of the diary
        /// (you put it back on purpose) and remember it from now on.
        #[arg(long)]
        accept_older: bool,
        /// First remove triggers, views, indexes and tables that someone
        /// planted in the vault's database (it is refused while they are there).
        #[arg(long)]
        remove_planted: bool,
    },
    /// Write the evidence bundle for the police: report.pdf, exhibits, data, signed sums.
    Export {
        /// Where to write it: a new directory, or a new file ending in .zip.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// `officer` leaves out withdrawn entries and those you marked to keep back
        /// (both are counted in the report); `full` holds everything.
        #[arg(long, default_value = "officer", value_parser = ["officer", "full"])]
        pack: String,
        /// First day of the period, YYYY-MM-DD (by when incidents happened).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the period, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[command(flatten)]
        only: ExportOnlyArgs,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check an evidence bundle (a directory or .zip). Needs no passphrase.
    Verify {
        /// The bundle.
        path: PathBuf,
    },
    /// Import messages exported from a messaging app as a conversation:
    /// WhatsApp's "Export chat" (.txt, or .zip with media), Telegram
    /// Desktop's result.json, an SMS Backup & Restore XML file, an email
    /// (.eml) or a mailbox (.mbox). The original file is kept as an exhibit,
    /// byte for byte, and the files it carries as exhibits of their own;
    /// every line becomes part of a message or is flagged.
    Import {
        /// The export.
        file: PathBuf,
        /// The format, if it is not told from the file: whatsapp, telegram, sms or email.
        #[arg(long, value_name = "NAME")]
        format: Option<String>,
        /// The time zone of the phone that exported it (e.g. Europe/London);
        /// else this device's. The times are read in it, and it is recorded.
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// dmy or mdy: whether the chat's dates give the day or the month
        /// first, when they cannot tell (the import asks).
        #[arg(long, value_name = "ORDER", value_parser = ["dmy", "mdy"])]
        date_order: Option<String>,
        /// Your own name in the chat, as the export gives it.
        #[arg(long, value_name = "NAME")]
        me: Option<String>,
        /// Where it came from: the phone, the app, how it was exported (kept
        /// with it as its provenance).
        #[arg(long, value_name = "TEXT", default_value = "")]
        source: String,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List imported messages (all, or of one conversation, one sender, a
    /// period, or with some words), or make incidents from them.
    #[command(args_conflicts_with_subcommands = true)]
    Messages {
        #[command(flatten)]
        filter: MessageFilterArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<MessagesAction>,
    },
    /// Write an encrypted backup of the whole diary, exhibits included, to a new file.
    ///
    /// The backup file has its own passphrase: read from --backup-passphrase-file,
    /// else asked on the terminal (Enter alone uses the diary passphrase). In
    /// scripts (--passphrase-file given, no --backup-passphrase-file) the diary
    /// passphrase is used for the backup too. The file is in the age format:
    /// `age -d FILE | tar -x` also opens it.
    Backup {
        /// The backup file to write (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Read the backup passphrase from FILE (`-` = next line of standard input).
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into a new or empty --vault folder, checked before it is put in place.
    ///
    /// The backup passphrase is read from --backup-passphrase-file, else from
    /// --passphrase-file (scripts), else asked on the terminal. The restored
    /// diary opens with the passphrase it had when the backup was made.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Read the backup passphrase from FILE (`-` = next line of standard input).
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Incident fields as flags (`add`, `amend`). Lists replace the whole list.
#[derive(Debug, Args, Default)]
pub struct IncidentFlags {
    /// When it happened: RFC 3339, `YYYY-MM-DD HH:MM` (local time), `YYYY-MM-DD` or `now`.
    #[arg(long, value_name = "TIME")]
    pub occurred: Option<String>,
    /// When it ended (same forms as --occurred).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// exact, approximate or date_only.
    #[arg(long)]
    pub precision: Option<String>,
    /// One-line summary.
    #[arg(long)]
    pub title: Option<String>,
    /// What happened, in your own words.
    #[arg(long)]
    pub narrative: Option<String>,
    /// Where it happened.
    #[arg(long)]
    pub location: Option<String>,
    /// What they did (repeat or separate with commas; see README for names).
    #[arg(long = "behaviour", value_name = "NAME", value_delimiter = ',')]
    pub behaviours: Vec<String>,
    /// How it reached you (repeat or separate with commas).
    #[arg(long = "channel", value_name = "NAME", value_delimiter = ',')]
    pub channels: Vec<String>,
    /// Person id of someone responsible (repeatable).
    #[arg(long = "perpetrator", value_name = "ID")]
    pub perpetrators: Vec<String>,
    /// Person id of a witness (repeatable).
    #[arg(long = "witness", value_name = "ID")]
    pub witnesses: Vec<String>,
    /// Phone number, account or vehicle seen (repeatable).
    #[arg(long = "identifier", value_name = "TEXT")]
    pub identifiers: Vec<String>,
    /// 0 (minor) to 3 (severe).
    #[arg(long)]
    pub severity: Option<i64>,
    /// How it affected you.
    #[arg(long)]
    pub impact: Option<String>,
    /// What you did.
    #[arg(long)]
    pub response: Option<String>,
    /// How you kept the evidence.
    #[arg(long)]
    pub preserved: Option<String>,
    /// Tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave this entry out of the officer pack (it is still counted).
    #[arg(long)]
    pub exclude_from_officer_pack: bool,
}

/// Filters for `list` and `search`.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only incidents with this behaviour (repeatable: any of them).
    #[arg(long = "behaviour", value_name = "NAME", value_delimiter = ',')]
    pub behaviours: Vec<String>,
    /// Only incidents involving this person id.
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// Leave out withdrawn incidents.
    #[arg(long)]
    pub exclude_withdrawn: bool,
}

/// Narrowing an export to what `list` would show with the same filters
/// (what is left out is counted, and the report says what was chosen).
#[derive(Debug, Args)]
pub struct ExportOnlyArgs {
    /// Only incidents with this behaviour (repeatable: any of them).
    #[arg(long = "behaviour", value_name = "NAME", value_delimiter = ',')]
    pub behaviours: Vec<String>,
    /// Only incidents involving this person id.
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// Only incidents containing every one of these words (as `search`).
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
}

/// `exhibits` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExhibitsAction {
    /// Delete an exhibit's file for good. The deletion and its reason are
    /// recorded; the exhibit's number, name and SHA-256 stay on the record.
    Delete {
        /// Exhibit, e.g. JS/3.
        exhibit: String,
        /// Why it is deleted (kept in the record).
        #[arg(long)]
        reason: String,
    },
}

/// Which messages `messages` lists.
#[derive(Debug, Args, Default)]
pub struct MessageFilterArgs {
    /// Conversation number (see `messages conversations`).
    #[arg(long, value_name = "N")]
    pub conversation: Option<u32>,
    /// Sent by NAME, as the export gives it.
    #[arg(long, value_name = "NAME")]
    pub sender: Option<String>,
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only messages holding every one of these words (any case).
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
}

/// `messages` subcommands.
#[derive(Debug, Subcommand)]
pub enum MessagesAction {
    /// List the imported conversations with where each came from.
    Conversations {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a new incident quoting messages of one conversation (its time,
    /// channel and perpetrators are taken from them).
    Incident {
        /// Conversation number.
        #[arg(long, value_name = "N")]
        conversation: u32,
        /// Message numbers: `3`, `3-7`, `3-7,9` (see `messages --conversation N`).
        #[arg(long, value_name = "LIST")]
        messages: String,
        #[command(flatten)]
        fields: Box<IncidentFlags>,
    },
    /// Add messages to those an incident quotes (an amendment, with a reason).
    Link {
        /// Conversation number.
        #[arg(long, value_name = "N")]
        conversation: u32,
        /// Message numbers: `3`, `3-7`, `3-7,9`.
        #[arg(long, value_name = "LIST")]
        messages: String,
        /// Incident number or id.
        #[arg(long, value_name = "INCIDENT")]
        incident: String,
        /// Why (kept in the incident's history).
        #[arg(long)]
        reason: String,
    },
    /// Say that a sender in a conversation is a person in People (`--person
    /// none` undoes it).
    Sender {
        /// Conversation number.
        #[arg(long, value_name = "N")]
        conversation: u32,
        /// The sender, as the export gives the name.
        #[arg(long, value_name = "NAME")]
        sender: String,
        /// Person id, or `none`.
        #[arg(long, value_name = "ID")]
        person: String,
    },
}
