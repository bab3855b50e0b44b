#![no_main]

#[path = "../../crates/cognito-tower/tests/fuzz_regressions/authorizer_claims_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::authorizer_claims(data));
