//! Attaching files in two steps, so that each file gets its own
//! description: the native dialog picks them (the page learns only their
//! names and sizes; the paths stay here, in memory), the page asks for a
//! description of each, then they are encrypted into the diary on a
//! blocking thread with progress.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::dto::{ExhibitDto, ProgressDto};
use crate::error::{IpcError, IpcResult, blocking};
use crate::session::Session;
use crate::{picker, views};

/// Files attached in one go at most.
const MAX_PICKED: usize = 200;

/// The files picked and not yet attached.
#[derive(Default)]
pub struct Picked(Mutex<Vec<PathBuf>>);

impl Picked {
    fn replace(&self, paths: Vec<PathBuf>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = paths;
    }

    fn take(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// A picked file as the page sees it.
#[derive(Debug, Serialize)]
pub struct PickedDto {
    pub name: String,
    pub size: u64,
}

fn name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Shows the native dialog; keeps what was chosen for [`attach`].
pub async fn pick(app: AppHandle) -> IpcResult<Vec<PickedDto>> {
    let picker_app = app.clone();
    let paths = blocking(move || picker::files(&picker_app)).await?;
    if paths.is_empty() {
        return Err(IpcError::cancelled());
    }
    // A description is asked for each, and every reply stays bounded.
    if paths.len() > MAX_PICKED {
        return Err(IpcError::invalid(
            "files",
            &format!("choose at most {MAX_PICKED} files at a time"),
        ));
    }
    let shown = paths
        .iter()
        .map(|p| PickedDto {
            name: name_of(p),
            size: std::fs::metadata(p).map_or(0, |m| m.len()),
        })
        .collect();
    app.state::<Picked>().replace(paths);
    Ok(shown)
}

/// Attaches the files picked last to incident `number`, `descriptions[i]`
/// describing the i-th (missing ones are empty), reporting bytes read as
/// `progress` events. The picked list is used once.
pub async fn attach(
    app: AppHandle,
    number: u32,
    descriptions: Vec<String>,
) -> IpcResult<Vec<ExhibitDto>> {
    let paths = app.state::<Picked>().take();
    if paths.is_empty() {
        return Err(IpcError::other("choose the files to attach first"));
    }
    blocking(move || {
        let session = app.state::<Session>();
        session.with(|d| {
            let id = d.incident_by_number(number)?.id;
            let sizes: Vec<u64> = paths
                .iter()
                .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
                .collect();
            let total = sizes.iter().sum();
            let mut before = 0u64;
            let mut added = Vec::new();
            for (i, (path, size)) in paths.iter().zip(&sizes).enumerate() {
                let name = name_of(path);
                let mut report = |done: u64| {
                    let _ = app.emit(
                        "progress",
                        ProgressDto {
                            task: "attach",
                            step: format!("Encrypting {name}"),
                            done: before + done,
                            total,
                        },
                    );
                };
                let description = descriptions.get(i).map_or("", |s| s.trim());
                let r = d.attach_observed(id, path, description, &mut report)?;
                before += size;
                added.push(r.number);
            }
            Ok(added
                .into_iter()
                .filter_map(|n| d.state().exhibit(n).map(|e| views::exhibit(d, e)))
                .collect())
        })
    })
    .await?
}
