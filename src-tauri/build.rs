//! Generates the app's per-command permissions: a command the capability
//! files do not grant cannot be invoked from the webview.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(incident_diary_app_commands());
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}

/// Every command the UI may call (must match `generate_handler!` in lib.rs).
fn incident_diary_app_commands() -> &'static [&'static str] {
    &[
        "status",
        "create_diary",
        "unlock",
        "lock",
        "still_here",
        "set_auto_lock",
        "timeline",
        "add_incident",
        "incident",
        "amend_incident",
        "withdraw_incident",
        "attach_files",
        "exhibit_thumbnail",
        "profile",
        "set_case",
        "add_person",
        "add_order",
        "amend_person",
        "amend_order",
        "add_risk_check",
        "export_bundle",
        "change_passphrase",
        "new_recovery_key",
        "rotate_keys",
        "recover",
        "vocabulary",
        "disguise",
        "set_disguise",
        "notes",
        "save_notes",
        "save_draft",
        "draft",
        "discard_draft",
        "recovery_key_kept",
        "remove_exhibit",
        "delete_export",
        "pick_files",
        "exhibit_picture",
        "exhibit_media",
        "open_exhibit",
        "open_report",
        "backup_state",
        "backup_now",
        "restore_backup",
        "pick_chat",
        "import_chat",
        "device_zone",
        "conversations",
        "conversation",
        "incident_from_messages",
        "quote_messages",
        "link_sender",
    ]
}
