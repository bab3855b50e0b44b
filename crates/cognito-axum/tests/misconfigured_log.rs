//! A mistyped `Claims<T>` is a 500 whose body names nothing of the server, and whose log line
//! names both types and the fix. (Its own test binary: it installs a thread-local subscriber.)

use axum::Router;
use axum::routing::get;
use cognito_axum::{Claims, CognitoLayer, misconfigured_routes};
use cognito_testkit::{LogCapture, TestApp, TestIssuer};
use http::Method;
use reqwest::StatusCode;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Tenant {
    #[serde(rename = "custom:tenant")]
    #[allow(dead_code)]
    tenant: String,
}

#[tokio::test]
async fn a_mistyped_claims_extractor_is_a_500_naming_nothing_and_logs_both_types_and_the_fix() {
    let log = LogCapture::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().custom_claims::<Tenant>().build().unwrap();
    // `Claims` without the application's type: the default `CognitoClaims`.
    let app = Router::new()
        .route("/mistyped", get(|claims: Claims| async move { claims.sub().to_owned() }))
        .layer(CognitoLayer::new(verifier));
    let token = issuer.id_token().claim("custom:tenant", "acme".into()).sign();
    let served = TestApp::serve(app.clone()).await;
    let response = served.get("/mistyped").bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    for internal in ["::", "Claims", "cognito", "Tenant", "Arc"] {
        assert!(!body.contains(internal), "the body names {internal}: {body}");
    }
    // The same request in process, so the log line is this thread's.
    let found = misconfigured_routes(&app, &token, [(Method::GET, "/mistyped")]).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let logged = log.text();
    let line = logged.lines().find(|line| line.contains("Claims type mismatch")).expect(&logged);
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("CognitoClaims<misconfigured_log::Tenant>"), "the layer's type: {line}");
    assert!(
        line.contains("asks for `Arc<cognito_verify::claims::CognitoClaims>`"),
        "the extractor's type: {line}"
    );
    assert!(line.contains("type Claims = cognito_axum::Claims<"), "the fix: {line}");
}
