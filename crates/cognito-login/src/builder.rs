//! [`CognitoLoginBuilder`]: configuring a [`CognitoLogin`].

use std::sync::Arc;
use std::time::Duration;

use cognito_verify::{CognitoVerifier, NoCustomClaims, Revocations, TokenUse};
use serde::de::DeserializeOwned;

use crate::config::{
    DEFAULT_REFRESH_BEFORE, DEFAULT_SESSION_INACTIVITY, LoginConfig, RevocationStore, StoreLimits,
};
use crate::core::LoginCore;
use cognito_http::{ClientSecrets, RequestLimits, Secret, SecretSource};

use crate::endpoints::{Endpoints, checked_url};
use crate::error::LoginConfigError;
use crate::login::CognitoLogin;
use crate::token_client::MAX_RESPONSE_BYTES;

/// Configures a [`CognitoLogin`]. From [`CognitoLogin::builder`]; finish with
/// [`build`](Self::build), which checks everything and makes no network call.
///
/// Required: the domain ([`domain`](Self::domain), [`base_url`](Self::base_url) or
/// [`endpoints`](Self::endpoints)), [`client_id`](Self::client_id),
/// [`redirect_uri`](Self::redirect_uri) and [`verifier`](Self::verifier).
///
/// Building fetches nothing; a configuration that cannot work is refused with a
/// [`LoginConfigError`] that names the setting:
///
/// ```
/// use cognito_login::{CognitoLogin, LoginConfigError};
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// let verifier = || {
///     CognitoVerifier::builder()
///         .user_pool("eu-west-1_AbCdEf123")
///         .token_use(TokenUse::Any)
///         .client_ids(["4a1bexampleclientid"])
///         .build()
///         .unwrap()
/// };
/// let login = CognitoLogin::builder()
///     .domain("my-prefix", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .redirect_uri("https://admin.example.com/auth/callback")
///     .scopes(["openid", "email", "admin/read"])
///     .verifier(verifier())
///     .build()
///     .unwrap();
/// assert_eq!(login.login_path(), "/auth/login");
///
/// let without_openid = CognitoLogin::builder()
///     .domain("my-prefix", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .redirect_uri("https://admin.example.com/auth/callback")
///     .scopes(["email"])
///     .verifier(verifier())
///     .build();
/// assert_eq!(without_openid.unwrap_err(), LoginConfigError::NoOpenidScope);
/// ```
#[derive(Debug)]
pub struct CognitoLoginBuilder<C = NoCustomClaims> {
    endpoints: Option<Result<Endpoints, LoginConfigError>>,
    client_id: Option<String>,
    client_secret: Option<SecretSource>,
    next_client_secret: Option<Secret>,
    resource: Option<String>,
    redirect_uri: Option<String>,
    logout_uri: Option<String>,
    scopes: Vec<String>,
    verifier: Option<CognitoVerifier<C>>,
    refresh_before: Duration,
    session_inactivity: Duration,
    store: StoreLimits,
    http: Option<reqwest::Client>,
    limits: RequestLimits,
    login_path: String,
    logout_path: String,
    realm: String,
    revocations: Option<RevocationStore>,
}

impl CognitoLogin<NoCustomClaims> {
    /// A builder with the defaults: scopes `openid email profile`, refresh 60 s before expiry,
    /// sessions that end after 12 h without a request, routes `/auth/login` and `/auth/logout`.
    pub fn builder() -> CognitoLoginBuilder<NoCustomClaims> {
        CognitoLoginBuilder {
            endpoints: None,
            client_id: None,
            client_secret: None,
            next_client_secret: None,
            resource: None,
            redirect_uri: None,
            logout_uri: None,
            scopes: ["openid", "email", "profile"].map(str::to_owned).to_vec(),
            verifier: None,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            session_inactivity: DEFAULT_SESSION_INACTIVITY,
            store: StoreLimits::default(),
            http: None,
            limits: RequestLimits::new(MAX_RESPONSE_BYTES),
            login_path: "/auth/login".to_owned(),
            logout_path: "/auth/logout".to_owned(),
            realm: "app".to_owned(),
            revocations: None,
        }
    }
}

