//! The layer under concurrent load: key fetches stay single-flight and rate limited.

use std::convert::Infallible;
use std::time::Duration;

use cognito_testkit::TestIssuer;
use cognito_tower::CognitoLayer;
use cognito_verify::JwksOptions;
use http::{Request, Response, StatusCode};
use tower::{Layer, ServiceExt};

fn request(token: &str) -> Request<String> {
    Request::builder()
        .uri("/")
        .header("authorization", format!("Bearer {token}"))
        .body(String::new())
        .unwrap()
}

fn hello()
-> impl tower::Service<Request<String>, Response = Response<String>, Error = Infallible, Future: Send>
+ Clone
+ Send
+ 'static {
    tower::service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::from("hello")))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_with_a_new_kid_cause_exactly_one_jwks_fetch() {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().client_ids(["app"]).build().unwrap();
    verifier.hydrate().await.unwrap();
    let service = CognitoLayer::new(verifier).layer(hello());
    issuer.rotate_key();
    let before = issuer.jwks_requests();

    let token = issuer.access_token().client_id("app").sign();
    let requests: Vec<_> = (0..1000)
        .map(|_| {
            let (service, request) = (service.clone(), request(&token));
            tokio::spawn(async move { service.oneshot(request).await })
        })
        .collect();
    for response in requests {
        assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
    }
    assert_eq!(issuer.jwks_requests() - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_unknown_kids_fetches_at_most_once_per_interval_while_known_kids_succeed() {
    let issuer = TestIssuer::start().await;
    let interval = Duration::from_millis(500);
    let verifier = issuer
        .access_verifier()
        .client_ids(["app"])
        .jwks_options(JwksOptions::default().min_refetch_interval(interval))
        .build()
        .unwrap();
    verifier.hydrate().await.unwrap();
    let service = CognitoLayer::new(verifier).layer(hello());
    let started = tokio::time::Instant::now();
    let before = issuer.jwks_requests();

    let mut tasks = Vec::new();
    for i in 0..2000 {
        let token = if i % 2 == 0 {
            issuer.access_token().client_id("app").kid(format!("random-kid-{i}")).sign()
        } else {
            issuer
                .access_token()
                .client_id("app")
                .claim("jti", serde_json::json!(format!("known-{i}")))
                .sign()
        };
        let service = service.clone();
        tasks
            .push(tokio::spawn(async move { (i, service.oneshot(request(&token)).await.unwrap().status()) }));
    }
    for task in tasks {
        let (i, status) = task.await.unwrap();
        let expected = if i % 2 == 0 { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
        assert_eq!(status, expected, "request {i}");
    }
    // One refetch may start at once, then at most one per interval for as long as the flood ran.
    let windows = (started.elapsed().as_secs_f64() / interval.as_secs_f64()).floor() as u64 + 1;
    let fetches = issuer.jwks_requests() - before;
    assert!(fetches >= 1 && fetches <= windows, "{fetches} fetches over {windows} refetch windows");
}
