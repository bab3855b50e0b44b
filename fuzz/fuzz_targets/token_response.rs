#![no_main]

#[path = "../../crates/cognito-client/tests/fuzz_regressions/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::token_response(data));
