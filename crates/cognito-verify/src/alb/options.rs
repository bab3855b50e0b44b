//! [`AlbKeyOptions`]: how an [`AlbVerifier`](crate::AlbVerifier) fetches and keeps load
//! balancer keys.

use std::time::Duration;

use cognito_http::{OutOfRange, RequestLimits};

use crate::error::ConfigError;

/// Default number of load balancer keys remembered (one per `kid`; a load balancer uses few).
pub const DEFAULT_ALB_KEY_CACHE_CAPACITY: usize = 64;
/// Default sustained rate of key fetches, per second, of one [`AlbVerifier`](crate::AlbVerifier).
pub const DEFAULT_ALB_FETCH_RATE: u32 = 1;
/// Default number of key fetches that may start at once after a quiet period.
pub const DEFAULT_ALB_FETCH_BURST: u32 = 10;
/// Default number of key fetches in flight at once.
pub const DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT: usize = 4;
/// Default number of failed `kid`s remembered.
pub const DEFAULT_ALB_NEGATIVE_CACHE_CAPACITY: usize = 1024;

/// Options of the ALB key cache. Start from [`AlbKeyOptions::default`] and change what you need;
/// pass them to [`AlbVerifierBuilder::key_options`](crate::AlbVerifierBuilder::key_options).
///
/// A `kid` names one key forever, so a fetched key is never refetched; these options bound the
/// cache and the fetches. Any input, however many distinct `kid`s an allowed signer's tokens
/// carry, causes at most [`fetch_burst`](Self::fetch_burst) fetches plus
/// [`fetch_rate`](Self::fetch_rate) per second (defaults: 10, then 1 per second), at most
/// [`max_fetches_in_flight`](Self::max_fetches_in_flight) at once (default 4); a `kid` that needs
/// a fetch beyond these is refused at once with a retryable
/// [`KeysUnavailable`](crate::VerifyError::KeysUnavailable). A `kid` whose fetch failed is
/// remembered for [`min_refetch_interval`](Self::min_refetch_interval).
///
/// ```
/// use std::time::Duration;
/// use cognito_verify::AlbKeyOptions;
///
/// let options = AlbKeyOptions::default()
///     .min_refetch_interval(Duration::from_secs(30))
///     .timeout(Duration::from_secs(3));
/// ```
#[derive(Debug, Clone)]
pub struct AlbKeyOptions {
    pub(crate) min_refetch_interval: Duration,
    pub(crate) cache_capacity: usize,
    pub(crate) fetch_rate: u32,
    pub(crate) fetch_burst: u32,
    pub(crate) max_fetches_in_flight: usize,
    pub(crate) negative_cache_capacity: usize,
    pub(crate) limits: RequestLimits,
}

impl Default for AlbKeyOptions {
    fn default() -> Self {
        AlbKeyOptions {
            min_refetch_interval: Duration::from_secs(10),
            cache_capacity: DEFAULT_ALB_KEY_CACHE_CAPACITY,
            fetch_rate: DEFAULT_ALB_FETCH_RATE,
            fetch_burst: DEFAULT_ALB_FETCH_BURST,
            max_fetches_in_flight: DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT,
            negative_cache_capacity: DEFAULT_ALB_NEGATIVE_CACHE_CAPACITY,
            // A P-256 public key in PEM is under 200 bytes.
            limits: RequestLimits::new(8 * 1024),
        }
    }
}

impl AlbKeyOptions {
    /// After a failed fetch for a `kid` (unknown key, endpoint down, unusable key), the time
    /// before that `kid` is fetched again (default 10 s): the time-to-live of the negative
    /// cache. Tokens with that `kid` fail fast meanwhile, with the same error.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// How many keys to remember (default [`DEFAULT_ALB_KEY_CACHE_CAPACITY`], at least 1).
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// Key fetches per second once the [`fetch_burst`](Self::fetch_burst) is spent (default
    /// [`DEFAULT_ALB_FETCH_RATE`], at least 1), whatever the `kid`s: the global rate limit. A
    /// fetch over the limit is not started; its caller gets a retryable `KeysUnavailable` with
    /// the time until the next fetch may start.
    pub fn fetch_rate(mut self, per_second: u32) -> Self {
        self.fetch_rate = per_second;
        self
    }

