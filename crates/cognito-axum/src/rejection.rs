//! Rejection types of the extractors and guards.
//!
//! As in axum: each way to fail is a `#[non_exhaustive]` type with `status()`, `body_text()`
//! and an `IntoResponse` impl, and [`ClaimsRejection`] is the enum of them that the extractors
//! return. Refusals on the client's side ([`AuthFailed`]) are answered exactly as the layer
//! answers them (same status, `WWW-Authenticate`, gRPC status, custom hook). A missing layer is
//! the server's fault: 500, not 401.

use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use cognito_tower::{AuthContext, AuthError, ScopesAndGroups};
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};

/// Marks a response as the answer of a misconfigured route, with the log text: what
/// [`misconfigured_routes`](crate::misconfigured_routes) looks for.
#[derive(Debug, Clone)]
pub(crate) struct Misconfigured(pub(crate) String);

/// What a client is told when a route is misconfigured: nothing about the server's code.
const MISCONFIGURED: &str = "Server misconfigured: this route's authentication is not set up correctly. \
                             The server's log says what to fix.";

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR]
    #[body = MISCONFIGURED]
    #[log = "Missing auth layer: this route needs verified claims, but no cognito_tower layer \
             (CognitoLayer, AlbLayer or another AuthLayer) ran for it; add \
             `.layer(CognitoLayer::new(verifier))` to the router, outside the routes and route \
             layers that need claims"]
    /// No auth layer ran for this request, so there are no claims to extract: the router is
    /// misconfigured. 500 Internal Server Error, with a body that names nothing of the server's
    /// code; the log line (at ERROR, and `Display`) says what to add.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use cognito_axum::Claims;
    /// use http::{Request, StatusCode};
    /// use tower::ServiceExt;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// // `.layer(CognitoLayer::new(verifier))` forgotten:
    /// let app: Router = Router::new().route("/me", get(|claims: Claims| async move { claims.sub().to_owned() }));
    /// let response = app.oneshot(Request::get("/me").body(axum::body::Body::empty()).unwrap()).await.unwrap();
    /// assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    /// # }
    /// ```
    pub struct MissingAuthLayer;
}

/// The auth layer for this route produces claims the extractor or guard cannot read: a
/// `Claims<T>` (or a hand-written guard) whose `T` is not the layer's claims type (e.g.
/// `Claims<CognitoClaims>` behind a layer with custom claims), or a scope or group guard behind a
/// layer whose claims do not expose scopes and groups. 500 Internal Server Error.
///
/// The response body names no type, module or crate; the log line (at ERROR, and `Display`)
/// names both types and the fix.
///
/// ```
/// use std::sync::Arc;
///
/// use axum::{Router, routing::get};
/// use cognito_axum::{Claims, CognitoClaims};
/// use cognito_tower::{AuthError, AuthLayer, Credentials};
/// use http::{Request, StatusCode};
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // The layer attaches `Arc<String>`; the handler asks for Cognito claims.
/// let layer = AuthLayer::new(|_: &Credentials<'_>| Ok::<_, AuthError>(Arc::new("caller".to_owned())));
/// let app: Router = Router::new().route("/me", get(|claims: Claims| async move { claims.sub().to_owned() })).layer(layer);
/// let response = app.oneshot(Request::get("/me").body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct ClaimsTypeMismatch {
    /// The layer's claims type.
    pub layer: &'static str,
    /// What the extractor or guard asked for: a claims type, or `dyn ScopesAndGroups` for a
    /// scope or group guard.
    pub extractor: &'static str,
}

impl ClaimsTypeMismatch {
    /// `T` asked for behind the layer of `context`.
    pub(crate) fn of<T: ?Sized>(context: &AuthContext) -> Self {
        ClaimsTypeMismatch { layer: context.claims_type_name(), extractor: std::any::type_name::<T>() }
    }

    /// A scope or group guard behind the layer of `context`, whose claims expose neither.
    pub(crate) fn without_scopes_and_groups(context: &AuthContext) -> Self {
        Self::of::<dyn ScopesAndGroups>(context)
    }

    /// The status of the response: 500.
    pub fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    /// The text of the response body: that the server is misconfigured, naming nothing of its
    /// code.
    pub fn body_text(&self) -> String {
        MISCONFIGURED.to_owned()
    }

    pub(crate) fn into_bytes_response(self) -> Response<Bytes> {
        misconfigured_response(self.status(), self.body_text(), &self)
    }
}

