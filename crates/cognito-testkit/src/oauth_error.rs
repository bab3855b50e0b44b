//! OAuth error answers of the token and revocation endpoints (RFC 6749 §5.2).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The OAuth error a token request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    InvalidRequest,
    /// `basic` when the client authenticated (or tried to) with HTTP Basic: answered 401.
    InvalidClient {
        basic: bool,
    },
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    /// A `resource` (RFC 8707) the client may not ask for, or not the one the code was issued
    /// for.
    InvalidTarget,
    /// A code, refresh token or PKCE verifier that is unknown, used, expired, revoked or wrong.
    InvalidGrant,
    /// `/oauth2/revoke` was given an access token.
    UnsupportedTokenType,
    ServerError,
}

impl TokenError {
    pub(crate) fn code(self) -> &'static str {
        match self {
            TokenError::InvalidRequest => "invalid_request",
            TokenError::InvalidClient { .. } => "invalid_client",
            TokenError::UnauthorizedClient => "unauthorized_client",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
            TokenError::InvalidScope => "invalid_scope",
            TokenError::InvalidTarget => "invalid_target",
            TokenError::InvalidGrant => "invalid_grant",
            TokenError::UnsupportedTokenType => "unsupported_token_type",
            TokenError::ServerError => "server_error",
        }
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let status = match self {
            TokenError::InvalidClient { basic: true } => StatusCode::UNAUTHORIZED,
            TokenError::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut response = (status, Json(json!({ "error": self.code() }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"oauth2\""));
        }
        no_store(response)
    }
}

/// Marks an answer that holds or denies tokens as not cacheable (RFC 6749 §5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
