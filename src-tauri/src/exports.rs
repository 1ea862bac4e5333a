//! Export from the app: where to save (a native dialog, a neutral file
//! name the victim chooses), the export on a blocking thread with progress,
//! and "Delete this copy" once it has been handed over. The path of the
//! last export is kept in memory only, and only that file can be deleted.

use std::path::PathBuf;
use std::sync::Mutex;

use incident_diary::export::{ExportOptions, Progress};
use tauri::{AppHandle, Emitter, Manager};

use crate::dto::{ExportDto, ExportRequest, ProgressDto};
use crate::error::{IpcError, IpcResult, blocking};
use crate::picker;
use crate::session::Session;

/// The file the last export wrote, while the app runs.
#[derive(Default)]
pub struct LastExport(Mutex<Option<PathBuf>>);

impl LastExport {
    fn set(&self, path: PathBuf) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
    }

    fn get(&self) -> Option<PathBuf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn take(&self) -> Option<PathBuf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The report of the last export, read back from the bundle it wrote.
pub fn last_report(last: &LastExport) -> IpcResult<Vec<u8>> {
    const MAX_REPORT: u64 = 256 << 20;
    let path = last
        .get()
        .ok_or_else(|| IpcError::other("no export was made since the app started"))?;
    incident_diary::export::verify::report_pdf(&path, MAX_REPORT)
        .map_err(|e| IpcError::other(format!("cannot read the report: {e}")))
}

/// Asks where to save, then exports on a blocking thread with progress.
pub async fn export_picked(app: AppHandle, request: ExportRequest) -> IpcResult<ExportDto> {
    let pack = request.pack;
    let suggested = export_file_name(request.file_name.as_deref());
    let picker_app = app.clone();
    let out = blocking(move || picker::export_destination(&picker_app, &suggested))
        .await?
        .ok_or_else(IpcError::cancelled)?;
    blocking(move || {
        let session = app.state::<Session>();
        let options = ExportOptions {
            pack,
            from: request.from,
            to: request.to,
            only: request.only.unwrap_or_default(),
        };
        session.with(|d| {
            let mut report = |p: Progress| {
                let (step, done, total) = match p {
                    Progress::Exhibits { done, total } => ("Copying exhibits", done, total),
                    Progress::Entries { done, total } => ("Preparing entries", done, total),
                    Progress::Report => ("Typesetting the report", 1, 1),
                    Progress::Signing => ("Signing", 1, 1),
                };
                let _ = app.emit(
                    "progress",
                    ProgressDto {
                        task: "export",
                        step: step.into(),
                        done: done as u64,
                        total: total as u64,
                    },
                );
            };
            crate::idle::slow_export_for_tests(&mut || {
                report(Progress::Entries { done: 0, total: 1 })
            });
            let summary = d.export(&out, &options, &mut report)?;
            app.state::<LastExport>().set(summary.path.clone());
            Ok(ExportDto {
                path: summary.path.display().to_string(),
                fingerprint: summary.fingerprint,
                incidents: summary.counts.incidents,
                exhibits: summary.counts.exhibits,
                left_out: summary.counts.left_out(),
            })
        })
    })
    .await?
}

/// Deletes the file the last export wrote (the victim handed it over, or
/// does not want it on the device): only that file, once.
pub fn delete_last(last: &LastExport) -> IpcResult<()> {
    let path = last
        .take()
        .ok_or_else(|| IpcError::other("there is no export to delete"))?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => {
            last.set(path);
            Err(IpcError::other(format!(
                "the export could not be deleted: {e}"
            )))
        }
    }
}

/// The name offered in the save dialog: the victim's choice, reduced to a
/// plain file name ending in `.zip`, else a neutral one (nothing in it says
/// "diary" or "incident" to whoever looks at the Downloads folder).
fn export_file_name(chosen: Option<&str>) -> String {
    let plain: String = chosen
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | ':'))
        .collect();
    let plain = plain.trim().trim_start_matches('.').trim();
    let stem = plain.strip_suffix(".zip").unwrap_or(plain).trim();
    if stem.is_empty() {
        return format!("export-{}.zip", chrono::Local::now().format("%Y-%m-%d"));
    }
    format!("{}.zip", stem.chars().take(100).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_plain_and_neutral_by_default() {
        assert!(export_file_name(None).starts_with("export-"));
        assert!(export_file_name(Some("  ")).starts_with("export-"));
        assert_eq!(export_file_name(Some("for PC Smith")), "for PC Smith.zip");
        assert_eq!(export_file_name(Some("a.zip")), "a.zip");
        assert_eq!(export_file_name(Some("../../etc/x")), "etcx.zip");
        assert_eq!(export_file_name(Some("..")), export_file_name(None));
    }

    #[test]
    fn only_the_last_export_is_deleted_and_only_once() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("export-2026-12-01.zip");
        std::fs::write(&file, b"zip").unwrap();
        let last = LastExport::default();
        assert!(delete_last(&last).is_err(), "nothing exported yet");
        last.set(file.clone());
        delete_last(&last).unwrap();
        assert!(!file.exists());
        assert!(delete_last(&last).is_err(), "only once");
    }
}
