//! [`Clock`]: where a verifier reads "now" for the `exp`, `nbf` and `iat` checks.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// The time source of a verifier's `exp`, `nbf` and `iat` checks (default: [`SystemClock`]).
///
/// Set with [`CognitoVerifierBuilder::clock`](crate::CognitoVerifierBuilder::clock) or
/// [`AlbVerifierBuilder::clock`](crate::AlbVerifierBuilder::clock), to test expiry without
/// waiting (the testkit's `TestClock` is one, shared with its issuer) or to take time from
/// somewhere else than the system clock. It is read with sub-second precision on every
/// verification, cached token or not, so it must be cheap. JWKS refresh intervals and backoff do
/// not follow it: they run on the runtime's timers.
///
/// Any `Fn() -> SystemTime + Send + Sync` is a clock:
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// let frozen = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .clock(move || frozen)
///     .build()?;
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
pub trait Clock: Send + Sync + 'static {
    /// Now. A time before the Unix epoch is compared as such (every token is then in the future).
    fn now(&self) -> SystemTime;
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync + 'static,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// The system clock, [`SystemTime::now`]: the default [`Clock`].
///
/// ```
/// use cognito_verify::{Clock, SystemClock};
///
/// assert!(SystemClock.now() > std::time::UNIX_EPOCH);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The clock a builder or verifier holds: shared, [`SystemClock`] by default, shown as `Clock`
/// in `Debug` output.
#[derive(Clone)]
pub(crate) struct SharedClock(pub(crate) Arc<dyn Clock>);

impl SharedClock {
    pub(crate) fn new(clock: impl Clock) -> Self {
        SharedClock(Arc::new(clock))
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.0.now()
    }
}

impl Default for SharedClock {
    fn default() -> Self {
        SharedClock::new(SystemClock)
    }
}

impl fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}
