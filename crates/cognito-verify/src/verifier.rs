//! The verifier: runs every check, in order, on one token.
//!
//! `verify` is the whole data path of the core: size limit → segments and header
//! ([`token`](crate::token)) → key by `kid` ([`jwks`](crate::jwks)) → signature
//! ([`keys`](crate::keys)) → claims ([`claims`](crate::claims)) → `iss`, `token_use`, client,
//! times, scopes/groups, custom check. A verified token is remembered
//! ([`token_cache`](crate::token_cache)) so a repeat skips straight to the time checks.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::claims::{self, CognitoClaims, NoCustomClaims};
use crate::config::{CognitoVerifierBuilder, Config, TokenUse};
use crate::error::{ConfigError, VerifyError};
use crate::jwks::JwksCache;
use crate::keys::VerifyingKey;
use crate::token;
use crate::token_cache::{CachedToken, TokenCache, TokenKey};

/// Verifies Cognito access or ID tokens locally, with keys from the pools' JWKS.
///
/// Cheap to clone (an `Arc`); clones share the key cache and the verified-token cache. Build one
/// per application (or per set of requirements) with [`CognitoVerifier::builder`], or
/// [`CognitoVerifier::from_env`].
///
/// ```no_run
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// let claims = verifier.verify(token).await?;
/// println!("hello {}", claims.sub);
/// # Ok(()) }
/// ```
pub struct CognitoVerifier<C = NoCustomClaims> {
    inner: Arc<Inner<C>>,
}

struct Inner<C> {
    config: Config<C>,
    /// One per configured issuer, in the same order as `config.issuers`.
    jwks: Vec<Arc<JwksCache>>,
    token_cache: Option<TokenCache<C>>,
}

impl<C> Clone for CognitoVerifier<C> {
    fn clone(&self) -> Self {
        CognitoVerifier { inner: Arc::clone(&self.inner) }
    }
}

impl<C> fmt::Debug for CognitoVerifier<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("CognitoVerifier")
            .field("issuers", &config.issuers.iter().map(|i| &i.issuer).collect::<Vec<_>>())
            .field("token_use", &config.token_use)
            .field("client_ids", &config.client_ids)
            .field("required_scopes", &config.required_scopes)
            .field("required_groups", &config.required_groups)
            .finish_non_exhaustive()
    }
}

impl CognitoVerifier<NoCustomClaims> {
    /// Start configuring a verifier.
    pub fn builder() -> CognitoVerifierBuilder<NoCustomClaims> {
        CognitoVerifierBuilder::default()
    }