    /// Key fetches that may start at once after a quiet period (default
    /// [`DEFAULT_ALB_FETCH_BURST`], at least 1): the size of the rate limit's bucket.
    ///
    /// From 2 up, one token of it (and, from a [`max_fetches_in_flight`](Self::max_fetches_in_flight)
    /// of 2 up, one place in flight) is a reserve for the `kid` asked for most, and more than
    /// once: a flood of `kid`s each seen once spends the rest, never the reserve, so a key the
    /// load balancer really signs with (asked for by every request behind it) is fetched at its
    /// next request. The bound on all fetches together is unchanged.
    pub fn fetch_burst(mut self, burst: u32) -> Self {
        self.fetch_burst = burst;
        self
    }

    /// Key fetches in flight at once (default [`DEFAULT_ALB_MAX_FETCHES_IN_FLIGHT`], at least 1).
    /// A `kid` that needs a fetch while this many are running is refused at once with a
    /// retryable `KeysUnavailable`: no socket is opened for it.
    pub fn max_fetches_in_flight(mut self, max: usize) -> Self {
        self.max_fetches_in_flight = max;
        self
    }

    /// How many failed `kid`s are remembered (default [`DEFAULT_ALB_NEGATIVE_CACHE_CAPACITY`]).
    /// Must hold every failure of one [`min_refetch_interval`](Self::min_refetch_interval)
    /// (`fetch_burst + fetch_rate × min_refetch_interval`, checked by `build`), so that a `kid`
    /// that failed is never forgotten, and refetched, before the interval ends.
    pub fn negative_cache_capacity(mut self, capacity: usize) -> Self {
        self.negative_cache_capacity = capacity;
        self
    }

    cognito_http::request_limit_setters!(
        request: "a key fetch",
        response: "key document",
        default_max: "8 KiB",
    );

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        OutOfRange::check(self.cache_capacity >= 1, "cache_capacity", "must be at least 1")?;
        OutOfRange::check(
            !self.min_refetch_interval.is_zero(),
            "min_refetch_interval",
            "must be above zero",
        )?;
        OutOfRange::check(self.fetch_rate >= 1, "fetch_rate", "must be at least 1")?;
        OutOfRange::check(self.fetch_burst >= 1, "fetch_burst", "must be at least 1")?;
        OutOfRange::check(self.max_fetches_in_flight >= 1, "max_fetches_in_flight", "must be at least 1")?;
        OutOfRange::check(
            self.negative_cache_capacity as f64 >= self.failures_per_interval(),
            "negative_cache_capacity",
            "must hold every failure of one min_refetch_interval: at least \
             fetch_burst + fetch_rate × min_refetch_interval",
        )?;
        Ok(self.limits.validate()?)
    }

    /// The most fetches, so failures, within one `min_refetch_interval`.
    fn failures_per_interval(&self) -> f64 {
        f64::from(self.fetch_burst) + f64::from(self.fetch_rate) * self.min_refetch_interval.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_options_are_named() {
        let option = |options: AlbKeyOptions| match options.validate() {
            Err(ConfigError::OutOfRange { option, .. }) => option,
            other => panic!("expected OutOfRange, got {other:?}"),
        };
        assert_eq!(option(AlbKeyOptions::default().cache_capacity(0)), "cache_capacity");
        assert_eq!(
            option(AlbKeyOptions::default().min_refetch_interval(Duration::ZERO)),
            "min_refetch_interval"
        );
        assert_eq!(option(AlbKeyOptions::default().connect_timeout(Duration::ZERO)), "timeout");
        assert_eq!(option(AlbKeyOptions::default().max_response_bytes(10)), "max_response_bytes");
        assert_eq!(option(AlbKeyOptions::default().fetch_rate(0)), "fetch_rate");
        assert_eq!(option(AlbKeyOptions::default().fetch_burst(0)), "fetch_burst");
        assert_eq!(option(AlbKeyOptions::default().max_fetches_in_flight(0)), "max_fetches_in_flight");
        assert!(AlbKeyOptions::default().validate().is_ok());
    }

    #[test]
    fn the_negative_cache_must_hold_every_failure_of_one_refetch_interval() {
        let options = AlbKeyOptions::default().fetch_burst(10).fetch_rate(2);
        // 10 + 2 × 10 s = 30 failures at most within the default 10 s.
        assert!(options.clone().negative_cache_capacity(30).validate().is_ok());
        assert!(matches!(
            options.clone().negative_cache_capacity(29).validate(),
            Err(ConfigError::OutOfRange { option: "negative_cache_capacity", .. })
        ));
        let long = options.min_refetch_interval(Duration::from_secs(3600));
        assert!(matches!(
            long.validate(),
            Err(ConfigError::OutOfRange { option: "negative_cache_capacity", .. })
        ));
    }
}
