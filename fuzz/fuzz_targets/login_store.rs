#![no_main]

#[path = "../../crates/cognito-login/tests/fuzz_regressions/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::login_store(data));