    /// Build a verifier from the environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `COGNITO_USER_POOL_ID` | required: the pool, e.g. `eu-west-1_AbCdEf123` |
    /// | `COGNITO_CLIENT_ID` | required: allowed app client ids, comma separated |
    /// | `COGNITO_TOKEN_USE` | required: `access`, `id` or `any` |
    /// | `COGNITO_ISSUER` | optional: replaces the derived issuer (e.g. an emulator) |
    /// | `COGNITO_JWKS_URI` | optional: replaces `{issuer}/.well-known/jwks.json` |
    ///
    /// Errors name the missing or malformed variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read from `lookup`; for tests and for
    /// configuration sources other than the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            lookup(name).filter(|v| !v.trim().is_empty()).ok_or(ConfigError::MissingEnv(name))
        };
        let pool = required("COGNITO_USER_POOL_ID")?;
        let clients = required("COGNITO_CLIENT_ID")?;
        let token_use = match required("COGNITO_TOKEN_USE")?.trim().to_ascii_lowercase().as_str() {
            "access" => TokenUse::Access,
            "id" => TokenUse::Id,
            "any" => TokenUse::Any,
            other => {
                return Err(ConfigError::MalformedEnv {
                    name: "COGNITO_TOKEN_USE",
                    reason: format!("{other:?} is not one of access, id, any"),
                });
            }
        };
        let clients: Vec<String> =
            clients.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        if clients.is_empty() {
            return Err(ConfigError::MalformedEnv {
                name: "COGNITO_CLIENT_ID",
                reason: "no client id in the list".into(),
            });
        }
        let issuer = lookup("COGNITO_ISSUER").filter(|v| !v.trim().is_empty());
        // With an explicit issuer the pool id is informational (emulators use their own shapes).
        if issuer.is_none() && crate::config::user_pool_region(pool.trim()).is_err() {
            return Err(ConfigError::MalformedEnv {
                name: "COGNITO_USER_POOL_ID",
                reason: format!("{pool:?} is not of the form region_id, e.g. eu-west-1_AbCdEf123"),
            });
        }
        let jwks = lookup("COGNITO_JWKS_URI").filter(|v| !v.trim().is_empty());
        let builder = CognitoVerifier::builder().token_use(token_use).client_ids(clients);
        let builder = match (issuer, jwks) {
            (None, None) => builder.user_pool(pool.trim()),
            (issuer, jwks) => {
                let issuer = issuer.map(|i| i.trim().to_owned()).unwrap_or_else(|| {
                    let region = pool.split('_').next().unwrap_or_default();
                    format!("https://cognito-idp.{region}.amazonaws.com/{}", pool.trim())
                });
                match jwks {
                    Some(jwks) => builder.issuer_with_jwks(issuer, jwks.trim()),
                    None => builder.issuer(issuer),
                }
            }
        };
        builder.build().map_err(|err| match err {
            ConfigError::InvalidUrl { .. } | ConfigError::InsecureUrl(_) => ConfigError::MalformedEnv {
                name: if lookup("COGNITO_JWKS_URI").is_some() {
                    "COGNITO_ISSUER or COGNITO_JWKS_URI"
                } else {
                    "COGNITO_ISSUER"
                },
                reason: err.to_string(),
            },
            other => other,
        })
    }
}

