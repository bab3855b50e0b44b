//! Verifier configuration: the builder, its validation, and `from_env()`.
//!
//! Everything here runs once, at start-up, and never touches the network. What it produces, a
//! [`Config`], is read-only afterwards and shared by every verification.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::claims::{CognitoClaims, NoCustomClaims};
use crate::error::ConfigError;
use crate::jwks::JwksOptions;
use crate::verifier::CognitoVerifier;

/// The largest clock leeway a verifier accepts.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);
/// Default largest token accepted, in bytes. Cognito tokens are 1-4 KiB; ID tokens with many
/// groups or custom attributes stay well under this.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Default number of verified tokens remembered (see [`CognitoVerifierBuilder::token_cache_capacity`]).
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 4096;

/// Which kind of Cognito token a verifier accepts, checked against the `token_use` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// Access tokens (`token_use: "access"`): what APIs should accept. The client is checked
    /// against `client_id`.
    Access,
    /// ID tokens (`token_use: "id"`). The client is checked against `aud`.
    Id,
    /// Either kind; `token_use` must still be `access` or `id`.
    Any,
}

impl TokenUse {
    /// Whether a token whose `token_use` claim is `value` is accepted.
    pub(crate) fn accepts(self, value: &str) -> bool {
        match self {
            TokenUse::Access => value == "access",
            TokenUse::Id => value == "id",
            TokenUse::Any => value == "access" || value == "id",
        }
    }
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
            TokenUse::Any => "access or id",
        })
    }
}

/// A check on verified claims, run last. Return `Err(reason)` to refuse the token.
pub type CustomCheck<C> = Arc<dyn Fn(&CognitoClaims<C>) -> Result<(), String> + Send + Sync>;

/// One trusted issuer and where its keys are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuerConfig {
    pub(crate) issuer: String,
    pub(crate) jwks_uri: String,
}

/// The validated, immutable configuration of a verifier.
pub(crate) struct Config<C> {
    pub(crate) issuers: Vec<IssuerConfig>,
    pub(crate) token_use: TokenUse,
    /// `None` means any client (explicit opt-out).
    pub(crate) client_ids: Option<HashSet<String>>,
    pub(crate) required_scopes: Vec<String>,
    pub(crate) required_groups: Vec<String>,
    pub(crate) leeway_secs: i64,
    pub(crate) max_token_bytes: usize,
    pub(crate) token_cache_capacity: usize,
    pub(crate) jwks: JwksOptions,
    pub(crate) custom_check: Option<CustomCheck<C>>,
}

/// Builds a [`CognitoVerifier`]. Obtained from [`CognitoVerifier::builder`].
///
/// Two choices are required, so that no verifier accepts more than its author meant:
/// [`token_use`](Self::token_use), and [`client_ids`](Self::client_ids) (or the explicit
/// [`any_client`](Self::any_client)). [`build`](Self::build) validates everything and makes no
/// network call: keys are fetched on first use, or by [`CognitoVerifier::hydrate`].
///
/// ```
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .required_scopes(["transactions/post"])
///     .build()?;
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
pub struct CognitoVerifierBuilder<C = NoCustomClaims> {
    pools: Vec<String>,
    issuers: Vec<(String, Option<String>)>,
    allow_insecure_http: bool,
    token_use: Option<TokenUse>,
    clients: Option<Option<Vec<String>>>,
    required_scopes: Vec<String>,
    required_groups: Vec<String>,
    leeway: Duration,
    max_token_bytes: usize,
    token_cache_capacity: usize,
    jwks: JwksOptions,
    custom_check: Option<CustomCheck<C>>,
}

impl<C> fmt::Debug for CognitoVerifierBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoVerifierBuilder")
            .field("pools", &self.pools)
            .field("issuers", &self.issuers)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("token_use", &self.token_use)
            .field("clients", &self.clients)
            .field("required_scopes", &self.required_scopes)
            .field("required_groups", &self.required_groups)
            .field("leeway", &self.leeway)
            .field("max_token_bytes", &self.max_token_bytes)
            .field("token_cache_capacity", &self.token_cache_capacity)
            .field("jwks", &self.jwks)
            .field("custom_check", &self.custom_check.is_some())
            .finish()
    }
}

impl Default for CognitoVerifierBuilder<NoCustomClaims> {
    fn default() -> Self {
        CognitoVerifierBuilder {
            pools: Vec::new(),
            issuers: Vec::new(),
            allow_insecure_http: false,
            token_use: None,
            clients: None,
            required_scopes: Vec::new(),
            required_groups: Vec::new(),
            leeway: Duration::ZERO,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            jwks: JwksOptions::default(),
            custom_check: None,
        }
    }
}

impl<C> CognitoVerifierBuilder<C> {
    /// Trust the Cognito user pool `pool_id` (`{region}_{id}`, e.g. `eu-west-1_AbCdEf123`): its
    /// issuer is `https://cognito-idp.{region}.amazonaws.com/{pool_id}` and its keys are at
    /// `{issuer}/.well-known/jwks.json`. Call it once per pool; the token's `iss` picks the pool.
    pub fn user_pool(mut self, pool_id: impl Into<String>) -> Self {
        self.pools.push(pool_id.into());
        self
    }

