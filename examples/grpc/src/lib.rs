//! A tonic gRPC server behind the Cognito layer, and a tonic client that calls it.
//!
//! The service is tonic-health's `grpc.health.v1.Health` (generated code that ships with the
//! crate, so nothing here needs `protoc`). Every call must carry an access token with the scope
//! [`REQUIRED_SCOPE`] in its `authorization: Bearer <token>` metadata:
//!
//! | call | gRPC status |
//! |---|---|
//! | no token, a malformed `authorization`, an invalid or expired token | 16 `UNAUTHENTICATED` |
//! | a valid token without `health/check` | 7 `PERMISSION_DENIED` |
//! | signing keys unavailable | 14 `UNAVAILABLE` |
//! | a valid token with `health/check` | OK (`SERVING`) |
//!
//! The same [`CognitoLayer`] as for HTTP verifies the token; it sees the `application/grpc`
//! content type and answers with gRPC statuses. The scope is required by a
//! [`HealthCheck`] guard inside it, so [`serve`] enforces it whatever verifier it is given.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;

use cognito_axum::require_scopes;
use cognito_testkit::TestIssuer;
use cognito_tower::CognitoLayer;
use cognito_verify::{CognitoVerifier, ConfigError, TokenUse};
use http::header::{AUTHORIZATION, COOKIE};
use tonic::metadata::MetadataValue;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Request, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, TraceLayer};

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:50051";
/// The scope every call needs.
pub const REQUIRED_SCOPE: &str = "health/check";
/// The serving status [`check`] returns when the server is up: `SERVING` (1) of
/// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
pub const SERVING: i32 = ServingStatus::Serving as i32;

require_scopes!(
    /// Calling the health service.
    pub HealthCheck: "health/check"
);

/// Serves the health service on `listener`, behind `CognitoLayer::new(verifier)` and a guard
/// requiring [`REQUIRED_SCOPE`], until the listener fails. `verifier` should accept access
/// tokens.
pub async fn serve(
    listener: tokio::net::TcpListener,
    verifier: CognitoVerifier,
) -> Result<(), Box<dyn Error + Send + Sync>> {
    serve_with_shutdown(listener, verifier, std::future::pending()).await
}

/// [`serve`] until `signal` completes, then finish the calls in progress and return.
pub async fn serve_with_shutdown(
    listener: tokio::net::TcpListener,
    verifier: CognitoVerifier,
    signal: impl Future<Output = ()>,
) -> Result<(), Box<dyn Error + Send + Sync>> {
    let (reporter, health) = tonic_health::server::health_reporter();
    Server::builder()
        // Layers run in the order they are added: mark the credentials sensitive, trace the call
        // (its headers show `authorization: Sensitive`), verify the token, then check its scope.
        .layer(SetSensitiveRequestHeadersLayer::new([AUTHORIZATION, COOKIE]))
        .layer(TraceLayer::new_for_grpc().make_span_with(DefaultMakeSpan::new().include_headers(true)))
        .layer(CognitoLayer::new(verifier))
        .layer(HealthCheck::layer())
        .add_service(health)
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), signal)
        .await?;
    drop(reporter);
    Ok(())
}

/// Calls `grpc.health.v1.Health/Check` on `addr` with a real tonic client, sending
/// `authorization: Bearer <token>` when `token` is given. Returns the serving status
/// ([`SERVING`] when up) or the status the call failed with (`Unauthenticated`,
/// `PermissionDenied`, `Unavailable`, ...).
pub async fn check(addr: SocketAddr, token: Option<&str>) -> Result<i32, Status> {
    let endpoint = Channel::from_shared(format!("http://{addr}"))
        .map_err(|err| Status::invalid_argument(format!("bad address {addr}: {err}")))?;
    let channel = endpoint
        .connect()
        .await
        .map_err(|err| Status::unavailable(format!("cannot connect to {addr}: {err}")))?;
    let mut request = Request::new(HealthCheckRequest { service: String::new() });
    if let Some(token) = token {
        let value = MetadataValue::try_from(format!("Bearer {token}"))
            .map_err(|_| Status::invalid_argument("the token is not valid metadata text"))?;
        request.metadata_mut().insert("authorization", value);
    }
    let response = HealthClient::new(channel).check(request).await?;
    Ok(response.into_inner().status)
}

/// The verifier the example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// ([`CognitoVerifier::from_lookup`] over the process environment, with `COGNITO_TOKEN_USE`
/// defaulting to `access`), otherwise one that trusts `issuer` and its default app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(issuer: Option<&TestIssuer>) -> Result<CognitoVerifier, ConfigError> {
    example_support::verifier_from_env_or(issuer, TokenUse::Access)
}
