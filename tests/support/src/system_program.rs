//! Tests that need a system program (`redis-server`, `chromium`): find it, or skip.

use std::path::PathBuf;

/// Set to `1` to make a test whose system program (redis-server, chromium) is missing fail
/// instead of skipping (CI sets it once it installs them).
pub const REQUIRE_ENV: &str = "COGNITO_RS_REQUIRE_SYSTEM_TESTS";

/// Says why a test is skipped, on the terminal even when the test harness captures output, or
/// fails the test when [`REQUIRE_ENV`] is `1`.
///
/// # Panics
/// When [`REQUIRE_ENV`] is `1`.
pub fn skip(reason: &str) {
    use std::io::Write as _;
    assert!(std::env::var(REQUIRE_ENV).as_deref() != Ok("1"), "{reason} ({REQUIRE_ENV}=1)");
    // Straight to stderr: the harness captures `eprintln!`, not the stream itself.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {reason}");
}

/// The path of `program` on `PATH`, if it is installed.
pub fn installed(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}
