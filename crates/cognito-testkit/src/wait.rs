//! Waiting on a condition in tests, instead of sleeping for a guessed time.

use std::future::Future;
use std::time::{Duration, Instant};

/// Wait until `condition` returns `true`, checking every few milliseconds; panic with a clear
/// message if it is still `false` after `timeout`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// let issuer = cognito_testkit::TestIssuer::start().await;
/// cognito_testkit::eventually(Duration::from_secs(5), || async { issuer.jwks_requests() == 0 }).await;
/// # }
/// ```
pub async fn eventually<F, Fut>(timeout: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if condition().await {
            return;
        }
        assert!(Instant::now() < deadline, "condition still false after {timeout:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
