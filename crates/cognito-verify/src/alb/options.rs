//! [`AlbKeyOptions`]: how an [`AlbVerifier`](crate::AlbVerifier) fetches and keeps load
//! balancer keys.

use std::time::Duration;

use cognito_http::{OutOfRange, RequestLimits};

use crate::error::ConfigError;

/// Default number of load balancer keys remembered (one per `kid`; a load balancer uses few).
pub const DEFAULT_ALB_KEY_CACHE_CAPACITY: usize = 64;

/// Options of the ALB key cache. Start from [`AlbKeyOptions::default`] and change what you need;
/// pass them to [`AlbVerifierBuilder::key_options`](crate::AlbVerifierBuilder::key_options).
///
/// A `kid` names one key forever, so a fetched key is never refetched; these options bound the
/// cache and the fetches.
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
    pub(crate) limits: RequestLimits,
}

impl Default for AlbKeyOptions {
    fn default() -> Self {
        AlbKeyOptions {
            min_refetch_interval: Duration::from_secs(10),
            cache_capacity: DEFAULT_ALB_KEY_CACHE_CAPACITY,
            // A P-256 public key in PEM is under 200 bytes.
            limits: RequestLimits::new(8 * 1024),
        }
    }
}

impl AlbKeyOptions {
    /// After a failed fetch for a `kid` (unknown key, endpoint down, unusable key), the time
    /// before that `kid` is fetched again (default 10 s). Tokens with that `kid` fail fast
    /// meanwhile, with the same error.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// How many keys to remember (default [`DEFAULT_ALB_KEY_CACHE_CAPACITY`], at least 1).
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
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
        Ok(self.limits.validate()?)
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
        assert!(AlbKeyOptions::default().validate().is_ok());
    }
}