/// The log text: both types, and the fix.
impl fmt::Display for ClaimsTypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layer = self.layer;
        if self.extractor == std::any::type_name::<dyn ScopesAndGroups>() {
            write!(
                f,
                "Claims type mismatch: a scope or group guard on this route reads scopes and groups, \
                 but the auth layer's claims `{layer}` do not expose them; implement \
                 `cognito_tower::ScopesAndGroups` for `{layer}` and return the claims from \
                 `Authenticate::scopes_and_groups` (or, for a closure authenticator, call \
                 `AuthLayer::scopes_and_groups()`)"
            )
        } else {
            write!(
                f,
                "Claims type mismatch: the auth layer for this route puts `Arc<{layer}>` in the \
                 request, but the extractor or guard asks for `Arc<{}>`; ask for `Claims<{layer}>` \
                 (name it once for the whole application with a type alias: \
                 `type Claims = cognito_axum::Claims<{layer}>;`)",
                self.extractor
            )
        }
    }
}

impl std::error::Error for ClaimsTypeMismatch {}

impl IntoResponse for ClaimsTypeMismatch {
    fn into_response(self) -> Response {
        self.into_bytes_response().map(Body::from)
    }
}

/// The request was refused by the layer's rules: no token (optional-mode routes), or a scope or
/// group requirement not met. Answered like the layer: same status, headers and hook.
///
/// Not generated like the others: its status and response are the layer's (realm, hook),
/// decided per request.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthFailed {
    // Boxed: extractors return this in `Err`, which should stay small.
    inner: Box<(AuthError, Response<Bytes>)>,
}

impl AuthFailed {
    /// Render `error` for `request` with the layer's [`AuthContext`] (realm, hook), or the
    /// standard response when there is none.
    pub(crate) fn new(error: AuthError, request: &Parts) -> Self {
        let response = match request.extensions.get::<AuthContext>() {
            Some(context) => context.reject(&error, request),
            None => error.to_response(request, None),
        };
        AuthFailed { inner: Box::new((error, response)) }
    }

    /// Why the request was refused.
    pub fn error(&self) -> &AuthError {
        &self.inner.0
    }

    /// The status of the response (401, 403, ... or what a custom hook chose).
    pub fn status(&self) -> StatusCode {
        self.inner.1.status()
    }

    /// The text of the response body: the error description.
    pub fn body_text(&self) -> String {
        self.error().description().into_owned()
    }

    /// The layer's response.
    pub(crate) fn into_bytes_response(self) -> Response<Bytes> {
        self.inner.1
    }
}

impl fmt::Display for AuthFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error().fmt(f)
    }
}

impl std::error::Error for AuthFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error())
    }
}

impl IntoResponse for AuthFailed {
    fn into_response(self) -> Response {
        self.into_bytes_response().map(Body::from)
    }
}

composite_rejection! {
    /// Rejection of [`Claims`](crate::Claims), `Option<Claims>` and the guards declared with
    /// [`require_scopes!`](crate::require_scopes) / [`require_groups!`](crate::require_groups):
    /// one variant per way they can fail.
    ///
    /// ```
    /// use axum::response::{IntoResponse, Response};
    /// use cognito_axum::{Claims, ClaimsRejection};
    ///
    /// async fn me(claims: Result<Claims, ClaimsRejection>) -> Response {
    ///     match claims {
    ///         Ok(claims) => claims.sub().to_owned().into_response(),
    ///         // The layer's own answer: 401 with `WWW-Authenticate`, 403, 503...
    ///         Err(rejection @ ClaimsRejection::AuthFailed(_)) => rejection.into_response(),
    ///         Err(other) => other.into_response(), // 500: the route lacks the layer
    ///     }
    /// }
    /// # let _ = me;
    /// ```
    pub enum ClaimsRejection {
        /// No layer ran: 500.
        MissingAuthLayer,
        /// The layer's claims type is not the extractor's: 500.
        ClaimsTypeMismatch,
        /// Refused by the layer's rules: 401, 403, ...
        AuthFailed,
    }
}

/// The response to a misconfigured route: `body` (which names nothing of the server's code) for
/// the client, `log` at ERROR for the operator, who has to fix the router.
pub(crate) fn misconfigured_response(
    status: StatusCode,
    body: String,
    log: &dyn fmt::Display,
) -> Response<Bytes> {
    tracing::error!(target: "cognito_axum", status = status.as_u16(), "{log}");
    let mut response = Response::new(Bytes::from(body));
    response.extensions_mut().insert(Misconfigured(log.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
