//! Which URLs may be fetched: `https`, plain `http` only for loopback hosts or on explicit
//! opt-in, never with credentials; and the shape of AWS regions put into host names.
//!
//! Loopback means a literal loopback address (`127.0.0.0/8`, `::1`), or `localhost` when the
//! system resolver maps it to loopback addresses only: a `localhost` that resolves anywhere else
//! (a tampered hosts file, a resolver that forwards the name) is refused, whatever the scheme.

use std::io;
use std::net::{IpAddr, ToSocketAddrs};

use url::{Host, Url};

/// What a URL may be, beyond the rules that always hold.
///
/// ```
/// use cognito_http::{UrlError, UrlRules, check_url};
///
/// let strict = UrlRules::default();
/// assert!(check_url("https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json", strict).is_ok());
/// assert!(check_url("http://127.0.0.1:9229/pool/.well-known/jwks.json", strict).is_ok()); // loopback
/// assert_eq!(check_url("http://keys.example.com/jwks.json", strict), Err(UrlError::Insecure));
/// assert_eq!(check_url("https://user:pw@keys.example.com/", strict), Err(UrlError::Credentials));
///
/// let relaxed = UrlRules { allow_insecure_http: true, allow_query: true };
/// assert!(check_url("http://keys.internal/jwks.json?v=2", relaxed).is_ok());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlRules {
    /// Allow plain `http` on hosts other than loopback.
    pub allow_insecure_http: bool,
    /// Allow a query string (the URL is used as is, not extended with a path).
    pub allow_query: bool,
}

/// Why a URL was refused; [`reason`](Self::reason) says it in words.
///
/// ```
/// use cognito_http::{UrlError, UrlRules, check_url};
///
/// let err = check_url("ftp://keys.example.com/jwks.json", UrlRules::default()).unwrap_err();
/// assert_eq!(err, UrlError::Scheme);
/// assert_eq!(err.reason(), "scheme must be https (or http for loopback)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute URL.
    NotAbsolute,
    /// A scheme other than `https` and `http`.
    Scheme,
    /// Plain `http` on a host other than loopback, without
    /// [`allow_insecure_http`](UrlRules::allow_insecure_http).
    Insecure,
    /// No host.
    NoHost,
    /// A user name or password in the URL.
    Credentials,
    /// A query or a fragment, where neither is allowed.
    QueryOrFragment,
    /// A fragment.
    Fragment,
    /// The host is `localhost`, but it does not resolve, or resolves to an address that is not
    /// loopback.
    LocalhostNotLoopback,
}

impl UrlError {
    /// What is wrong, as a short phrase.
    pub fn reason(self) -> &'static str {
        match self {
            UrlError::NotAbsolute => "not an absolute URL",
            UrlError::Scheme => "scheme must be https (or http for loopback)",
            UrlError::Insecure => "plain http on a non-loopback host",
            UrlError::NoHost => "no host",
            UrlError::Credentials => "must not carry credentials",
            UrlError::QueryOrFragment => "must not carry a query or fragment",
            UrlError::Fragment => "must not carry a fragment",
            UrlError::LocalhostNotLoopback => {
                "localhost does not resolve to loopback addresses only; \
                 use a literal loopback address such as 127.0.0.1, or fix the hosts file"
            }
        }
    }
}

/// Parse `url` and check it against the rules: `https`, or `http` for loopback hosts (or any
/// host when allowed); a host; no credentials; no fragment, and no query unless allowed. A
/// `localhost` host is resolved now and must map to loopback addresses only.
pub fn check_url(url: &str, rules: UrlRules) -> Result<Url, UrlError> {
    let parsed = Url::parse(url).map_err(|_| UrlError::NotAbsolute)?;
    if is_localhost(&parsed) {
        localhost_addrs()?;
    }
    match parsed.scheme() {
        "https" => {}
        "http" if rules.allow_insecure_http || is_loopback(&parsed) => {}
        "http" => return Err(UrlError::Insecure),
        _ => return Err(UrlError::Scheme),
    }
    if parsed.host().is_none() {
        return Err(UrlError::NoHost);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::Credentials);
    }
    let fragment = parsed.fragment().is_some();
    if !rules.allow_query && (fragment || parsed.query().is_some()) {
        return Err(UrlError::QueryOrFragment);
    }
    if fragment {
        return Err(UrlError::Fragment);
    }
    Ok(parsed)
}

/// Whether a fetch of `url` must bypass any proxy: plain `http`, or a loopback host. (A URL that
/// does not parse is never fetched: `check_url` refuses it first.)
pub(crate) fn must_not_be_proxied(url: &Url) -> bool {
    url.scheme() == "http" || is_loopback(url)
}

/// A literal loopback address, or `localhost` (which `check_url` has resolved and checked).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(_)) => is_localhost(url),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether the host of `url` is the name `localhost`.
pub(crate) fn is_localhost(url: &Url) -> bool {
    matches!(url.host(), Some(Host::Domain(host)) if host.eq_ignore_ascii_case("localhost"))
}

