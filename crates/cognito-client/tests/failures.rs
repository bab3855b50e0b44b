//! Retries on transient failures, typed errors for everything else, and timeouts.

mod common;

use std::time::Duration;

use cognito_client::{OAuthErrorCode, TokenError};
use cognito_testkit::{ClientRegistration, Fault, TestIssuer};
use common::{CLIENT_ID, GET, POST, SECRET, issuer, tokens};
use http::StatusCode;

#[tokio::test]
async fn server_error_is_retried_then_succeeds() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault_for(Fault::Status(500), 1);

    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 2);
}

#[tokio::test]
async fn rate_limiting_is_retried_then_succeeds() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault_for(Fault::Status(429), 2);

    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 3);
}

#[tokio::test]
async fn dropped_connection_is_retried_then_succeeds() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault_for(Fault::CloseConnection, 1);

    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 2);
}

#[tokio::test]
async fn retries_exhausted_return_the_last_status() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault(Some(Fault::Status(503)));

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(
        err,
        TokenError::Status { status: StatusCode::SERVICE_UNAVAILABLE, attempts: 3, retry_after: None }
    );
    assert!(err.is_transient());
    assert_eq!(issuer.token_requests(), 3);
}

#[tokio::test]
async fn max_attempts_bounds_the_requests() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).max_attempts(5).build().unwrap();
    issuer.set_token_fault(Some(Fault::Status(502)));

    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::Status { attempts: 5, .. }), "{err:?}");
    assert_eq!(issuer.token_requests(), 5);
}

#[tokio::test]
async fn invalid_client_is_not_retried() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_secret("wrong-secret").build().unwrap();

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(
        err,
        TokenError::OAuth {
            error: OAuthErrorCode::InvalidClient,
            description: None,
            status: StatusCode::UNAUTHORIZED,
        }
    );
    assert!(!err.is_transient());
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn unknown_client_is_invalid_client() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).client_id("no-such-client").build().unwrap();

    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. }), "{err:?}");
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn scope_not_allowed_for_the_client_is_invalid_scope() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();

    let err = tokens.access_token_for([GET, "admin/all"]).await.unwrap_err();
    assert_eq!(
        err,
        TokenError::OAuth {
            error: OAuthErrorCode::InvalidScope,
            description: None,
            status: StatusCode::BAD_REQUEST,
        }
    );
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn client_without_the_client_credentials_flow_is_unauthorized_client() {
    let issuer = TestIssuer::builder()
        .client(ClientRegistration::new(CLIENT_ID, SECRET).scopes([POST]).allow_client_credentials(false))
        .start()
        .await;
    let tokens = tokens(&issuer).build().unwrap();

    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::OAuth { error: OAuthErrorCode::UnauthorizedClient, .. }), "{err:?}");
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn malformed_scope_is_refused_before_any_request() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();

    let err = tokens.access_token_for(["two scopes"]).await.unwrap_err();
    assert_eq!(err, TokenError::InvalidScope("two scopes".into()));
    assert_eq!(issuer.token_requests(), 0);
}

#[tokio::test]
async fn slow_endpoint_times_out_on_every_attempt() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).timeout(Duration::from_millis(200)).max_attempts(2).build().unwrap();
    issuer.set_token_fault(Some(Fault::Delay(Duration::from_secs(3))));

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(err, TokenError::Timeout { attempts: 2 });
    assert!(err.is_transient());
    assert_eq!(issuer.token_requests(), 2);
}

#[tokio::test]
async fn slow_first_attempt_times_out_and_the_retry_succeeds() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).timeout(Duration::from_millis(200)).build().unwrap();
    issuer.set_token_fault_for(Fault::Delay(Duration::from_secs(3)), 1);

    tokens.access_token().await.unwrap();
    assert_eq!(issuer.token_requests(), 2);
}

#[tokio::test]
async fn unreachable_endpoint_is_a_typed_error_after_retries() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).max_attempts(2).build().unwrap();
    issuer.shutdown();

    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::Unreachable { attempts: 2, .. }), "{err:?}");
    assert_eq!(tokens.token_requests(), 2);
}

#[tokio::test]
async fn garbage_success_response_is_malformed_and_not_retried() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault(Some(Fault::Garbage));

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(err, TokenError::MalformedResponse("not JSON".into()));
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn oversized_response_is_refused() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).max_response_bytes(4096).build().unwrap();
    issuer.set_token_fault(Some(Fault::Oversized(100_000)));

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(err, TokenError::ResponseTooLarge { limit: 4096 });
    assert_eq!(issuer.token_requests(), 1);
}

#[tokio::test]
async fn unexpected_client_error_status_is_not_retried() {
    let issuer = issuer().await;
    let tokens = tokens(&issuer).build().unwrap();
    issuer.set_token_fault(Some(Fault::Status(404)));

    let err = tokens.access_token().await.unwrap_err();
    assert_eq!(err, TokenError::Status { status: StatusCode::NOT_FOUND, attempts: 1, retry_after: None });
    assert_eq!(issuer.token_requests(), 1);
}
