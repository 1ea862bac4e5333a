//! A second copy of every rollback anchor in the operating system's
//! keystore: on Linux the desktop's Secret Service (GNOME Keyring, KWallet).
//!
//! Why a second copy: the anchor file lives in the configuration folder,
//! which whoever rolls the vault folder back can often roll back or delete
//! too (a home folder restored from an image, a config folder wiped). The
//! keystore is a separate store, encrypted under the login password and
//! left out of copies of the home folder's files, so an anchor deleted or
//! put back there is still contradicted by the copy here: unlock reads both
//! and believes the one that saw more.
//!
//! What it holds is the anchor file's bytes, already sealed under a key
//! derived from the vault key: the keystore learns nothing about the diary
//! but that it exists. It is kept as base64 text (KWallet keeps text
//! only). So the secret crosses the session bus in the plain
//! (the bus is the user's own), and a keystore that is locked is never
//! unlocked with a prompt (a dialog asking for the login password would
//! give the diary away, and the CLI must not hang): the copy is then
//! simply not kept, as where there is no keystore at all.
//!
//! `DIARY_KEYSTORE=off` keeps anchors out of the keystore (someone who
//! browses the keyring would see an entry named for this app).

/// Environment variable that turns the keystore copy off (`off`).
const KEYSTORE_VAR: &str = "DIARY_KEYSTORE";

/// The keystore is not to be used in this process.
fn turned_off() -> bool {
    // The crate's own unit tests never touch the user's keyring.
    cfg!(test) || std::env::var_os(KEYSTORE_VAR).is_some_and(|v| v == "off")
}

#[cfg(all(feature = "keystore", target_os = "linux"))]
mod secret_service {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    use data_encoding::BASE64;
    use dbus_secret_service::{EncryptionType, SecretService};

    /// What the keyring shows as the entry's name.
    const LABEL: &str = "incident-diary device record";

    static SERVICE: OnceLock<Option<Mutex<SecretService>>> = OnceLock::new();

    /// The session's Secret Service, connected once per process; `None`
    /// when there is no session bus or no service on it. Without a bus
    /// address nothing is tried: libdbus would otherwise try to start a bus.
    fn service() -> Option<std::sync::MutexGuard<'static, SecretService>> {
        SERVICE
            .get_or_init(|| {
                if super::turned_off() || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
                    return None;
                }
                // A prompt timeout of 0: never show the keyring's unlock dialog.
                SecretService::connect_with_max_prompt_timeout(EncryptionType::Plain, 0)
                    .ok()
                    .map(Mutex::new)
            })
            .as_ref()?
            .lock()
            .ok()
    }

    fn attributes(name: &str) -> HashMap<&str, &str> {
        HashMap::from([("application", "incident-diary"), ("record", name)])
    }

    /// The bytes kept under `name` (`Some(None)` when they are not
    /// base64); `None` when there are none or the keyring is unavailable or
    /// locked.
    pub fn get(name: &str) -> Option<Option<Vec<u8>>> {
        let ss = service()?;
        let found = ss.search_items(attributes(name)).ok()?;
        let text = found.unlocked.first()?.get_secret().ok()?;
        Some(BASE64.decode(&text).ok())
    }

    /// Keeps `bytes` under `name`, replacing what was there.
    pub fn put(name: &str, bytes: &[u8]) -> Result<(), String> {
        let Some(ss) = service() else {
            return Ok(());
        };
        let failed = |e: dbus_secret_service::Error| format!("the keyring refused it: {e}");
        let collection = ss.get_default_collection().map_err(failed)?;
        if collection.is_locked().map_err(failed)? {
            return Err("the keyring is locked".into());
        }
        collection
            .create_item(
                LABEL,
                attributes(name),
                BASE64.encode(bytes).as_bytes(),
                true,
                "text/plain",
            )
            .map(|_| ())
            .map_err(failed)
    }

    /// Removes what is kept under `name`.
    pub fn delete(name: &str) -> Result<(), String> {
        let Some(ss) = service() else {
            return Ok(());
        };
        let failed = |e: dbus_secret_service::Error| format!("the keyring refused it: {e}");
        let found = ss.search_items(attributes(name)).map_err(failed)?;
        if !found.locked.is_empty() {
            return Err("the keyring is locked".into());
        }
        found
            .unlocked
            .iter()
            .try_for_each(|item| item.delete().map_err(failed))
    }
}

#[cfg(all(feature = "keystore", target_os = "linux"))]
pub(crate) use secret_service::{delete, get, put};

/// Without a keystore in this build (other platforms for now, or the
/// `keystore` feature off), nothing is kept and nothing is found.
#[cfg(not(all(feature = "keystore", target_os = "linux")))]
mod none {
    pub fn get(_name: &str) -> Option<Option<Vec<u8>>> {
        let _ = super::turned_off();
        None
    }
    pub fn put(_name: &str, _bytes: &[u8]) -> Result<(), String> {
        Ok(())
    }
    pub fn delete(_name: &str) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(not(all(feature = "keystore", target_os = "linux")))]
pub(crate) use none::{delete, get, put};
