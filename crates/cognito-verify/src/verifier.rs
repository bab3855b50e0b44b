//! The verifier: runs every check, in order, on one token.
//!
//! `verify` is the whole data path of the core: size limit → segments and header (`jws`) → the
//! issuer (by `iss` when several are trusted) → key by `kid` from its key set (`jwks`, fetched if
//! needed: the token waits across the fetch) → payload and signature decoded (`jws`; before the
//! key lookup when several issuers need the `iss`) → signature (`keys`) → claims (`claims`) →
//! `iss`, `token_use`, client, times, scopes/groups, custom check (`checks`). A verified token is
//! remembered (`token_cache`) so a repeat skips straight to the time checks.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::time::SystemTime;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::async_check;
use crate::claims::{self, CognitoClaims, NoCustomClaims};
use crate::config::Config;
use crate::error::{VerifyError, truncate};
use crate::issuer::Issuer;
use crate::jwks::{InFlight, KeyFetch};
use crate::jws::{self, DecodedBody, DecodedHeader};
use crate::keys::{KeySet, VerifyingKey};
use crate::revocation::Stamp;
use crate::telemetry::{self, Cache, Verifier};
use crate::token_cache::{Entry, TokenCache, TokenKey};
use crate::token_use::TokenUse;

mod trusted_claims;

/// Longest untrusted `iss` quoted by [`VerifyError::UntrustedIssuer`], in characters.
const MAX_ERROR_ISS_CHARS: usize = 256;

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
/// println!("hello {}", claims.sub());
/// # Ok(()) }
/// ```
pub struct CognitoVerifier<C = NoCustomClaims> {
    inner: Arc<Inner<C>>,
}

struct Inner<C> {
    config: Config<C>,
    token_cache: Option<TokenCache<Verified<C>>>,
}

/// What the verified-token cache keeps of a token: its claims, and the key that verified it, so
/// a hit can check that the key is still trusted.
struct Verified<C> {
    claims: Arc<CognitoClaims<C>>,
    /// The issuer whose key verified the token, as an index into the verifier's issuers (not an
    /// `Arc` of its key set: a thread's cache front may outlive the verifier, and must not keep
    /// its key set, and so its background refresh, alive).
    issuer: usize,
    kid: String,
    key: Arc<VerifyingKey>,
    /// The key set `key` was current in: while it still is, the key is trusted without a lookup.
    snapshot: Weak<KeySet>,
    /// The revocation generation the token was last found not revoked at.
    revocation: Stamp,
}

/// A thread's own view of a cache entry it keeps hitting (the token cache's per-thread front):
/// the shared entry, and the claims to hand out, at first the entry's, then, once the token is
/// hot on this thread, a copy of its own, so handing them out writes no reference count that
/// other threads write too.
struct Local<C> {
    entry: Arc<Entry<Verified<C>>>,
    claims: RefCell<Arc<CognitoClaims<C>>>,
    hits: Cell<u32>,
}

/// Hits on one thread after which a token gets its own copy of the claims on that thread.
const HITS_BEFORE_OWN_CLAIMS: u32 = 4;

impl<C> Clone for CognitoVerifier<C> {
    fn clone(&self) -> Self {
        CognitoVerifier { inner: Arc::clone(&self.inner) }
    }
}

impl<C> fmt::Debug for CognitoVerifier<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("CognitoVerifier")
            .field("issuers", &config.issuers.iter().map(|i| &i.config.issuer).collect::<Vec<_>>())
            .field("token_use", &config.token_use)
            .field("client_ids", &config.client_ids)
            .field("resources", &config.resources)
            .field("required_scopes", &config.required_scopes)
            .field("required_groups", &config.required_groups)
            .finish_non_exhaustive()
    }
}

/// The outcome of running the checks with the keys at hand.
enum Attempt<'v, 't, C> {
    /// Finished, with or without the verified-token cache.
    Done(Result<Arc<CognitoClaims<C>>, VerifyError>, Cache),
    /// The token's key is not in the cached set: fetch it, then finish.
    NeedKey(Pending<'v, 't, C>),
}

