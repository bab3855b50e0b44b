//! [`LoginCore`]: the sign-in, the session's tokens and their refresh, and the sign-out, on a
//! tower-sessions [`Session`]. The routes and the session authenticator are thin layers over it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_verify::{CognitoClaims, CognitoVerifier};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_sessions::session::Id;
use tower_sessions::{Expiry, Session};
use url::Url;

use crate::config::{LoginConfig, SIGN_IN_TIMEOUT};
use crate::error::LoginError;
use crate::secrets;
use crate::session_data::{MAX_PENDING, PENDING_KEY, PendingSignIn, SessionTokens, TOKENS_KEY};
use crate::sign_ins::SignIns;
use crate::store::TOO_MANY_SIGN_INS;
use crate::token_client::{self, TokenResponse};

/// How long a refresh refused with `invalid_grant` waits for another process's refresh of the
/// same session to reach the store (see `LoginCore::refreshed_elsewhere`).
const REFRESH_RACE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How long the session of a visitor who only started a sign-in lives.
fn sign_in_lifetime() -> time::Duration {
    time::Duration::seconds(i64::try_from(SIGN_IN_TIMEOUT.as_secs()).unwrap_or(i64::MAX))
}

/// Seconds since the Unix epoch at `now`; a time before 1970 reads as 0.
fn unix_secs(now: SystemTime) -> i64 {
    now.duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0)
}

fn store_error(err: tower_sessions::session::Error) -> LoginError {
    LoginError::Session(err.to_string())
}

/// What the routes and the authenticator share.
pub(crate) struct LoginCore<C> {
    pub(crate) config: LoginConfig,
    pub(crate) verifier: CognitoVerifier<C>,
    pub(crate) http: reqwest::Client,
    /// One refresh at a time per session: the lock of each session being refreshed.
    refreshing: Mutex<HashMap<Id, Weak<tokio::sync::Mutex<()>>>>,
    /// The session records of sign-ins in progress, shared with the store wrapper.
    pub(crate) sign_ins: Arc<SignIns>,
}

/// The members of the ID token this crate checks beyond what the verifier does.
#[derive(Deserialize)]
struct IdTokenBinding {
    nonce: Option<String>,
    at_hash: Option<String>,
}

