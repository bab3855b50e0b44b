//! Which URLs may be fetched: `https`, plain `http` only for loopback hosts or on explicit
//! opt-in, never with credentials; and the shape of AWS regions put into host names.

use url::{Host, Url};

/// What a URL may be, beyond the rules that always hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlRules {
    /// Allow plain `http` on hosts other than loopback.
    pub allow_insecure_http: bool,
    /// Allow a query string (the URL is used as is, not extended with a path).
    pub allow_query: bool,
}

/// Why a URL was refused.
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
        }
    }
}

/// Parse `url` and check it against the rules: `https`, or `http` for loopback hosts (or any
/// host when allowed); a host; no credentials; no fragment, and no query unless allowed.
pub fn check_url(url: &str, rules: UrlRules) -> Result<Url, UrlError> {
    let parsed = Url::parse(url).map_err(|_| UrlError::NotAbsolute)?;
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
pub(crate) fn must_not_be_proxied(url: &str) -> bool {
    Url::parse(url).is_ok_and(|url| url.scheme() == "http" || is_loopback(&url))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
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
            assert!(must_not_be_proxied(url), "{url}");
        }
        assert!(!must_not_be_proxied(
            "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json"
        ));
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
