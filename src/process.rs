//! Keeping the diary's memory out of crash dumps and other programs.
//!
//! An unlocked diary holds its keys and every decrypted entry in memory. A
//! core dump would write that to disk in plain text (`/var/crash`,
//! `systemd-coredump`), and any process of the same user could read it
//! through `ptrace` or `/proc/<pid>/mem`. The CLI and the app call
//! [`keep_memory_private`] before anything else.

/// Turns core dumps off for this process and, on Linux and Android, marks
/// it not dumpable, which also refuses `ptrace` and `/proc/<pid>/mem` to
/// other processes of the user (root can still read it). Best effort: where
/// the system refuses, the diary still works.
pub fn keep_memory_private() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        let _ = setrlimit(Resource::Core, none);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}
