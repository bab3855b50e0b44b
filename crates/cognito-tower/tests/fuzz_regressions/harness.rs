//! The checks of the `cognito-tower` fuzz target, shared by `fuzz/` (which includes this file)
//! and the regression tests next to it.
//!
//! The input is a list of request headers, one `name:value` per line, sent through a real
//! `CognitoLayer` (tokens from `Authorization: Bearer`, the `access_token` cookie and the
//! `x-access-token` header) in front of a service that answers 200. `@TOKEN@` in a value is
//! replaced by a valid token, so the fuzzer explores how a good token may be wrapped, not only
//! how a bad one is refused. A line `:post` makes the request a `POST` (gRPC calls are).

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};

use cognito_testkit::TestIssuer;
use cognito_tower::{CognitoLayer, TokenSource};
use cognito_verify::{CognitoClaims, CognitoVerifier, TokenUse};
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use tower::{Layer, ServiceExt, service_fn};

/// Replaced by a valid token in header values.
pub const PLACEHOLDER: &[u8] = b"@TOKEN@";
/// The header the inner service sets on its answers, with the `sub` it was given (or `-`).
const REACHED: &str = "x-reached-service";

pub struct Env {
    runtime: tokio::runtime::Runtime,
    _issuer: TestIssuer,
    verifier: CognitoVerifier,
    token: String,
    sub: String,
}

pub static ENV: LazyLock<Env> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let issuer = runtime.block_on(TestIssuer::start());
    let verifier = issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .build()
        .expect("a verifier");
    runtime.block_on(verifier.hydrate()).expect("the testkit JWKS");
    let token = issuer.access_token().sign();
    let sub = issuer.default_sub().to_owned();
    Env { runtime, _issuer: issuer, verifier, token, sub }
});

/// The headers of one input: `name:value` lines, `@TOKEN@` replaced; lines that make no valid
/// header are skipped. Also whether a valid token went in.
fn headers(data: &[u8], token: &str) -> (Vec<(HeaderName, HeaderValue)>, bool) {
    let mut has_token = false;
    let mut headers = Vec::new();
    for line in data.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let mut replaced = Vec::with_capacity(value.len());
        let mut rest = value;
        while let Some(at) = rest.windows(PLACEHOLDER.len()).position(|w| w == PLACEHOLDER) {
            replaced.extend_from_slice(&rest[..at]);
            replaced.extend_from_slice(token.as_bytes());
            rest = &rest[at + PLACEHOLDER.len()..];
        }
        replaced.extend_from_slice(rest);
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(&replaced)) {
            has_token |= replaced.windows(token.len()).any(|w| w == token.as_bytes());
            headers.push((name, value));
        }
    }
    (headers, has_token)
}

/// Target `authorization_header`. For the required and the optional layer alike: never a
/// panic; the service is reached with claims only when a valid token was sent, and then with its
/// claims; without claims (optional mode) only when no `Authorization` header was sent;
/// otherwise a 400/401 with nosniff or, for gRPC (a `POST`), grpc-status 16, both with
/// `Cache-Control: no-store`; the token never appears in a response.
pub fn authorization_header(data: &[u8]) {
    let env = &*ENV;
    let (headers, has_token) = headers(data, &env.token);
    for optional in [false, true] {
        let mut request = Request::new(String::new());
        if data.split(|b| *b == b'\n').any(|line| line == b":post") {
            *request.method_mut() = http::Method::POST;
        }
        for (name, value) in &headers {
            request.headers_mut().append(name.clone(), value.clone());
        }
        let grpc = cognito_tower::is_grpc(request.method(), request.headers());
        let has_authorization = request.headers().contains_key(http::header::AUTHORIZATION);
        let layer = CognitoLayer::new(env.verifier.clone()).token_sources([
            TokenSource::Bearer,
            TokenSource::cookie("access_token"),
            TokenSource::header(HeaderName::from_static("x-access-token")),
        ]);
        let layer = if optional { layer.optional() } else { layer };
        let service = layer.layer(service_fn(|request: Request<String>| async move {
            let sub = request
                .extensions()
                .get::<Arc<CognitoClaims>>()
                .map_or_else(|| "-".to_owned(), |c| c.sub().to_owned());
            let mut response = Response::new(String::new());
            response.headers_mut().insert(REACHED, HeaderValue::from_str(&sub).expect("a header-safe sub"));
            Ok::<_, Infallible>(response)
        }));
        let response = env.runtime.block_on(service.oneshot(request)).expect("infallible");
        let mode = if optional { "optional" } else { "required" };
        let shown = || String::from_utf8_lossy(data).into_owned();
        match response.headers().get(REACHED).map(|sub| sub.to_str().unwrap_or_default()) {
            Some("-") => {
                assert!(optional, "{mode}: the service was reached without claims: {}", shown());
                assert!(!has_authorization, "{mode}: anonymous with an Authorization header: {}", shown());
            }
            Some(sub) => {
                assert!(has_token, "{mode}: the service was reached with claims of {sub:?}: {}", shown());
                assert_eq!(sub, env.sub, "{mode}: claims of another token");
            }
            None if grpc => {
                assert_eq!(response.status(), StatusCode::OK, "{mode}: gRPC rejection: {}", shown());
                let status = response.headers().get("grpc-status").map(HeaderValue::as_bytes);
                assert_eq!(status, Some(&b"16"[..]), "{mode}: gRPC rejection: {}", shown());
            }
            None => {
                let status = response.status();
                assert!(
                    status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST,
                    "{mode}: {status} for {}",
                    shown()
                );
                assert!(
                    response.headers().contains_key(http::header::WWW_AUTHENTICATE),
                    "{mode}: {status} without WWW-Authenticate"
                );
                assert_eq!(
                    response.headers().get(http::header::X_CONTENT_TYPE_OPTIONS).map(HeaderValue::as_bytes),
                    Some(&b"nosniff"[..]),
                    "{mode}: {status} without nosniff"
                );
            }
        }
        if response.headers().get(REACHED).is_none() {
            let cache_control =
                response.headers().get(http::header::CACHE_CONTROL).map(HeaderValue::as_bytes);
            assert_eq!(
                cache_control,
                Some(&b"no-store"[..]),
                "{mode}: rejection without no-store: {}",
                shown()
            );
        }
        let signature = env.token.rsplit('.').next().unwrap_or_default();
        for value in response.headers().values() {
            let value = value.as_bytes();
            assert!(!value.windows(signature.len()).any(|w| w == signature.as_bytes()), "token in a header");
        }
        let body = axum::body::Body::new(response.into_body());
        let body = env.runtime.block_on(axum::body::to_bytes(body, 1 << 20)).expect("a body");
        assert!(!body.windows(signature.len()).any(|w| w == signature.as_bytes()), "token in the body");
    }
}
