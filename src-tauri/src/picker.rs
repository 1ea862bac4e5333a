//! Native file pickers, run from Rust so that the webview never gets
//! file-system access: it learns only the names of what was attached.
//!
//! With the `e2e` feature (tests only) the answers come from
//! `INCIDENT_DIARY_E2E_FILES` (one path per line) and
//! `INCIDENT_DIARY_E2E_SAVE_DIR` instead: WebDriver cannot drive a native
//! dialog. Release builds never have the feature.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

#[cfg(feature = "e2e")]
fn test_answer(var: &str) -> Option<Vec<PathBuf>> {
    std::env::var(var)
        .ok()
        .map(|v| v.lines().map(PathBuf::from).collect())
}

#[cfg(not(feature = "e2e"))]
fn test_answer(_: &str) -> Option<Vec<PathBuf>> {
    None
}

/// Files to attach; empty when the picker was closed.
pub fn files(app: &AppHandle) -> Vec<PathBuf> {
    if let Some(paths) = test_answer("INCIDENT_DIARY_E2E_FILES") {
        return paths;
    }
    app.dialog()
        .file()
        .set_title("Choose files to attach")
        .blocking_pick_files()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect()
}

/// A chat exported from a messaging app, to import; `None` when closed.
pub fn chat_export(app: &AppHandle) -> Option<PathBuf> {
    if let Some(paths) = test_answer("INCIDENT_DIARY_E2E_CHAT") {
        return paths.into_iter().next();
    }
    app.dialog()
        .file()
        .set_title("Choose the exported chat")
        .add_filter(
            "Chat exports",
            &["txt", "zip", "json", "xml", "eml", "mbox"],
        )
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}

/// Where to save a backup (a new `.age` file); `None` when closed.
pub fn backup_destination(app: &AppHandle, suggested: &str) -> Option<PathBuf> {
    if let Some(dirs) = test_answer("INCIDENT_DIARY_E2E_SAVE_DIR") {
        return dirs.into_iter().next().map(|dir| dir.join(suggested));
    }
    app.dialog()
        .file()
        .set_title("Save the backup")
        .set_file_name(suggested)
        .add_filter("Backup", &["age"])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// A backup file to restore; `None` when closed.
pub fn backup_file(app: &AppHandle) -> Option<PathBuf> {
    if let Some(paths) = test_answer("INCIDENT_DIARY_E2E_BACKUP_FILE") {
        return paths.into_iter().next();
    }
    app.dialog()
        .file()
        .set_title("Choose the backup to restore")
        .add_filter("Backup", &["age"])
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}

/// Where to save an export (a new `.zip`); `None` when closed.
pub fn export_destination(app: &AppHandle, suggested: &str) -> Option<PathBuf> {
    if let Some(dirs) = test_answer("INCIDENT_DIARY_E2E_SAVE_DIR") {
        return dirs.into_iter().next().map(|dir| dir.join(suggested));
    }
    app.dialog()
        .file()
        .set_title("Save the evidence bundle")
        .set_file_name(suggested)
        .add_filter("Zip archive", &["zip"])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}