impl<C: DeserializeOwned + Send + Sync + 'static> CognitoVerifier<C> {
    pub(crate) fn from_config(config: Config<C>, client: reqwest::Client) -> Self {
        let jwks = config
            .issuers
            .iter()
            .map(|issuer| JwksCache::new(issuer.jwks_uri.clone(), client.clone(), config.jwks.clone()))
            .collect();
        let token_cache =
            (config.token_cache_capacity > 0).then(|| TokenCache::new(config.token_cache_capacity));
        CognitoVerifier { inner: Arc::new(Inner { config, jwks, token_cache }) }
    }

    /// Verify `token` (the compact JWS, without any `Bearer ` prefix) and return its claims.
    ///
    /// Never calls Cognito per token: keys come from the cached JWKS, fetched on first need.
    /// Fails with the [`VerifyError`] of the first check that fails.
    pub async fn verify(&self, token: &str) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        match self.attempt(token) {
            Attempt::Done(result) => result,
            Attempt::NeedKeys { issuer, kid } => {
                let jwks = self.inner.jwks.get(issuer).ok_or(VerifyError::MalformedPayload("no issuer"))?;
                // Fetches (single-flight, rate limited) and fails with the precise error when the
                // key still is not there.
                jwks.key(&kid).await?;
                match self.attempt(token) {
                    Attempt::Done(result) => result,
                    Attempt::NeedKeys { kid, .. } => Err(VerifyError::unknown_kid(&kid)),
                }
            }
        }
    }

    /// [`verify`](Self::verify) with the keys at hand: `None` when the token's key is not in the
    /// cached key set (no set fetched yet, or an unknown `kid`), so verification would have to
    /// wait for a JWKS fetch; call `verify` then.
    ///
    /// Lets a caller skip creating a future on the hot path, which is how the tower layer uses
    /// it.
    pub fn verify_now(&self, token: &str) -> Option<Result<Arc<CognitoClaims<C>>, VerifyError>> {
        match self.attempt(token) {
            Attempt::Done(result) => Some(result),
            Attempt::NeedKeys { .. } => None,
        }
    }

    /// Every check, with the keys at hand.
    fn attempt(&self, token: &str) -> Attempt<C> {
        let config = &self.inner.config;
        if token.len() > config.max_token_bytes {
            return Attempt::Done(Err(VerifyError::TokenTooLarge {
                len: token.len(),
                max: config.max_token_bytes,
            }));
        }
        let cached = self.inner.token_cache.as_ref().and_then(|cache| Some((cache, TokenKey::of(token)?)));
        if let Some((cache, key)) = &cached
            && let Some(hit) = cache.get(key)
        {
            let current = self.inner.jwks.get(hit.issuer).and_then(|jwks| jwks.current(&hit.kid));
            if current.is_some_and(|current| Arc::ptr_eq(&current, &hit.key)) {
                let checked = self.check_times(&hit.claims).and_then(|()| self.check_custom(&hit.claims));
                return Attempt::Done(checked.map(|()| Arc::clone(&hit.claims)));
            }
            // The key that verified this token is gone from the key set: so is the entry.
            cache.remove(key);
        }

        let decoded = match token::decode(token) {
            Ok(decoded) => decoded,
            Err(err) => return Attempt::Done(Err(err)),
        };
        let issuer = match self.select_issuer(&decoded.payload) {
            Ok(issuer) => issuer,
            Err(err) => return Attempt::Done(Err(err)),
        };
        let key = match self.inner.jwks.get(issuer).and_then(|jwks| jwks.lookup(&decoded.kid)) {
            Some(Ok(key)) => key,
            Some(Err(err)) => return Attempt::Done(Err(err)),
            None => return Attempt::NeedKeys { issuer, kid: decoded.kid },
        };
        let result = self.check_signed(&decoded, issuer, &key);
        if let (Ok(claims), Some((cache, cache_key))) = (&result, cached) {
            let entry = CachedToken {
                claims: Arc::clone(claims),
                issuer,
                kid: decoded.kid,
                key,
                signed: cache_key.signed.into(),
            };
            cache.insert(&cache_key, entry);
        }
        Attempt::Done(result)
    }

    /// The checks from the signature on.
    fn check_signed(
        &self,
        decoded: &token::DecodedToken<'_>,
        issuer: usize,
        key: &VerifyingKey,
    ) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let config = &self.inner.config;
        key.verify(&decoded.kid, decoded.alg, decoded.signing_input, &decoded.signature)?;
        let claims: CognitoClaims<C> = claims::parse(&decoded.payload)?;
        let expected_issuer = config.issuers.get(issuer).map(|i| i.issuer.as_str()).unwrap_or_default();
        if claims.iss != expected_issuer {
            return Err(VerifyError::IssuerMismatch { found: claims.iss.clone() });
        }
        if !config.token_use.accepts(&claims.token_use) {
            return Err(VerifyError::TokenUseMismatch {
                expected: config.token_use,
                found: claims.token_use.clone(),
            });
        }
        self.check_client(&claims)?;
        let claims = Arc::new(claims);
        self.check_times(&claims)?;
        self.check_requirements(&claims)?;
        self.check_custom(&claims)?;
        Ok(claims)
    }

    /// Fetch the key sets of every configured issuer now, instead of on the first token.
    ///
    /// Optional: start-up need not wait for it, and verification works without it. Returns
    /// [`VerifyError::KeysUnavailable`] if a key set could not be fetched; the verifier keeps
    /// retrying with backoff in the background either way.
    pub async fn hydrate(&self) -> Result<(), VerifyError> {
        let mut result = Ok(());
        for jwks in &self.inner.jwks {
            if let Err(err) = jwks.hydrate().await {
                result = Err(err);
            }
        }
        result
    }

    /// The issuers this verifier trusts.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.inner.config.issuers.iter().map(|issuer| issuer.issuer.as_str())
    }

    /// The kind of token accepted.
    pub fn token_use(&self) -> TokenUse {
        self.inner.config.token_use
    }

    /// How many JWKS fetches this verifier has started, over all issuers.
    pub fn jwks_fetches(&self) -> u64 {
        self.inner.jwks.iter().map(|jwks| jwks.fetches()).sum()
    }

    /// How many verified tokens are cached now.
    pub fn cached_tokens(&self) -> usize {
        self.inner.token_cache.as_ref().map_or(0, TokenCache::len)
    }

    /// With several issuers, the (still unverified) `iss` picks the key set; the signature and
    /// the `iss` check that follow make sure the choice was honest.
    fn select_issuer(&self, payload: &[u8]) -> Result<usize, VerifyError> {
        let issuers = &self.inner.config.issuers;
        if issuers.len() == 1 {
            return Ok(0);
        }
        #[derive(Deserialize)]
        struct Peek<'a> {
            #[serde(borrow)]
            iss: Option<std::borrow::Cow<'a, str>>,
        }
        // A derived struct would also read a JSON array by position; claims are an object.
        if payload.trim_ascii_start().first() != Some(&b'{') {
            return Err(VerifyError::MalformedPayload("not a JSON object with a string `iss`"));
        }
        let peek: Peek<'_> = serde_json::from_slice(payload)
            .map_err(|_| VerifyError::MalformedPayload("not a JSON object with a string `iss`"))?;
        let iss = peek.iss.ok_or(VerifyError::MissingClaim("iss"))?;
        issuers
            .iter()
            .position(|issuer| issuer.issuer == iss)
            .ok_or_else(|| VerifyError::UntrustedIssuer { found: iss.chars().take(256).collect() })
    }

    fn check_client(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let Some(allowed) = &self.inner.config.client_ids else { return Ok(()) };
        let (claim, value) = match claims.token_use.as_str() {
            "id" => ("aud", claims.aud.as_deref()),
            _ => ("client_id", claims.client_id.as_deref()),
        };
        let value = value.ok_or(VerifyError::MissingClaim(claim))?;
        if allowed.contains(value) {
            Ok(())
        } else {
            Err(VerifyError::ClientMismatch { found: value.to_owned() })
        }
    }

    fn check_times(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let leeway = self.inner.config.leeway_secs;
        let now = unix_now();
        if now >= claims.exp.saturating_add(leeway) {
            return Err(VerifyError::Expired { exp: claims.exp, now });
        }
        if let Some(nbf) = claims.nbf
            && nbf.saturating_sub(leeway) > now
        {
            return Err(VerifyError::NotYetValid { nbf, now });
        }
        if let Some(iat) = claims.iat
            && iat.saturating_sub(leeway) > now
        {
            return Err(VerifyError::IssuedInFuture { iat, now });
        }
        Ok(())
    }

    fn check_requirements(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        let config = &self.inner.config;
        if !config.required_scopes.is_empty() && !claims.scopes.contains_any(&config.required_scopes) {
            return Err(VerifyError::InsufficientScope { required: config.required_scopes.clone() });
        }
        if !config.required_groups.is_empty() && !config.required_groups.iter().any(|g| claims.in_group(g)) {
            return Err(VerifyError::MissingGroup { required: config.required_groups.clone() });
        }
        Ok(())
    }

    fn check_custom(&self, claims: &CognitoClaims<C>) -> Result<(), VerifyError> {
        match &self.inner.config.custom_check {
            Some(check) => check(claims).map_err(VerifyError::Rejected),
            None => Ok(()),
        }
    }
}

/// The outcome of running the checks with the keys at hand.
enum Attempt<C> {
    Done(Result<Arc<CognitoClaims<C>>, VerifyError>),
    /// The token's key is not in the cached set: fetch, then try again.
    NeedKeys {
        issuer: usize,
        kid: String,
    },
}

/// Seconds since the Unix epoch; a clock set before 1970 reads as 0.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
