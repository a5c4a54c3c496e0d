//! Fuzz target: restore_any (records of any key and any value type) must keep its properties (crates/spanmark-core/tests/fuzz_checks) on any input.
#![no_main]

#[path = "../../crates/spanmark-core/tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::restore_any(data));
