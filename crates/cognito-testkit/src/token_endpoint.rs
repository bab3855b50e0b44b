//! `POST /oauth2/token`: the `client_credentials` grant with Cognito's answers and errors.
//!
//! Client authentication is HTTP Basic (`base64(urlencode(id):urlencode(secret))`, RFC 6749
//! §2.3.1) or `client_id`/`client_secret` in the form body, never both. Every input problem is an
//! OAuth error response; nothing here panics on request data.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Form;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde_json::json;

use crate::conn::ConnHandle;
use crate::faults;
use crate::issuer::{Shared, lock};
use crate::token::TokenBuilder;

/// The OAuth error a token request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenError {
    InvalidRequest,
    /// `basic` when the client authenticated (or tried to) with HTTP Basic: answered 401.
    InvalidClient {
        basic: bool,
    },
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    ServerError,
}

impl TokenError {
    fn code(self) -> &'static str {
        match self {
            TokenError::InvalidRequest => "invalid_request",
            TokenError::InvalidClient { .. } => "invalid_client",
            TokenError::UnauthorizedClient => "unauthorized_client",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
            TokenError::InvalidScope => "invalid_scope",
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

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// The handler: counts, applies the token fault, then answers the grant.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    shared.token_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(response) = faults::apply(shared.token_fault.next(), &conn).await {
        return response;
    }
    match grant(&shared, request).await {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(error = error.code(), "test issuer refused a token request");
            error.into_response()
        }
    }
}

async fn grant(shared: &Arc<Shared>, request: Request) -> Result<Response, TokenError> {
    let headers = request.headers().clone();
    let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
        .await
        .map_err(|_| TokenError::InvalidRequest)?;
    let mut params = HashMap::new();
    for (name, value) in pairs {
        // RFC 6749 §3.2: parameters must not be included more than once.
        if params.insert(name, value).is_some() {
            return Err(TokenError::InvalidRequest);
        }
    }
    let grant_type = params.get("grant_type").ok_or(TokenError::InvalidRequest)?;

    let (client_id, secret) = client_credentials(&headers, &params)?;
    let basic = headers.contains_key(header::AUTHORIZATION);
    let client = lock(&shared.clients)
        .get(&client_id)
        .filter(|c| Some(c.client_secret()) == secret.as_deref())
        .cloned()
        .ok_or(TokenError::InvalidClient { basic })?;

    if grant_type != "client_credentials" {
        return Err(TokenError::UnsupportedGrantType);
    }
    if !client.allows_client_credentials() {
        return Err(TokenError::UnauthorizedClient);
    }

    let mut granted: Vec<&str> = Vec::new();
    match params.get("scope").map(|s| s.split_whitespace()) {
        Some(requested) => {
            for scope in requested {
                if !client.allowed_scopes().iter().any(|s| s == scope) {
                    return Err(TokenError::InvalidScope);
                }
                if !granted.contains(&scope) {
                    granted.push(scope);
                }
            }
        }
        None => granted.extend(client.allowed_scopes().iter().map(String::as_str)),
    }
    if granted.is_empty() {
        return Err(TokenError::InvalidScope);
    }

    let lifetime = client.lifetime();
    let access_token = TokenBuilder::client_credentials(shared.clone(), &client_id)
        .scopes(&granted)
        .lifetime(lifetime)
        .try_sign()
        .map_err(|_| TokenError::ServerError)?;
    let body = json!({
        "access_token": access_token,
        "expires_in": lifetime.as_secs(),
        "token_type": "Bearer",
    });
    Ok(no_store(Json(body).into_response()))
}

/// The client id and secret from HTTP Basic or the form body (exactly one of them).
fn client_credentials(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(String, Option<String>), TokenError> {
    let form_id = params.get("client_id");
    let form_secret = params.get("client_secret");
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        let id = form_id.ok_or(TokenError::InvalidClient { basic: false })?;
        return Ok((id.clone(), form_secret.cloned()));
    };
    if form_secret.is_some() {
        // RFC 6749 §2.3: a client must not use more than one authentication method.
        return Err(TokenError::InvalidRequest);
    }
    let (id, secret) = parse_basic(authorization).ok_or(TokenError::InvalidClient { basic: true })?;
    if form_id.is_some_and(|form_id| *form_id != id) {
        return Err(TokenError::InvalidClient { basic: true });
    }
    Ok((id, Some(secret)))
}

/// `Basic base64(urlencode(id):urlencode(secret))` → `(id, secret)`.
fn parse_basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let decoded = STANDARD.decode(encoded).or_else(|_| STANDARD_NO_PAD.decode(encoded)).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is. `None` if the result is not UTF-8.
fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match (b, escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (other, None) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decode_handles_plus_escapes_and_stray_percent() {
        assert_eq!(form_decode("a+b%2Fc%3A").as_deref(), Some("a b/c:"));
        assert_eq!(form_decode("100%").as_deref(), Some("100%"));
        assert_eq!(form_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(form_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(form_decode("%FF"), None);
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let value = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode("my%3Aid:p%2Bw+d"))).unwrap();
        assert_eq!(parse_basic(&value), Some(("my:id".to_owned(), "p+w d".to_owned())));
        assert_eq!(parse_basic(&HeaderValue::from_static("Bearer abc")), None);
        assert_eq!(parse_basic(&HeaderValue::from_static("Basic !!!")), None);
        assert_eq!(parse_basic(&HeaderValue::from_static("Basic")), None);
    }
}
