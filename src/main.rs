//! The `diary` command-line tool. Argument parsing and printing only: every
//! action goes through the `incident_diary::Diary` facade.

#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    incident_diary::keep_memory_private();
    cli::run()
}
