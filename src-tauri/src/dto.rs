//! What crosses IPC. Only what a screen shows: never a key (file keys live
//! only inside the core, so no record a DTO copies from can carry one).

use chrono::{DateTime, FixedOffset, NaiveDate};
use incident_diary::export::Pack;
use incident_diary::model::{
    Behaviour, CaseProfile, Channel, Incident, Order, Person, RiskCheck, RiskQuestion,
};
use serde::{Deserialize, Serialize};

/// What the first screen needs before anything is unlocked.
#[derive(Debug, Serialize)]
pub struct StatusDto {
    /// A vault exists in the folder (else: first run).
    pub vault_exists: bool,
    /// A diary is open.
    pub unlocked: bool,
    /// Seconds until the next passphrase attempt, while a wait runs.
    pub wait_seconds: Option<u64>,
}

/// What unlock tells the owner: the last entry (so that a diary put back
/// to an older copy is noticed) and the wrong passphrases tried since it
/// was last opened (someone may have been guessing).
#[derive(Debug, Serialize)]
pub struct UnlockedDto {
    pub last_entry: u64,
    pub last_recorded_at: Option<DateTime<FixedOffset>>,
    pub wrong_passphrases: u32,
    pub last_wrong_at: Option<DateTime<chrono::Utc>>,
    /// The last recovery key the app showed was never said to be written
    /// down (the screen was left by a lock or quick exit): offer a new one.
    pub recovery_key_unkept: bool,
}

/// When the last backup was made and where it went.
#[derive(Debug, Serialize)]
pub struct BackupStateDto {
    pub last: Option<DateTime<FixedOffset>>,
    pub place: Option<String>,
}

/// A backup just made.
#[derive(Debug, Serialize)]
pub struct BackupDto {
    pub path: String,
    pub created_at: DateTime<FixedOffset>,
    pub log_entries: u64,
    pub exhibits: usize,
    pub bytes: u64,
}

/// A backup just restored.
#[derive(Debug, Serialize)]
pub struct RestoreDto {
    pub created_at: DateTime<FixedOffset>,
    pub log_entries: u64,
    pub exhibits: u64,
}

/// The disguise chosen and the choices.
#[derive(Debug, Serialize)]
pub struct LookDto {
    pub current: crate::disguise::Disguise,
    pub choices: [crate::disguise::Disguise; 4],
}

/// Shown once after creating a diary.
#[derive(Debug, Serialize)]
pub struct RecoveryDto {
    /// The recovery key in groups of four.
    pub recovery_key: String,
}

/// Shown once after the diary's key was replaced.
#[derive(Debug, Serialize)]
pub struct RotationDto {
    /// The new recovery key in groups of four.
    pub recovery_key: String,
    /// The new export signing key's fingerprint (`SHA256:...`).
    pub fingerprint: String,
}

/// Filters of the timeline (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TimelineQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
    /// Machine name of a behaviour.
    pub behaviour: Option<Behaviour>,
    /// Person id (hex).
    pub person: Option<String>,
    /// Words to find.
    pub text: Option<String>,
    /// Lines to skip, newest first (paging).
    pub offset: usize,
    /// Lines wanted; 0 means [`PAGE`], and never more than [`MAX_PAGE`].
    pub limit: usize,
    /// Only the next page of lines: the pattern is already on screen.
    pub lines_only: bool,
}

/// Timeline lines per page by default.
pub const PAGE: usize = 50;
/// The most lines one reply holds, whatever is asked: every reply stays
/// small (about 300 bytes a line) however many entries the diary has.
pub const MAX_PAGE: usize = 200;
/// Weeks in the chart's numbers at most (five years): older incidents are
/// counted in `weeks_before`, so the reply stays bounded.
pub const MAX_WEEKS: usize = 260;

/// Incidents in a week, for the chart.
#[derive(Debug, Serialize)]
pub struct WeekDto {
    pub start: NaiveDate,
    pub count: usize,
}

/// How often one behaviour occurs.
#[derive(Debug, Serialize)]
pub struct BehaviourCountDto {
    pub behaviour: Behaviour,
    pub label: &'static str,
    pub count: usize,
}

