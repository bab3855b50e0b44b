//! [`CognitoLogin`]: the configured browser sign-in, and what it hands to the router.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use cognito_tower::AuthLayer;
use serde::de::DeserializeOwned;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

use crate::authenticator::SessionAuthenticator;
use crate::core::LoginCore;
use crate::rejection::LoginRejection;
use crate::routes;
use crate::store::LoginStore;

/// Browser sign-in with Cognito's hosted login: build one with [`CognitoLogin::builder`], then
/// put its [`layer`](Self::layer) on the pages, merge its [`routes`](Self::routes), and wrap
/// everything in its [`session_layer`](Self::session_layer). Cheap to clone.
pub struct CognitoLogin<C = cognito_verify::NoCustomClaims> {
    pub(crate) core: Arc<LoginCore<C>>,
}

impl<C> Clone for CognitoLogin<C> {
    fn clone(&self) -> Self {
        CognitoLogin { core: Arc::clone(&self.core) }
    }
}

impl<C> fmt::Debug for CognitoLogin<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoLogin").field("config", &self.core.config).finish_non_exhaustive()
    }
}

impl<C> CognitoLogin<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// cognito-tower's one auth middleware with the [session authenticator](Self::authenticator)
    /// and the [browser rejection hook](Self::rejection): requests reach the handlers with the
    /// signed-in user's `Arc<CognitoClaims<C>>` (the ID token's claims, `cognito:groups`
    /// included), so cognito-axum's `Claims` extractor and group guards work as they do for
    /// bearer tokens.
    pub fn layer(&self) -> AuthLayer<SessionAuthenticator<C>> {
        AuthLayer::new(self.authenticator())
            .realm(self.core.config.realm.clone())
            .on_rejection(self.rejection())
    }

    /// The session as an [`Authenticate`](cognito_tower::Authenticate) implementation, for an
    /// `AuthLayer` configured by hand.
    pub fn authenticator(&self) -> SessionAuthenticator<C> {
        SessionAuthenticator::new(Arc::clone(&self.core))
    }

    /// The rejection hook [`layer`](Self::layer) uses: page navigations without a session go to
    /// the login route, signed-in users without the required group get a 403 page, and API
    /// requests get RFC 6750 answers.
    pub fn rejection(&self) -> LoginRejection<C> {
        let config = &self.core.config;
        LoginRejection::new(&config.login_path, &config.logout_path, Some(&config.realm))
    }

    /// The sign-in routes, outside the [`layer`](Self::layer): `GET` the login path (default
    /// `/auth/login?return_to=/path`) to start, `GET` the redirect URI's path (the callback),
    /// and `POST` the logout path (default `/auth/logout`).
    pub fn routes<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        routes::routes(Arc::clone(&self.core))
    }

    /// tower-sessions' `SessionManagerLayer` over `store`, with the cookie this login needs:
    /// `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` and the `__Host-` name prefix except for a
    /// loopback `http` redirect URI, expiring after the configured inactivity. The cookie holds
    /// the session id only; the tokens stay in `store`.
    ///
    /// `store` is wrapped in a [`LoginStore`]: every call is bounded in time
    /// ([`session_store_timeout`](crate::CognitoLoginBuilder::session_store_timeout)) and in
    /// number, and a session that holds nothing but sign-ins in progress lives
    /// [`SIGN_IN_TIMEOUT`](crate::SIGN_IN_TIMEOUT), at most
    /// [`max_sign_ins_in_progress`](crate::CognitoLoginBuilder::max_sign_ins_in_progress) of
    /// them at a time. (A `SessionManagerLayer` built by hand gets neither.)
    pub fn session_layer<S: SessionStore + Clone>(&self, store: S) -> SessionManagerLayer<LoginStore<S>> {
        let config = &self.core.config;
        let limits = config.store;
        let store =
            LoginStore::new(store, limits.timeout, limits.concurrency, Arc::clone(&self.core.sign_ins));
        let inactivity = self.core.inactivity();
        SessionManagerLayer::new(store)
            .with_name(config.cookie_name())
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.secure_cookie)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(inactivity))
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.core.config.client_id
    }

    /// The path of the login route (e.g. for a "Sign in" link).
    pub fn login_path(&self) -> &str {
        &self.core.config.login_path
    }

    /// The path of the logout route (for a "Sign out" form, which must `POST`).
    pub fn logout_path(&self) -> &str {
        &self.core.config.logout_path
    }
}
