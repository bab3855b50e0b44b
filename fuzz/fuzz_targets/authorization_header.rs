#![no_main]

#[path = "../../crates/cognito-tower/tests/fuzz_regressions/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::authorization_header(data));
