//! The app's disguise: the name and icon it shows in the window title, the
//! taskbar and the app switcher, always (not only when locked: the title is
//! what someone glancing at the screen or the switcher sees first).
//!
//! The choice is kept in `look.json` in the app's configuration folder,
//! apart from the diary and unencrypted (it must apply before unlock, and
//! says nothing but which everyday name was chosen). Tauri does not copy
//! `document.title` to the window, so the title is set here, in Rust.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::image::Image;
use tauri::{AppHandle, Manager};

/// One choice: what the app calls itself, and its icon.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Disguise {
    /// Machine name, kept in `look.json`.
    pub key: &'static str,
    /// The window title and the locked page's heading.
    pub name: &'static str,
    #[serde(skip)]
    icon: &'static [u8],
}

/// The choices; the first is the default.
pub const DISGUISES: [Disguise; 4] = [
    Disguise {
        key: "notes",
        name: "Notes",
        icon: include_bytes!("../../assets/icons/disguise/notes.png"),
    },
    Disguise {
        key: "shopping",
        name: "Shopping list",
        icon: include_bytes!("../../assets/icons/disguise/shopping.png"),
    },
    Disguise {
        key: "todo",
        name: "To do",
        icon: include_bytes!("../../assets/icons/disguise/todo.png"),
    },
    Disguise {
        key: "recipes",
        name: "Recipes",
        icon: include_bytes!("../../assets/icons/disguise/recipes.png"),
    },
];

#[derive(Serialize, Deserialize)]
struct Saved {
    disguise: String,
}

/// The chosen disguise and where the choice is kept.
pub struct Look {
    file: Option<PathBuf>,
    current: Mutex<Disguise>,
}

impl Look {
    /// Reads the choice from `config_dir` (the default when there is none
    /// or it cannot be read).
    pub fn load(config_dir: Option<PathBuf>) -> Look {
        let file = config_dir.map(|d| d.join("look.json"));
        let chosen = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<Saved>(&bytes).ok())
            .and_then(|saved| find(&saved.disguise))
            .unwrap_or(DISGUISES[0]);
        Look {
            file,
            current: Mutex::new(chosen),
        }
    }

    pub fn current(&self) -> Disguise {
        *self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Chooses `key`, keeps the choice and applies it to the window.
    pub fn choose(&self, app: &AppHandle, key: &str) -> Result<Disguise, String> {
        let chosen = find(key).ok_or_else(|| format!("there is no disguise called {key:?}"))?;
        if let Some(file) = &self.file {
            let saved = Saved {
                disguise: chosen.key.into(),
            };
            let bytes = serde_json::to_vec(&saved).map_err(|e| e.to_string())?;
            incident_diary::replace_file(file, &bytes).map_err(|e| e.to_string())?;
        }
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = chosen;
        apply(app, chosen);
        Ok(chosen)
    }
}

fn find(key: &str) -> Option<Disguise> {
    DISGUISES.iter().copied().find(|d| d.key == key)
}

/// Sets the window's title and icon. Best effort: a platform without
/// window icons (phones) keeps the title alone.
pub fn apply(app: &AppHandle, disguise: Disguise) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(disguise.name);
        if let Ok(icon) = Image::from_bytes(disguise.icon) {
            let _ = window.set_icon(icon);
        }
    }
}
