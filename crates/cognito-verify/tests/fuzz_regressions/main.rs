//! The fuzz targets' interesting inputs, replayed through the same checks the fuzzer ran
//! (`harness.rs`, shared with `fuzz/`): no input panics, no forged token is accepted, and a
//! well-signed token gets the outcome an independent model of the claim checks predicts.
//!
//! Each directory here is the regression corpus of the fuzz target of the same name; add a file
//! to it for every crash the fuzzer finds (see `fuzz/README.md`).

mod harness;

use test_support::replay_fuzz_corpus;

/// The corpus of the fuzz target `target`, in this directory.
macro_rules! corpus {
    ($target:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/", $target)
    };
}

#[test]
fn arbitrary_tokens_are_refused() {
    replay_fuzz_corpus(corpus!("verify_token"), harness::verify_token);
}

#[test]
fn mutated_valid_tokens_are_refused() {
    replay_fuzz_corpus(corpus!("verify_token_mutated"), harness::verify_token_mutated);
}

#[test]
fn well_signed_payloads_get_the_outcome_the_model_predicts() {
    replay_fuzz_corpus(corpus!("verify_token_signed"), harness::verify_token_signed);
}

#[test]
fn jwks_documents_yield_only_keys_their_jwk_allows() {
    replay_fuzz_corpus(corpus!("jwks_document"), harness::jwks_document);
}

#[path = "jws_harness.rs"]
mod jws_harness;

#[path = "alb_harness.rs"]
mod alb_harness;

#[test]
fn jws_segments_decode_only_in_their_canonical_form() {
    replay_fuzz_corpus(corpus!("jws"), jws_harness::jws);
}

#[test]
fn alb_headers_verify_only_with_the_signed_bytes_of_a_valid_token() {
    replay_fuzz_corpus(corpus!("alb_header"), alb_harness::alb_header);
}

#[path = "retry_after_harness.rs"]
mod retry_after_harness;

#[path = "alb_demand_harness.rs"]
mod alb_demand_harness;

#[test]
fn jwks_retry_after_values_give_the_wait_the_model_reads_within_the_cap() {
    replay_fuzz_corpus(corpus!("retry_after"), retry_after_harness::retry_after);
}

#[test]
fn alb_key_fetches_stay_in_budget_and_the_genuine_kid_gets_through_a_flood() {
    replay_fuzz_corpus(corpus!("alb_demand"), alb_demand_harness::alb_demand);
}

#[path = "payload_harness.rs"]
mod payload_harness;

#[test]
fn plain_payloads_read_the_same_by_the_scanner_and_by_serde_json() {
    replay_fuzz_corpus(corpus!("payload"), payload_harness::payload);
}
