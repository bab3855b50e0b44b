#![no_main]

#[path = "../../crates/cognito-tower/tests/fuzz_regressions/token_sources_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::token_sources(data));
