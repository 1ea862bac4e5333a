//! The IPC commands: one line each, over [`Session`]. Long work (attaching,
//! exporting) runs on a blocking thread and reports progress as events.
//! Every command that touches the diary is `async`: synchronous commands run
//! on the main thread, which would freeze the window while an export holds
//! the diary.

use incident_diary::model::{CaseProfile, Id, Incident, Order, Person, RiskCheck};
use tauri::{AppHandle, State};

use crate::disguise::{DISGUISES, Look};
use crate::dto::{
    AddedDto, ExhibitDto, ExportDto, ExportRequest, IncidentDto, ProfileDto, RecoveryDto,
    RotationDto, StatusDto, TimelineDto, TimelineQuery, UnlockedDto, VocabularyDto,
};
use crate::dto::{BackupDto, BackupStateDto, LookDto, RestoreDto};
use crate::error::IpcError;
use crate::error::IpcResult;
use crate::notes::Notes;
use crate::session::Session;

#[tauri::command]
pub async fn status(session: State<'_, Session>) -> IpcResult<StatusDto> {
    Ok(session.status())
}

#[tauri::command]
pub async fn create_diary(
    session: State<'_, Session>,
    passphrase: String,
) -> IpcResult<RecoveryDto> {
    session.create(passphrase)
}

#[tauri::command]
pub async fn unlock(
    session: State<'_, Session>,
    passphrase: String,
    accept_older: Option<bool>,
) -> IpcResult<UnlockedDto> {
    session.unlock(passphrase, accept_older.unwrap_or(false))
}

#[tauri::command]
pub async fn lock(session: State<'_, Session>) -> IpcResult<()> {
    session.lock();
    Ok(())
}

/// A sign of use from the page (typing, tapping, scrolling), at most every
/// 20 seconds: restarts the shell's idle clock (see [`crate::idle`]).
#[tauri::command]
pub async fn still_here(session: State<'_, Session>) -> IpcResult<()> {
    session.idle().touch();
    Ok(())
}

/// The auto-lock delay chosen in Settings, for the shell's own idle lock.
#[tauri::command]
pub async fn set_auto_lock(session: State<'_, Session>, minutes: u32) -> IpcResult<()> {
    session.idle().set_minutes(minutes);
    Ok(())
}

#[tauri::command]
pub async fn timeline(session: State<'_, Session>, query: TimelineQuery) -> IpcResult<TimelineDto> {
    session.timeline(&query)
}

#[tauri::command]
pub async fn add_incident(session: State<'_, Session>, incident: Incident) -> IpcResult<AddedDto> {
    session.add_incident(incident)
}

#[tauri::command]
pub async fn incident(
    session: State<'_, Session>,
    number: u32,
    exhibits_from: Option<usize>,
) -> IpcResult<IncidentDto> {
    session.incident(number, exhibits_from.unwrap_or(0))
}

#[tauri::command]
pub async fn amend_incident(
    session: State<'_, Session>,
    number: u32,
    incident: Incident,
    reason: String,
) -> IpcResult<()> {
    session.amend(number, incident, &reason)
}

#[tauri::command]
pub async fn withdraw_incident(
    session: State<'_, Session>,
    number: u32,
    reason: String,
) -> IpcResult<()> {
    session.withdraw(number, &reason)
}

#[tauri::command]
pub async fn attach_files(
    app: AppHandle,
    number: u32,
    descriptions: Vec<String>,
) -> IpcResult<Vec<ExhibitDto>> {
    crate::attach::attach(app, number, descriptions).await
}

/// Shows the native file dialog; the page gets the names and sizes, to ask
/// for a description of each before `attach_files`.
#[tauri::command]
pub async fn pick_files(app: AppHandle) -> IpcResult<Vec<crate::attach::PickedDto>> {
    crate::attach::pick(app).await
}

#[tauri::command]
pub async fn exhibit_thumbnail(
    session: State<'_, Session>,
    number: u32,
) -> IpcResult<Option<String>> {
    session.thumbnail(number)
}

/// A photo exhibit full size (base64), decrypted to memory only.
#[tauri::command]
pub async fn exhibit_picture(session: State<'_, Session>, number: u32) -> IpcResult<String> {
    session.picture(number)
}

/// An audio or video exhibit for the page's player: raw bytes (an
/// ArrayBuffer in the page), decrypted and verified in memory only.
#[tauri::command]
pub async fn exhibit_media(
    session: State<'_, Session>,
    number: u32,
) -> IpcResult<tauri::ipc::Response> {
    session.media(number).map(tauri::ipc::Response::new)
}

