//! The layer in front of a tonic server (`Server::builder().layer(..)`), called by a real tonic
//! client: rejections arrive as gRPC statuses.

use cognito_testkit::{Fault, TestIssuer};
use cognito_tower::CognitoLayer;
use tonic::transport::{Channel, Server, server::TcpIncoming};
use tonic::{Code, Request};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

const SCOPE: &str = "health/read";

/// A health server behind a layer whose verifier requires [`SCOPE`], and a client for it.
async fn start() -> (TestIssuer, HealthClient<Channel>) {
    let issuer = TestIssuer::start().await;
    let verifier = issuer.access_verifier().required_scopes([SCOPE]).build().unwrap();
    let (_reporter, health) = tonic_health::server::health_reporter();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::builder().layer(CognitoLayer::new(verifier)).add_service(health);
    tokio::spawn(server.serve_with_incoming(TcpIncoming::from(listener)));
    let channel = Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    (issuer, HealthClient::new(channel))
}

async fn check(
    client: &mut HealthClient<Channel>,
    authorization: Option<String>,
) -> Result<HealthCheckResponse, tonic::Status> {
    let mut request = Request::new(HealthCheckRequest { service: String::new() });
    if let Some(value) = authorization {
        request.metadata_mut().insert("authorization", value.parse().unwrap());
    }
    client.check(request).await.map(tonic::Response::into_inner)
}

#[tokio::test]
async fn call_without_a_token_is_unauthenticated() {
    let (_issuer, mut client) = start().await;
    let status = check(&mut client, None).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "no access token in the request");
}

#[tokio::test]
async fn call_with_an_invalid_token_is_unauthenticated() {
    let (issuer, mut client) = start().await;
    let token = cognito_testkit::tamper_signature(&issuer.access_token().scopes([SCOPE]).sign());
    let status = check(&mut client, Some(format!("Bearer {token}"))).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "invalid signature");
}

#[tokio::test]
async fn call_with_malformed_credentials_is_unauthenticated() {
    let (_issuer, mut client) = start().await;
    let status = check(&mut client, Some("Bearer".to_owned())).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn call_with_a_token_lacking_the_scope_is_permission_denied() {
    let (issuer, mut client) = start().await;
    let token = issuer.access_token().scopes(["other/scope"]).sign();
    let status = check(&mut client, Some(format!("Bearer {token}"))).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert!(status.message().contains(SCOPE), "{}", status.message());
}

#[tokio::test]
async fn call_while_keys_are_unavailable_is_unavailable() {
    let (issuer, mut client) = start().await;
    issuer.set_jwks_fault(Some(Fault::Status(500)));
    let token = issuer.access_token().scopes([SCOPE]).sign();
    let status = check(&mut client, Some(format!("Bearer {token}"))).await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
}

#[tokio::test]
async fn call_with_a_valid_token_reaches_the_service() {
    let (issuer, mut client) = start().await;
    let token = issuer.access_token().scopes([SCOPE]).sign();
    let response = check(&mut client, Some(format!("Bearer {token}"))).await.unwrap();
    assert_eq!(response.status(), ServingStatus::Serving);
}