    /// Trust an explicit issuer URL (a Cognito-compatible emulator, a custom deployment, another
    /// OIDC issuer), with keys at `{issuer}/.well-known/jwks.json`. Tokens must carry exactly this
    /// string as `iss`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push((issuer.into(), None));
        self
    }

    /// Trust an explicit issuer whose keys are at `jwks_uri`.
    pub fn issuer_with_jwks(mut self, issuer: impl Into<String>, jwks_uri: impl Into<String>) -> Self {
        self.issuers.push((issuer.into(), Some(jwks_uri.into())));
        self
    }

    /// Allow plain-`http` issuer and JWKS URLs on hosts other than loopback. Off by default:
    /// keys fetched over plain http can be replaced by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Which kind of token to accept. Required.
    pub fn token_use(mut self, token_use: TokenUse) -> Self {
        self.token_use = Some(token_use);
        self
    }

    /// The app clients whose tokens are accepted: `client_id` of access tokens, `aud` of ID
    /// tokens. Required, unless [`any_client`](Self::any_client) is called.
    pub fn client_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.clients = Some(Some(ids.into_iter().map(Into::into).collect()));
        self
    }

    /// Accept tokens issued to any app client of the trusted pools. An explicit opt-out of the
    /// client check, for services that genuinely serve every client.
    pub fn any_client(mut self) -> Self {
        self.clients = Some(None);
        self
    }

    /// Require at least one of `scopes` in every token (in addition to per-route requirements).
    pub fn required_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Require membership of at least one of `groups` (`cognito:groups`) in every token.
    pub fn required_groups<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required_groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Tolerance for clock skew on `exp`, `nbf` and `iat`. Default 0, at most [`MAX_LEEWAY`].
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Largest token accepted, in bytes (default [`DEFAULT_MAX_TOKEN_BYTES`]). Larger tokens are
    /// refused before any decoding.
    pub fn max_token_bytes(mut self, max: usize) -> Self {
        self.max_token_bytes = max;
        self
    }

    /// How many verified tokens to remember (default [`DEFAULT_TOKEN_CACHE_CAPACITY`]); `0`
    /// turns the cache off. A token seen again skips the signature check but not the time
    /// checks; see `docs/architecture.md`.
    pub fn token_cache_capacity(mut self, capacity: usize) -> Self {
        self.token_cache_capacity = capacity;
        self
    }

    /// Turn the verified-token cache off: every call checks the signature.
    pub fn disable_token_cache(self) -> Self {
        self.token_cache_capacity(0)
    }

    /// Options of the JWKS cache: timeouts, refresh and refetch intervals, size cap.
    pub fn jwks_options(mut self, options: JwksOptions) -> Self {
        self.jwks = options;
        self
    }

    /// A check run on the claims after every other check passed. Return `Err(reason)` to
    /// refuse the token with [`VerifyError::Rejected`](crate::VerifyError::Rejected).
    ///
    /// ```
    /// # use cognito_verify::{CognitoVerifier, TokenUse};
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .custom_check(|claims| match claims.username.as_deref() {
    ///         Some("blocked-user") => Err("user is blocked".into()),
    ///         _ => Ok(()),
    ///     })
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn custom_check<F>(mut self, check: F) -> Self
    where
        F: Fn(&CognitoClaims<C>) -> Result<(), String> + Send + Sync + 'static,
    {
        self.custom_check = Some(Arc::new(check));
        self
    }

    /// Parse user-defined claims into `T` (available as `claims.custom`), e.g. `custom:tenant`
    /// attributes of ID tokens. Resets any custom check, which was typed for the old claims.
    ///
    /// ```
    /// # use cognito_verify::{CognitoVerifier, TokenUse};
    /// #[derive(serde::Deserialize)]
    /// struct Tenant {
    ///     #[serde(rename = "custom:tenant")]
    ///     tenant: String,
    /// }
    ///
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Id)
    ///     .client_ids(["4a1bexampleclientid"])
    ///     .custom_claims::<Tenant>()
    ///     .custom_check(|claims| {
    ///         (claims.custom.tenant == "acme").then_some(()).ok_or_else(|| "wrong tenant".into())
    ///     })
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn custom_claims<T>(self) -> CognitoVerifierBuilder<T> {
        CognitoVerifierBuilder {
            pools: self.pools,
            issuers: self.issuers,
            allow_insecure_http: self.allow_insecure_http,
            token_use: self.token_use,
            clients: self.clients,
            required_scopes: self.required_scopes,
            required_groups: self.required_groups,
            leeway: self.leeway,
            max_token_bytes: self.max_token_bytes,
            token_cache_capacity: self.token_cache_capacity,
            jwks: self.jwks,
            custom_check: None,
        }
    }

    /// Validate the configuration and build the verifier. No network call is made.
    pub fn build(self) -> Result<CognitoVerifier<C>, ConfigError>
    where
        C: DeserializeOwned + Send + Sync + 'static,
    {
        let config = self.into_config()?;
        let client = key_client(config.jwks.connect_timeout, config.jwks.timeout)?;
        Ok(CognitoVerifier::from_config(config, client))
    }

    fn into_config(self) -> Result<Config<C>, ConfigError> {
        let mut issuers = Vec::new();
        for pool in &self.pools {
            let region = user_pool_region(pool)?;
            let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{pool}");
            let jwks_uri = format!("{issuer}/.well-known/jwks.json");
            issuers.push(IssuerConfig { issuer, jwks_uri });
        }
        for (issuer, jwks_uri) in self.issuers {
            check_url(&issuer, self.allow_insecure_http)?;
            let issuer = issuer.trim_end_matches('/').to_owned();
            let jwks_uri = jwks_uri.unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
            check_url(&jwks_uri, self.allow_insecure_http)?;
            issuers.push(IssuerConfig { issuer, jwks_uri });
        }
        if issuers.is_empty() {
            return Err(ConfigError::NoIssuer);
        }
        let mut seen = HashSet::new();
        for config in &issuers {
            if !seen.insert(config.issuer.as_str()) {
                return Err(ConfigError::DuplicateIssuer(config.issuer.clone()));
            }
        }
        let token_use = self.token_use.ok_or(ConfigError::TokenUseNotSet)?;
        let client_ids = match self.clients {
            None => return Err(ConfigError::ClientsNotSet),
            Some(None) => None,
            Some(Some(ids)) => {
                if ids.is_empty() || ids.iter().any(|id| id.is_empty()) {
                    return Err(ConfigError::EmptyClientIds);
                }
                Some(ids.into_iter().collect())
            }
        };
        if self.leeway > MAX_LEEWAY {
            return Err(ConfigError::LeewayTooLarge { given: self.leeway, max: MAX_LEEWAY });
        }
        if self.max_token_bytes < 64 {
            return Err(ConfigError::OutOfRange { option: "max_token_bytes", reason: "must be at least 64" });
        }
        self.jwks.validate()?;
        Ok(Config {
            issuers,
            token_use,
            client_ids,
            required_scopes: self.required_scopes,
            required_groups: self.required_groups,
            leeway_secs: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
            max_token_bytes: self.max_token_bytes,
            token_cache_capacity: self.token_cache_capacity,
            jwks: self.jwks,
            custom_check: self.custom_check,
        })
    }
}

