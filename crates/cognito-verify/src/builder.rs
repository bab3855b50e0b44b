//! [`CognitoVerifierBuilder`]: the configuration of a [`CognitoVerifier`], validated by
//! [`build`](CognitoVerifierBuilder::build) without any network call.

use std::sync::Arc;
use std::time::Duration;

use crate::async_check::AsyncCheck;
use crate::claims::{CognitoClaims, NoCustomClaims};
use crate::clock::SharedClock;
use crate::config::CustomCheck;
use crate::error::ConfigError;
use crate::issuer::{IssuerFormats, PoolEndpoints};
use crate::jwks::JwksOptions;
use crate::revocation::Revocations;
use crate::token_use::TokenUse;
use crate::validation::Allowed;
use crate::verifier::CognitoVerifier;

mod async_check;
mod clock;
mod debug;
mod env;
mod jwks_document;
mod pool_clients;
mod resources;
mod revocations;
mod validate;

/// Default largest token accepted, in bytes. Cognito tokens are 1-4 KiB; ID tokens with many
/// groups or custom attributes stay well under this.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Default number of verified tokens remembered (see
/// [`CognitoVerifierBuilder::token_cache_capacity`]).
pub const DEFAULT_TOKEN_CACHE_CAPACITY: usize = 4096;

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
    issuer_formats: IssuerFormats,
    replica_regions: Vec<String>,
    pool_endpoints: PoolEndpoints,
    issuers: Vec<(String, Option<String>)>,
    allow_insecure_http: bool,
    token_use: Option<TokenUse>,
    clients: Allowed,
    required_scopes: Vec<String>,
    required_groups: Vec<String>,
    leeway: Duration,
    max_token_bytes: usize,
    token_cache_capacity: usize,
    jwks: JwksOptions,
    custom_check: Option<CustomCheck<C>>,
    async_check: Option<AsyncCheck<C>>,
    revocations: Option<Arc<dyn Revocations>>,
    clock: SharedClock,
    /// JWKS documents given per issuer: `(issuer, document)`.
    jwks_documents: Vec<(String, String)>,
    /// Allowed clients of single user pools: `(pool id, client ids)`.
    pool_clients: Vec<(String, Vec<String>)>,
    /// This resource server's identifiers, which access tokens' `aud` must name; `None`: no
    /// audience check.
    resources: Option<Vec<String>>,
    /// The same per user pool: `(pool id, resources)`.
    pool_resources: Vec<(String, Vec<String>)>,
    http_client: Option<reqwest::Client>,
    /// The first mistake a setter saw (an empty requirement list, a check dropped by
    /// `custom_claims`), reported by `build`.
    mistake: Option<ConfigError>,
}

impl Default for CognitoVerifierBuilder<NoCustomClaims> {
    fn default() -> Self {
        CognitoVerifierBuilder {
            pools: Vec::new(),
            issuer_formats: IssuerFormats::default(),
            replica_regions: Vec::new(),
            pool_endpoints: PoolEndpoints::default(),
            issuers: Vec::new(),
            allow_insecure_http: false,
            token_use: None,
            clients: Allowed::Unset,
            required_scopes: Vec::new(),
            required_groups: Vec::new(),
            leeway: Duration::ZERO,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            jwks: JwksOptions::default(),
            custom_check: None,
            async_check: None,
            revocations: None,
            clock: SharedClock::default(),
            jwks_documents: Vec::new(),
            pool_clients: Vec::new(),
            resources: None,
            pool_resources: Vec::new(),
            http_client: None,
            mistake: None,
        }
    }
}

impl<C> CognitoVerifierBuilder<C> {
    /// Trust the Cognito user pool `pool_id` (`{region}_{id}`, e.g. `eu-west-1_AbCdEf123`). Its
    /// issuers are `https://cognito-idp.{region}.amazonaws.com/{pool_id}` (original format) and
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{pool_id}` (updated format), unless
    /// [`issuer_formats`](Self::issuer_formats) restricts them, plus the original format in each
    /// of the [`replica_regions`](Self::replica_regions); each issuer's keys are at
    /// `{issuer}/.well-known/jwks.json`, fetched when a token naming that issuer is first seen.
    /// Call it once per pool; the token's `iss` picks the pool.
    pub fn user_pool(mut self, pool_id: impl Into<String>) -> Self {
        self.pools.push(pool_id.into());
        self
    }

    /// Which issuer formats of the [`user_pool`](Self::user_pool)s are trusted (default
    /// [`IssuerFormats::Both`]).
    pub fn issuer_formats(mut self, formats: IssuerFormats) -> Self {
        self.issuer_formats = formats;
        self
    }

    /// The regions the [`user_pool`](Self::user_pool)s are replicated to (multi-region
    /// replication): tokens issued there carry `iss`
    /// `https://cognito-idp.{replica region}.amazonaws.com/{pool_id}`, which is trusted too.
    /// (Updated-format tokens always name the primary region.) Applies to every user pool of
    /// this builder; a region must look like `us-west-2`.
    pub fn replica_regions(mut self, regions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.replica_regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// Where user pools' issuers live, for emulators and tests: the base URL of the original and
    /// of the updated format, each with a `{region}` placeholder (defaults
    /// `https://cognito-idp.{region}.amazonaws.com` and
    /// `https://issuer-cognito-idp.{region}.amazonaws.com`). The issuer is `{base}/{pool_id}`;
    /// URLs follow the same rules as [`issuer`](Self::issuer)'s.
    pub fn user_pool_endpoints(mut self, original: impl Into<String>, updated: impl Into<String>) -> Self {
        self.pool_endpoints = PoolEndpoints { original: original.into(), updated: updated.into() };
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
    pub fn client_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.clients = Allowed::only(ids);
        self
    }

    /// Accept tokens issued to any app client of the trusted pools. An explicit opt-out of the
    /// client check, for services that genuinely serve every client.
    pub fn any_client(mut self) -> Self {
        self.clients = Allowed::Any;
        self
    }

    /// Require at least one of `scopes` in every token (in addition to per-route requirements).
    pub fn required_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.required_scopes = self.requirement(
            scopes,
            "required_scopes",
            "needs at least one scope (an empty list would require nothing; omit the call instead)",
        );
        self
    }

