//! [`JwksOptions`]: how a verifier fetches and refreshes key sets.

use std::time::Duration;

use cognito_http::{Backoff, OutOfRange, RequestLimits};

use crate::error::ConfigError;

/// Options of the JWKS cache. Start from [`JwksOptions::default`] and change what you need.
///
/// ```
/// use std::time::Duration;
/// use cognito_verify::JwksOptions;
///
/// let options = JwksOptions::default()
///     .refresh_interval(Duration::from_secs(600))
///     .min_refetch_interval(Duration::from_secs(30));
/// ```
#[derive(Debug, Clone)]
pub struct JwksOptions {
    pub(crate) refresh_interval: Duration,
    pub(crate) min_refetch_interval: Duration,
    pub(crate) backoff: Backoff,
    pub(crate) limits: RequestLimits,
    pub(crate) fetch_from_url: bool,
    pub(crate) max_retry_after: Duration,
    pub(crate) refetch_spread: Duration,
    pub(crate) first_fetch_spread: Duration,
}

/// The longest wait a 429's `Retry-After` can impose by default (see
/// [`JwksOptions::max_retry_after`]).
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(5 * 60);

impl Default for JwksOptions {
    fn default() -> Self {
        JwksOptions {
            refresh_interval: Duration::from_secs(15 * 60),
            min_refetch_interval: Duration::from_secs(10),
            // No wait is shorter than the initial one: a failed fetch is always followed by at
            // least that pause.
            backoff: Backoff {
                initial: Duration::from_secs(1),
                max: Duration::from_secs(60),
                jitter: 0.25,
                below_initial: false,
            },
            limits: RequestLimits::new(128 * 1024),
            fetch_from_url: true,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            refetch_spread: Duration::ZERO,
            first_fetch_spread: Duration::ZERO,
        }
    }
}

