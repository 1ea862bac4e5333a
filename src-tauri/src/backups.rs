//! Backup and restore from the app, as `diary backup` and `diary restore`
//! do them (the same core functions, so the same checks and errors): the
//! file is chosen in a native dialog run from Rust, and the work runs on a
//! blocking thread with progress events.

use incident_diary::{Diary, Passphrase, backup};
use tauri::{AppHandle, Emitter, Manager};

use crate::dto::{BackupDto, BackupStateDto, ProgressDto, RestoreDto};
use crate::error::{IpcError, IpcResult, blocking};
use crate::picker;
use crate::session::Session;

fn passphrase(text: String) -> IpcResult<Passphrase> {
    if text.is_empty() {
        return Err(IpcError::other("Choose a passphrase for the backup."));
    }
    Ok(Passphrase::new(text))
}

impl Session {
    /// When the last backup was made, and where it went (if this diary
    /// made it).
    pub fn backup_state(&self) -> IpcResult<BackupStateDto> {
        self.with(|d| {
            Ok(BackupStateDto {
                last: d.state().last_backup(),
                place: d.last_backup_place().map(|p| p.display().to_string()),
            })
        })
    }

    /// Asks where to save, then writes an encrypted backup with progress.
    pub async fn backup_picked(app: AppHandle, passphrase_text: String) -> IpcResult<BackupDto> {
        let pass = passphrase(passphrase_text)?;
        let suggested = format!("backup-{}.age", chrono::Local::now().format("%Y-%m-%d"));
        let picker_app = app.clone();
        let out = blocking(move || picker::backup_destination(&picker_app, &suggested))
            .await?
            .ok_or_else(IpcError::cancelled)?;
        blocking(move || {
            let session = app.state::<Session>();
            session.with(|d| {
                let mut report = |done: usize, total: usize| {
                    let _ = app.emit(
                        "progress",
                        ProgressDto {
                            task: "backup",
                            step: "Copying the diary and its files".into(),
                            done: done as u64,
                            total: total as u64,
                        },
                    );
                };
                let summary = d.backup_observed(&out, &pass, &mut report)?;
                Ok(BackupDto {
                    path: summary.path.display().to_string(),
                    created_at: summary.created_at,
                    log_entries: summary.log_entries,
                    exhibits: summary.exhibits,
                    bytes: summary.bytes,
                })
            })
        })
        .await?
    }

    /// Asks for a backup file and restores it into this app's (empty)
    /// diary folder; the diary then opens with its own passphrase.
    pub async fn restore_picked(app: AppHandle, passphrase_text: String) -> IpcResult<RestoreDto> {
        let pass = passphrase(passphrase_text)?;
        let vault = app.state::<Session>().vault().to_path_buf();
        if Diary::exists(&vault) {
            return Err(IpcError::other(
                "There is a diary here already: a backup is restored only where there is none.",
            ));
        }
        let picker_app = app.clone();
        let file = blocking(move || picker::backup_file(&picker_app))
            .await?
            .ok_or_else(IpcError::cancelled)?;
        blocking(move || {
            let summary = backup::restore(&file, &vault, &pass)?;
            Ok(RestoreDto {
                created_at: summary.created_at,
                log_entries: summary.log_entries,
                exhibits: summary.exhibits,
            })
        })
        .await?
    }
}