/// A token's header decoded and the token matched to its issuer, waiting for its key.
struct Pending<'v, 't, C> {
    header: DecodedHeader<'t>,
    /// Decoded already when the issuer had to be read from the payload (several issuers);
    /// otherwise decoded once the key is known.
    body: Option<DecodedBody>,
    issuer: &'v Issuer,
    /// Where to remember the token once verified, when the cache is on.
    cache: Option<(&'v TokenCache<Verified<C>>, TokenKey<'t>)>,
}

/// The claims of a token already verified, parsed again: a thread's own copy.
fn own_copy<C: DeserializeOwned + 'static>(token: &str) -> Option<CognitoClaims<C>> {
    let (_, body) = jws::decode(token).ok()?;
    claims::payload::parse(body.into_payload()).ok()
}

impl<C: DeserializeOwned + Send + Sync + 'static> CognitoVerifier<C> {
    pub(crate) fn new(config: Config<C>) -> Self {
        let token_cache =
            (config.token_cache_capacity > 0).then(|| TokenCache::new(config.token_cache_capacity));
        CognitoVerifier { inner: Arc::new(Inner { config, token_cache }) }
    }

    /// Verify `token` (the compact JWS, without any `Bearer ` prefix) and return its claims.
    ///
    /// Never calls Cognito per token: keys come from the cached JWKS, fetched on first need.
    /// Fails with the [`VerifyError`] of the first check that fails.
    pub async fn verify(&self, token: &str) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let span = telemetry::span(Verifier::Cognito, token);
        // `attempt` has just looked the key up. A refused or rate-limited refetch is decided
        // here without waiting; only a fetch to wait for takes a future, boxed, so that the hot
        // paths move a small `verify` future (the same for the async check below).
        let fetch = match span.in_scope(|| self.attempt(token)) {
            Attempt::Done(result, cache) => Err((result, cache)),
            Attempt::NeedKey(pending) => match pending.issuer.keys.start_key_fetch(&pending.header.kid) {
                KeyFetch::Ready(key) => {
                    Err((key.and_then(|key| span.in_scope(|| self.finish(pending, key))), Cache::Miss))
                }
                KeyFetch::Wait(fetch) => Ok(Box::pin(self.finish_after_fetch(pending, fetch, span.clone()))),
            },
        };
        let (result, cache) = match fetch {
            Ok(fetch) => (fetch.await, Cache::Miss),
            Err(done) => done,
        };
        let result = match (result, &self.inner.config.async_check) {
            (Ok(claims), Some(check)) => {
                Box::pin(async_check::run(check, token, claims, &self.inner.config.issuers))
                    .instrument(span.clone())
                    .await
            }
            (result, _) => result,
        };
        telemetry::verified(&span, Verifier::Cognito, cache, &result);
        result
    }

    /// [`verify`](Self::verify) with the keys at hand: `None` when the token's key is not in the
    /// cached key set (no set fetched yet, or an unknown `kid`), so verification would have to
    /// wait for a JWKS fetch; call `verify` then.
    ///
    /// Lets a caller skip creating a future on the hot path, which is how the tower layer uses
    /// it. Always `None` when an [`async_check`](crate::CognitoVerifierBuilder::async_check) is
    /// configured: it has to be awaited.
    pub fn verify_now(&self, token: &str) -> Option<Result<Arc<CognitoClaims<C>>, VerifyError>> {
        if self.inner.config.async_check.is_some() {
            return None;
        }
        let span = telemetry::span(Verifier::Cognito, token);
        match span.in_scope(|| self.attempt(token)) {
            Attempt::Done(result, cache) => {
                telemetry::verified(&span, Verifier::Cognito, cache, &result);
                Some(result)
            }
            Attempt::NeedKey(_) => {
                span.record("outcome", telemetry::NEEDS_KEY_FETCH);
                None
            }
        }
    }

    /// Wait for the key fetch `fetch` (single-flight, rate limited), then finish; fails with the
    /// precise error when the key still is not there.
    async fn finish_after_fetch(
        &self,
        pending: Pending<'_, '_, C>,
        fetch: InFlight,
        span: tracing::Span,
    ) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let key =
            pending.issuer.keys.key_after_fetch(&pending.header.kid, fetch).instrument(span.clone()).await;
        key.and_then(|key| span.in_scope(|| self.finish(pending, key)))
    }

    /// Every check, with the keys at hand.
    fn attempt<'t>(&self, token: &'t str) -> Attempt<'_, 't, C> {
        let config = &self.inner.config;
        if token.len() > config.limits.max_token_bytes {
            return Attempt::Done(
                Err(VerifyError::TokenTooLarge { len: token.len(), max: config.limits.max_token_bytes }),
                Cache::Miss,
            );
        }
        let cache = self.inner.token_cache.as_ref().and_then(|cache| Some((cache, cache.key(token)?)));
        if let Some((cache, key)) = &cache
            && let Some(hit) = self.cached(cache, key)
        {
            return hit;
        }

        let header = match jws::decode_header(token) {
            Ok(header) => header,
            Err(err) => return Attempt::Done(Err(err), Cache::Miss),
        };
        // One issuer: the key is looked up before the body is decoded, so a token with a key the
        // set does not hold costs no payload decoding. Several: the payload's `iss` picks the set.
        let (issuer, body) = match config.issuers.as_slice() {
            [only] => (only, None),
            _ => {
                match header.decode_body().and_then(|body| Ok((self.select_issuer(body.payload())?, body))) {
                    Ok((issuer, body)) => (issuer, Some(body)),
                    Err(err) => return Attempt::Done(Err(err), Cache::Miss),
                }
            }
        };
        match issuer.keys.lookup(&header.kid) {
            Some(Ok(key)) => {
                Attempt::Done(self.finish(Pending { header, body, issuer, cache }, key), Cache::Miss)
            }
            Some(Err(err)) => Attempt::Done(Err(err), Cache::Miss),
            None => Attempt::NeedKey(Pending { header, body, issuer, cache }),
        }
    }

    /// A verified-token cache hit, from this thread's front when it has the token, else from the
    /// shared cache; `None` on a miss (and when the key that verified the token is no longer
    /// trusted: then the entry is gone too).
    fn cached<'t>(&self, cache: &TokenCache<Verified<C>>, key: &TokenKey<'t>) -> Option<Attempt<'_, 't, C>> {
        let config = &self.inner.config;
        let local = match cache.local::<Local<C>>(key).filter(|local| local.entry.is_for(key)) {
            Some(local) => local,
            None => {
                let entry = cache.get(key)?;
                let claims = RefCell::new(Arc::clone(&entry.value.claims));
                let local = Rc::new(Local { entry, claims, hits: Cell::new(0) });
                cache.set_local(key, Rc::clone(&local));
                local
            }
        };
        let hit = &local.entry.value;
        let trusted = config
            .issuers
            .get(hit.issuer)
            .is_some_and(|issuer| issuer.keys.still_trusts(&hit.snapshot, &hit.kid, &hit.key));
        if !trusted {
            // The key that verified this token is gone from the key set: so is the entry.
            cache.remove(key);
            return None;
        }
        let hits = local.hits.get().saturating_add(1);
        local.hits.set(hits);
        if hits == HITS_BEFORE_OWN_CLAIMS
            && let Some(own) = own_copy::<C>(local.entry.token())
        {
            *local.claims.borrow_mut() = Arc::new(own);
        }
        let claims = Arc::clone(&local.claims.borrow());
        let checked = config
            .check_cached(&claims)
            .and_then(|()| config.check_revocation_cached(&claims, &hit.revocation));
        Some(Attempt::Done(checked.map(|()| claims), Cache::Hit))
    }

    /// The checks from the signature on; remembers the token when they pass.
    fn finish(
        &self,
        pending: Pending<'_, '_, C>,
        key: Arc<VerifyingKey>,
    ) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let Pending { header, body, issuer, cache } = pending;
        let config = &self.inner.config;
        let body = match body {
            Some(body) => body,
            None => header.decode_body()?,
        };
        key.verify(&header.kid, header.alg, header.signing_input(&body), body.signature())?;
        let claims: CognitoClaims<C> = claims::payload::parse(body.into_payload())?;
        let claims = Arc::new(claims);
        config.check_verified(&claims, issuer)?;
        let revocation = config.check_revocation(&claims)?;
        if let Some((cache, cache_key)) = cache {
            let snapshot = issuer.keys.snapshot_holding(&header.kid, &key);
            let verified = Verified {
                claims: Arc::clone(&claims),
                issuer: config.issuers.iter().position(|i| std::ptr::eq(i, issuer)).unwrap_or(usize::MAX),
                kid: header.kid,
                key,
                snapshot,
                revocation,
            };
            cache.insert(&cache_key, verified);
        }
        Ok(claims)
    }

    /// Fetch the key sets of every configured issuer now, instead of on the first token.
    ///
    /// Optional: start-up need not wait for it, and verification works without it. Returns
    /// [`VerifyError::KeysUnavailable`] if a key set could not be fetched; the verifier keeps
    /// retrying with backoff in the background either way.
    ///
    /// A user pool has several candidate issuers (both formats, replica regions), and which
    /// ones it uses is not known in advance: each is tried once. One that answers 403/404 is
    /// taken as a format or region the pool does not use: it does not fail `hydrate`, and it is
    /// not refetched until a token names it. `hydrate` fails for a pool only when one of its
    /// issuers failed otherwise (network, 5xx, malformed document), or when none of them has
    /// keys (then the pool id or region is wrong).
    pub async fn hydrate(&self) -> Result<(), VerifyError> {
        let mut result = Ok(());
        // Per user pool: whether any issuer has keys, and the last 403/404 seen.
        let mut pools: Vec<(&str, bool, Option<VerifyError>)> = Vec::new();
        for issuer in &self.inner.config.issuers {
            let outcome = issuer.keys.hydrate().await;
            let Some(pool) = issuer.config.pool.as_deref() else {
                if let Err(err) = outcome {
                    result = Err(err);
                }
                continue;
            };
            let index = match pools.iter().position(|(id, ..)| *id == pool) {
                Some(index) => index,
                None => {
                    pools.push((pool, false, None));
                    pools.len() - 1
                }
            };
            let Some(entry) = pools.get_mut(index) else { continue };
            match outcome {
                Ok(()) => entry.1 = true,
                Err(err) if issuer.keys.not_found() => entry.2 = Some(err),
                Err(err) => result = Err(err),
            }
        }
        for (pool, has_keys, not_found) in pools {
            if let (false, Some(err)) = (has_keys, not_found) {
                tracing::error!(%pool, %err,
                    "no issuer of this user pool serves keys (403/404): check the pool id and region");
                result = Err(err);
            }
        }
        result
    }

    /// The issuers this verifier trusts.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.inner.config.issuers.iter().map(|issuer| issuer.config.issuer.as_str())
    }

    /// Now, by this verifier's [clock](crate::CognitoVerifierBuilder::clock): for code that
    /// must agree with the verifier on time, such as deciding when tokens are due for refresh.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .clock(move || at)
    ///     .build()?;
    /// assert_eq!(verifier.now(), at);
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn now(&self) -> SystemTime {
        self.inner.config.clock.now()
    }

    /// Each trusted issuer with the URL its signing keys are fetched from, in configuration
    /// order: what a server should log at start, so an operator sees what it trusts.
    ///
    /// ```
    /// let verifier = cognito_verify::CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(cognito_verify::TokenUse::Access)
    ///     .client_ids(["4a1bexampleclientid"])
    ///     .build()?;
    /// let (issuer, jwks_url) = verifier.jwks_urls().next().unwrap();
    /// assert_eq!(issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
    /// assert_eq!(jwks_url, format!("{issuer}/.well-known/jwks.json"));
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn jwks_urls(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inner
            .config
            .issuers
            .iter()
            .map(|issuer| (issuer.config.issuer.as_str(), issuer.config.jwks_uri.as_str()))
    }

    /// The resources access tokens must be bound to ([`resources`](crate::CognitoVerifierBuilder::resources),
    /// then each [`user_pool_resources`](crate::CognitoVerifierBuilder::user_pool_resources)
    /// list), without duplicates, in configuration order: empty when there is no audience
    /// check. What a protected-resource metadata document names as its `resource`.
    pub fn resources(&self) -> impl Iterator<Item = &str> {
        let config = &self.inner.config;
        // Pools in the order of their issuers, so the answer does not depend on hashing.
        let mut pools: Vec<&String> = config.pool_resources.keys().collect();
        pools.sort_by_key(|pool| config.issuers.iter().position(|i| i.config.pool.as_ref() == Some(*pool)));
        let lists = pools.into_iter().filter_map(|pool| config.pool_resources.get(pool));
        let mut resources: Vec<&str> = Vec::new();
        for resource in config.resources.iter().chain(lists).flatten() {
            if !resources.contains(&resource.as_str()) {
                resources.push(resource);
            }
        }
        resources.into_iter()
    }

    /// The kind of token accepted.
    pub fn token_use(&self) -> TokenUse {
        self.inner.config.token_use
    }

    /// How many JWKS fetches this verifier has started, over all issuers.
    pub fn jwks_fetches(&self) -> u64 {
        self.inner.config.issuers.iter().map(|issuer| issuer.keys.fetches()).sum()
    }

    /// How many verified tokens are cached now.
    pub fn cached_tokens(&self) -> usize {
        self.inner.token_cache.as_ref().map_or(0, TokenCache::len)
    }

    /// With several issuers, the (still unverified) `iss` picks the key set; the signature and
    /// the `iss` check that follow make sure the choice was honest.
    /// (With one issuer, it is that one; the `iss` check reports a mismatch.)
    fn select_issuer(&self, payload: &[u8]) -> Result<&Issuer, VerifyError> {
        let issuers = &self.inner.config.issuers;
        if let [only] = issuers.as_slice() {
            return Ok(only);
        }
        #[derive(Deserialize)]
        struct Peek<'a> {
            // Absent is `None`, `null` is `Some(None)`: a required claim that is null is invalid.
            #[serde(borrow, default, deserialize_with = "present")]
            iss: Option<Option<Cow<'a, str>>>,
        }
        fn present<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Option<Cow<'de, str>>>, D::Error> {
            Option::<Cow<'de, str>>::deserialize(d).map(Some)
        }
        // A derived struct would also read a JSON array by position; claims are an object.
        if payload.trim_ascii_start().first() != Some(&b'{') {
            return Err(VerifyError::MalformedPayload("not a JSON object with a string `iss`"));
        }
        let peek: Peek<'_> = serde_json::from_slice(payload)
            .map_err(|_| VerifyError::MalformedPayload("not a JSON object with a string `iss`"))?;
        let iss = peek
            .iss
            .ok_or(VerifyError::MissingClaim("iss"))?
            .ok_or(VerifyError::InvalidClaim { claim: "iss", expected: "a string" })?;
        issuers
            .iter()
            .find(|issuer| issuer.config.issuer == iss)
            .ok_or_else(|| VerifyError::UntrustedIssuer { found: truncate(&iss, MAX_ERROR_ISS_CHARS) })
    }
}