impl<C> CognitoLoginBuilder<C> {
    /// The user pool's Cognito domain, `https://{prefix}.auth.{region}.amazoncognito.com`.
    pub fn domain(mut self, prefix: impl Into<String>, region: impl Into<String>) -> Self {
        self.endpoints = Some(Endpoints::domain(&prefix.into(), &region.into()));
        self
    }

    /// A custom domain (`https://auth.example.com`) or a local stand-in such as the testkit's
    /// `TestIssuer::base_url()` (plain `http` on loopback only).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.endpoints = Some(Endpoints::base_url(&base_url.into()));
        self
    }

    /// The endpoints, given whole.
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = Some(Ok(endpoints));
        self
    }

    /// The app client id.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The app client secret, for a confidential client (sent with HTTP Basic). Public clients
    /// have none and rely on PKCE alone. Replaces a
    /// [`client_secret_source`](Self::client_secret_source) set before.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretSource::fixed(secret));
        self
    }

    /// A second secret of the app client, for a rotation (Cognito allows two per app client):
    /// the [`client_secret`](Self::client_secret) is used first; if the token endpoint refuses
    /// it with `invalid_client`, this one is tried once in the same call (code exchange,
    /// refresh or revocation), and the secret that works stays in use. See
    /// `docs/secret-rotation.md`.
    pub fn next_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.next_client_secret = Some(Secret::new(secret.into()));
        self
    }

    /// Read the app client secret from a source that changes while the process runs: a file a
    /// secret manager rewrites ([`SecretSource::file`]) or a closure
    /// ([`SecretSource::from_fn`]). Read at [`build`](Self::build) (an unreadable or empty
    /// source is a [`LoginConfigError::ClientSecret`]) and again before each token request; the
    /// secret that last worked stays in use until the endpoint refuses it with
    /// `invalid_client`, then the source's current value is tried once. Replaces a
    /// [`client_secret`](Self::client_secret) set before.
    pub fn client_secret_source(mut self, source: SecretSource) -> Self {
        self.client_secret = Some(source);
        self
    }

    /// The resource the user's access token is for (RFC 8707 resource indicator, Cognito's
    /// resource binding), e.g. `https://api.example.com`: sent as `resource` on the authorize
    /// request and on the code exchange (RFC 8707 §2.1 and §2.2), so the access token's `aud`
    /// names it. Not sent on refresh: RFC 8707 §2.2 makes `resource` optional on a refresh
    /// (the refresh token carries the binding), and no page of Cognito's guide we could read
    /// says it is needed there (see `docs/configuration.md`). A resource the app client may not
    /// ask for ends the sign-in with `invalid_target`. None by default.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// The callback URL, exactly as registered with the app client
    /// (`https://admin.example.com/auth/callback`). Its path is the callback route; its origin
    /// is the one state-changing requests must come from.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Where Cognito's `/logout` sends the browser after sign-out; must be one of the app
    /// client's sign-out URLs. Default: the redirect URI's origin with path `/`.
    pub fn logout_uri(mut self, uri: impl Into<String>) -> Self {
        self.logout_uri = Some(uri.into());
        self
    }

    /// The scopes to request (default `openid email profile`); must include `openid`.
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The verifier for the ID and access tokens: the pool's issuer, this app client, and
    /// [`TokenUse::Any`]. Custom claims come with it.
    pub fn verifier<C2>(self, verifier: CognitoVerifier<C2>) -> CognitoLoginBuilder<C2> {
        CognitoLoginBuilder {
            endpoints: self.endpoints,
            client_id: self.client_id,
            client_secret: self.client_secret,
            next_client_secret: self.next_client_secret,
            resource: self.resource,
            redirect_uri: self.redirect_uri,
            logout_uri: self.logout_uri,
            scopes: self.scopes,
            verifier: Some(verifier),
            refresh_before: self.refresh_before,
            session_inactivity: self.session_inactivity,
            store: self.store,
            http: self.http,
            limits: self.limits,
            login_path: self.login_path,
            logout_path: self.logout_path,
            realm: self.realm,
            revocations: self.revocations,
        }
    }

    /// At sign-out, also revoke the session's tokens (its `origin_jti`) in this store, which the
    /// app's verifiers read ([`CognitoVerifierBuilder::revocations`](cognito_verify::CognitoVerifierBuilder::revocations)):
    /// the access and ID tokens of the session stop verifying at once, on every replica sharing
    /// the store, instead of at their expiry. The refresh token is revoked at Cognito either way.
    /// See `docs/revocation.md`.
    pub fn revocations(mut self, store: Arc<dyn Revocations>) -> Self {
        self.revocations = Some(RevocationStore(store));
        self
    }

    /// Refresh the tokens this long before they expire (default 60 s).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// End sessions after this long without a request (default 12 h).
    pub fn session_inactivity(mut self, inactivity: Duration) -> Self {
        self.session_inactivity = inactivity;
        self
    }

    /// How long one session store call (load, save, create, delete) may take, waiting for a
    /// place among the calls in flight included, before it fails and the request gets a 503
    /// (a page for browsers) instead of waiting for a store that is down or slow (default 2 s,
    /// at least 1 ms). A request makes one to three calls. Applies to the store given to
    /// [`CognitoLogin::session_layer`](crate::CognitoLogin::session_layer).
    pub fn session_store_timeout(mut self, timeout: Duration) -> Self {
        self.store.timeout = timeout;
        self
    }

    /// How many session store calls may be in flight at once (default 256, at least 1); a call
    /// that finds no place within the [timeout](Self::session_store_timeout) fails like a slow
    /// one. Bounds the work queued on a slow store.
    pub fn session_store_concurrency(mut self, calls: usize) -> Self {
        self.store.concurrency = calls;
        self
    }

    /// How many session records holding only sign-ins in progress (anonymous visitors sent to
    /// the hosted login, each record expiring after [`SIGN_IN_TIMEOUT`](crate::SIGN_IN_TIMEOUT))
    /// this process keeps at a time (default 10,000, at least 1). A sign-in start that would
    /// create one more gets a 503 page; a browser that already has a session, and signed-in
    /// users, are not counted. With several processes on one store, the bound is per process.
    pub fn max_sign_ins_in_progress(mut self, records: usize) -> Self {
        self.store.max_sign_ins = records;
        self
    }

    /// The HTTP client for the token and revocation endpoints, instead of the one built from
    /// the request limits below (which follows no redirects). Build yours with
    /// `.redirect(reqwest::redirect::Policy::none())` too: an answer that comes from another URL
    /// than the endpoint's (a followed redirect) is refused. Nothing secret follows a redirect
    /// even with a client that follows them: the form (code, PKCE verifier, refresh token) is a
    /// body that cannot be replayed, so a 307 / 308 is not followed, and the client secret is
    /// only in the `Authorization` header, which reqwest drops on a redirect to another origin.
    /// The [`timeout`](Self::timeout) of each request and the size cap still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    cognito_http::request_limit_setters!(
        request: "a token or revocation request",
        response: "token response",
        default_max: "64 KiB",
        timeout_note: "A page view that refreshes the session waits at most this long.",
    );

    /// The path of the route that starts a sign-in (default `/auth/login`).
    pub fn login_path(mut self, path: impl Into<String>) -> Self {
        self.login_path = path.into();
        self
    }

    /// The path of the sign-out route (default `/auth/logout`).
    pub fn logout_path(mut self, path: impl Into<String>) -> Self {
        self.logout_path = path.into();
        self
    }

    /// The realm named in `WWW-Authenticate` answers to API requests (default `app`).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<CognitoLogin<C>, LoginConfigError>
    where
        C: DeserializeOwned + Send + Sync + 'static,
    {
        let endpoints = self.endpoints.ok_or(LoginConfigError::Missing("the Cognito domain"))??;
        let client_id =
            self.client_id.filter(|id| !id.is_empty()).ok_or(LoginConfigError::Missing("client_id"))?;
        let raw_redirect = self.redirect_uri.ok_or(LoginConfigError::Missing("redirect_uri"))?;
        let redirect_uri = checked_url("redirect_uri", &raw_redirect)?;
        if redirect_uri.query().is_some() {
            return Err(LoginConfigError::BadUrl {
                what: "redirect_uri",
                url: raw_redirect,
                reason: "must have no query",
            });
        }
        let origin = redirect_uri.origin().ascii_serialization();
        let logout_uri = match self.logout_uri {
            Some(uri) => checked_url("logout_uri", &uri)?,
            None => checked_url("logout_uri", &format!("{origin}/"))?,
        };
        let verifier = self.verifier.ok_or(LoginConfigError::Missing("verifier"))?;
        if verifier.token_use() != TokenUse::Any {
            return Err(LoginConfigError::VerifierTokenUse(verifier.token_use().to_string()));
        }
        if !self.scopes.iter().any(|scope| scope == "openid") {
            return Err(LoginConfigError::NoOpenidScope);
        }
        for (what, path) in [("login_path", &self.login_path), ("logout_path", &self.logout_path)] {
            if !path.starts_with('/') || path.starts_with("//") {
                return Err(LoginConfigError::BadUrl {
                    what,
                    url: path.clone(),
                    reason: "must be an absolute path",
                });
            }
        }
        self.limits.validate().map_err(|err| LoginConfigError::HttpClient(err.to_string()))?;
        if self.store.timeout < Duration::from_millis(1) {
            return Err(LoginConfigError::OutOfRange("session_store_timeout must be at least 1 ms"));
        }
        if self.store.concurrency == 0 || self.store.concurrency > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(LoginConfigError::OutOfRange("session_store_concurrency must be at least 1"));
        }
        if self.store.max_sign_ins == 0 {
            return Err(LoginConfigError::OutOfRange("max_sign_ins_in_progress must be at least 1"));
        }
        let http = match self.http {
            Some(http) => http,
            // Plain-http and loopback endpoints are reached directly, never through a proxy.
            None => self
                .limits
                .client_for([endpoints.token().as_str(), endpoints.revoke().as_str()])
                .map_err(LoginConfigError::HttpClient)?,
        };
        let client_secrets = match (self.client_secret.filter(|s| !s.is_empty()), self.next_client_secret) {
            (Some(source), next) => Some(std::sync::Arc::new(
                ClientSecrets::new(source, next).map_err(LoginConfigError::ClientSecret)?,
            )),
            (None, Some(_)) => {
                return Err(LoginConfigError::ClientSecret(
                    "next_client_secret without client_secret".into(),
                ));
            }
            (None, None) => None,
        };
        if let Some(resource) = self.resource.as_deref().filter(|r| !cognito_http::is_resource_indicator(r)) {
            return Err(LoginConfigError::InvalidResource(resource.to_owned()));
        }
        let config = LoginConfig {
            // `checked_url` allows plain http on loopback only.
            secure_cookie: redirect_uri.scheme() == "https",
            endpoints,
            max_response_bytes: self.limits.max_response_bytes,
            timeout: self.limits.timeout,
            client_id,
            client_secrets,
            resource: self.resource,
            redirect_uri,
            logout_uri,
            origin,
            scopes: self.scopes,
            refresh_before: self.refresh_before,
            session_inactivity: self.session_inactivity,
            store: self.store,
            login_path: self.login_path,
            logout_path: self.logout_path,
            realm: self.realm,
            revocations: self.revocations,
        };
        Ok(CognitoLogin { core: Arc::new(LoginCore::new(config, verifier, http)) })
    }
}
