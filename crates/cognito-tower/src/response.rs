//! The wire format of a rejection: RFC 6750 for HTTP, a trailers-only response for gRPC.
//!
//! The responses are `http::Response<Bytes>` so that they fit any framework: the layer wraps
//! the bytes in its [`ResponseBody`](crate::ResponseBody), `cognito-axum` in axum's body.

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE, X_CONTENT_TYPE_OPTIONS};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use serde::Serialize;

use crate::error::AuthError;

/// Longest `error_description` / `grpc-message` sent, in characters. Verification messages can
/// quote claims from the (possibly hostile) token; this keeps the echo short.
const MAX_DESCRIPTION_CHARS: usize = 256;

/// Whether the request is a gRPC call, which gets a gRPC status instead of an HTTP error: a
/// `POST` (every gRPC call is one) with `content-type: application/grpc` or
/// `application/grpc+proto`, `application/grpc;...`. Anything else gets an HTTP status, so a
/// `content-type` on a plain HTTP route cannot turn a 401 into an HTTP 200 that a cache keeps or
/// a monitor counts as success.
///
/// ```
/// use http::{HeaderMap, HeaderValue, Method};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("content-type", HeaderValue::from_static("application/grpc+proto"));
/// assert!(cognito_tower::is_grpc(&Method::POST, &headers));
/// assert!(!cognito_tower::is_grpc(&Method::GET, &headers));
/// ```
pub fn is_grpc(method: &Method, request_headers: &HeaderMap) -> bool {
    *method == Method::POST
        && request_headers.get(CONTENT_TYPE).is_some_and(|value| {
            let value = value.as_bytes();
            value.get(..16).is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"application/grpc"))
                && matches!(value.get(16), None | Some(b'+' | b';'))
        })
}

/// Every rejection: never to be stored by a cache (RFC 9111 §5.2.2.5), whatever the status.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[derive(Serialize)]
struct JsonBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl AuthError {
    /// The response for this error, in the protocol of the request: gRPC when
    /// [`is_grpc`]`(method, headers)`, HTTP otherwise.
    pub fn to_response(&self, request: &Parts, realm: Option<&str>) -> Response<Bytes> {
        if is_grpc(&request.method, &request.headers) {
            self.to_grpc_response()
        } else {
            self.to_http_response(realm)
        }
    }

    /// The RFC 6750 response: [`status`](Self::status), `WWW-Authenticate` (except for 503),
    /// `Retry-After` for 503, `Cache-Control: no-store`, and a JSON body
    /// `{"error": "...", "error_description": "..."}` with `X-Content-Type-Options: nosniff`.
    ///
    /// ```
    /// use cognito_tower::AuthError;
    ///
    /// let response = AuthError::MissingToken.to_http_response(Some("api"));
    /// assert_eq!(response.status(), 401);
    /// assert_eq!(response.headers()["www-authenticate"], r#"Bearer realm="api""#);
    /// ```
    pub fn to_http_response(&self, realm: Option<&str>) -> Response<Bytes> {
        self.http_response(realm, None)
    }

    /// [`to_http_response`](Self::to_http_response), with `resource_metadata` in the challenge.
    pub(crate) fn http_response(
        &self,
        realm: Option<&str>,
        resource_metadata: Option<&str>,
    ) -> Response<Bytes> {
        let description = sanitize(&self.description());
        let body =
            serde_json::to_vec(&JsonBody { error: self.body_error(), error_description: &description })
                .unwrap_or_default();
        let mut response = Response::new(Bytes::from(body));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        no_store(headers);
        if let Some(challenge) = self.www_authenticate_with_metadata(realm, resource_metadata) {
            headers.insert(WWW_AUTHENTICATE, challenge);
        }
        if let Some(secs) = self.retry_after_secs() {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }

    /// The gRPC response: HTTP 200, `content-type: application/grpc`, `grpc-status` and a
    /// percent-encoded `grpc-message`, `Cache-Control: no-store`, no body (a trailers-only
    /// response).
    ///
    /// ```
    /// use cognito_tower::AuthError;
    ///
    /// let response = AuthError::MissingToken.to_grpc_response();
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.headers()["grpc-status"], "16");
    /// ```
    pub fn to_grpc_response(&self) -> Response<Bytes> {
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
        no_store(headers);
        headers.insert("grpc-status", HeaderValue::from(self.grpc_status()));
        if let Ok(message) = HeaderValue::from_str(&grpc_percent_encode(&self.description())) {
            headers.insert("grpc-message", message);
        }
        response
    }

    /// The `WWW-Authenticate` challenge, e.g.
    /// `Bearer realm="api", error="invalid_token", error_description="token expired ..."`;
    /// `None` for 503, which is not an authentication failure.
    pub fn www_authenticate(&self, realm: Option<&str>) -> Option<HeaderValue> {
        self.www_authenticate_with_metadata(realm, None)
    }

