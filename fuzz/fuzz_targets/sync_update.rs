//! Fuzz target: sync_update (any bytes given to a replica as a Yjs update) must keep its properties (crates/spanmark-core/tests/fuzz_checks) on any input.
#![no_main]

#[path = "../../crates/spanmark-core/tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::sync_update(data));
