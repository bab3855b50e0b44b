//! [`RemoteTarget`]: a real user pool and a running api example, from environment variables.

use cognito_client::ClientCredentials;

use crate::error::Error;
use crate::flow::POST_SCOPE;

/// Where the api example listens when `API_URL` is not set (its `DEFAULT_ADDR`).
pub const DEFAULT_API_URL: &str = "http://127.0.0.1:3000";

/// A provider for a real user pool's app client, and the URL of a running api example.
#[derive(Debug, Clone)]
pub struct RemoteTarget {
    /// Tokens for [`POST_SCOPE`] from the pool's `/oauth2/token`.
    pub tokens: ClientCredentials,
    /// The api example's base URL.
    pub api_url: String,
}

impl RemoteTarget {
    /// Reads the process environment; see [`from_lookup`](Self::from_lookup).
    pub fn from_env() -> Result<Option<RemoteTarget>, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The target described by these variables, or `None` when none of
    /// `COGNITO_TOKEN_ENDPOINT`, `COGNITO_DOMAIN`, `COGNITO_CLIENT_ID`, `COGNITO_CLIENT_SECRET`
    /// is set (then the example runs locally):
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `COGNITO_DOMAIN` | the domain prefix (`my-prefix` → `https://my-prefix.auth.{region}.amazoncognito.com`), or a custom domain's host name such as `auth.example.com` |
    /// | `AWS_REGION` | the pool's region; needed with a domain prefix only |
    /// | `COGNITO_TOKEN_ENDPOINT` | instead of `COGNITO_DOMAIN`: the token endpoint's full URL, e.g. a local emulator's `http://127.0.0.1:9229/oauth2/token` (plain `http` on loopback only) |
    /// | `COGNITO_CLIENT_ID` | the app client, with a secret and the `client_credentials` flow allowed |
    /// | `COGNITO_CLIENT_SECRET` | its secret |
    /// | `API_URL` | the api example, default `http://127.0.0.1:3000` |
    ///
    /// `AWS_REGION` alone does not select the real pool: it is often set for other tools.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<RemoteTarget>, Error> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let selecting =
            ["COGNITO_TOKEN_ENDPOINT", "COGNITO_DOMAIN", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET"];
        if selecting.iter().all(|name| var(name).is_none()) {
            return Ok(None);
        }
        let required = |name: &'static str| var(name).ok_or(Error::MissingEnv(name));
        let builder = ClientCredentials::builder();
        let builder = match (var("COGNITO_TOKEN_ENDPOINT"), var("COGNITO_DOMAIN")) {
            (Some(_), Some(_)) => {
                return Err(Error::ConflictingEnv("COGNITO_TOKEN_ENDPOINT", "COGNITO_DOMAIN"));
            }
            (Some(url), None) => builder.token_endpoint(url),
            (None, Some(domain)) => match DomainKind::of(&domain) {
                Some(DomainKind::Prefix) => builder.domain(domain, required("AWS_REGION")?),
                Some(DomainKind::HostName) => builder.custom_domain(domain),
                None => return Err(Error::InvalidDomain(domain)),
            },
            (None, None) => return Err(Error::MissingEnv("COGNITO_DOMAIN")),
        };
        let client_id = required("COGNITO_CLIENT_ID")?;
        let client_secret = required("COGNITO_CLIENT_SECRET")?;
        let tokens =
            builder.client_id(client_id).client_secret(client_secret).scopes([POST_SCOPE]).build()?;
        let api_url = var("API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        Ok(Some(RemoteTarget { tokens, api_url }))
    }
}

/// What `COGNITO_DOMAIN` names: a Cognito domain prefix, or a custom domain's host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DomainKind {
    /// `my-prefix`: lowercase letters, digits and inner hyphens, one label (Cognito's rule).
    Prefix,
    /// `auth.example.com` (or `https://auth.example.com/`): a DNS name of two labels or more.
    HostName,
}

impl DomainKind {
    /// `None` for anything else: an IP address, a URL with a path or port, a single label
    /// with capitals or underscores, an empty label...
    fn of(value: &str) -> Option<DomainKind> {
        if is_label(value) && value.bytes().all(|b| !b.is_ascii_uppercase()) {
            return Some(DomainKind::Prefix);
        }
        let host = value.strip_prefix("https://").unwrap_or(value);
        let host = host.strip_suffix('/').unwrap_or(host);
        let host = host.strip_suffix('.').unwrap_or(host);
        let labels: Vec<&str> = host.split('.').collect();
        let is_host_name = host.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|label| is_label(label))
            // A numeric last label is an IPv4 address (or nothing DNS resolves), not a name.
            && labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
        is_host_name.then_some(DomainKind::HostName)
    }
}

/// One DNS label (RFC 1123): 1-63 letters, digits and inner hyphens.
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::DomainKind;

    #[test]
    fn one_lowercase_label_is_a_domain_prefix() {
        for prefix in ["my-prefix", "app1", "a"] {
            assert_eq!(DomainKind::of(prefix), Some(DomainKind::Prefix), "{prefix}");
        }
    }

    #[test]
    fn a_dns_name_of_two_labels_or_more_is_a_custom_domain() {
        for host in [
            "auth.example.com",
            "https://auth.example.com",
            "https://auth.example.com/",
            "auth.example.com.",
            "Auth.Example.COM",
            "my-prefix.auth.eu-west-1.amazoncognito.com",
            "xn--bcher-kva.example",
        ] {
            assert_eq!(DomainKind::of(host), Some(DomainKind::HostName), "{host}");
        }
    }

    #[test]
    fn addresses_urls_and_malformed_names_are_neither() {
        for value in [
            "",
            "127.0.0.1",
            "10.0.0.1.",
            "[::1]",
            "auth.example.com:8443",
            "https://auth.example.com/oauth2/token",
            "http://auth.example.com",
            "auth..example.com",
            "-auth.example.com",
            "auth_example.com",
            "My-Prefix",
            "auth example.com",
            "user@auth.example.com",
            ".example.com",
        ] {
            assert_eq!(DomainKind::of(value), None, "{value:?}");
        }
    }
}
