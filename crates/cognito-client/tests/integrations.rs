//! Bearer auth on `reqwest` requests and the tower layer for outgoing requests (a
//! `service_fn`, reqwest behind a service, and a tonic channel).

mod common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cognito_client::{ClientCredentialsLayer, OAuthErrorCode, RequestBuilderExt as _, TokenError};
use common::{GET, issuer, scope_claim, tokens};
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue, Request};
use tower::{BoxError, Layer, Service, ServiceBuilder, ServiceExt};

/// A loopback server answering `GET /echo` with the request's `Authorization` header.
async fn echo_server() -> String {
    async fn echo(headers: HeaderMap) -> String {
        headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
    let app = axum::Router::new().route("/echo", axum::routing::get(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/echo")
}

/// A service answering with the `Authorization` header it received, counting its calls.
fn header_echo(
    calls: Arc<AtomicUsize>,
) -> impl Service<Request<String>, Response = Option<HeaderValue>, Error = Infallible> + Clone {
    tower::service_fn(move |request: Request<String>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move { Ok(request.headers().get(AUTHORIZATION).cloned()) }
    })
}

#[tokio::test]
async fn reqwest_request_carries_the_bearer_token() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let url = echo_server().await;
    let http = reqwest::Client::new();

    let echoed = http.get(&url).bearer_auth_from(&tokens).await.unwrap().send().await.unwrap();
    let echoed = echoed.text().await.unwrap();
    let token = tokens.access_token().await.unwrap();
    assert_eq!(echoed, format!("Bearer {}", token.as_str()));

    http.get(&url).bearer_auth_from(&tokens).await.unwrap().send().await.unwrap();
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn reqwest_bearer_auth_fails_with_the_token_error() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong").build().unwrap();

    let err = reqwest::Client::new().get("http://127.0.0.1:9/").bearer_auth_from(&tokens).await.unwrap_err();
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }), "{err:?}");
}

#[tokio::test]
async fn layer_adds_the_bearer_token_and_reuses_the_cached_one() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = ClientCredentialsLayer::new(tokens.clone()).layer(header_echo(calls.clone()));

    for _ in 0..3 {
        let seen = service.ready().await.unwrap().call(Request::new(String::new())).await.unwrap();
        let token = tokens.access_token().await.unwrap();
        assert_eq!(seen, Some(token.authorization()));
        assert!(seen.unwrap().is_sensitive());
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn layer_replaces_an_existing_authorization_header() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let service = ClientCredentialsLayer::new(tokens.clone()).layer(header_echo(Arc::default()));

    let request = Request::builder().header(AUTHORIZATION, "Basic stale").body(String::new()).unwrap();
    let seen = service.oneshot(request).await.unwrap().unwrap();
    assert_eq!(seen, tokens.access_token().await.unwrap().authorization());
}

#[tokio::test]
async fn layer_uses_the_scopes_of_its_provider() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap().with_scopes([GET]).unwrap();
    let service =
        ServiceBuilder::new().layer(ClientCredentialsLayer::new(tokens)).service(header_echo(Arc::default()));

    let seen = service.oneshot(Request::new(String::new())).await.unwrap().unwrap();
    let token = seen.to_str().unwrap().strip_prefix("Bearer ").unwrap();
    assert_eq!(scope_claim(token), GET);
}

#[tokio::test]
async fn layer_fails_with_the_token_error_without_calling_the_inner_service() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong").build().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let service = ClientCredentialsLayer::new(tokens).layer(header_echo(calls.clone()));

    let err: BoxError = service.oneshot(Request::new(String::new())).await.unwrap_err();
    let err = err.downcast_ref::<TokenError>().expect("a TokenError");
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn layer_over_an_http_client_sends_the_token_to_the_server() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let url = echo_server().await;
    let http = reqwest::Client::new();
    // Any `Service<http::Request<B>>` client works; here reqwest behind a `service_fn`.
    let client = tower::service_fn(move |request: Request<String>| {
        let http = http.clone();
        async move { http.execute(reqwest::Request::try_from(request)?).await?.text().await }
    });
    let service = ClientCredentialsLayer::new(tokens.clone()).layer(client);

    let echoed = service.oneshot(Request::get(&url).body(String::new()).unwrap()).await.unwrap();
    assert_eq!(echoed, format!("Bearer {}", tokens.access_token().await.unwrap().as_str()));
}

#[tokio::test]
async fn layer_over_a_tonic_channel_authorizes_grpc_calls() {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;

    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();

    // A gRPC health server that records the `authorization` metadata it receives.
    let seen: Arc<Mutex<Vec<Option<HeaderValue>>>> = Arc::default();
    let record = seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_reporter, health) = tonic_health::server::health_reporter();
    let server = tonic::transport::Server::builder()
        .layer(tower::util::MapRequestLayer::new(move |request: Request<tonic::body::Body>| {
            record.lock().unwrap().push(request.headers().get(AUTHORIZATION).cloned());
            request
        }))
        .add_service(health)
        .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener));
    tokio::spawn(server);

    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}")).unwrap().connect_lazy();
    let mut client = HealthClient::new(ClientCredentialsLayer::new(tokens.clone()).layer(channel));
    client.check(HealthCheckRequest { service: String::new() }).await.unwrap();
    client.check(HealthCheckRequest { service: String::new() }).await.unwrap();

    let expected = Some(tokens.access_token().await.unwrap().authorization());
    assert_eq!(*seen.lock().unwrap(), [expected.clone(), expected]);
    assert_eq!(issuer.token_requests(), 1);
}
