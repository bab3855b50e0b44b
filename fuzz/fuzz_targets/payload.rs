#![no_main]

#[path = "../../crates/cognito-verify/tests/fuzz_regressions/payload_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::payload(data));
