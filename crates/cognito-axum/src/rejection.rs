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
use cognito_tower::{AuthContext, AuthError};
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR]
    #[body = "Missing auth layer: this route needs verified claims, but no cognito_tower layer \
              (CognitoLayer, AlbLayer or another AuthLayer) ran for it; add \
              `.layer(CognitoLayer::new(verifier))` to the router"]
    /// No auth layer ran for this request, so there are no claims to extract: the router is
    /// misconfigured. 500 Internal Server Error.
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

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR]
    #[body = "Claims type mismatch: the auth layer for this route puts `Arc<{layer}>` in the \
              request, but the extractor asks for `Arc<{extractor}>`"]
    /// The auth layer for this route produces another claims type than the extractor asks for
    /// (e.g. `Claims<CognitoClaims>` behind a layer with custom claims). 500 Internal Server
    /// Error.
    pub struct ClaimsTypeMismatch {
        /// The layer's claims type.
        pub layer: &'static str,
        /// The extractor's claims type.
        pub extractor: &'static str,
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

/// A plain-text response for the server-side failures, which are also logged: they mean the
/// router needs fixing.
pub(crate) fn text_response(status: StatusCode, text: String) -> Response<Bytes> {
    tracing::error!(target: "cognito_axum", status = status.as_u16(), "{text}");
    let mut response = Response::new(Bytes::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
