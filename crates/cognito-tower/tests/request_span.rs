//! What the layer puts in the application's logs: the caller on its request span (with `sub` and
//! `client_id` declared empty on tower-http's `TraceLayer` span, the layer fills them in), and
//! the custom claim a rejection names.

use axum::Router;
use axum::routing::get;
use cognito_testkit::{LogCapture, TestApp, TestIssuer};
use cognito_tower::{CLIENT_ID_FIELD, CognitoLayer, SUB_FIELD};
use tower_http::trace::TraceLayer;

fn app(issuer: &TestIssuer) -> Router {
    let verifier = issuer.access_verifier().build().unwrap();
    Router::new()
        .route(
            "/orders",
            get(|| async {
                tracing::info!("handled");
                "[]"
            }),
        )
        .layer(CognitoLayer::new(verifier))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
            tracing::info_span!(
                "request",
                uri = %request.uri(),
                sub = tracing::field::Empty,
                client_id = tracing::field::Empty,
            )
        }))
}

#[tokio::test]
async fn the_caller_is_recorded_on_the_application_request_span() {
    assert_eq!((SUB_FIELD, CLIENT_ID_FIELD), ("sub", "client_id"));
    let captured = LogCapture::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let issuer = TestIssuer::start().await;
    let app = TestApp::serve(app(&issuer)).await;
    // The first request fetches the keys (the slow path), the second uses them (the fast one).
    for sub in ["caller-slow", "caller-fast"] {
        let token = issuer.access_token().sub(sub).client_id(issuer.default_client_id()).sign();
        let response = app.get("/orders").bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let log = captured.text();
        let handled = log.lines().rfind(|line| line.contains("handled")).unwrap_or_default().to_owned();
        assert!(handled.contains(&format!("sub=\"{sub}\"")), "{handled}");
        assert!(handled.contains(&format!("client_id=\"{}\"", issuer.default_client_id())), "{handled}");
    }
}

#[tokio::test]
async fn a_span_without_the_fields_is_left_as_it_is() {
    let captured = LogCapture::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let router = Router::new()
        .route(
            "/orders",
            get(|| async {
                tracing::info!("handled");
                "[]"
            }),
        )
        .layer(CognitoLayer::new(verifier))
        .layer(TraceLayer::new_for_http());
    let app = TestApp::serve(router).await;
    let token = issuer.access_token().sub("caller").sign();
    assert_eq!(app.get("/orders").bearer_auth(token).send().await.unwrap().status(), 200);
    let log = captured.text();
    assert!(log.contains("handled") && !log.contains("sub="), "{log}");
}

#[derive(Debug, serde::Deserialize)]
struct Seats {
    #[serde(rename = "custom:seats")]
    _seats: u32,
}

#[tokio::test]
async fn a_missing_or_mistyped_custom_claim_is_named_in_the_rejection_log() {
    let captured = LogCapture::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let issuer = TestIssuer::start().await;
    let verifier = issuer.id_verifier().custom_claims::<Seats>().build().unwrap();
    let router = Router::new().route("/", get(|| async { "ok" })).layer(CognitoLayer::new(verifier));
    let app = TestApp::serve(router).await;
    for (token, problem) in [
        (issuer.id_token().sign(), "is missing"),
        (issuer.id_token().claim("custom:seats", "secret-7f3a".into()).sign(), "does not have the type"),
    ] {
        let response = app.get("/").bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let log = captured.text();
        let line = log.lines().rfind(|line| line.contains("request rejected")).unwrap_or_default().to_owned();
        assert!(line.contains("custom claim `custom:seats`") && line.contains(problem), "{line}");
        assert!(!log.contains("secret-7f3a"), "the value leaked into the log: {log}");
    }
}