    /// Require membership of at least one of `groups` (`cognito:groups`) in every token.
    pub fn required_groups(mut self, groups: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.required_groups = self.requirement(
            groups,
            "required_groups",
            "needs at least one group (an empty list would require nothing; omit the call instead)",
        );
        self
    }

    /// Tolerance for clock skew on `exp`, `nbf` and `iat`. Default 0, at most [`MAX_LEEWAY`](crate::MAX_LEEWAY).
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

    /// Fetch keys with this client instead of one built from the [`jwks_options`](Self::jwks_options)
    /// (a corporate proxy, custom CA roots, mTLS, your own TLS stack: see "TLS and your own HTTP
    /// client" in the README).
    ///
    /// The library still enforces, on your client: the URL rules at [`build`](Self::build)
    /// (`https`, plain `http` only for loopback, `localhost` resolved and checked to be loopback);
    /// the total [`timeout`](JwksOptions::timeout) of each fetch and the
    /// [`max_response_bytes`](JwksOptions::max_response_bytes) cap; and that the answer comes
    /// from the configured JWKS URL: a fetch that your client redirected fails, and its keys
    /// are not used. Build it with `.redirect(reqwest::redirect::Policy::none())`. Its own
    /// connect timeout, proxy settings and TLS roots apply instead of ours (ours bypass proxies
    /// for plain-http and loopback URLs).
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .client_ids(["4a1bexampleclientid"])
    ///     .http_client(client)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
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
    ///     .custom_check(|claims| match claims.username() {
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
    /// attributes of ID tokens. Call it before [`custom_check`](Self::custom_check): a check set
    /// before is typed for the old claims, so `build` then fails rather than drop it.
    ///
    /// Which token has them: Cognito puts user attributes (`custom:*`, `email`, `name`, ...) in
    /// ID tokens. Access tokens carry them only when the pool's pre-token-generation Lambda
    /// trigger adds them: event version `V2_0` for users' access tokens, `V3_0` also for
    /// client-credentials (machine-to-machine) tokens (Essentials or Plus feature plan; Amazon
    /// Cognito developer guide, "Pre token generation Lambda trigger"). Without such a trigger, an
    /// API verifying access tokens sees no custom claims, and a required field of `T` refuses
    /// every token. A required claim that is missing or of the wrong type is refused with
    /// [`VerifyError::CustomClaim`](crate::VerifyError::CustomClaim), which names the claim,
    /// never its value.
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
    pub fn custom_claims<T>(mut self) -> CognitoVerifierBuilder<T> {
        if self.custom_check.is_some() {
            self.note(ConfigError::OutOfRange {
                option: "custom_check",
                reason: "set before custom_claims::<T>(), which would drop it; call custom_claims first",
            });
        }
        if self.async_check.is_some() {
            self.note(ConfigError::OutOfRange {
                option: "async_check",
                reason: "set before custom_claims::<T>(), which would drop it; call custom_claims first",
            });
        }
        CognitoVerifierBuilder {
            pools: self.pools,
            issuer_formats: self.issuer_formats,
            replica_regions: self.replica_regions,
            pool_endpoints: self.pool_endpoints,
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
            async_check: None,
            revocations: self.revocations,
            clock: self.clock,
            jwks_documents: self.jwks_documents,
            pool_clients: self.pool_clients,
            resources: self.resources,
            pool_resources: self.pool_resources,
            http_client: self.http_client,
            mistake: self.mistake,
        }
    }

    /// Remember the first configuration mistake, for `build`.
    fn note(&mut self, mistake: ConfigError) {
        self.mistake.get_or_insert(mistake);
    }

    /// The list of a `required_*` setter; an empty one, which would require nothing, is noted
    /// as a mistake of `option` (see [`note`](Self::note)).
    fn requirement<I, S>(&mut self, values: I, option: &'static str, reason: &'static str) -> Vec<String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        if values.is_empty() {
            self.note(ConfigError::OutOfRange { option, reason });
        }
        values
    }
}

impl CognitoVerifier<NoCustomClaims> {
    /// Start configuring a verifier.
    pub fn builder() -> CognitoVerifierBuilder<NoCustomClaims> {
        CognitoVerifierBuilder::default()
    }
}
