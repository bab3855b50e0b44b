//! [`CognitoLoginBuilder`]: configuring a [`CognitoLogin`].

use std::sync::Arc;
use std::time::Duration;

use cognito_verify::{CognitoVerifier, NoCustomClaims, Revocations, TokenUse};
use serde::de::DeserializeOwned;

use crate::config::{
    DEFAULT_REFRESH_BEFORE, DEFAULT_SESSION_INACTIVITY, LoginConfig, RevocationStore, Secret,
};
use crate::core::LoginCore;
use cognito_http::RequestLimits;

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
    client_secret: Option<Secret>,
    redirect_uri: Option<String>,
    logout_uri: Option<String>,
    scopes: Vec<String>,
    verifier: Option<CognitoVerifier<C>>,
    refresh_before: Duration,
    session_inactivity: Duration,
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
            redirect_uri: None,
            logout_uri: None,
            scopes: ["openid", "email", "profile"].map(str::to_owned).to_vec(),
            verifier: None,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            session_inactivity: DEFAULT_SESSION_INACTIVITY,
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
    pub fn domain(mut self, prefix: &str, region: &str) -> Self {
        self.endpoints = Some(Endpoints::domain(prefix, region));
        self
    }

    /// A custom domain (`https://auth.example.com`) or a local stand-in such as the testkit's
    /// `TestIssuer::base_url()` (plain `http` on loopback only).
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.endpoints = Some(Endpoints::base_url(base_url));
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
    /// have none and rely on PKCE alone.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret(secret.into()));
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
            redirect_uri: self.redirect_uri,
            logout_uri: self.logout_uri,
            scopes: self.scopes,
            verifier: Some(verifier),
            refresh_before: self.refresh_before,
            session_inactivity: self.session_inactivity,
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

    /// The HTTP client for the token and revocation endpoints, instead of the one built from
    /// the request limits below (which follows no redirects). Build yours with
    /// `.redirect(reqwest::redirect::Policy::none())` too: an answer that comes from another URL
    /// than the endpoint's (a followed redirect) is refused, but only after the fact. The
    /// [`timeout`](Self::timeout) of each request and the size cap still apply.
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
        let http = match self.http {
            Some(http) => http,
            // Plain-http and loopback endpoints are reached directly, never through a proxy.
            None => self
                .limits
                .client_for([endpoints.token().as_str(), endpoints.revoke().as_str()])
                .map_err(LoginConfigError::HttpClient)?,
        };
        let config = LoginConfig {
            // `checked_url` allows plain http on loopback only.
            secure_cookie: redirect_uri.scheme() == "https",
            endpoints,
            max_response_bytes: self.limits.max_response_bytes,
            timeout: self.limits.timeout,
            client_id,
            client_secret: self.client_secret,
            redirect_uri,
            logout_uri,
            origin,
            scopes: self.scopes,
            refresh_before: self.refresh_before,
            session_inactivity: self.session_inactivity,
            login_path: self.login_path,
            logout_path: self.logout_path,
            realm: self.realm,
            revocations: self.revocations,
        };
        Ok(CognitoLogin { core: Arc::new(LoginCore::new(config, verifier, http)) })
    }
}