/// Opens an exhibit in the device's own viewer, from the private folder
/// wiped at lock (see [`crate::viewing`]).
#[tauri::command]
pub async fn open_exhibit(session: State<'_, Session>, number: u32) -> IpcResult<()> {
    session.open_exhibit(number)
}

/// Opens the report of the last export in the device's viewer.
#[tauri::command]
pub async fn open_report(
    session: State<'_, Session>,
    last: State<'_, crate::exports::LastExport>,
) -> IpcResult<()> {
    let pdf = crate::exports::last_report(&last)?;
    session.open_pdf(&pdf)
}

#[tauri::command]
pub async fn profile(session: State<'_, Session>) -> IpcResult<ProfileDto> {
    session.profile()
}

#[tauri::command]
pub async fn set_case(session: State<'_, Session>, case: CaseProfile) -> IpcResult<()> {
    session.with(|d| d.set_case(case))
}

#[tauri::command]
pub async fn add_person(session: State<'_, Session>, person: Person) -> IpcResult<String> {
    session.with(|d| d.add_person(person).map(|id| id.to_hex()))
}

/// Corrects a person: the full new version and why (the earlier one stays
/// in the history).
#[tauri::command]
pub async fn amend_person(
    session: State<'_, Session>,
    id: String,
    person: Person,
    reason: String,
) -> IpcResult<()> {
    let id = parse_id(&id)?;
    session.with(|d| d.amend_person(id, person, &reason))
}

/// Corrects an order, as `amend_person`.
#[tauri::command]
pub async fn amend_order(
    session: State<'_, Session>,
    id: String,
    order: Order,
    reason: String,
) -> IpcResult<()> {
    let id = parse_id(&id)?;
    session.with(|d| d.amend_order(id, order, &reason))
}

fn parse_id(id: &str) -> IpcResult<Id> {
    id.parse()
        .map_err(|_| IpcError::invalid("id", "id: not an id from this diary"))
}

#[tauri::command]
pub async fn add_order(session: State<'_, Session>, order: Order) -> IpcResult<String> {
    session.with(|d| d.add_order(order).map(|id| id.to_hex()))
}

#[tauri::command]
pub async fn add_risk_check(session: State<'_, Session>, check: RiskCheck) -> IpcResult<String> {
    session.with(|d| d.add_risk_check(check).map(|id| id.to_hex()))
}

#[tauri::command]
pub async fn export_bundle(app: AppHandle, request: ExportRequest) -> IpcResult<ExportDto> {
    crate::exports::export_picked(app, request).await
}

/// Deletes the file the last export wrote, and only that one.
#[tauri::command]
pub async fn delete_export(last: State<'_, crate::exports::LastExport>) -> IpcResult<()> {
    crate::exports::delete_last(&last)
}

#[tauri::command]
pub async fn change_passphrase(
    session: State<'_, Session>,
    current: String,
    new: String,
) -> IpcResult<()> {
    session.change_passphrase(current, new)
}

#[tauri::command]
pub async fn recover(
    session: State<'_, Session>,
    recovery_key: String,
    new: String,
) -> IpcResult<RotationDto> {
    session.recover(recovery_key, new)
}

#[tauri::command]
pub async fn rotate_keys(
    session: State<'_, Session>,
    current: String,
    new: String,
) -> IpcResult<RotationDto> {
    session.rotate_keys(current, new)
}

#[tauri::command]
pub async fn new_recovery_key(
    session: State<'_, Session>,
    passphrase: String,
) -> IpcResult<RecoveryDto> {
    session.new_recovery_key(passphrase)
}

#[tauri::command]
pub fn vocabulary() -> VocabularyDto {
    VocabularyDto::new()
}

/// The disguise chosen (window title and icon) and the choices.
#[tauri::command]
pub fn disguise(look: State<'_, Look>) -> LookDto {
    LookDto {
        current: look.current(),
        choices: DISGUISES,
    }
}

#[tauri::command]
pub fn set_disguise(app: AppHandle, look: State<'_, Look>, key: String) -> IpcResult<LookDto> {
    look.choose(&app, &key).map_err(IpcError::other)?;
    Ok(disguise(look))
}

/// The locked page's notes (plain text, apart from the diary).
#[tauri::command]
pub fn notes(notes: State<'_, Notes>) -> String {
    notes.read()
}

#[tauri::command]
pub fn save_notes(notes: State<'_, Notes>, text: String) -> IpcResult<()> {
    notes.write(&text).map_err(IpcError::other)
}

