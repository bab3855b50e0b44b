//! Replaying a fuzz target's regression corpus in `cargo test`.

use std::panic::{RefUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Runs every file in `dir` (a fuzz target's regression corpus) through `check`, the same
/// function the fuzz target calls, and fails naming every input whose check panicked.
///
/// Files are replayed in name order; each panic is caught so that one failing input does not
/// hide the others.
///
/// # Panics
/// If `dir` cannot be read or holds no file (a corpus that silently went missing would make the
/// test pass without checking anything), or if `check` panics on any input.
///
/// ```no_run
/// fn check(input: &[u8]) {
///     assert!(std::str::from_utf8(input).is_ok() || !input.is_empty());
/// }
/// test_support::replay_fuzz_corpus(
///     concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/my_target"),
///     check,
/// );
/// ```
pub fn replay_fuzz_corpus<F>(dir: impl AsRef<Path>, check: F)
where
    F: Fn(&[u8]) + RefUnwindSafe,
{
    let dir = dir.as_ref();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|err| panic!("{}: {err}", dir.display())).path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            catch_unwind(|| check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} inputs fail: {failed:#?}", failed.len(), files.len());
}