    /// [`www_authenticate`](Self::www_authenticate) naming the API's RFC 9728 metadata as
    /// `resource_metadata="<url>"` (RFC 9728 §5.1), e.g.
    /// `Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"`.
    ///
    /// ```
    /// use cognito_tower::AuthError;
    ///
    /// let url = "https://api.example.com/.well-known/oauth-protected-resource";
    /// let challenge = AuthError::MissingToken.www_authenticate_with_metadata(None, Some(url)).unwrap();
    /// assert_eq!(challenge, format!(r#"Bearer resource_metadata="{url}""#).as_str());
    /// ```
    pub fn www_authenticate_with_metadata(
        &self,
        realm: Option<&str>,
        resource_metadata: Option<&str>,
    ) -> Option<HeaderValue> {
        if matches!(self, AuthError::KeysUnavailable { .. } | AuthError::Unavailable { .. }) {
            return None;
        }
        let mut params = Vec::with_capacity(5);
        if let Some(realm) = realm {
            params.push(format!("realm=\"{}\"", sanitize(realm)));
        }
        if let Some(code) = self.error_code() {
            params.push(format!("error=\"{code}\""));
            params.push(format!("error_description=\"{}\"", sanitize(&self.description())));
        }
        if let Some(scopes) = self.required_scopes() {
            let scopes: Vec<String> = scopes.iter().map(|scope| scope_token(scope)).collect();
            params.push(format!("scope=\"{}\"", scopes.join(" ")));
        }
        if let Some(url) = resource_metadata {
            // A URL the metadata checked (ASCII, quotes percent-encoded); kept whole, unlike a
            // description, which is cut.
            let url: String = url.chars().filter(|c| matches!(c, '!' | '#'..='[' | ']'..='~')).collect();
            params.push(format!("resource_metadata=\"{url}\""));
        }
        let value =
            if params.is_empty() { "Bearer".to_owned() } else { format!("Bearer {}", params.join(", ")) };
        // Every parameter was sanitised to visible ASCII, so this cannot fail; a bare challenge
        // is still a correct answer if it somehow did.
        Some(HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer")))
    }
}

/// Adds `Cache-Control: no-store` to a rejection a hook made, unless it chose its own.
pub(crate) fn ensure_no_store(response: &mut Response<Bytes>) {
    if !response.headers().contains_key(CACHE_CONTROL) {
        no_store(response.headers_mut());
    }
}

/// Makes `text` fit an RFC 6750 quoted attribute value (`%x20-21 / %x23-5B / %x5D-7E`): `"`
/// and `\` become `'` and `/`, anything else outside the range `?`, and it is cut to
/// [`MAX_DESCRIPTION_CHARS`].
pub(crate) fn sanitize(text: &str) -> String {
    text.chars()
        .take(MAX_DESCRIPTION_CHARS)
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

/// A scope as an RFC 6750 `scope-token` (`%x21 / %x23-5B / %x5D-7E`, no spaces).
fn scope_token(scope: &str) -> String {
    sanitize(scope).chars().map(|c| if c == ' ' { '?' } else { c }).collect()
}

/// Percent-encodes a `grpc-message` as the gRPC HTTP/2 spec asks: UTF-8 bytes outside
/// `0x20..=0x7E`, and `%` itself, become `%XX`.
pub(crate) fn grpc_percent_encode(message: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(message.len());
    for &byte in message.as_bytes().iter().take(MAX_DESCRIPTION_CHARS * 4) {
        if (0x20..=0x7E).contains(&byte) && byte != b'%' {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_header_safe_characters_only() {
        assert_eq!(sanitize("issuer \"x\\y\" é\n"), "issuer 'x/y' ??");
        assert_eq!(sanitize(&"a".repeat(1000)).len(), MAX_DESCRIPTION_CHARS);
    }

    #[test]
    fn an_unreachable_revocation_list_is_a_503_that_does_not_blame_the_signing_keys() {
        let err = AuthError::from(cognito_verify::VerifyError::RevocationsUnavailable {
            reason: "redis: connection refused".into(),
            retry_after: std::time::Duration::from_millis(1500),
        });
        assert!(matches!(err, AuthError::Unavailable { what: "the revocation list", .. }), "{err:?}");
        assert_eq!(err.status(), http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!((err.grpc_status(), err.retry_after_secs()), (14, Some(2)));
        assert_eq!(err.body_error(), "temporarily_unavailable");
        assert_eq!(err.description(), "authentication is temporarily unavailable; retry later");
        assert_eq!(err.www_authenticate(None), None);
        assert_eq!(err.to_string(), "the revocation list is unavailable: redis: connection refused");
    }

    #[test]
    fn grpc_messages_are_percent_encoded() {
        assert_eq!(grpc_percent_encode("50% done é"), "50%25 done %C3%A9");
    }
}
