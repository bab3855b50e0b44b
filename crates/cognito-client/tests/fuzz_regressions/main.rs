//! The `token_response` fuzz target's interesting inputs, replayed through the same checks the
//! fuzzer ran (`harness.rs`, shared with `fuzz/`): no response body panics the parser, accepted
//! tokens are exactly what was sent, and errors are printable, bounded and never quote the token.
//!
//! Add a file to `token_response/` for every crash the fuzzer finds (see `fuzz/README.md`).

mod harness;

use std::path::Path;

#[test]
fn fuzzed_token_responses_are_parsed_or_refused_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/token_response");
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
            std::panic::catch_unwind(|| harness::token_response(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} inputs fail: {failed:#?}", failed.len(), files.len());
}