/// The region of a user pool id, after checking the id's shape: `{region}_{alphanumerics}`,
/// where the region is lowercase letters and digits in dash-separated parts ending in a number
/// (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`, and emulators' `local-1`).
pub(crate) fn user_pool_region(pool_id: &str) -> Result<&str, ConfigError> {
    let invalid = || ConfigError::InvalidUserPoolId(pool_id.to_owned());
    let (region, id) = pool_id.split_once('_').ok_or_else(invalid)?;
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if is_region(region) && id_ok { Ok(region) } else { Err(invalid()) }
}

/// Whether `region` has the shape of an AWS region: lowercase letters and digits in
/// dash-separated parts ending in a number (`us-east-1`, `us-gov-west-1`, `local-1`). Regions go
/// into host names, so nothing else may pass.
pub(crate) fn is_region(region: &str) -> bool {
    region.split('-').count() >= 2
        && region.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && region.ends_with(|c: char| c.is_ascii_digit())
}

/// The HTTP client for key fetches: bounded in time, and no redirects, since keys must come from
/// the configured URL and a redirect could point anywhere.
pub(crate) fn key_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("cognito-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| ConfigError::HttpClient(err.to_string()))
}

/// Accept `https` URLs, and `http` only for loopback hosts or when explicitly allowed.
pub(crate) fn check_url(url: &str, allow_insecure_http: bool) -> Result<(), ConfigError> {
    let invalid = |reason| ConfigError::InvalidUrl { url: url.to_owned(), reason };
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid("not an absolute URL"))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback && !allow_insecure_http {
                return Err(ConfigError::InsecureUrl(url.to_owned()));
            }
        }
        _ => return Err(invalid("scheme must be https (or http for loopback)")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("must not carry credentials"));
    }
    if parsed.host().is_none() {
        return Err(invalid("no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("must not carry a query or fragment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pool_ids_of_every_region_shape_are_accepted() {
        for id in
            ["us-east-1_AbCdEf123", "us-gov-west-1_abc", "eusc-de-east-1_X1", "eu-west-1_AbCdEf123456789"]
        {
            assert!(user_pool_region(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn malformed_user_pool_ids_are_refused() {
        for id in [
            "",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "US-EAST-1_abc",
            "us-east-1_ab-c",
            "useast1_abc",
            "us-east-x_abc",
            "us-east-1_ab/c",
        ] {
            assert_eq!(user_pool_region(id), Err(ConfigError::InvalidUserPoolId(id.into())), "{id}");
        }
    }

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
}
