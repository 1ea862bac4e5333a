//! Arguments of the case commands: `person`, `order`, `case`, `risk`.

use clap::{Args, Subcommand};

/// `person` subcommands.
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Add a person.
    Add {
        /// Person as JSON (`-` = standard input).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        #[command(flatten)]
        fields: PersonFlags,
    },
    /// Correct a person; the earlier version stays in their history.
    Amend {
        /// Person id (see `person list`).
        person: String,
        /// Changed fields as JSON, merged over the current version (`-` = stdin).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Why it is corrected (kept in the history).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        fields: PersonFlags,
    },
    /// List people.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A person's fields as flags (over `--json`; a list given replaces the list).
#[derive(Debug, Args)]
pub struct PersonFlags {
    /// perpetrator, witness or other.
    #[arg(long)]
    pub role: Option<String>,
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// Other name (repeatable).
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// Relationship to you.
    #[arg(long)]
    pub relationship: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Phone number, account or vehicle (repeatable).
    #[arg(long = "identifier")]
    pub identifiers: Vec<String>,
}

/// `order` subcommands.
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Add an order.
    Add {
        /// Order as JSON (`-` = standard input).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        #[command(flatten)]
        fields: OrderFlags,
    },
    /// Correct an order (e.g. varied conditions); the earlier version stays in its history.
    Amend {
        /// Order id (see `order list`).
        order: String,
        /// Changed fields as JSON, merged over the current version (`-` = stdin).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Why it is corrected (kept in the history).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        fields: OrderFlags,
    },
    /// List orders.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// An order's fields as flags (over `--json`; conditions given replace the list).
#[derive(Debug, Args)]
pub struct OrderFlags {
    /// Kind of order (see README).
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Reference.
    #[arg(long)]
    pub reference: Option<String>,
    /// Court.
    #[arg(long)]
    pub court: Option<String>,
    /// Date made (YYYY-MM-DD).
    #[arg(long)]
    pub made_on: Option<String>,
    /// Date it ends (YYYY-MM-DD).
    #[arg(long)]
    pub expires: Option<String>,
    /// Condition (repeatable).
    #[arg(long = "condition")]
    pub conditions: Vec<String>,
}

/// `case` subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Show the case details.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change case details (fields not given keep their value).
    Set {
        /// Case as JSON, merged over the current details (`-` = stdin).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Your name as it should appear on the report.
        #[arg(long)]
        victim_name: Option<String>,
        /// Exhibit prefix, e.g. your initials `JS`.
        #[arg(long)]
        exhibit_prefix: Option<String>,
        /// Police force.
        #[arg(long)]
        police_force: Option<String>,
        /// Officer in the case.
        #[arg(long)]
        officer: Option<String>,
        /// Crime reference (repeatable; replaces the list).
        #[arg(long = "crime-reference")]
        crime_references: Vec<String>,
    },
}

/// `risk` subcommands.
#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Record a risk check.
    Add {
        /// Check as JSON (`-` = standard input).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Day answered (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// QUESTION=yes|no|unknown (repeatable; see `risk questions`).
        #[arg(long = "answer", value_name = "QUESTION=ANSWER")]
        answers: Vec<String>,
        /// QUESTION=TEXT note for an answer (repeatable).
        #[arg(long = "note", value_name = "QUESTION=TEXT")]
        notes: Vec<String>,
        /// Who helped complete it.
        #[arg(long)]
        completed_with: Option<String>,
    },
    /// List risk checks.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the 11 questions and their machine names.
    Questions,
}
