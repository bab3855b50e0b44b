//! The layer over real HTTP on loopback: an axum app behind `CognitoLayer`, called with reqwest,
//! tokens from the testkit issuer. One behaviour per test: status, headers, body.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use axum::{Extension, Router};
use bytes::Bytes;
use cognito_testkit::{Challenge, Fault, TestApp, TestIssuer, response_header};
use cognito_tower::{AuthError, CognitoLayer, TokenSource};
use cognito_verify::{CognitoClaims, CognitoVerifier, CognitoVerifierBuilder, Rejection};
use http::HeaderName;
use http::request::Parts;
use reqwest::StatusCode;
use test_support::unix_now;

/// An app whose `/whoami` answers the verified `sub`, or `anonymous`, and counts its calls.
struct App {
    issuer: TestIssuer,
    http: TestApp,
    calls: Arc<AtomicUsize>,
}

impl App {
    /// The app behind `CognitoLayer::new(verifier)`, configured further by `configure`.
    async fn start(configure: impl FnOnce(CognitoLayer) -> CognitoLayer) -> App {
        App::start_with(|builder| builder, configure).await
    }

    async fn start_with(
        verifier: impl FnOnce(CognitoVerifierBuilder) -> CognitoVerifierBuilder,
        configure: impl FnOnce(CognitoLayer) -> CognitoLayer,
    ) -> App {
        let issuer = TestIssuer::start().await;
        let builder = issuer.access_verifier();
        let verifier: CognitoVerifier = verifier(builder).build().unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let whoami = move |claims: Option<Extension<Arc<CognitoClaims>>>| async move {
            counter.fetch_add(1, Ordering::SeqCst);
            claims.map_or_else(|| "anonymous".to_owned(), |Extension(claims)| claims.sub().to_owned())
        };
        let app = Router::new().route("/whoami", get(whoami)).layer(configure(CognitoLayer::new(verifier)));
        App { issuer, http: TestApp::serve(app).await, calls }
    }

    fn get(&self) -> reqwest::RequestBuilder {
        self.http.get("/whoami")
    }