/// One line of the timeline.
#[derive(Debug, Serialize)]
pub struct IncidentLineDto {
    pub number: u32,
    pub occurred_at: DateTime<FixedOffset>,
    /// The time as exactly as she knows it ("about", "the day only").
    pub occurred_until: Option<DateTime<FixedOffset>>,
    pub time_precision: incident_diary::model::TimePrecision,
    pub summary: String,
    pub behaviours: Vec<&'static str>,
    pub exhibits: usize,
    pub amendments: usize,
    pub withdrawn: bool,
}

/// The timeline: the pattern, then the entries newest first.
#[derive(Debug, Serialize)]
pub struct TimelineDto {
    /// Incidents per week, the last [`MAX_WEEKS`] weeks at most.
    pub weeks: Vec<WeekDto>,
    /// Incidents in weeks before those in `weeks`.
    pub weeks_before: usize,
    pub behaviours: Vec<BehaviourCountDto>,
    /// One page of the lines that match, newest first.
    pub incidents: Vec<IncidentLineDto>,
    /// Where the page starts among the lines that match.
    pub offset: usize,
    /// Lines that match the filters (withdrawn ones included).
    pub matching: usize,
    /// Incidents in the diary, before filtering.
    pub total: usize,
    /// When the last backup was made.
    pub last_backup: Option<DateTime<FixedOffset>>,
    /// Log entries in the diary: the number of the last one.
    pub log_entries: u64,
    /// When the last change was saved: shown at the top so that the owner
    /// notices a diary put back to an older copy.
    pub last_saved: Option<DateTime<FixedOffset>>,
    /// Why this device's rollback record could not be kept, if it could not.
    pub anchor_trouble: Option<String>,
    /// Log entries of a copy of this diary, in another folder, that went
    /// further than this one (an old copy may have been put in the way).
    pub newer_copy_seen: Option<u64>,
}

/// The result of saving an incident.
#[derive(Debug, Serialize)]
pub struct AddedDto {
    pub number: u32,
}

/// One version in an incident's history.
#[derive(Debug, Serialize)]
pub struct VersionDto {
    pub version: usize,
    pub recorded_at: DateTime<FixedOffset>,
    pub reason: Option<String>,
    pub incident: Incident,
}

/// Withdrawal or deletion: when and why.
#[derive(Debug, Serialize)]
pub struct RemovalDto {
    pub recorded_at: DateTime<FixedOffset>,
    pub reason: String,
}

/// An exhibit as a screen shows it.
#[derive(Debug, Serialize)]
pub struct ExhibitDto {
    pub number: u32,
    pub label: String,
    pub incident_number: u32,
    pub original_name: String,
    pub size: u64,
    pub media_type: String,
    pub sha256: String,
    pub description: String,
    pub added_at: DateTime<FixedOffset>,
    pub captured_at: Option<String>,
    pub deleted: Option<RemovalDto>,
    /// Whether [`crate::commands::exhibit_thumbnail`] can give a picture.
    pub is_photo: bool,
}

/// Everything about one incident.
#[derive(Debug, Serialize)]
pub struct IncidentDto {
    pub number: u32,
    pub id: String,
    pub current: Incident,
    /// The original and the latest versions, [`MAX_VERSIONS`] at most.
    pub history: Vec<VersionDto>,
    /// Versions in all (original included).
    pub versions: usize,
    pub withdrawn: Option<RemovalDto>,
    /// One page of its exhibits ([`EXHIBIT_PAGE`] at most), from `exhibits_from`.
    pub exhibits: Vec<ExhibitDto>,
    pub exhibits_from: usize,
    pub exhibits_total: usize,
    /// Imported messages it quotes (the first [`crate::chats::MAX_QUOTED_SHOWN`]).
    pub quoted: Vec<crate::chats::QuotedDto>,
    pub quoted_total: usize,
}