/// The addresses the system resolver gives for `localhost`, when they are all loopback.
pub(crate) fn localhost_addrs() -> Result<Vec<IpAddr>, UrlError> {
    let resolved = ("localhost", 0).to_socket_addrs().map(|addrs| addrs.map(|addr| addr.ip()).collect());
    only_loopback(resolved)
}

/// `resolved` when it is a non-empty list of loopback addresses.
fn only_loopback(resolved: io::Result<Vec<IpAddr>>) -> Result<Vec<IpAddr>, UrlError> {
    match resolved {
        Ok(addrs) if !addrs.is_empty() && addrs.iter().all(IpAddr::is_loopback) => Ok(addrs),
        _ => Err(UrlError::LocalhostNotLoopback),
    }
}

/// Whether `region` has the shape of an AWS region: lowercase letters and digits in at least two
/// dash-separated parts, ending in a digit (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`, and
/// emulators' `local-1`). Regions go into host names, so nothing else may pass.
pub fn is_region(region: &str) -> bool {
    region.contains('-')
        && region.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && region.ends_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: UrlRules = UrlRules { allow_insecure_http: false, allow_query: false };

    #[test]
    fn http_is_accepted_only_for_loopback_unless_allowed() {
        for url in ["http://127.0.0.1:8080/pool", "http://localhost:8080/pool", "http://[::1]:8080/pool"] {
            assert!(check_url(url, STRICT).is_ok(), "{url}");
        }
        assert_eq!(check_url("http://example.com/pool", STRICT), Err(UrlError::Insecure));
        let insecure = UrlRules { allow_insecure_http: true, ..STRICT };
        assert!(check_url("http://example.com/pool", insecure).is_ok());
        assert_eq!(check_url("ftp://example.com/", insecure), Err(UrlError::Scheme));
        assert_eq!(check_url("/pool", insecure), Err(UrlError::NotAbsolute));
    }

    #[test]
    fn plain_http_and_loopback_urls_bypass_proxies() {
        for url in
            ["http://10.0.0.1/keys", "http://127.0.0.1:8080/k", "https://localhost/k", "https://[::1]/k"]
        {
            assert!(must_not_be_proxied(&Url::parse(url).unwrap()), "{url}");
        }
        let aws = "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json";
        assert!(!must_not_be_proxied(&Url::parse(aws).unwrap()));
    }

    #[test]
    fn localhost_is_loopback_only_when_every_address_it_resolves_to_is() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let both = vec![ip("127.0.0.1"), ip("::1")];
        assert_eq!(only_loopback(Ok(both.clone())), Ok(both));
        for addrs in [vec![ip("127.0.0.1"), ip("10.0.0.7")], vec![ip("192.0.2.1")], vec![]] {
            assert_eq!(only_loopback(Ok(addrs.clone())), Err(UrlError::LocalhostNotLoopback), "{addrs:?}");
        }
        let failed = Err(io::Error::new(io::ErrorKind::NotFound, "no such host"));
        assert_eq!(only_loopback(failed), Err(UrlError::LocalhostNotLoopback));
    }

    #[test]
    fn the_localhost_of_this_machine_is_resolved_and_accepted_as_loopback() {
        // This test machine maps localhost to loopback (as every sane one does).
        assert!(localhost_addrs().unwrap().iter().all(IpAddr::is_loopback));
        assert!(check_url("http://LOCALHOST:8080/pool", STRICT).is_ok());
        assert_eq!(check_url("http://localhost.example.com/pool", STRICT), Err(UrlError::Insecure));
    }

    #[test]
    fn credentials_are_never_accepted() {
        for url in ["https://user:pw@example.com/pool", "https://user@example.com/pool"] {
            assert_eq!(check_url(url, STRICT), Err(UrlError::Credentials), "{url}");
        }
    }

    #[test]
    fn queries_are_accepted_only_when_allowed_and_fragments_never() {
        assert_eq!(check_url("https://example.com/k?x=1", STRICT), Err(UrlError::QueryOrFragment));
        assert_eq!(check_url("https://example.com/k#f", STRICT), Err(UrlError::QueryOrFragment));
        let query = UrlRules { allow_query: true, ..STRICT };
        assert!(check_url("https://example.com/k?x=1", query).is_ok());
        assert_eq!(check_url("https://example.com/k#f", query), Err(UrlError::Fragment));
    }

    #[test]
    fn regions_have_dash_separated_lowercase_parts_ending_in_a_digit() {
        for region in ["us-east-1", "us-gov-west-1", "eusc-de-east-1", "local-1"] {
            assert!(is_region(region), "{region}");
        }
        for region in
            ["", "useast1", "eu-west", "EU-WEST-1", "eu-west-1/", "eu--west-1", "eu-west-1.evil.com/x"]
        {
            assert!(!is_region(region), "{region}");
        }
    }
}