    fn token(&self) -> String {
        self.issuer.access_token().sign()
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response_header(&response, "content-type"), "application/json");
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn valid_token_reaches_the_service_with_its_claims() {
    let app = App::start(|layer| layer).await;
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn missing_token_is_rejected_with_401_and_a_bare_bearer_challenge() {
    let app = App::start(|layer| layer).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), "Bearer");
    let body = json(response).await;
    assert_eq!(body["error"], "missing_token");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn realm_is_named_in_the_challenge() {
    let app = App::start(|layer| layer.realm("transactions")).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response_header(&response, "www-authenticate"), r#"Bearer realm="transactions""#);
}

#[tokio::test]
async fn expired_token_is_rejected_with_invalid_token() {
    let app = App::start(|layer| layer).await;
    let token = app.issuer.access_token().expires_at(unix_now() - 60).sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response_header(&response, "www-authenticate");
    assert!(
        challenge.starts_with(r#"Bearer error="invalid_token", error_description="token expired at"#),
        "{challenge}"
    );
    assert_eq!(json(response).await["error"], "invalid_token");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn token_of_another_client_is_rejected_with_invalid_token() {
    let app = App::start(|layer| layer).await;
    let token = app.issuer.access_token().client_id("someoneelse").sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
}

#[tokio::test]
async fn tampered_token_is_rejected_with_invalid_token() {
    let app = App::start(|layer| layer).await;
    let token = cognito_testkit::tamper_signature(&app.token());
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(response).await["error_description"], "invalid signature");
}

#[tokio::test]
async fn bearer_without_a_token_is_rejected_with_invalid_request() {
    let app = App::start(|layer| layer).await;
    let response = app.get().header("authorization", "Bearer").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response_header(&response, "www-authenticate").starts_with(r#"Bearer error="invalid_request""#));
    assert_eq!(json(response).await["error"], "invalid_request");
}

#[tokio::test]
async fn two_authorization_headers_are_rejected_with_invalid_request() {
    let app = App::start(|layer| layer).await;
    let token = app.token();
    let response = app
        .get()
        .header("authorization", format!("Bearer {token}"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(response).await["error_description"], "more than one Authorization header");
}

#[tokio::test]
async fn other_authorization_schemes_count_as_no_token() {
    let app = App::start(|layer| layer).await;
    let response = app.get().basic_auth("user", Some("password")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response_header(&response, "www-authenticate"), "Bearer");
}

#[tokio::test]
async fn bearer_scheme_is_matched_case_insensitively() {
    let app = App::start(|layer| layer).await;
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let response =
            app.get().header("authorization", format!("{scheme} {}", app.token())).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn missing_scope_is_rejected_with_403_insufficient_scope_naming_the_scope() {
    let app =
        App::start_with(|verifier| verifier.required_scopes(["transactions/post"]), |layer| layer).await;
    let token = app.issuer.access_token().scopes(["transactions/get"]).sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.starts_with(r#"Bearer error="insufficient_scope""#), "{challenge}");
    assert!(challenge.ends_with(r#"scope="transactions/post""#), "{challenge}");
    assert_eq!(json(response).await["error"], "insufficient_scope");
}

#[tokio::test]
async fn token_with_the_required_scope_is_accepted() {
    let app =
        App::start_with(|verifier| verifier.required_scopes(["transactions/post"]), |layer| layer).await;
    let token = app.issuer.access_token().scopes(["transactions/post"]).sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn missing_group_is_rejected_with_403_without_naming_groups() {
    let app = App::start_with(|verifier| verifier.required_groups(["admin"]), |layer| layer).await;
    let token = app.issuer.access_token().groups(["users"]).sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate").to_owned();
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{challenge}");
    assert!(!challenge.contains("scope=\"") && !challenge.contains("admin"), "{challenge}");
    assert!(!response.text().await.unwrap().contains("admin"));
}

#[tokio::test]
async fn an_async_check_forbidden_rejection_is_403_insufficient_scope() {
    let check = |_token| async { Err(Rejection::forbidden("account suspended")) };
    let app = App::start_with(|verifier| verifier.async_check(check), |layer| layer).await;
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.starts_with(r#"Bearer error="insufficient_scope""#), "{challenge}");
    assert!(challenge.contains("account suspended"), "{challenge}");
    assert_eq!(json(response).await["error"], "insufficient_scope");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn an_async_check_invalid_token_rejection_is_401_invalid_token() {
    let check = |_token| async { Err(Rejection::invalid_token("token revoked")) };
    let app = App::start_with(|verifier| verifier.async_check(check), |layer| layer).await;
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn unavailable_keys_are_503_with_retry_after() {
    let app = App::start(|layer| layer).await;
    app.issuer.set_jwks_fault(Some(Fault::Status(500)));
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after: u64 = response_header(&response, "retry-after").parse().unwrap();
    assert!(retry_after >= 1);
    assert!(response.headers().get("www-authenticate").is_none());
    assert_eq!(json(response).await["error"], "temporarily_unavailable");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn a_jwks_without_a_usable_key_gives_401_unusable_key_not_503() {
    let app = App::start(|layer| layer).await;
    let kid = app.issuer.signing_kid();
    let mut jwk = app.issuer.public_jwk(&kid).unwrap();
    jwk["use"] = "enc".into();
    app.issuer.remove_key(&kid);
    app.issuer.publish_raw_jwk(jwk);
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("retry-after").is_none());
    let challenge = response_header(&response, "www-authenticate");
    assert!(challenge.starts_with(r#"Bearer error="invalid_token", error_description="key "#), "{challenge}");
    assert_eq!(json(response).await["error"], "invalid_token");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn a_jwks_answering_403_gives_503() {
    let app = App::start(|layer| layer).await;
    app.issuer.set_jwks_fault(Some(Fault::Status(403)));
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response_header(&response, "retry-after").parse::<u64>().is_ok());
    assert_eq!(json(response).await["error"], "temporarily_unavailable");
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn known_keys_keep_verifying_while_the_jwks_endpoint_fails() {
    let app = App::start(|layer| layer).await;
    assert_eq!(app.get().bearer_auth(app.token()).send().await.unwrap().status(), StatusCode::OK);
    app.issuer.set_jwks_fault(Some(Fault::Status(500)));
    let fresh = app.issuer.access_token().sub("someone-new").sign();
    let response = app.get().bearer_auth(fresh).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "someone-new");
}

#[tokio::test]
async fn optional_mode_lets_requests_without_a_token_through_without_claims() {
    let app = App::start(|layer| layer.optional()).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "anonymous");
}

#[tokio::test]
async fn optional_mode_still_verifies_a_token_that_is_present() {
    let app = App::start(|layer| layer.optional()).await;
    let response = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn optional_mode_still_rejects_an_invalid_token() {
    let app = App::start(|layer| layer.optional()).await;
    let token = app.issuer.access_token().expires_at(unix_now() - 60).sign();
    let response = app.get().bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Challenge::of(&response).error(), Some("invalid_token"));
    assert_eq!(app.calls(), 0);
}

#[tokio::test]
async fn cookie_source_reads_the_named_cookie() {
    let app = App::start(|layer| layer.token_source(TokenSource::cookie("access_token"))).await;
    let cookie = format!("theme=dark; access_token={}", app.token());
    let response = app.get().header("cookie", cookie).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
    let bearer_only = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(bearer_only.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn header_source_reads_the_raw_token() {
    let source = TokenSource::header(HeaderName::from_static("x-access-token"));
    let app = App::start(|layer| layer.token_source(source)).await;
    let response = app.get().header("x-access-token", app.token()).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), app.issuer.default_sub());
}

#[tokio::test]
async fn several_sources_are_tried_in_order() {
    let app =
        App::start(|layer| layer.token_sources([TokenSource::Bearer, TokenSource::cookie("access_token")]))
            .await;
    let from_cookie =
        app.get().header("cookie", format!("access_token={}", app.token())).send().await.unwrap();
    assert_eq!(from_cookie.status(), StatusCode::OK);
    let from_header = app.get().bearer_auth(app.token()).send().await.unwrap();
    assert_eq!(from_header.status(), StatusCode::OK);
}

#[tokio::test]
async fn rejection_hook_replaces_the_response() {
    let hook = |error: &AuthError, request: &Parts| {
        http::Response::builder()
            .status(418)
            .header("x-path", request.uri.path())
            .body(format!("nope: {}", error.body_error()))
            .unwrap()
    };
    let app = App::start(|layer| layer.on_rejection(hook)).await;
    let response = app.get().send().await.unwrap();
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(response_header(&response, "x-path"), "/whoami");
    assert_eq!(response.text().await.unwrap(), "nope: missing_token");
}

#[tokio::test]
async fn rejections_never_echo_the_token() {
    let app = App::start(|layer| layer).await;
    let tokens = [
        app.issuer.access_token().expires_at(unix_now() - 60).sign(),
        app.issuer.access_token().client_id("someoneelse").sign(),
        cognito_testkit::tamper_payload(&app.token()),
        format!("{}x", app.token()),
    ];
    for token in tokens {
        let response = app.get().bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let headers = format!("{:?}", response.headers());
        let body = response.text().await.unwrap();
        let signature = token.rsplit('.').next().unwrap();
        assert!(!headers.contains(signature) && !body.contains(signature), "{headers} {body}");
    }
}

#[tokio::test]
async fn route_layer_protects_only_the_routes_it_wraps() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let app = Router::new()
        .route("/private", get(|| async { "private" }))
        .route_layer(CognitoLayer::new(verifier))
        .route("/health", get(|| async { "ok" }));
    let app = TestApp::serve(app).await;
    let health = app.get("/health").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let private = app.get("/private").send().await.unwrap();
    assert_eq!(private.status(), StatusCode::UNAUTHORIZED);
    let unknown = app.get("/nowhere").send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn layer_is_generic_over_body_types() {
    use tower::{Layer, ServiceExt, service_fn};
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let service =
        CognitoLayer::new(verifier).layer(service_fn(|request: http::Request<String>| async move {
            let sub = request.extensions().get::<Arc<CognitoClaims>>().map(|claims| claims.sub().to_owned());
            Ok::<_, std::convert::Infallible>(http::Response::new(sub.unwrap_or_default()))
        }));
    let request = http::Request::builder()
        .header("authorization", format!("Bearer {}", issuer.access_token().sign()))
        .body(String::new())
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = http_body_util_collect(response.into_body()).await;
    assert_eq!(body, issuer.default_sub().as_bytes());

    let response = service.oneshot(http::Request::new(String::new())).await.unwrap();
    assert_eq!(response.status(), 401);
}

/// Reads a whole body through axum's helper, which accepts any `http_body::Body`.
async fn http_body_util_collect<B>(body: B) -> Bytes
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    axum::body::to_bytes(axum::body::Body::new(body), usize::MAX).await.unwrap()
}
