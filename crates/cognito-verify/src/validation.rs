//! Validation shared by the two verifier builders, [`CognitoVerifierBuilder`] and
//! [`AlbVerifierBuilder`]: allowed-value lists, clock leeway and token size, URLs, and the HTTP
//! client for key fetches.
//!
//! [`CognitoVerifierBuilder`]: crate::CognitoVerifierBuilder
//! [`AlbVerifierBuilder`]: crate::AlbVerifierBuilder

use std::collections::HashSet;

/// A set of allowed values (client ids, signers), looked up on every verification: foldhash, not
/// SipHash (the values looked up come from verified tokens, and the sets are small).
pub(crate) type AllowedSet = HashSet<String, foldhash::fast::RandomState>;
/// A map by user pool id, read on every verification: foldhash, as [`AllowedSet`].
pub(crate) type ByPool<V> = std::collections::HashMap<String, V, foldhash::fast::RandomState>;
use std::time::Duration;

use cognito_http::{OutOfRange, RequestLimits, UrlError, UrlRules};

use crate::error::ConfigError;

/// The largest clock leeway a verifier accepts.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);

/// Smallest token size limit accepted.
const MIN_MAX_TOKEN_BYTES: usize = 64;

/// A builder's choice of the values it accepts for one claim or header member (app clients,
/// load balancers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// No choice made yet.
    #[default]
    Unset,
    /// Any value: an explicit opt-out of the check.
    Any,
    /// Only these values.
    Only(Vec<String>),
}

impl Allowed {
    /// Only `values`.
    pub(crate) fn only<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Allowed::Only(values.into_iter().map(Into::into).collect())
    }

    /// A choice that must be made: fails with `unset` when it was not, and with `empty` for a
    /// list with no value or an empty value. `None` means any value.
    pub(crate) fn required(
        self,
        unset: ConfigError,
        empty: ConfigError,
    ) -> Result<Option<AllowedSet>, ConfigError> {
        match self {
            Allowed::Unset => Err(unset),
            chosen => chosen.optional(empty),
        }
    }

    /// A choice that may be left out, meaning any value; fails with `empty` for a list with no
    /// value or an empty value. `None` means any value.
    pub(crate) fn optional(self, empty: ConfigError) -> Result<Option<AllowedSet>, ConfigError> {
        match self {
            Allowed::Unset | Allowed::Any => Ok(None),
            Allowed::Only(values) if values.is_empty() || values.iter().any(String::is_empty) => Err(empty),
            Allowed::Only(values) => Ok(Some(values.into_iter().collect())),
        }
    }
}

/// The validated limits every token is held to before and after its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenLimits {
    /// Clock leeway on `exp`, `nbf` and `iat`.
    pub(crate) leeway: Duration,
    /// Largest token accepted, in bytes.
    pub(crate) max_token_bytes: usize,
}

impl TokenLimits {
    /// `leeway` at most [`MAX_LEEWAY`], `max_token_bytes` at least 64.
    pub(crate) fn new(leeway: Duration, max_token_bytes: usize) -> Result<Self, ConfigError> {
        if leeway > MAX_LEEWAY {
            return Err(ConfigError::LeewayTooLarge { given: leeway, max: MAX_LEEWAY });
        }
        OutOfRange::check(max_token_bytes >= MIN_MAX_TOKEN_BYTES, "max_token_bytes", "must be at least 64")?;
        Ok(TokenLimits { leeway, max_token_bytes })
    }
}

/// Accept an issuer or key URL: `https`, and `http` only for loopback hosts or when explicitly
/// allowed; no credentials, query or fragment.
pub(crate) fn check_url(url: &str, allow_insecure_http: bool) -> Result<(), ConfigError> {
    let rules = UrlRules { allow_insecure_http, allow_query: false };
    match cognito_http::check_url(url, rules) {
        Ok(_) => Ok(()),
        Err(UrlError::Insecure) => Err(ConfigError::InsecureUrl(url.to_owned())),
        Err(err) => Err(ConfigError::InvalidUrl { url: url.to_owned(), reason: err.reason() }),
    }
}

/// The HTTP client for key fetches (JWKS, ALB keys) of `urls`: the application's `own` client
/// when it passed one, else one bounded in time, with no redirects, since keys must come from
/// the configured URL, and no proxy when one of them is plain http or loopback.
pub(crate) fn key_client<'u>(
    own: Option<reqwest::Client>,
    limits: &RequestLimits,
    urls: impl IntoIterator<Item = &'u str>,
) -> Result<reqwest::Client, ConfigError> {
    match own {
        Some(client) => Ok(client),
        None => limits.client_for(urls).map_err(ConfigError::HttpClient),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_accepted_only_for_loopback_unless_allowed() {
        assert!(check_url("http://127.0.0.1:8080/pool", false).is_ok());
        assert!(check_url("http://localhost:8080/pool", false).is_ok());
        assert!(check_url("http://[::1]:8080/pool", false).is_ok());
        assert_eq!(
            check_url("http://example.com/pool", false),
            Err(ConfigError::InsecureUrl("http://example.com/pool".into()))
        );
        assert!(check_url("http://example.com/pool", true).is_ok());
        assert!(matches!(check_url("ftp://example.com/", true), Err(ConfigError::InvalidUrl { .. })));
        assert!(matches!(
            check_url("https://user:pw@example.com/pool", false),
            Err(ConfigError::InvalidUrl { reason: "must not carry credentials", .. })
        ));
    }

    #[test]
    fn allowed_lists_must_be_chosen_and_hold_non_empty_values() {
        let unset = || ConfigError::ClientsNotSet;
        let empty = || ConfigError::EmptyClientIds;
        assert_eq!(Allowed::Unset.required(unset(), empty()), Err(ConfigError::ClientsNotSet));
        assert_eq!(Allowed::Unset.optional(empty()), Ok(None));
        assert_eq!(Allowed::Any.required(unset(), empty()), Ok(None));
        assert_eq!(Allowed::only(["a", ""]).required(unset(), empty()), Err(ConfigError::EmptyClientIds));
        assert_eq!(Allowed::only(Vec::<String>::new()).optional(empty()), Err(ConfigError::EmptyClientIds));
        assert_eq!(
            Allowed::only(["a", "a"]).optional(empty()),
            Ok(Some(AllowedSet::from_iter(["a".to_owned()])))
        );
    }

    #[test]
    fn leeway_and_token_size_are_bounded() {
        assert!(matches!(
            TokenLimits::new(MAX_LEEWAY + Duration::from_secs(1), 1024),
            Err(ConfigError::LeewayTooLarge { .. })
        ));
        assert_eq!(
            TokenLimits::new(Duration::ZERO, 63),
            Err(ConfigError::OutOfRange { option: "max_token_bytes", reason: "must be at least 64" })
        );
        assert_eq!(
            TokenLimits::new(Duration::from_secs(5), 64),
            Ok(TokenLimits { leeway: Duration::from_secs(5), max_token_bytes: 64 })
        );
    }
}
