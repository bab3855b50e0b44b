//! The `authorization_header` fuzz target's interesting inputs, replayed through the same checks
//! the fuzzer ran (`harness.rs`, shared with `fuzz/`): no header panics the layer, only a valid
//! token reaches the service, and refusals are 400/401 (gRPC: status 16) without the token.
//!
//! Add a file to `authorization_header/` for every crash the fuzzer finds (see
//! `fuzz/README.md`).

mod harness;
#[path = "token_sources_harness.rs"]
mod token_sources_harness;

use std::path::Path;

#[test]
fn fuzzed_headers_reach_the_service_only_with_a_valid_token() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/authorization_header");
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
            std::panic::catch_unwind(|| harness::authorization_header(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} inputs fail: {failed:#?}", failed.len(), files.len());
}

#[test]
fn fuzzed_headers_yield_the_token_the_model_finds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/token_sources");
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
            std::panic::catch_unwind(|| token_sources_harness::token_sources(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} inputs fail: {failed:#?}", failed.len(), files.len());
}
