//! A second copy of every rollback anchor in the operating system's
//! keystore: on Linux the desktop's Secret Service (GNOME Keyring, KWallet).
//!
//! Why a second copy: the anchor file lives in the configuration folder,
//! which whoever rolls the vault folder back can often roll back or delete
//! too. The keystore is a separate store, so an anchor deleted or put back
//! there is still contradicted by the copy here: unlock checks every copy
//! it can read, and refuses when any of them saw more than the vault holds
//! or a different entry. What it cannot stop on Linux: GNOME Keyring keeps
//! its collections as files in `~/.local/share/keyrings`, so whoever puts
//! back (or deletes) those files with the rest of the home folder rolls
//! the copy back too. The keychains of other systems are not files of the
//! user's home folder; they are not used yet.
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
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Mutex, OnceLock};
    use std::time::Duration;

    use data_encoding::BASE64;
    use dbus_secret_service::{EncryptionType, SecretService};

    /// What the keyring shows as the entry's name.
    const LABEL: &str = "incident-diary device record";
    /// The longest wait for the session bus to answer the first time: a
    /// bus that is stopped or wedged must not hang the diary (libdbus has
    /// no timeout of its own for the handshake).
    const CONNECT_WAIT: Duration = Duration::from_secs(2);
    /// Matches read at most: copies planted beside the real one are all
    /// compared, but not without end.
    const MAX_MATCHES: usize = 8;
    /// An anchor is 132 bytes, 176 in base64: anything much longer is not one.
    const MAX_SECRET: usize = 512;

    static SERVICE: OnceLock<Option<Mutex<SecretService>>> = OnceLock::new();
    /// Set after a call fails on the bus (each can cost two seconds): the
    /// keyring is not used again in this process.
    static BROKEN: AtomicBool = AtomicBool::new(false);

    /// The session's Secret Service, connected once per process; `None`
    /// when there is no session bus, no service on it, it does not answer
    /// in time, or it failed before. Without a bus address nothing is
    /// tried: libdbus would otherwise try to start a bus.
    fn service() -> Option<std::sync::MutexGuard<'static, SecretService>> {
        if BROKEN.load(Ordering::Relaxed) {
            return None;
        }
        SERVICE
            .get_or_init(|| {
                if super::turned_off() || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
                    return None;
                }
                let (tx, rx) = std::sync::mpsc::channel();
                // A thread of its own, given up on (and left blocked) when
                // the bus does not answer in time.
                std::thread::spawn(move || {
                    // A prompt timeout of 0: never show the keyring's unlock dialog.
                    let connected =
                        SecretService::connect_with_max_prompt_timeout(EncryptionType::Plain, 0);
                    let _ = tx.send(connected.ok());
                });
                rx.recv_timeout(CONNECT_WAIT).ok().flatten().map(Mutex::new)
            })
            .as_ref()?
            .lock()
            .ok()
    }

    /// A failed call: on the bus, the keyring is given up for this process.
    fn failed(e: dbus_secret_service::Error) -> String {
        if matches!(e, dbus_secret_service::Error::Dbus(_)) {
            BROKEN.store(true, Ordering::Relaxed);
        }
        format!("the keyring refused it: {e}")
    }

    fn attributes(name: &str) -> HashMap<&str, &str> {
        HashMap::from([("application", "incident-diary"), ("record", name)])
    }

    /// Every copy kept under `name` in an unlocked collection (`None` for
    /// one that is not base64 of a plausible size); empty when there are
    /// none or the keyring is unavailable or locked.
    pub fn get(name: &str) -> Vec<Option<Vec<u8>>> {
        let Some(ss) = service() else {
            return Vec::new();
        };
        let Ok(found) = ss.search_items(attributes(name)).map_err(failed) else {
            return Vec::new();
        };
        found
            .unlocked
            .iter()
            .take(MAX_MATCHES)
            .map(|item| {
                let text = item.get_secret().ok()?;
                (text.len() <= MAX_SECRET)
                    .then(|| BASE64.decode(&text).ok())
                    .flatten()
            })
            .collect()
    }

    /// Keeps `bytes` under `name` in the default collection, in place of
    /// every copy there was (one planted elsewhere must not outlive it).
    pub fn put(name: &str, bytes: &[u8]) -> Result<(), String> {
        let Some(ss) = service() else {
            return Ok(());
        };
        let collection = ss.get_default_collection().map_err(failed)?;
        if collection.is_locked().map_err(failed)? {
            return Err("the keyring is locked".into());
        }
        let found = ss.search_items(attributes(name)).map_err(failed)?;
        for item in &found.unlocked {
            item.delete().map_err(failed)?;
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

    /// Removes every copy kept under `name` that can be reached. One in a
    /// locked collection is out of reach, and out of sight as well (never
    /// read): it is left, rather than refusing the owner's restore.
    pub fn delete(name: &str) -> Result<(), String> {
        let Some(ss) = service() else {
            return Ok(());
        };
        let found = ss.search_items(attributes(name)).map_err(failed)?;
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
    pub fn get(_name: &str) -> Vec<Option<Vec<u8>>> {
        let _ = super::turned_off();
        Vec::new()
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
