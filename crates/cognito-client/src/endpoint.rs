//! Where tokens come from: a Cognito domain prefix and region, a custom domain, or a full URL.

use cognito_http::{UrlError, UrlRules};
use url::{Host, Url};

use crate::error::ConfigError;

/// The token endpoint as configured, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `https://{prefix}.auth.{region}.amazoncognito.com/oauth2/token`.
    Domain { prefix: String, region: String },
    /// `https://{host}/oauth2/token`.
    CustomDomain(String),
    /// A full URL, used as is.
    Url(String),
}

impl Endpoint {
    /// The validated token endpoint URL.
    pub(crate) fn resolve(&self, allow_insecure_http: bool) -> Result<Url, ConfigError> {
        match self {
            Endpoint::Domain { prefix, region } => {
                check_prefix(prefix)?;
                check_region(region)?;
                parse(&format!("https://{prefix}.auth.{region}.amazoncognito.com/oauth2/token"), false)
            }
            Endpoint::CustomDomain(domain) => {
                let invalid = |reason| ConfigError::InvalidDomain { value: domain.clone(), reason };
                // Accept `auth.example.com` and `https://auth.example.com/` alike.
                let host = domain.strip_prefix("https://").unwrap_or(domain).trim_end_matches('/');
                if host.is_empty() || host.contains(['/', '?', '#', '@']) || host.contains("://") {
                    return Err(invalid("expected a host name such as auth.example.com"));
                }
                let url = parse(&format!("https://{host}/oauth2/token"), false)
                    .map_err(|_| invalid("expected a host name such as auth.example.com"))?;
                if !matches!(url.host(), Some(Host::Domain(_))) {
                    return Err(invalid("expected a host name such as auth.example.com"));
                }
                Ok(url)
            }
            Endpoint::Url(url) => parse(url, allow_insecure_http),
        }
    }
}

/// Accept `https` URLs, and `http` only for loopback hosts or when explicitly allowed; no
/// credentials or fragment. The URL is used as is, so a query is allowed.
fn parse(url: &str, allow_insecure_http: bool) -> Result<Url, ConfigError> {
    cognito_http::check_url(url, UrlRules { allow_insecure_http, allow_query: true }).map_err(|err| match err
    {
        UrlError::Insecure => ConfigError::InsecureUrl(url.to_owned()),
        UrlError::Credentials => ConfigError::InvalidUrl {
            url: url.to_owned(),
            reason: "must not carry credentials; use client_id and client_secret",
        },
        other => ConfigError::InvalidUrl { url: url.to_owned(), reason: other.reason() },
    })
}

/// Cognito domain prefixes: lowercase letters, digits and inner hyphens, at most 63 characters.
fn check_prefix(prefix: &str) -> Result<(), ConfigError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 63
        && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !prefix.starts_with('-')
        && !prefix.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidDomain {
            value: prefix.to_owned(),
            reason: "a domain prefix has lowercase letters, digits and inner hyphens only, e.g. my-app",
        })
    }
}

/// AWS regions: lowercase words and digits separated by hyphens, ending in a digit.
fn check_region(region: &str) -> Result<(), ConfigError> {
    if cognito_http::is_region(region) {
        Ok(())
    } else {
        Err(ConfigError::InvalidDomain {
            value: region.to_owned(),
            reason: "expected an AWS region such as eu-west-1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(prefix: &str, region: &str) -> Result<String, ConfigError> {
        Endpoint::Domain { prefix: prefix.into(), region: region.into() }.resolve(false).map(String::from)
    }

    fn custom(host: &str) -> Result<String, ConfigError> {
        Endpoint::CustomDomain(host.into()).resolve(false).map(String::from)
    }

    fn full(url: &str, insecure: bool) -> Result<String, ConfigError> {
        Endpoint::Url(url.into()).resolve(insecure).map(String::from)
    }

    #[test]
    fn domain_prefix_and_region_make_the_cognito_hosted_endpoint() {
        assert_eq!(
            domain("my-prefix", "eu-west-1").unwrap(),
            "https://my-prefix.auth.eu-west-1.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            domain("app1", "us-gov-west-1").unwrap(),
            "https://app1.auth.us-gov-west-1.amazoncognito.com/oauth2/token"
        );
    }

    #[test]
    fn malformed_prefixes_and_regions_are_refused() {
        for (prefix, region) in
            [("", "eu-west-1"), ("My-App", "eu-west-1"), ("-app", "eu-west-1"), ("a.b", "eu-west-1")]
        {
            assert!(matches!(domain(prefix, region), Err(ConfigError::InvalidDomain { .. })), "{prefix}");
        }
        for region in ["", "euwest1", "eu-west", "eu-west-1/x", "EU-WEST-1"] {
            assert!(matches!(domain("app", region), Err(ConfigError::InvalidDomain { .. })), "{region}");
        }
    }

    #[test]
    fn custom_domain_is_a_host_with_or_without_https() {
        assert_eq!(custom("auth.example.com").unwrap(), "https://auth.example.com/oauth2/token");
        assert_eq!(custom("https://auth.example.com/").unwrap(), "https://auth.example.com/oauth2/token");
        for bad in
            ["", "http://auth.example.com", "auth.example.com/path", "user@auth.example.com", "1.2.3.4"]
        {
            assert!(matches!(custom(bad), Err(ConfigError::InvalidDomain { .. })), "{bad}");
        }
    }

    #[test]
    fn http_is_accepted_only_for_loopback_unless_allowed() {
        assert!(full("http://127.0.0.1:8080/oauth2/token", false).is_ok());
        assert!(full("http://localhost/oauth2/token", false).is_ok());
        assert!(full("http://[::1]:1/oauth2/token", false).is_ok());
        assert_eq!(
            full("http://auth.internal/oauth2/token", false),
            Err(ConfigError::InsecureUrl("http://auth.internal/oauth2/token".into()))
        );
        assert!(full("http://auth.internal/oauth2/token", true).is_ok());
        assert!(full("https://auth.example.com/oauth2/token", false).is_ok());
    }

    #[test]
    fn urls_with_credentials_fragments_or_other_schemes_are_refused() {
        for bad in ["ftp://x/oauth2/token", "https://u:p@x/oauth2/token", "https://x/t#f", "/oauth2/token"] {
            assert!(matches!(full(bad, true), Err(ConfigError::InvalidUrl { .. })), "{bad}");
        }
    }
}
