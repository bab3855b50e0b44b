//! The verifier's `async_check` (a revocation list, say) runs in the trusted setup too: API
//! Gateway verified the token, but only the function knows what has been revoked since.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::to_bytes;
use axum::http::StatusCode;
use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, Rejection, TokenUse};
use lambda::events::{Event, Kind};
use lambda::{Setup, on_lambda, router};
use serde_json::Value;
use tower::ServiceExt;

const GATEWAYS: [Kind; 2] = [Kind::RestApi, Kind::HttpApi];

/// What the check saw of each request: the `sub`, whether a header and a JWK were given.
type Seen = Arc<std::sync::Mutex<Vec<(String, bool, bool)>>>;

/// A verifier whose async check records what it sees and answers with `refuse`.
fn verifier(
    issuer: &TestIssuer,
    refuse: Option<Rejection>,
    calls: &Arc<AtomicUsize>,
    seen: &Seen,
) -> CognitoVerifier {
    let (calls, seen) = (Arc::clone(calls), Arc::clone(seen));
    issuer
        .verifier()
        .token_use(TokenUse::Access)
        .client_ids([issuer.default_client_id()])
        .async_check(move |token| {
            let (calls, seen, refuse) = (Arc::clone(&calls), Arc::clone(&seen), refuse.clone());
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                let record =
                    (token.claims().sub().to_owned(), token.header().is_some(), token.jwk().is_some());
                seen.lock().unwrap().push(record);
                refuse.map_or(Ok(()), Err)
            }
        })
        .build()
        .unwrap()
}

async fn call(verifier: CognitoVerifier, event: &Event) -> (StatusCode, Value) {
    let request = event.request().expect("lambda_http reads the event");
    let response = on_lambda(router(Setup::TrustApiGateway, verifier)).oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(&body).into_owned())),
    )
}

#[tokio::test]
async fn trusted_setup_runs_the_async_check_and_its_refusal_is_a_401() {
    let issuer = TestIssuer::start().await;
    let (calls, seen) = (Arc::new(AtomicUsize::new(0)), Seen::default());
    let verifier = verifier(&issuer, Some(Rejection::invalid_token("token revoked")), &calls, &seen);
    let claims = issuer.access_token().username("alice").claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/me").authorizer_claims(&claims, None);
        let (status, body) = call(verifier.clone(), &event).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}: {body}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), GATEWAYS.len(), "the check ran once per request");
}

#[tokio::test]
async fn trusted_setup_answers_403_when_the_async_check_forbids() {
    let issuer = TestIssuer::start().await;
    let (calls, seen) = (Arc::new(AtomicUsize::new(0)), Seen::default());
    let verifier = verifier(&issuer, Some(Rejection::forbidden("account suspended")), &calls, &seen);
    let claims = issuer.access_token().username("alice").claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/me").authorizer_claims(&claims, None);
        assert_eq!(call(verifier.clone(), &event).await.0, StatusCode::FORBIDDEN, "{kind:?}");
    }
}

#[tokio::test]
async fn trusted_setup_async_check_sees_the_claims_but_no_header_or_jwk() {
    let issuer = TestIssuer::start().await;
    let (calls, seen) = (Arc::new(AtomicUsize::new(0)), Seen::default());
    let verifier = verifier(&issuer, None, &calls, &seen);
    let token = issuer.access_token().username("alice");
    let sub = token.claims_json()["sub"].as_str().unwrap().to_owned();
    let claims = token.claims_json();
    for kind in GATEWAYS {
        let event = Event::get(kind, "/me").authorizer_claims(&claims, None);
        let (status, body) = call(verifier.clone(), &event).await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {body}");
    }
    // API Gateway hands over claims, not the token: no header, no key to show.
    assert_eq!(*seen.lock().unwrap(), vec![(sub.clone(), false, false), (sub, false, false)]);
}

#[tokio::test]
async fn trusted_setup_does_not_run_the_async_check_for_a_request_without_claims() {
    let issuer = TestIssuer::start().await;
    let (calls, seen) = (Arc::new(AtomicUsize::new(0)), Seen::default());
    let verifier = verifier(&issuer, None, &calls, &seen);
    for kind in GATEWAYS {
        let (status, _) = call(verifier.clone(), &Event::get(kind, "/me")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind:?}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
