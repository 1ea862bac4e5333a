//! The unlocked diary in managed state, and what each command does with it.
//! Passphrases are wrapped as [`Passphrase`] (wiped on drop) as soon as they
//! arrive; the diary is dropped (keys wiped) on lock.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use incident_diary::Passphrase;
use incident_diary::model::Incident;
use incident_diary::{Diary, SystemClock};

use crate::drafts;
use crate::dto::{
    AddedDto, IncidentDto, ProfileDto, RecoveryDto, RotationDto, StatusDto, TimelineDto,
    TimelineQuery, UnlockedDto,
};
use crate::error::{IpcError, IpcResult};
use crate::idle::Idle;
use crate::viewing::{Viewing, open_in_viewer};
use crate::views;

/// The app's one vault and, while unlocked, its diary.
pub struct Session {
    vault: PathBuf,
    diary: Mutex<Option<Diary>>,
    idle: Idle,
    /// Files opened in another app: wiped at every lock.
    viewing: Viewing,
}

fn secret(text: String) -> Passphrase {
    Passphrase::new(text)
}

impl Session {
    pub fn new(vault: PathBuf, viewing: Viewing) -> Self {
        Session {
            vault,
            diary: Mutex::new(None),
            idle: Idle::new(),
            viewing,
        }
    }

    /// The diary's folder.
    pub fn vault(&self) -> &std::path::Path {
        &self.vault
    }

    /// The clock of the last sign of use (see [`crate::idle`]).
    pub fn idle(&self) -> &Idle {
        &self.idle
    }

    fn slot(&self) -> MutexGuard<'_, Option<Diary>> {
        self.diary.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open diary. Each use restarts the idle clock, at
    /// the start and at the end (an export may run for minutes).
    pub fn with<T>(&self, f: impl FnOnce(&mut Diary) -> incident_diary::Result<T>) -> IpcResult<T> {
        self.holding(|d| Ok(f(d)?))
    }

    /// [`Session::with`] for work that fails with the app's own errors.
    /// The diary stays held until `f` returns, so a lock waits for it and
    /// then wipes what it wrote; after a lock, `f` does not run at all.
    pub(crate) fn holding<T>(&self, f: impl FnOnce(&mut Diary) -> IpcResult<T>) -> IpcResult<T> {
        let mut slot = self.slot();
        let diary = slot.as_mut().ok_or_else(IpcError::locked)?;
        self.idle.touch();
        let result = f(diary);
        self.idle.touch();
        result
    }

    pub fn status(&self) -> StatusDto {
        StatusDto {
            vault_exists: Diary::exists(&self.vault),
            unlocked: self.slot().is_some(),
            wait_seconds: Diary::unlock_wait(&self.vault, &SystemClock)
                .map(|w| w.as_secs() + u64::from(w.subsec_nanos() > 0)),
        }
    }

    pub fn create(&self, passphrase: String) -> IpcResult<RecoveryDto> {
        let kdf = Diary::calibrated_kdf();
        let (diary, key) =
            Diary::create(&self.vault, &secret(passphrase), kdf, Box::new(SystemClock))?;
        mark_unkept(&diary);
        self.idle.touch();
        *self.slot() = Some(diary);
        Ok(RecoveryDto {
            recovery_key: key.to_string(),
        })
    }

    /// Opens the diary; with `accept_older`, also a copy older than this
    /// device last saw (the owner put it back on purpose).
    pub fn unlock(&self, passphrase: String, accept_older: bool) -> IpcResult<UnlockedDto> {
        let (pass, clock) = (secret(passphrase), Box::new(SystemClock));
        let diary = if accept_older {
            Diary::unlock_accepting_older(&self.vault, &pass, clock)?.0
        } else {
            Diary::unlock(&self.vault, &pass, clock)?
        };
        let (last, wrong) = (diary.last_entry(), diary.wrong_passphrases_before_open());
        let recovery_key_unkept = diary.recovery_key_unkept();
        self.idle.touch();
        *self.slot() = Some(diary);
        Ok(UnlockedDto {
            last_entry: last.seq,
            last_recorded_at: last.recorded_at,
            wrong_passphrases: wrong.count,
            last_wrong_at: wrong.last,
            recovery_key_unkept,
        })
    }

