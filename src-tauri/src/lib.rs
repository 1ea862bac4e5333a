//! The Incident Diary app: a thin Tauri 2 shell over the `incident-diary`
//! core. Commands are one-line delegations to [`session::Session`], which
//! holds the unlocked diary; every file is picked and read in Rust, so the
//! webview gets no file-system access at all. Errors cross IPC as
//! `{code, message}` and never carry diary content.

mod attach;
mod backups;
mod chats;
mod commands;
mod disguise;
mod drafts;
mod dto;
mod error;
mod exports;
mod idle;
mod notes;
mod picker;
mod session;
mod viewing;
mod views;

use std::path::PathBuf;

use incident_diary::Diary;
use tauri::{Emitter, Manager, RunEvent, WindowEvent};

/// The vault folder: `DIARY_VAULT` as for the CLI, else the same platform
/// data folder the CLI uses, else (on phones) the app's own data folder.
fn vault_dir(app: &tauri::App) -> PathBuf {
    std::env::var_os("DIARY_VAULT")
        .map(PathBuf::from)
        .or_else(Diary::default_dir)
        .or_else(|| app.path().app_data_dir().ok().map(|d| d.join("vault")))
        .unwrap_or_else(|| PathBuf::from("incident-diary"))
}

/// Starts the app (desktop `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    // Before any key or entry is in memory: no core dump, not dumpable.
    incident_diary::keep_memory_private();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // Rollback anchors: the CLI's folder in HOME on a computer, the
            // app's own configuration folder where there is none (phones).
            if Diary::anchor_folder().is_none()
                && let Ok(config) = app.path().app_config_dir()
            {
                Diary::use_anchor_folder(config.join("anchors"));
            }
            let dir = vault_dir(app);
            // Files opened in another app: in memory (the runtime folder)
            // where the device has one, in a folder whose name does not
            // name the app (a viewer's recent-files list shows the path).
            let view_dir = app
                .path()
                .runtime_dir()
                .ok()
                .map(|d| d.join(viewing::NEUTRAL_FOLDER))
                .or_else(|| app.path().app_cache_dir().ok().map(|d| d.join("view")));
            app.manage(session::Session::new(dir, viewing::Viewing::new(view_dir)));
            // The disguise applies from the first frame, before any unlock.
            let config = app.path().app_config_dir().ok();
            let look = disguise::Look::load(config.clone());
            disguise::apply(app.handle(), look.current());
            app.manage(look);
            app.manage(exports::LastExport::default());
            app.manage(attach::Picked::default());
            app.manage(chats::PickedChat::default());
            app.manage(notes::Notes::new(config));
            idle::watch(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| match event {
            // Minimised: the page blanks itself at once, and the diary is
            // locked off this thread: a long import or export holds the
            // diary, and waiting for it here would freeze the window with
            // everything still on it.
            WindowEvent::Resized(_) if window.is_minimized().unwrap_or(false) => {
                let _ = window.emit("locked", ());
                let app = window.app_handle().clone();
                std::thread::spawn(move || app.state::<session::Session>().lock());
            }
            // Closed: lock, and wipe what was opened in other apps, now
            // rather than at the next start.
            WindowEvent::CloseRequested { .. } | WindowEvent::Destroyed => {
                window.state::<session::Session>().lock();
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::create_diary,
            commands::unlock,
            commands::lock,
            commands::still_here,
            commands::set_auto_lock,
            commands::timeline,
            commands::add_incident,
            commands::incident,
            commands::amend_incident,
            commands::withdraw_incident,
            commands::attach_files,
            commands::exhibit_thumbnail,
            commands::profile,
            commands::set_case,
            commands::add_person,
            commands::add_order,
            commands::amend_person,
            commands::amend_order,
            commands::add_risk_check,
            commands::export_bundle,
            commands::change_passphrase,
            commands::new_recovery_key,
            commands::rotate_keys,
            commands::recover,
            commands::vocabulary,
            commands::disguise,
            commands::set_disguise,
            commands::notes,
            commands::save_notes,
            commands::save_draft,
            commands::draft,
            commands::discard_draft,
            commands::recovery_key_kept,
            commands::remove_exhibit,
            commands::delete_export,
            commands::pick_files,
            commands::exhibit_picture,
            commands::exhibit_media,
            commands::open_exhibit,
            commands::open_report,
            commands::backup_state,
            commands::backup_now,
            commands::restore_backup,
            commands::pick_chat,
            commands::import_chat,
            commands::device_zone,
            commands::conversations,
            commands::conversation,
            commands::incident_from_messages,
            commands::quote_messages,
            commands::link_sender,
        ])
        .build(tauri::generate_context!())
        .expect("the app could not start")
        .run(|app, event| {
            // However the app ends (last window closed, quit from the
            // system), the files opened in other apps go with it.
            if let RunEvent::Exit = event {
                app.state::<session::Session>().lock();
            }
        });
}
