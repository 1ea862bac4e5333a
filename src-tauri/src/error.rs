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
}

impl IpcError {
    pub fn locked() -> Self {
        IpcError {
            code: "locked",
            message: "the diary is locked".into(),
        }
    }

    pub fn cancelled() -> Self {
        IpcError {
            code: "cancelled",
            message: "nothing was chosen".into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        IpcError {
            code: "other",
            message: message.into(),
        }
    }
}

impl From<incident_diary::Error> for IpcError {
    fn from(err: incident_diary::Error) -> Self {
        IpcError {
            code: err.code().as_str(),
            message: err.to_string(),
        }
    }
}

/// What commands return.
pub type IpcResult<T> = Result<T, IpcError>;
