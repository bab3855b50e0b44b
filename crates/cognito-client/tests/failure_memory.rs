//! Issue 12, item 1: a failed fetch is remembered per scope set, so callers in a loop cannot
//! turn a fatal error into a flood of token requests.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cognito_client::{OAuthErrorCode, TokenError};
use cognito_testkit::{Fault, eventually};
use common::{GET, WAIT, issuer, tokens};
use http::StatusCode;

fn is_invalid_client(error: &TokenError) -> bool {
    matches!(error.cause(), TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hot_loop_of_callers_after_invalid_client_sends_a_handful_of_requests() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong-secret").build().unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let callers: Vec<_> = (0..20)
        .map(|_| {
            let (tokens, calls) = (tokens.clone(), Arc::clone(&calls));
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let error = tokens.access_token().await.unwrap_err();
                    assert!(is_invalid_client(&error), "{error:?}");
                    calls.fetch_add(1, Ordering::Relaxed);
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    let calls = calls.load(Ordering::Relaxed);
    // Windows of 1 s, then 1.5-2 s: requests at 0 s, 1 s and after 2.5 s at the latest.
    let requests = issuer.token_requests();
    assert!(requests <= 4, "{requests} token requests for {calls} calls in 3 s");
    assert!(calls > 1000, "only {calls} calls: the loop was not hot");
}

#[tokio::test]
async fn callers_within_the_window_get_the_remembered_error_with_a_retry_after() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong-secret").build().unwrap();
    let first = tokens.access_token().await.unwrap_err();
    assert!(matches!(first, TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }), "{first:?}");
    let second = tokens.access_token().await.unwrap_err();
    match &second {
        TokenError::RecentFailure { error, retry_after } => {
            assert_eq!(**error, first);
            assert!(
                *retry_after > Duration::ZERO && *retry_after <= Duration::from_secs(1),
                "{retry_after:?}"
            );
        }
        other => panic!("expected RecentFailure, got {other:?}"),
    }
    assert_eq!(second.retry_after(), second.retry_after().filter(|d| *d <= Duration::from_secs(1)));
    assert!(!second.is_transient());
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn transient_failures_are_remembered_once_the_retries_are_spent() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault(Some(Fault::Status(503)));
    let first = tokens.access_token().await.unwrap_err();
    assert!(matches!(first, TokenError::Status { status: StatusCode::SERVICE_UNAVAILABLE, attempts: 3, .. }));
    let second = tokens.access_token().await.unwrap_err();
    assert!(matches!(second, TokenError::RecentFailure { .. }), "{second:?}");
    assert!(second.is_transient());
    assert_eq!(issuer.token_requests(), 3);
}

#[tokio::test]
async fn one_caller_fetches_again_after_the_window_and_a_success_clears_it() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer)
        .max_attempts(1)
        .failure_backoff(Duration::from_millis(100), Duration::from_millis(100))
        .build()
        .unwrap();
    issuer.set_token_fault_for(Fault::Status(500), 1);
    assert!(matches!(tokens.access_token().await, Err(TokenError::Status { .. })));
    eventually(WAIT, || async { tokens.access_token().await.is_ok() }).await;
    assert_eq!(issuer.token_requests(), 2, "one failed request, then one after the window");
}

#[tokio::test]
async fn failures_are_remembered_per_scope_set() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    let unknown = tokens.access_token_for(["unknown/scope"]).await.unwrap_err();
    assert!(matches!(unknown, TokenError::OAuth { error: OAuthErrorCode::InvalidScope, .. }), "{unknown:?}");
    assert!(matches!(
        tokens.access_token_for(["unknown/scope"]).await,
        Err(TokenError::RecentFailure { .. })
    ));
    tokens.access_token_for([GET]).await.unwrap();
    assert_eq!(issuer.token_requests(), 2);
}
