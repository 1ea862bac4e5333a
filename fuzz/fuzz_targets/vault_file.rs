#![no_main]
//! `incident_diary::fuzzing::vault_file` on what libFuzzer makes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| incident_diary::fuzzing::vault_file(data));
