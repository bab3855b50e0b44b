//! The `grpc` example: the health service behind `CognitoLayer`, called by a real tonic client.
//! Outcomes arrive as gRPC status codes.

use std::net::SocketAddr;

use cognito_testkit::{Fault, TestIssuer, tamper_signature};
use grpc::{REQUIRED_SCOPE, SERVING};
use test_support::unix_now;
use tonic::Code;

/// The example server on loopback, trusting the issuer's default app client.
async fn start() -> (TestIssuer, SocketAddr) {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().build().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(grpc::serve(listener, verifier));
    (issuer, addr)
}

#[tokio::test]
async fn call_with_a_valid_token_is_serving() {
    let (issuer, addr) = start().await;
    let token = issuer.access_token().scopes([REQUIRED_SCOPE]).sign();
    assert_eq!(grpc::check(addr, Some(&token)).await.unwrap(), SERVING);
}

#[tokio::test]
async fn machine_to_machine_token_with_the_scope_is_serving() {
    let (issuer, addr) = start().await;
    let token = issuer.client_credentials_token(issuer.default_client_id()).scopes([REQUIRED_SCOPE]).sign();
    assert_eq!(grpc::check(addr, Some(&token)).await.unwrap(), SERVING);
}

#[tokio::test]
async fn call_without_a_token_is_unauthenticated() {
    let (_issuer, addr) = start().await;
    let status = grpc::check(addr, None).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "no access token in the request");
}

#[tokio::test]
async fn call_with_a_tampered_token_is_unauthenticated() {
    let (issuer, addr) = start().await;
    let token = tamper_signature(&issuer.access_token().scopes([REQUIRED_SCOPE]).sign());
    let status = grpc::check(addr, Some(&token)).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn call_with_an_expired_token_is_unauthenticated() {
    let (issuer, addr) = start().await;
    let token = issuer.access_token().scopes([REQUIRED_SCOPE]).issued_at(unix_now() - 7200).sign();
    let status = grpc::check(addr, Some(&token)).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(status.message().contains("expired"), "{}", status.message());
}

#[tokio::test]
async fn call_with_an_id_token_is_unauthenticated() {
    let (issuer, addr) = start().await;
    let status = grpc::check(addr, Some(&issuer.id_token().sign())).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn call_with_malformed_credentials_is_unauthenticated() {
    let (_issuer, addr) = start().await;
    let status = grpc::check(addr, Some("two tokens")).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn call_with_a_token_lacking_the_scope_is_permission_denied() {
    let (issuer, addr) = start().await;
    let token = issuer.access_token().scopes(["transactions/get"]).sign();
    let status = grpc::check(addr, Some(&token)).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert!(status.message().contains(REQUIRED_SCOPE), "{}", status.message());
}

#[tokio::test]
async fn call_while_the_signing_keys_are_unavailable_is_unavailable() {
    let (issuer, addr) = start().await;
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    let token = issuer.access_token().scopes([REQUIRED_SCOPE]).sign();
    let status = grpc::check(addr, Some(&token)).await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
}
