//! [`SessionAuthenticator`]: the browser session as an [`Authenticate`] implementation, so the
//! one auth middleware of cognito-tower serves signed-in browsers as it serves bearer tokens.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cognito_tower::{AuthError, Authenticate, BoxAuthFuture, Credentials, ScopesAndGroups, TokenSource};
use cognito_verify::CognitoClaims;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use crate::core::LoginCore;
use crate::error::LoginError;
use crate::same_origin;

/// Authenticates a request by its tower-sessions [`Session`]: the signed-in user's verified ID
/// token claims, refreshed before they expire. From
/// [`CognitoLogin::authenticator`](crate::CognitoLogin::authenticator);
/// [`CognitoLogin::layer`](crate::CognitoLogin::layer)
/// wraps it in cognito-tower's `AuthLayer`.
///
/// Outcomes, which the layer (and its rejection hook) turn into responses:
/// - a signed-in session: `Arc<CognitoClaims<C>>` of the ID token (with `cognito:groups`);
/// - no session, or one that ended (refresh refused, token no longer valid):
///   [`AuthError::MissingToken`];
/// - a state-changing request from another origin: [`AuthError::InvalidRequest`] with
///   [`CROSS_SITE_REQUEST`] (see the crate documentation on cross-site requests);
/// - the session store or the identity provider unavailable: [`AuthError::Unavailable`] (503,
///   retry), saying which in its `what` (logged, not shown to the client); the identity
///   provider's signing keys unavailable: [`AuthError::KeysUnavailable`] (503, retry).
///
/// # Example
///
/// A home page that greets a signed-in user and shows anonymous visitors a sign-in link,
/// with the session authenticator in an optional layer instead of the redirecting one:
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::Claims;
/// use cognito_login::CognitoLogin;
/// use cognito_tower::AuthLayer;
/// use tower_sessions::MemoryStore;
///
/// async fn home(user: Option<Claims>) -> String {
///     match user {
///         Some(user) => format!("hello {}", user.sub()),
///         None => "<a href=\"/auth/login\">sign in</a>".to_owned(),
///     }
/// }
///
/// # fn app(login: CognitoLogin) -> Router {
/// Router::new()
///     .route("/", get(home))
///     .layer(AuthLayer::new(login.authenticator()).optional())
///     .merge(login.routes())
///     .layer(login.session_layer(MemoryStore::default()))
/// # }
/// ```
pub struct SessionAuthenticator<C> {
    core: Arc<LoginCore<C>>,
}

/// The reason an unsafe request from another origin is refused.
pub const CROSS_SITE_REQUEST: &str = "cross-site request refused: Origin is not this site";
/// The reason a request is refused when no `SessionManagerLayer` runs outside the login layer.
const NO_SESSION_LAYER: &str = "no session: SessionManagerLayer must wrap the login layer";

impl<C> SessionAuthenticator<C> {
    pub(crate) fn new(core: Arc<LoginCore<C>>) -> Self {
        SessionAuthenticator { core }
    }
}

impl<C> Clone for SessionAuthenticator<C> {
    fn clone(&self) -> Self {
        SessionAuthenticator { core: Arc::clone(&self.core) }
    }
}

impl<C> fmt::Debug for SessionAuthenticator<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionAuthenticator").field("client_id", &self.core.config.client_id).finish()
    }
}

fn unavailable(what: &'static str, reason: impl Into<String>) -> AuthError {
    AuthError::Unavailable { what, reason: reason.into(), retry_after: Duration::from_secs(1) }
}

/// What a failure to read the session's claims was about, for the log.
fn unreachable_part(err: &LoginError) -> &'static str {
    match err {
        LoginError::Session(_) | LoginError::TooManySignIns => "the session store",
        _ => "the identity provider",
    }
}

impl<C> Authenticate for SessionAuthenticator<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Claims = CognitoClaims<C>;
    type Future = BoxAuthFuture<CognitoClaims<C>>;

    /// A session reads no token: the session cookie is tower-sessions' business.
    fn token_sources(&self) -> Vec<TokenSource> {
        Vec::new()
    }

    fn authenticate_now(
        &self,
        credentials: &Credentials<'_>,
    ) -> Option<Result<Arc<CognitoClaims<C>>, AuthError>> {
        if credentials.extensions().get::<Session>().is_none() {
            tracing::error!("{NO_SESSION_LAYER}");
            return Some(Err(unavailable("the session layer", NO_SESSION_LAYER)));
        }
        if !same_origin::is_allowed(credentials.method(), credentials.headers(), &self.core.config.origin) {
            return Some(Err(AuthError::InvalidRequest(CROSS_SITE_REQUEST)));
        }
        // Loading the session is a store round trip: always the slow path.
        None
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        let core = Arc::clone(&self.core);
        let session = credentials.extensions().get::<Session>().cloned();
        Box::pin(async move {
            let session = session.ok_or_else(|| unavailable("the session layer", NO_SESSION_LAYER))?;
            match core.current_claims(&session).await {
                Ok(Some(claims)) => Ok(claims),
                Ok(None) => Err(AuthError::MissingToken),
                Err(LoginError::Verify { error, .. }) => Err(AuthError::from(error)),
                Err(err) => {
                    tracing::warn!(error = %err, "cannot authenticate the session");
                    Err(unavailable(unreachable_part(&err), err.to_string()))
                }
            }
        })
    }
    fn scopes_and_groups(claims: &CognitoClaims<C>) -> Option<&(dyn ScopesAndGroups + 'static)> {
        Some(claims)
    }
}
