//! Errors as they cross IPC: a stable code and a message with no diary
//! content (the core's messages name fields, numbers and paths only).

use serde::Serialize;

/// `{code, message}` for the UI.
#[derive(Debug, Serialize)]
pub struct IpcError {
    /// `wrong_secret`, `throttled`, `integrity`, `went_back` (an older copy
    /// than this device last saw), `not_found`, `invalid`,
    /// `other`, `locked` (no diary is open) or `cancelled` (a picker was
    /// closed).
    pub code: &'static str,
    /// One line for the user.
    pub message: String,
    /// For `invalid`: the field of the input at fault (`occurred_until`,
    /// `breach`...), so the form can show the message beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IpcError {
    pub fn locked() -> Self {
        IpcError {
            code: "locked",
            message: "the diary is locked".into(),
            field: None,
        }
    }

    pub fn cancelled() -> Self {
        IpcError {
            code: "cancelled",
            message: "nothing was chosen".into(),
            field: None,
        }
    }

    pub fn invalid(field: &str, message: &str) -> Self {
        IpcError {
            code: "invalid",
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        IpcError {
            code: "other",
            message: message.into(),
            field: None,
        }
    }
}

impl From<incident_diary::Error> for IpcError {
    fn from(err: incident_diary::Error) -> Self {
        let field = match &err {
            incident_diary::Error::Invalid(v) => Some(v.field.clone()),
            _ => None,
        };
        IpcError {
            code: err.code().as_str(),
            message: err.to_string(),
            field,
        }
    }
}

/// What commands return.
pub type IpcResult<T> = Result<T, IpcError>;

/// Runs `f` on a blocking thread (a native dialog, an export, a backup): a
/// thread that died is an error for the page, not a panic in the app.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::other(e.to_string()))
}
