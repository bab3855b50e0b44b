//! The `login_store` fuzz target's interesting inputs, replayed through the same checks the
//! fuzzer ran (`harness.rs`, shared with `fuzz/`): sign-ins in progress stay bounded and expire
//! with their sign-in, and a finished sign-in is never dropped by the bound.
//!
//! Add a file to `login_store/` for every crash the fuzzer finds (see `fuzz/README.md`).

mod harness;

use test_support::replay_fuzz_corpus;

#[test]
fn fuzzed_sign_in_sequences_keep_the_bound_and_never_drop_a_finished_sign_in() {
    replay_fuzz_corpus(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/login_store"),
        harness::login_store,
    );
}
