#![no_main]
//! `incident_diary::fuzzing::typst_data` on what libFuzzer makes (built
//! with `--features report`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| incident_diary::fuzzing::typst_data(data));