/// Versions of one incident shown at most: the original and the latest.
pub const MAX_VERSIONS: usize = 20;
/// Exhibits of one incident per reply.
pub const EXHIBIT_PAGE: usize = 100;
/// People, orders or risk checks per reply at most (far more than a case
/// holds; the bound keeps every reply small whatever the diary holds).
pub const MAX_LISTED: usize = 500;

/// Corrections of one person or order per reply at most: the latest.
pub const MAX_CORRECTIONS: usize = 10;

/// An object of the profile with its id, and its latest corrections with
/// the version each replaced (oldest first; people and orders only).
#[derive(Debug, Serialize)]
pub struct Stored<T> {
    pub id: String,
    pub recorded_at: DateTime<FixedOffset>,
    #[serde(flatten)]
    pub value: T,
    /// Every correction made, of which `history` holds the latest.
    pub corrections: usize,
    pub history: Vec<CorrectionDto<T>>,
}

/// One correction of a person or order.
#[derive(Debug, Serialize)]
pub struct CorrectionDto<T> {
    pub recorded_at: DateTime<FixedOffset>,
    pub reason: String,
    pub replaced: T,
}

/// Case, people, orders and risk checks.
#[derive(Debug, Serialize)]
pub struct ProfileDto {
    pub case: CaseProfile,
    /// The first [`MAX_LISTED`] of each; the totals say if there are more.
    pub people: Vec<Stored<Person>>,
    pub orders: Vec<Stored<Order>>,
    /// The latest [`MAX_LISTED`].
    pub risk_checks: Vec<Stored<RiskCheck>>,
    pub people_total: usize,
    pub orders_total: usize,
    pub risk_checks_total: usize,
}

/// A choice with its machine name and plain-language label.
#[derive(Debug, Serialize)]
pub struct TermDto {
    pub name: &'static str,
    pub label: &'static str,
}

/// The fixed vocabularies the forms offer.
#[derive(Debug, Serialize)]
pub struct VocabularyDto {
    pub behaviours: Vec<TermDto>,
    pub channels: Vec<TermDto>,
    pub risk_questions: Vec<TermDto>,
}

impl VocabularyDto {
    pub fn new() -> Self {
        VocabularyDto {
            behaviours: Behaviour::ALL
                .iter()
                .map(|b| TermDto {
                    name: b.as_str(),
                    label: b.label(),
                })
                .collect(),
            channels: Channel::ALL
                .iter()
                .map(|c| TermDto {
                    name: c.as_str(),
                    label: c.label(),
                })
                .collect(),
            risk_questions: RiskQuestion::ALL
                .iter()
                .map(|q| TermDto {
                    name: q.as_str(),
                    label: q.text(),
                })
                .collect(),
        }
    }
}

/// What to export.
#[derive(Debug, Deserialize)]
pub struct ExportRequest {
    /// `officer` or `full`; any other name is refused when the request is read.
    pub pack: Pack,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only what the timeline's filters show (the whole period when absent).
    #[serde(default)]
    pub only: Option<incident_diary::export::Only>,
    /// The file name the victim chose (offered in the save dialog); a
    /// neutral one when empty.
    #[serde(default)]
    pub file_name: Option<String>,
}

/// Where the bundle went and what to tell the officer.
#[derive(Debug, Serialize)]
pub struct ExportDto {
    pub path: String,
    pub fingerprint: String,
    pub incidents: usize,
    pub exhibits: usize,
    pub left_out: usize,
}

/// Progress of long work, sent as the `progress` event.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressDto {
    /// `attach`, `export` or `backup`.
    pub task: &'static str,
    /// What is happening, for the screen.
    pub step: String,
    pub done: u64,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unknown pack name is refused when the request is read; it used to
    /// be taken as the officer pack.
    #[test]
    fn an_unknown_pack_name_is_refused() {
        let read = |pack: &str| {
            serde_json::from_value::<ExportRequest>(
                serde_json::json!({"pack": pack, "from": null, "to": null}),
            )
        };
        assert_eq!(read("full").unwrap().pack, Pack::Full);
        assert_eq!(read("officer").unwrap().pack, Pack::Officer);
        assert!(read("everything").is_err());
        assert!(read("Full").is_err());
    }
}