impl<C: DeserializeOwned + Send + Sync + 'static> LoginCore<C> {
    pub(crate) fn new(config: LoginConfig, verifier: CognitoVerifier<C>, http: reqwest::Client) -> Self {
        let sign_ins = Arc::new(SignIns::new(config.store.max_sign_ins));
        LoginCore { config, verifier, http, refreshing: Mutex::new(HashMap::new()), sign_ins }
    }

    /// Starts a sign-in: remembers a fresh `state`, `nonce` and PKCE verifier in the session and
    /// returns the hosted login URL to send the browser to.
    ///
    /// A visitor without a session gets one that lives as long as its sign-in
    /// ([`SIGN_IN_TIMEOUT`]), not the session inactivity, and only while fewer than
    /// `max_sign_ins_in_progress` such sessions exist ([`LoginError::TooManySignIns`]
    /// otherwise). The session is saved here, so a store failure is this route's error (a 503
    /// page), not the session middleware's.
    pub(crate) async fn start_sign_in(&self, session: &Session, return_to: &str) -> Result<Url, LoginError> {
        // Loads the session (if the browser named one) before anything else is decided.
        let mut pending = self.pending(session).await?;
        if session.id().is_none() {
            if !self.sign_ins.has_room(time::OffsetDateTime::now_utc()) {
                tracing::warn!(max = self.sign_ins.max(), "sign-in refused: too many sign-ins in progress");
                return Err(LoginError::TooManySignIns);
            }
            session.set_expiry(Some(Expiry::OnInactivity(sign_in_lifetime())));
        }
        let (Some(state), Some(nonce), Some(verifier)) =
            (secrets::random_token(32), secrets::random_token(32), secrets::pkce_verifier())
        else {
            return Err(LoginError::Randomness);
        };
        let mut url = self.config.endpoints.authorize().clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", self.config.redirect_uri.as_str())
            .append_pair("scope", &self.config.scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &secrets::s256_challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        if let Some(resource) = &self.config.resource {
            url.query_pairs_mut().append_pair("resource", resource);
        }
        let now = self.unix_now();
        pending.push(PendingSignIn {
            state,
            nonce,
            verifier,
            return_to: return_to.to_owned(),
            started_at: now,
        });
        let excess = pending.len().saturating_sub(MAX_PENDING);
        pending.drain(..excess);
        session.insert(PENDING_KEY, pending).await.map_err(store_error)?;
        session.save().await.map_err(|err| match err {
            tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(reason))
                if reason == TOO_MANY_SIGN_INS =>
            {
                LoginError::TooManySignIns
            }
            err => store_error(err),
        })?;
        Ok(url)
    }

    /// The sign-ins this session started that have not timed out.
    async fn pending(&self, session: &Session) -> Result<Vec<PendingSignIn>, LoginError> {
        let pending: Vec<PendingSignIn> =
            session.get(PENDING_KEY).await.map_err(store_error)?.unwrap_or_default();
        let oldest =
            self.unix_now().saturating_sub(i64::try_from(SIGN_IN_TIMEOUT.as_secs()).unwrap_or(i64::MAX));
        Ok(pending.into_iter().filter(|p| p.started_at >= oldest).collect())
    }

    /// Completes a sign-in at the callback: takes the sign-in `state` names out of the session
    /// (so the callback cannot be replayed), exchanges the code with its PKCE verifier, verifies
    /// both tokens and the nonce, rotates the session id and stores the tokens. Returns where to
    /// send the user.
    pub(crate) async fn finish_sign_in(
        &self,
        session: &Session,
        code: &str,
        state: &str,
    ) -> Result<String, LoginError> {
        let mut pending = self.pending(session).await?;
        let position = pending.iter().position(|p| secrets::same(&p.state, state));
        let Some(sign_in) = position.map(|i| pending.remove(i)) else {
            return Err(LoginError::UnknownState);
        };
        // Used up before anything can fail: a second callback with this state is refused.
        session.insert(PENDING_KEY, &pending).await.map_err(store_error)?;
        session.save().await.map_err(store_error)?;

        let response = token_client::exchange_code(&self.http, &self.config, code, &sign_in.verifier).await?;
        let tokens = self.accept(response, Some(&sign_in.nonce), None, None).await?;
        // A new id for the signed-in session: an id fixed before sign-in is worth nothing.
        session.cycle_id().await.map_err(store_error)?;
        session.remove_value(PENDING_KEY).await.map_err(store_error)?;
        session.insert(TOKENS_KEY, &tokens).await.map_err(store_error)?;
        // A signed-in session lives the configured inactivity, whatever its sign-in record did.
        session.set_expiry(Some(Expiry::OnInactivity(self.inactivity())));
        // Saved here: a store failure is a 503 page of the callback, not the middleware's 500.
        session.save().await.map_err(store_error)?;
        Ok(sign_in.return_to)
    }

    /// Verifies a token response and turns it into the session's tokens. `nonce` is checked on
    /// sign-in; on refresh, `previous` supplies the user (who must not change) and the refresh
    /// token when no new one was issued.
    async fn accept(
        &self,
        response: TokenResponse,
        nonce: Option<&str>,
        previous_sub: Option<&str>,
        previous_refresh: Option<String>,
    ) -> Result<SessionTokens, LoginError> {
        let id_token = response.id_token.ok_or(LoginError::Mismatch("no ID token in the response"))?;
        let id = self.verify("ID", &id_token).await?;
        let access = self.verify("access", &response.access_token).await?;
        if id.token_use() != "id" || access.token_use() != "access" {
            return Err(LoginError::Mismatch("token kinds swapped"));
        }
        // Exactly this client: an ID token meant for others too is not this sign-in's.
        if id.aud() != [self.config.client_id.as_str()]
            || access.client_id() != Some(self.config.client_id.as_str())
        {
            return Err(LoginError::Mismatch("issued to another app client"));
        }
        if id.sub() != access.sub() || previous_sub.is_some_and(|sub| sub != id.sub()) {
            return Err(LoginError::Mismatch("the tokens name different users"));
        }
        let binding = id_binding(&id_token)?;
        if let Some(expected) = nonce
            && !binding.nonce.as_deref().is_some_and(|got| secrets::same(got, expected))
        {
            return Err(LoginError::NonceMismatch);
        }
        match binding.at_hash {
            Some(hash) if secrets::same(&hash, &secrets::at_hash(&response.access_token)) => {}
            _ => return Err(LoginError::AtHashMismatch),
        }
        Ok(SessionTokens {
            expires_at: id.exp().min(access.exp()),
            sub: id.sub().to_owned(),
            id_token,
            access_token: response.access_token,
            refresh_token: response.refresh_token.or(previous_refresh),
        })
    }

    async fn verify(&self, which: &'static str, token: &str) -> Result<Arc<CognitoClaims<C>>, LoginError> {
        self.verifier.verify(token).await.map_err(|error| LoginError::Verify { which, error })
    }

    /// The signed-in user's ID token claims, refreshing the tokens first when they expire within
    /// the configured margin. `None` when the session holds no sign-in, or held one that can no
    /// longer be refreshed (the session is then ended).
    pub(crate) async fn current_claims(
        &self,
        session: &Session,
    ) -> Result<Option<Arc<CognitoClaims<C>>>, LoginError> {
        let Some(mut tokens) = session.get::<SessionTokens>(TOKENS_KEY).await.map_err(store_error)? else {
            return Ok(None);
        };
        if self.is_due(&tokens) {
            match self.refresh(session).await {
                Ok(Some(fresh)) => tokens = fresh,
                Ok(None) => return Ok(None),
                Err(err) if err.is_transient() && tokens.expires_at > self.unix_now() => {
                    tracing::warn!(error = %err, "token refresh failed; the tokens are still valid");
                }
                Err(err) if err.is_transient() => return Err(err),
                Err(err) => {
                    tracing::info!(error = %err, "token refresh refused: the session ends");
                    self.end(session).await?;
                    return Ok(None);
                }
            }
        }
        match self.verifier.verify(&tokens.id_token).await {
            Ok(claims) => Ok(Some(claims)),
            Err(error) if error.is_retryable() => Err(LoginError::Verify { which: "ID", error }),
            Err(error) => {
                tracing::info!(%error, "the session's ID token no longer verifies: the session ends");
                self.end(session).await?;
                Ok(None)
            }
        }
    }

    /// Seconds since the Unix epoch by the verifier's clock, so that sign-in timeouts and
    /// refreshes follow the same time as token expiry (and a test clock moves them all).
    fn unix_now(&self) -> i64 {
        unix_secs(self.verifier.now())
    }

    /// The session inactivity, as tower-sessions counts time.
    pub(crate) fn inactivity(&self) -> time::Duration {
        time::Duration::seconds(i64::try_from(self.config.session_inactivity.as_secs()).unwrap_or(i64::MAX))
    }

    fn is_due(&self, tokens: &SessionTokens) -> bool {
        let margin = i64::try_from(self.config.refresh_before.as_secs()).unwrap_or(i64::MAX);
        self.unix_now() >= tokens.expires_at.saturating_sub(margin)
    }

    /// Refreshes the session's tokens, one refresh at a time per session: a request that waited
    /// for another's refresh reloads the session and uses its result.
    async fn refresh(&self, session: &Session) -> Result<Option<SessionTokens>, LoginError> {
        let lock = session.id().map(|id| self.flight(id));
        let _guard = match &lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        session.load().await.map_err(store_error)?;
        let Some(tokens) = session.get::<SessionTokens>(TOKENS_KEY).await.map_err(store_error)? else {
            return Ok(None);
        };
        if !self.is_due(&tokens) {
            return Ok(Some(tokens));
        }
        let refresh_token = tokens.refresh_token.clone().ok_or(LoginError::NoRefreshToken)?;
        let response = match token_client::refresh(&self.http, &self.config, &refresh_token).await {
            Ok(response) => response,
            Err(err) if err.is_oauth("invalid_grant") => {
                return self.refreshed_elsewhere(session, &refresh_token, err).await;
            }
            Err(err) => return Err(err),
        };
        let fresh = self.accept(response, None, Some(&tokens.sub), Some(refresh_token)).await?;
        session.insert(TOKENS_KEY, &fresh).await.map_err(store_error)?;
        // Saved now, not when the response is written: requests waiting on the lock read it.
        session.save().await.map_err(store_error)?;
        tracing::debug!(sub = %fresh.sub, "refreshed the session's tokens");
        Ok(Some(fresh))
    }

    /// After `invalid_grant` for `sent`: with refresh-token rotation, another replica sharing the
    /// session store may have refreshed this session with the same refresh token a moment
    /// before (its refresh rotated the token out; with a grace period of 0 the second use is
    /// refused). Its new tokens land in the store once its request completes: wait for them,
    /// reading the store every 50 ms for at most the request timeout, and use them. Only if the
    /// session still holds `sent` after that is the refresh really refused.
    async fn refreshed_elsewhere(
        &self,
        session: &Session,
        sent: &str,
        refused: LoginError,
    ) -> Result<Option<SessionTokens>, LoginError> {
        let deadline = tokio::time::Instant::now() + self.config.timeout.min(REFRESH_RACE_WAIT);
        loop {
            session.load().await.map_err(store_error)?;
            let Some(tokens) = session.get::<SessionTokens>(TOKENS_KEY).await.map_err(store_error)? else {
                // Ended elsewhere (signed out) meanwhile.
                return Ok(None);
            };
            if tokens.refresh_token.as_deref().is_some_and(|stored| !secrets::same(stored, sent)) {
                tracing::debug!(sub = %tokens.sub, "the session was refreshed by another process; using its tokens");
                if self.is_due(&tokens) {
                    // Not expected (it was just refreshed), but let one caller retry with it.
                    return Err(LoginError::Unavailable(
                        "the session was refreshed elsewhere with tokens already due".into(),
                    ));
                }
                return Ok(Some(tokens));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(refused);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The refresh lock of session `id`, shared by the requests refreshing it right now.
    fn flight(&self, id: Id) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self.refreshing.lock().unwrap_or_else(PoisonError::into_inner);
        flights.retain(|_, lock| lock.strong_count() > 0);
        if let Some(lock) = flights.get(&id).and_then(Weak::upgrade) {
            return lock;
        }
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        flights.insert(id, Arc::downgrade(&lock));
        lock
    }

    /// Ends the session (store entry and cookie) and returns the tokens it held.
    pub(crate) async fn end(&self, session: &Session) -> Result<Option<SessionTokens>, LoginError> {
        let tokens = session.get::<SessionTokens>(TOKENS_KEY).await.map_err(store_error)?;
        session.flush().await.map_err(store_error)?;
        Ok(tokens)
    }

    /// Signs out: ends the session, revokes its refresh token, and returns Cognito's `/logout`
    /// URL, which ends the hosted login's session and comes back to the sign-out URL.
    pub(crate) async fn sign_out(&self, session: &Session) -> Result<Url, LoginError> {
        let tokens = self.end(session).await?;
        if let (Some(store), Some(tokens)) = (&self.config.revocations, &tokens)
            && let Some(origin_jti) = origin_jti(&tokens.id_token)
            && let Err(err) = store.0.revoke_session(&origin_jti).await
        {
            tracing::warn!(error = %err, "could not revoke the session's tokens at sign-out");
        }
        if let Some(refresh_token) = tokens.and_then(|tokens| tokens.refresh_token) {
            // The session is gone either way; a token that could not be revoked expires.
            if let Err(err) = token_client::revoke(&self.http, &self.config, &refresh_token).await {
                tracing::warn!(error = %err, "could not revoke the refresh token at sign-out");
            }
        }
        let mut url = self.config.endpoints.logout().clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("logout_uri", self.config.logout_uri.as_str());
        Ok(url)
    }
}

/// The `origin_jti` of a token the verifier accepted: the sign-in its session's tokens share.
fn origin_jti(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Origin {
        origin_jti: Option<String>,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<Origin>(&bytes).ok()?.origin_jti
}

/// `nonce` and `at_hash` of an ID token the verifier accepted.
fn id_binding(id_token: &str) -> Result<IdTokenBinding, LoginError> {
    let payload = id_token.split('.').nth(1).ok_or(LoginError::Mismatch("ID token is not a JWS"))?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| LoginError::Mismatch("ID token is not a JWS"))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| LoginError::Mismatch("ID token nonce or at_hash is not a string"))
}