    /// Opens the diary with the recovery key (the passphrase is lost, or
    /// someone else knows it) and replaces the passphrase, the diary's key
    /// and the recovery key at once, at a cost measured again on this
    /// device. The diary stays locked unless all of it succeeds.
    pub fn recover(&self, recovery_key: String, new: String) -> IpcResult<RotationDto> {
        let recovery_key = zeroize::Zeroizing::new(recovery_key);
        let clock = Box::new(SystemClock);
        let (mut diary, _) = Diary::unlock_with_recovery_key(&self.vault, &recovery_key, clock)?;
        let key = diary.rotate_keys(&secret(new), Some(Diary::calibrated_kdf()))?;
        let dto = RotationDto {
            recovery_key: key.to_string(),
            fingerprint: diary.signing_fingerprint(),
        };
        // Handed to the screen that shows it.
        diary.recovery_key_shown();
        mark_unkept(&diary);
        self.idle.touch();
        *self.slot() = Some(diary);
        Ok(dto)
    }

    /// Keeps the form being typed (the page's JSON) in its slot, sealed
    /// (see [`crate::drafts`] and `Diary::save_draft`).
    pub fn save_draft(&self, draft: &serde_json::Value) -> IpcResult<()> {
        self.holding(|d| {
            let kept = d.draft()?;
            match drafts::saved(kept.as_deref().map(|b| b.as_slice()), draft) {
                Ok(Some(bytes)) => Ok(d.save_draft(&zeroize::Zeroizing::new(bytes))?),
                Ok(None) => Ok(()),
                Err(drafts::TooLong) => Err(IpcError::invalid(
                    "draft",
                    "it is too long to keep as a draft: save it as an entry now",
                )),
            }
        })
    }

    /// Every draft kept (one that is not JSON is no draft).
    pub fn drafts(&self) -> IpcResult<Vec<serde_json::Value>> {
        let bytes = self.with(|d| d.draft())?;
        Ok(drafts::listed(bytes.as_deref().map(|b| b.as_slice())))
    }

    /// Drops the draft of the form `which` names (saved, or thrown away).
    pub fn discard_draft(&self, which: &serde_json::Value) -> IpcResult<()> {
        self.with(|d| {
            let kept = d.draft()?;
            match drafts::without(kept.as_deref().map(|b| b.as_slice()), which) {
                Some(bytes) => d.save_draft(&zeroize::Zeroizing::new(bytes)),
                None => d.discard_draft(),
            }
        })
    }

    /// Drops the diary, wiping its keys. Waits for a running export or
    /// import to finish with it; the UI has already blanked itself.
    pub fn lock(&self) {
        self.slot().take();
        self.viewing.wipe();
    }

    /// Locks the diary if it is open; whether it was. A running export or
    /// import holds the diary, so this waits for it (and it restarts the
    /// idle clock when it ends, so the diary is not locked under it).
    pub fn lock_if_open(&self) -> bool {
        let mut slot = self.slot();
        if !self.idle.expired() {
            return false;
        }
        self.viewing.wipe();
        slot.take().is_some()
    }

    pub fn timeline(&self, query: &TimelineQuery) -> IpcResult<TimelineDto> {
        self.with(|d| Ok(views::timeline(d, query)))
    }

    pub fn add_incident(&self, incident: Incident) -> IpcResult<AddedDto> {
        self.with(|d| d.add_incident(incident))
            .map(|r| AddedDto { number: r.number })
    }

    pub fn incident(&self, number: u32, exhibits_from: usize) -> IpcResult<IncidentDto> {
        self.with(|d| views::incident(d, number, exhibits_from))
    }

    pub fn amend(&self, number: u32, incident: Incident, reason: &str) -> IpcResult<()> {
        self.with(|d| {
            let id = d.incident_by_number(number)?.id;
            d.amend_incident(id, incident, reason)
        })
    }

    pub fn withdraw(&self, number: u32, reason: &str) -> IpcResult<()> {
        self.with(|d| {
            let id = d.incident_by_number(number)?.id;
            d.withdraw_incident(id, reason)
        })
    }

    pub fn thumbnail(&self, number: u32) -> IpcResult<Option<String>> {
        self.with(|d| {
            Ok(d.exhibit_thumbnail(number)?
                .map(|jpeg| data_encoding::BASE64.encode(&jpeg)))
        })
    }

