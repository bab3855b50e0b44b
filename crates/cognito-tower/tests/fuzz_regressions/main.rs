//! The `authorization_header` fuzz target's interesting inputs, replayed through the same checks
//! the fuzzer ran (`harness.rs`, shared with `fuzz/`): no header panics the layer, only a valid
//! token reaches the service, and refusals are 400/401 (gRPC: status 16) without the token.
//!
//! Add a file to `authorization_header/` for every crash the fuzzer finds (see
//! `fuzz/README.md`).

mod harness;
#[path = "token_sources_harness.rs"]
mod token_sources_harness;

use test_support::replay_fuzz_corpus;

#[test]
fn fuzzed_headers_reach_the_service_only_with_a_valid_token() {
    replay_fuzz_corpus(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/authorization_header"),
        harness::authorization_header,
    );
}

#[test]
fn fuzzed_headers_yield_the_token_the_model_finds() {
    replay_fuzz_corpus(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/token_sources"),
        token_sources_harness::token_sources,
    );
}

#[cfg(feature = "lambda")]
#[path = "authorizer_claims_harness.rs"]
mod authorizer_claims_harness;

/// Needs the `lambda` feature (`cargo test -p cognito-tower --features lambda`).
#[cfg(feature = "lambda")]
#[test]
fn fuzzed_authorizer_claims_are_accepted_only_when_the_checks_and_the_async_check_pass() {
    replay_fuzz_corpus(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/authorizer_claims"),
        authorizer_claims_harness::authorizer_claims,
    );
}
