#![no_main]
//! `incident_diary::fuzzing::bundle_folder` on what libFuzzer makes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| incident_diary::fuzzing::bundle_folder(data));
