//! Rejection types of the extractors and guards.
//!
//! As in axum: each way to fail is a `#[non_exhaustive]` type with `status()`, `body_text()`
//! and an [`IntoResponse`] impl, and [`ClaimsRejection`] is the enum of them that the
//! extractors return. Refusals on the client's side ([`AuthFailed`]) are answered exactly as the
//! [`CognitoLayer`](cognito_tower::CognitoLayer) answers them (same status, `WWW-Authenticate`,
//! gRPC status, custom hook). A missing layer is the server's fault: 500, not 401.

use std::fmt;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use cognito_tower::{AuthContext, AuthError};
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};

/// No [`CognitoLayer`](cognito_tower::CognitoLayer) ran for this request, so there are no claims
/// to extract: the router is misconfigured. 500 Internal Server Error.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct MissingCognitoLayer;

impl MissingCognitoLayer {
    /// The status of the response: 500.
    pub fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    /// The text of the response body.
    pub fn body_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for MissingCognitoLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "Missing CognitoLayer: this route needs Cognito claims, but no CognitoLayer ran for it; \
             add `.layer(CognitoLayer::new(verifier))` to the router",
        )
    }
}

impl std::error::Error for MissingCognitoLayer {}

impl IntoResponse for MissingCognitoLayer {
    fn into_response(self) -> Response {
        text_response(self.status(), self.body_text()).map(Body::from)
    }
}

/// The [`CognitoLayer`](cognito_tower::CognitoLayer) for this route verifies claims of another
/// custom-claims type than the extractor asks for. 500 Internal Server Error.
#[derive(Debug)]
#[non_exhaustive]
pub struct ClaimsTypeMismatch {
    /// The layer's custom-claims type.
    pub layer: &'static str,
    /// The extractor's custom-claims type.
    pub extractor: &'static str,
}

impl ClaimsTypeMismatch {
    /// The status of the response: 500.
    pub fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    /// The text of the response body.
    pub fn body_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ClaimsTypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Claims type mismatch: the CognitoLayer for this route verifies claims with custom type `{}`, \
             but the extractor asks for `{}`",
            self.layer, self.extractor
        )
    }
}

impl std::error::Error for ClaimsTypeMismatch {}

impl IntoResponse for ClaimsTypeMismatch {
    fn into_response(self) -> Response {
        text_response(self.status(), self.body_text()).map(Body::from)
    }
}

/// The request was refused by the layer's rules: no token (optional-mode routes), or a scope or
/// group requirement not met. Answered like the layer: same status, headers and hook.
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
            None => error.to_response(&request.headers, None),
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
        self.inner.1.map(Body::from)
    }
}

/// Rejection of [`Claims`](crate::Claims), `Option<Claims>`, [`RequireScopes`](crate::RequireScopes)
/// and [`RequireGroups`](crate::RequireGroups): one variant per way they can fail.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClaimsRejection {
    /// No layer ran: 500.
    MissingCognitoLayer(MissingCognitoLayer),
    /// The layer's claims type is not the extractor's: 500.
    ClaimsTypeMismatch(ClaimsTypeMismatch),
    /// Refused by the layer's rules: 401, 403, ...
    AuthFailed(AuthFailed),
}

impl ClaimsRejection {
    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            ClaimsRejection::MissingCognitoLayer(inner) => inner.status(),
            ClaimsRejection::ClaimsTypeMismatch(inner) => inner.status(),
            ClaimsRejection::AuthFailed(inner) => inner.status(),
        }
    }

    /// The text of the response body.
    pub fn body_text(&self) -> String {
        match self {
            ClaimsRejection::MissingCognitoLayer(inner) => inner.body_text(),
            ClaimsRejection::ClaimsTypeMismatch(inner) => inner.body_text(),
            ClaimsRejection::AuthFailed(inner) => inner.body_text(),
        }
    }

    /// The response as bytes, for the route guards, which are generic over body types.
    pub(crate) fn into_bytes_response(self) -> Response<Bytes> {
        match self {
            ClaimsRejection::AuthFailed(inner) => inner.inner.1,
            other => text_response(other.status(), other.body_text()),
        }
    }
}

impl fmt::Display for ClaimsRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimsRejection::MissingCognitoLayer(inner) => inner.fmt(f),
            ClaimsRejection::ClaimsTypeMismatch(inner) => inner.fmt(f),
            ClaimsRejection::AuthFailed(inner) => inner.fmt(f),
        }
    }
}

impl std::error::Error for ClaimsRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClaimsRejection::MissingCognitoLayer(inner) => Some(inner),
            ClaimsRejection::ClaimsTypeMismatch(inner) => Some(inner),
            ClaimsRejection::AuthFailed(inner) => Some(inner),
        }
    }
}

impl IntoResponse for ClaimsRejection {
    fn into_response(self) -> Response {
        self.into_bytes_response().map(Body::from)
    }
}

impl From<MissingCognitoLayer> for ClaimsRejection {
    fn from(inner: MissingCognitoLayer) -> Self {
        ClaimsRejection::MissingCognitoLayer(inner)
    }
}

impl From<ClaimsTypeMismatch> for ClaimsRejection {
    fn from(inner: ClaimsTypeMismatch) -> Self {
        ClaimsRejection::ClaimsTypeMismatch(inner)
    }
}

impl From<AuthFailed> for ClaimsRejection {
    fn from(inner: AuthFailed) -> Self {
        ClaimsRejection::AuthFailed(inner)
    }
}

/// A plain-text response for the server-side failures, which are also logged: they mean the
/// router needs fixing.
fn text_response(status: StatusCode, text: String) -> Response<Bytes> {
    tracing::error!(target: "cognito_axum", status = status.as_u16(), "{text}");
    let mut response = Response::new(Bytes::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
