//! A backup file, once its age layer is open (age authenticates every
//! byte, so what reaches the tar reader is what the backup's maker wrote:
//! the owner, or someone who knew a backup passphrase).

use super::Scratch;
use crate::store::DB_FILE;

/// Any bytes as the archive inside a backup: restored whole (a vault that
/// checks, at the chain head and count its manifest names) or not at all
/// (no folder, no staging folder left), never a panic.
pub fn backup_reader(data: &[u8]) {
    let Some(dir) = Scratch::new() else { return };
    let target = dir.path().join("restored");
    match crate::backup::unpack_into(data, &target) {
        Ok((manifest, head)) => {
            assert!(target.join(DB_FILE).is_file());
            let (seq, walked) =
                crate::log::check_unkeyed(&target, |_| Ok(())).expect("a restored vault walks");
            assert_eq!((seq, walked), (manifest.log_entries, head));
        }
        Err(_) => assert!(!target.exists(), "a refused backup left its folder"),
    }
    let left = std::fs::read_dir(dir.path()).map_or(0, |d| d.count());
    assert!(left <= 1, "a staging folder was left beside the target");
}
