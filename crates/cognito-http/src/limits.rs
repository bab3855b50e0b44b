//! [`RequestLimits`]: how long one kind of outbound request may take and how large its answer
//! may be, and the HTTP client made to respect them.

use std::net::SocketAddr;
use std::time::Duration;

use crate::out_of_range::OutOfRange;

/// Timeouts and response size cap of one kind of outbound request.
///
/// ```
/// use std::time::Duration;
///
/// use cognito_http::RequestLimits;
///
/// let limits = RequestLimits { timeout: Duration::from_secs(3), ..RequestLimits::new(64 * 1024) };
/// assert!(limits.validate().is_ok());
///
/// let too_small = RequestLimits::new(10);
/// assert_eq!(too_small.validate().unwrap_err().option, "max_response_bytes");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Connect timeout of one request.
    pub connect_timeout: Duration,
    /// Total timeout of one request, body included.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: usize,
}

impl RequestLimits {
    /// Smallest `max_response_bytes` accepted by [`validate`](Self::validate).
    pub const MIN_RESPONSE_BYTES: usize = 1024;

    /// Timeouts of 2 s to connect and 5 s in all, and a body of at most `max_response_bytes`.
    pub fn new(max_response_bytes: usize) -> Self {
        RequestLimits {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            max_response_bytes,
        }
    }

    /// Both timeouts above zero (option `timeout`), `max_response_bytes` at least
    /// [`MIN_RESPONSE_BYTES`](Self::MIN_RESPONSE_BYTES).
    pub fn validate(&self) -> Result<(), OutOfRange> {
        OutOfRange::check(
            !self.timeout.is_zero() && !self.connect_timeout.is_zero(),
            "timeout",
            "must be above zero",
        )?;
        OutOfRange::check(
            self.max_response_bytes >= Self::MIN_RESPONSE_BYTES,
            "max_response_bytes",
            "must be at least 1024",
        )
    }

    /// An HTTP client bounded by these timeouts that never follows redirects: keys and tokens
    /// come from the configured URL only, and a redirect could point anywhere (and would re-send
    /// a request body, client secret included, on a 307 / 308).
    pub fn client(&self) -> Result<reqwest::Client, String> {
        self.client_for(std::iter::empty())
    }

    /// [`client`](Self::client) for fetching `urls`: when one of them is plain `http` or names a
    /// loopback host, the client ignores the proxy variables (`HTTP_PROXY`, `ALL_PROXY`, ...)
    /// and connects directly. A proxy on the path of a plain-http fetch could substitute keys
    /// (and every token it signs would verify) or read a `client_secret_post` body; and a
    /// "loopback" URL sent to a proxy is not loopback any more. `https` to other hosts keeps the
    /// proxy settings: the TLS tunnel ends at the real host. A `localhost` URL is pinned to the
    /// loopback addresses [`check_url`](crate::check_url) resolved it to, so a later resolution
    /// cannot send it elsewhere.
    ///
    /// Fails (never panics) when the TLS setup cannot work, e.g. with the `rustls-no-provider`
    /// feature and no process-level rustls `CryptoProvider` installed: see [`crate::tls`].
    pub fn client_for<'u>(&self, urls: impl IntoIterator<Item = &'u str>) -> Result<reqwest::Client, String> {
        crate::tls::check_provider()?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cognito-rs/", env!("CARGO_PKG_VERSION")));
        let mut direct = false;
        let mut localhost = false;
        for url in urls.into_iter().filter_map(|url| url::Url::parse(url).ok()) {
            direct |= crate::url_rules::must_not_be_proxied(&url);
            localhost |= crate::url_rules::is_localhost(&url);
        }
        if localhost {
            let addrs = crate::url_rules::localhost_addrs().map_err(|err| err.reason().to_owned())?;
            let addrs: Vec<SocketAddr> = addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect();
            builder = builder.resolve_to_addrs("localhost", &addrs);
        }
        if direct {
            builder = builder.no_proxy();
        }
        builder.build().map_err(|err| err.to_string())
    }
}

/// Defines the builder methods `connect_timeout`, `timeout` and `max_response_bytes` in an
/// `impl` block of an options type with a `limits: RequestLimits` field, so that every options
/// type of cognito-rs sets its request limits alike.
///
/// `request` names one request in the docs (`"a JWKS fetch"`), `response` what comes back
/// (`"JWKS document"`), `default_max` the default size cap (`"128 KiB"`); `connect_note` and
/// `timeout_note` add a sentence to those methods' docs.
#[macro_export]
macro_rules! request_limit_setters {
    (
        request: $request:literal,
        response: $response:literal,
        default_max: $default_max:literal
        $(, connect_note: $connect_note:literal)?
        $(, timeout_note: $timeout_note:literal)?
        $(,)?
    ) => {
        #[doc = concat!("Connect timeout of ", $request, " (default 2 s)." $(, " ", $connect_note)?)]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.limits.connect_timeout = timeout;
            self
        }

        #[doc = concat!("Total timeout of ", $request, ", body included (default 5 s)." $(, " ", $timeout_note)?)]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.limits.timeout = timeout;
            self
        }

        #[doc = concat!("Largest ", $response, " accepted (default ", $default_max, ", at least 1 KiB).")]
        pub fn max_response_bytes(mut self, max: usize) -> Self {
            self.limits.max_response_bytes = max;
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_timeouts_and_tiny_bodies_are_out_of_range() {
        let limits = RequestLimits::new(4096);
        assert_eq!(limits.validate(), Ok(()));
        let zero = RequestLimits { timeout: Duration::ZERO, ..limits };
        assert_eq!(zero.validate().map_err(|e| e.option), Err("timeout"));
        let zero = RequestLimits { connect_timeout: Duration::ZERO, ..limits };
        assert_eq!(zero.validate().map_err(|e| e.option), Err("timeout"));
        let tiny = RequestLimits { max_response_bytes: 1023, ..limits };
        assert_eq!(tiny.validate().map_err(|e| e.option), Err("max_response_bytes"));
    }
}
