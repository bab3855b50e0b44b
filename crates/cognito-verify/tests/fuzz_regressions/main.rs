//! The fuzz targets' interesting inputs, replayed through the same checks the fuzzer ran
//! (`harness.rs`, shared with `fuzz/`): no input panics, no forged token is accepted, and a
//! well-signed token gets the outcome an independent model of the claim checks predicts.
//!
//! Each directory here is the regression corpus of the fuzz target of the same name; add a file
//! to it for every crash the fuzzer finds (see `fuzz/README.md`).

mod harness;

use std::path::Path;

/// Runs every file of the corpus of `target` through `check`, naming the files that fail.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            std::panic::catch_unwind(|| check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} inputs fail: {failed:#?}", failed.len(), files.len());
}

#[test]
fn arbitrary_tokens_are_refused() {
    replay("verify_token", harness::verify_token);
}

#[test]
fn mutated_valid_tokens_are_refused() {
    replay("verify_token_mutated", harness::verify_token_mutated);
}

#[test]
fn well_signed_payloads_get_the_outcome_the_model_predicts() {
    replay("verify_token_signed", harness::verify_token_signed);
}

#[test]
fn jwks_documents_yield_only_keys_their_jwk_allows() {
    replay("jwks_document", harness::jwks_document);
}

#[path = "jws_harness.rs"]
mod jws_harness;

#[path = "alb_harness.rs"]
mod alb_harness;

#[test]
fn jws_segments_decode_only_in_their_canonical_form() {
    replay("jws", jws_harness::jws);
}

#[test]
fn alb_headers_verify_only_with_the_signed_bytes_of_a_valid_token() {
    replay("alb_header", alb_harness::alb_header);
}