    /// A photo full size, as base64 (bounded: IPC replies stay small enough
    /// for a phone's webview; a larger file is saved to open instead).
    pub fn picture(&self, number: u32) -> IpcResult<String> {
        const MAX_PICTURE: u64 = 16_000_000;
        self.with(|d| {
            let bytes = d.exhibit_bytes(number, MAX_PICTURE)?;
            Ok(data_encoding::BASE64.encode(&bytes))
        })
    }

    /// An audio or video exhibit's bytes, verified, for the page's player
    /// (in its memory only); a longer one is opened in another app.
    pub fn media(&self, number: u32) -> IpcResult<Vec<u8>> {
        const MAX_MEDIA: u64 = 64_000_000;
        self.with(|d| {
            let mut bytes = d.exhibit_bytes(number, MAX_MEDIA)?;
            Ok(std::mem::take(&mut *bytes))
        })
    }

    /// Decrypts an exhibit into the private folder (checked against its
    /// SHA-256) and opens it in the device's viewer. All of it holds the
    /// diary: a lock racing it waits, then wipes the file.
    pub fn open_exhibit(&self, number: u32) -> IpcResult<()> {
        self.holding(|d| {
            let name = d
                .state()
                .exhibit(number)
                .map(|e| e.exhibit.original_name.clone())
                .ok_or_else(|| IpcError::invalid("number", "no such exhibit"))?;
            if !crate::viewing::passive(&name) {
                return Err(IpcError::invalid(
                    "number",
                    "this kind of file could run as a program, so it is not opened here: save a copy with `diary extract` and check it first",
                ));
            }
            let path = self.viewing.path_for(&name)?;
            d.extract(number, &path, false)?;
            open_in_viewer(&path)
        })
    }

    /// Opens `pdf` (the report of the last export) in the device's viewer,
    /// from the private folder; refused once locked, and a lock racing it
    /// waits for it and then wipes the file.
    pub fn open_pdf(&self, pdf: &[u8]) -> IpcResult<()> {
        self.holding(|_| {
            let path = self.viewing.path_for("report.pdf")?;
            crate::viewing::write_new(&path, pdf)
                .map_err(|e| IpcError::other(format!("cannot open the report: {e}")))?;
            open_in_viewer(&path)
        })
    }

    pub fn profile(&self) -> IpcResult<ProfileDto> {
        self.with(|d| Ok(views::profile(d)))
    }

    pub fn change_passphrase(&self, current: String, new: String) -> IpcResult<()> {
        // The open diary is not proof enough: whoever holds the unlocked
        // phone must also know the current passphrase to change it.
        self.with(|d| {
            d.confirm_passphrase(&secret(current))?;
            d.change_passphrase(&secret(new), None)
        })
    }

    /// A new passphrase, vault key and recovery key ("someone knows my
    /// passphrase"), after the current passphrase is confirmed.
    pub fn rotate_keys(&self, current: String, new: String) -> IpcResult<RotationDto> {
        self.with(|d| {
            d.confirm_passphrase(&secret(current))?;
            let key = d.rotate_keys(&secret(new), None)?;
            let dto = RotationDto {
                recovery_key: key.to_string(),
                fingerprint: d.signing_fingerprint(),
            };
            // Handed to the screen that shows it.
            d.recovery_key_shown();
            mark_unkept(d);
            Ok(dto)
        })
    }

    /// A new recovery key, after the current passphrase is confirmed.
    pub fn new_recovery_key(&self, passphrase: String) -> IpcResult<RecoveryDto> {
        self.with(|d| {
            d.confirm_passphrase(&secret(passphrase))?;
            let key = d.replace_recovery_key()?;
            // Handed to the screen that shows it.
            d.recovery_key_shown();
            mark_unkept(d);
            Ok(key)
        })
        .map(|key| RecoveryDto {
            recovery_key: key.to_string(),
        })
    }
}

/// Notes that a recovery key is on screen and not yet said to be kept, so a
/// lock or quick exit on that screen does not lose it unnoticed. Best
/// effort: the key is on screen either way.
fn mark_unkept(diary: &Diary) {
    let _ = diary.mark_recovery_key_unkept();
}