impl JwksOptions {
    /// How often the key set is refetched in the background (default 15 minutes). A shorter
    /// `Cache-Control: max-age` on the JWKS response takes precedence (bounded below by
    /// `min_refetch_interval`); a longer one is ignored.
    pub fn refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// The least time between two fetches caused by unknown `kid`s (default 10 s). Tokens with
    /// an unknown `kid` inside this window fail fast with `UnknownKid`.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// The wait after a first failed fetch (default 1 s); it doubles on each further failure up
    /// to `max_backoff` (default 60 s), less up to a quarter of jitter, never below `initial`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff.initial = initial;
        self.backoff.max = max;
        self
    }

    /// The longest a `429 Too Many Requests` (Cognito's JWKS quota) holds fetches back (default
    /// [`DEFAULT_MAX_RETRY_AFTER`], 5 minutes). After a 429 the last good key set stays in use
    /// and no fetch starts for the `Retry-After` it carries (delta-seconds), or for
    /// `min_refetch_interval` without one, plus a random share of the failure
    /// [`backoff`](Self::backoff) (which doubles with each failure in a row), so that replicas
    /// throttled together come back spread out; capped at this, so a hostile or broken answer
    /// cannot stop refreshes for long.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Delay the refetch an unknown `kid` triggers by a random time in `[0, spread]` (default
    /// zero: at once). For a fleet: N replicas that see a new `kid` together (a key rotation,
    /// or a flood of forged `kid`s spread over them) then fetch at about N / `spread` requests
    /// per second instead of N at once; set `spread` to at least N divided by the JWKS quota
    /// you may use. Meanwhile tokens with an unknown `kid` are refused as retryable
    /// `KeysUnavailable` (503) whose `retry_after` is the time left. At most
    /// `min_refetch_interval`.
    pub fn unknown_kid_refetch_spread(mut self, spread: Duration) -> Self {
        self.refetch_spread = spread;
        self
    }

    /// Delay each issuer's first fetch by a random time in `[0, spread]` after the verifier is
    /// built (default zero: at once). For a fleet whose N replicas start together: their first
    /// fetches then come at about N / `spread` per second instead of N at once; set `spread` to
    /// at least N divided by the JWKS quota you may use. Until then tokens are refused as
    /// retryable `KeysUnavailable` (503) with the time left, and
    /// [`hydrate`](crate::CognitoVerifier::hydrate) waits for it. Keys given with
    /// [`jwks_document`](crate::CognitoVerifierBuilder::jwks_document) are used at once.
    pub fn first_fetch_spread(mut self, spread: Duration) -> Self {
        self.first_fetch_spread = spread;
        self
    }

    /// Whether key sets are fetched from the issuers' JWKS URLs (default `true`). With `false`,
    /// the only keys are the documents given to
    /// [`jwks_document`](crate::CognitoVerifierBuilder::jwks_document): nothing is ever fetched
    /// (air-gapped hosts, tests), a token naming an issuer without a document or a `kid` its
    /// document lacks is refused with `UnknownKid`, and [`hydrate`](crate::CognitoVerifier::hydrate)
    /// has nothing to do.
    ///
    /// ```no_run
    /// use cognito_verify::{CognitoVerifier, JwksOptions, TokenUse};
    ///
    /// // The pool's JWKS, saved beforehand from
    /// // https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json
    /// let jwks = std::fs::read_to_string("/etc/my-service/jwks.json")?;
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .jwks_document("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", jwks)
    ///     .jwks_options(JwksOptions::default().fetch_from_url(false))
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fetch_from_url(mut self, fetch: bool) -> Self {
        self.fetch_from_url = fetch;
        self
    }

    cognito_http::request_limit_setters!(
        request: "a JWKS fetch",
        response: "JWKS document",
        default_max: "128 KiB",
    );

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        OutOfRange::check(!self.refresh_interval.is_zero(), "refresh_interval", "must be above zero")?;
        OutOfRange::check(
            self.refresh_interval >= self.min_refetch_interval,
            "refresh_interval",
            "must not be below min_refetch_interval",
        )?;
        OutOfRange::check(!self.max_retry_after.is_zero(), "max_retry_after", "must be above zero")?;
        OutOfRange::check(
            self.refetch_spread <= self.min_refetch_interval,
            "unknown_kid_refetch_spread",
            "must not be above min_refetch_interval",
        )?;
        self.backoff.validate()?;
        Ok(self.limits.validate()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let options = JwksOptions::default().backoff(Duration::from_secs(1), Duration::from_secs(8));
        let b1 = options.backoff.delay(1);
        let b3 = options.backoff.delay(3);
        let b9 = options.backoff.delay(9);
        assert!(b1 >= Duration::from_millis(750) && b1 <= Duration::from_secs(1), "{b1:?}");
        assert!(b3 >= Duration::from_secs(3) && b3 <= Duration::from_secs(4), "{b3:?}");
        assert!(b9 >= Duration::from_secs(6) && b9 <= Duration::from_secs(8), "{b9:?}");
    }

    #[test]
    fn out_of_range_options_are_named() {
        let option = |options: JwksOptions| match options.validate() {
            Err(ConfigError::OutOfRange { option, .. }) => option,
            other => panic!("expected OutOfRange, got {other:?}"),
        };
        assert_eq!(option(JwksOptions::default().refresh_interval(Duration::ZERO)), "refresh_interval");
        assert_eq!(
            option(
                JwksOptions::default()
                    .refresh_interval(Duration::from_secs(5))
                    .min_refetch_interval(Duration::from_secs(10))
            ),
            "refresh_interval"
        );
        assert_eq!(option(JwksOptions::default().backoff(Duration::ZERO, Duration::ZERO)), "backoff");
        assert_eq!(option(JwksOptions::default().timeout(Duration::ZERO)), "timeout");
        assert_eq!(option(JwksOptions::default().max_retry_after(Duration::ZERO)), "max_retry_after");
        assert_eq!(
            option(JwksOptions::default().unknown_kid_refetch_spread(Duration::from_secs(11))),
            "unknown_kid_refetch_spread"
        );
        assert_eq!(option(JwksOptions::default().max_response_bytes(100)), "max_response_bytes");
    }
}
