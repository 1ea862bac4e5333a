//! Integration tests: one binary, each module a capability. Every test runs
//! the real `diary` binary on its own temporary vault on disk.

/// Shared helpers: a temporary vault and a way to run the binary against it.
mod util;

/// Backups and restores: round trip, standard tools, tampering, faults.
mod backup;
/// Malformed and invalid input: exit 2, the field named, nothing written.
mod bad_input;
/// Bundles crafted to make a failed check read as passed, or to read outside.
mod crafted_bundles;
/// A thousand kills at random points of every write (ignored: the script runs it).
mod crash_campaign;
/// Attachments: import, listing, extraction, damage, orphans, faults.
mod exhibits;
/// The evidence bundle: standard tools, `diary verify`, tampering.
mod export;
/// Export narrowed to what the timeline shows, the rest counted.
mod export_only;
/// SIGKILL during writes and a full disk: nothing acknowledged is lost.
mod faults;
/// What the fixture tests share: passphrases, and damaged cases run through the CLI.
mod fixture_kit;
/// The frozen v1 vault, bundle and backup, and one damaged copy of each per fault.
mod fixtures;
/// The frozen v2 vault (its key replaced once), bundle and backup, and attacks on them.
mod fixtures_v2;
/// Creating, adding, listing, showing, amending, withdrawing, searching.
mod incidents;
/// Exports after key changes: statements signed by the old and new keys.
mod key_transitions;
/// The rollback anchor's copy in a real desktop keyring (Secret Service).
mod keystore;
/// Chats imported from messaging apps, listed, searched and quoted.
mod messages;
/// The log against an in-memory model, over random sequences of changes.
mod model_log;
/// No plaintext of any diary value in any file of the vault.
mod plaintext;
/// Triggers, views, indexes and tables planted in the vault file.
mod planted;
/// Persons, orders, case details and risk checks.
mod profile;
/// Older copies of the vault put back: refused against the anchor outside it.
mod rollback;
/// Key rotation: an old passphrase or copy opens nothing written after.
mod rotation;
/// Passphrases and recovery keys: wrong ones, changes, recovery.
mod secrets;
/// Altered, deleted, swapped and foreign rows; altered headers and slots.
mod tamper;