/// The form being typed, kept sealed as it is typed (debounced by the page).
#[tauri::command]
pub async fn save_draft(session: State<'_, Session>, draft: serde_json::Value) -> IpcResult<()> {
    session.save_draft(&draft)
}

/// The draft kept, offered back after unlock.
#[tauri::command]
pub async fn draft(session: State<'_, Session>) -> IpcResult<Vec<serde_json::Value>> {
    session.drafts()
}

#[tauri::command]
pub async fn discard_draft(session: State<'_, Session>, which: serde_json::Value) -> IpcResult<()> {
    session.discard_draft(&which)
}

/// Removes an exhibit's file (attached by mistake, or too intimate to keep)
/// with a reason: the record stays in the log, marked removed, and exports
/// count it.
#[tauri::command]
pub async fn remove_exhibit(
    session: State<'_, Session>,
    number: u32,
    reason: String,
) -> IpcResult<()> {
    session.with(|d| d.delete_exhibit(number, &reason))
}

/// The owner said the recovery key on screen is written down.
#[tauri::command]
pub async fn recovery_key_kept(session: State<'_, Session>) -> IpcResult<()> {
    session.with(|d| d.recovery_key_kept())
}

#[tauri::command]
pub async fn backup_state(session: State<'_, Session>) -> IpcResult<BackupStateDto> {
    session.backup_state()
}

/// Asks where, then writes an encrypted backup (progress: `backup`).
#[tauri::command]
pub async fn backup_now(app: AppHandle, passphrase: String) -> IpcResult<BackupDto> {
    Session::backup_picked(app, passphrase).await
}

/// Asks for a backup file and restores it where there is no diary yet.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, passphrase: String) -> IpcResult<RestoreDto> {
    Session::restore_picked(app, passphrase).await
}

/// The device's file dialog for a chat export; the page gets its name.
#[tauri::command]
pub async fn pick_chat(app: AppHandle) -> IpcResult<crate::chats::PickedChatDto> {
    crate::chats::pick(app).await
}

/// Imports the chat export picked last (see [`crate::chats`]).
#[tauri::command]
pub async fn import_chat(
    app: AppHandle,
    request: crate::chats::ImportRequest,
) -> IpcResult<crate::chats::ConversationDto> {
    crate::chats::import(app, request).await
}

/// This device's time zone, the import form's first answer.
#[tauri::command]
pub async fn device_zone() -> IpcResult<String> {
    Ok(crate::chats::device_zone())
}

#[tauri::command]
pub async fn conversations(
    session: State<'_, Session>,
) -> IpcResult<crate::chats::ConversationsDto> {
    session.with(|d| Ok(crate::chats::conversations(d)))
}

#[tauri::command]
pub async fn conversation(
    session: State<'_, Session>,
    number: u32,
    query: crate::chats::MessagesQuery,
) -> IpcResult<crate::chats::MessagesDto> {
    session.holding(|d| crate::chats::messages(d, number, &query))
}

/// A new incident quoting messages, with what she adds; its number.
#[tauri::command]
pub async fn incident_from_messages(
    session: State<'_, Session>,
    number: u32,
    messages: Vec<u32>,
    narrative: String,
    behaviours: Vec<incident_diary::model::Behaviour>,
) -> IpcResult<AddedDto> {
    session
        .with(|d| {
            crate::chats::incident_from_messages(d, number, &messages, &narrative, behaviours)
        })
        .map(|number| AddedDto { number })
}

/// Adds messages of conversation `number` to those incident `incident`
/// quotes, as an amendment with `reason`.
#[tauri::command]
pub async fn quote_messages(
    session: State<'_, Session>,
    number: u32,
    messages: Vec<u32>,
    incident: u32,
    reason: String,
) -> IpcResult<()> {
    session.with(|d| {
        let chat = d.chat(&number.to_string())?.id();
        let id = d.incident_by_number(incident)?.id;
        d.quote_messages(id, chat, &messages, &reason)
    })
}

/// Says a sender of conversation `number` is person `person` (or no one).
#[tauri::command]
pub async fn link_sender(
    session: State<'_, Session>,
    number: u32,
    sender: usize,
    person: Option<String>,
) -> IpcResult<()> {
    let person = person
        .map(|p| p.parse::<Id>())
        .transpose()
        .map_err(|_| IpcError::invalid("person", "not a person of the diary"))?;
    session.holding(|d| crate::chats::link_sender(d, number, sender, person))
}
