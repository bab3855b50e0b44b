//! [`CognitoVerifierBuilder::clock`].

use super::CognitoVerifierBuilder;
use crate::clock::{Clock, SharedClock};

impl<C> CognitoVerifierBuilder<C> {
    /// Where `exp`, `nbf` and `iat` are compared to (default [`SystemClock`](crate::SystemClock)),
    /// read with sub-second precision on every verification, cached tokens included. See
    /// [`Clock`]; the testkit's `TestClock` is one, shared with its issuer, so tests can move
    /// time instead of waiting.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// // Ten minutes ahead of the system clock.
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .clock(|| SystemTime::now() + Duration::from_secs(600))
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = SharedClock::new(clock);
        self
    }
}
