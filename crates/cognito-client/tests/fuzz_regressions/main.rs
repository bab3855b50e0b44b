//! The `token_response` fuzz target's interesting inputs, replayed through the same checks the
//! fuzzer ran (`harness.rs`, shared with `fuzz/`): no response body panics the parser, accepted
//! tokens are exactly what was sent, and errors are printable, bounded and never quote the token.
//!
//! Add a file to `token_response/` for every crash the fuzzer finds (see `fuzz/README.md`).

mod harness;

use test_support::replay_fuzz_corpus;

#[test]
fn fuzzed_token_responses_are_parsed_or_refused_cleanly() {
    replay_fuzz_corpus(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/token_response"),
        harness::token_response,
    );
}
