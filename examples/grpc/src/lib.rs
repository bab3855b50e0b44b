//! A tonic gRPC server behind the Cognito layer, and a tonic client that calls it.
//!
//! The service is `grpc.health.v1.Health` (tonic-health's generated code, so nothing here needs
//! `protoc`), implemented here by [`CallerHealth`], whose method reads the caller's claims with
//! `request.claims::<CognitoClaims>()` (cognito-tower's `tonic` feature). Every call must carry an
//! access token with the scope [`REQUIRED_SCOPE`] in its `authorization: Bearer <token>`
//! metadata:
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
use cognito_tower::{CognitoLayer, RequestClaims};
use cognito_verify::{CognitoClaims, CognitoVerifier, ConfigError, TokenUse};
use http::header::{AUTHORIZATION, COOKIE};
use tonic::codegen::tokio_stream;
use tonic::metadata::MetadataValue;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultMakeSpan, TraceLayer};

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:50051";
/// The scope every call needs.
pub const REQUIRED_SCOPE: &str = "health/check";
/// The serving status [`check`] returns when the server is up: `SERVING` (1) of
/// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
pub const SERVING: i32 = ServingStatus::Serving as i32;
/// The response metadata [`CallerHealth`] answers with the caller's `sub` in.
pub const CALLER_METADATA: &str = "x-caller-sub";

/// The health service: `Check` of the whole server (`service: ""`) answers `SERVING`, any other
/// service `NOT_FOUND`. Its method reads the caller's verified claims from the request (the
/// `Arc<CognitoClaims>` the layer attached), logs who asked and answers the caller's `sub` in the
/// [`CALLER_METADATA`] response metadata. `Watch` is not implemented.
#[derive(Debug, Default)]
pub struct CallerHealth;

#[tonic::async_trait]
impl Health for CallerHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        // `UNAUTHENTICATED` or `INTERNAL` as a status when the layer attached no claims.
        let claims = request.claims::<CognitoClaims>()?;
        tracing::info!(sub = claims.sub(), client = claims.client(), "health check");
        if !request.get_ref().service.is_empty() {
            return Err(Status::not_found("unknown service"));
        }
        let mut response = Response::new(HealthCheckResponse { status: SERVING });
        let sub = MetadataValue::try_from(claims.sub()).map_err(|_| Status::internal("unprintable sub"))?;
        response.metadata_mut().insert(CALLER_METADATA, sub);
        Ok(response)
    }

    type WatchStream = tokio_stream::Empty<Result<HealthCheckResponse, Status>>;

    async fn watch(
        &self,
        _request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("Watch is not implemented by this example"))
    }
}

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
    Server::builder()
        // Layers run in the order they are added: mark the credentials sensitive, trace the call
        // (its headers show `authorization: Sensitive`), verify the token, then check its scope.
        .layer(SetSensitiveRequestHeadersLayer::new([AUTHORIZATION, COOKIE]))
        .layer(TraceLayer::new_for_grpc().make_span_with(DefaultMakeSpan::new().include_headers(true)))
        .layer(CognitoLayer::new(verifier))
        .layer(HealthCheck::layer())
        .add_service(HealthServer::new(CallerHealth))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), signal)
        .await?;
    Ok(())
}

/// Calls `grpc.health.v1.Health/Check` on `addr` with a real tonic client, sending
/// `authorization: Bearer <token>` when `token` is given. Returns the serving status
/// ([`SERVING`] when up) or the status the call failed with (`Unauthenticated`,
/// `PermissionDenied`, `Unavailable`, ...).
pub async fn check(addr: SocketAddr, token: Option<&str>) -> Result<i32, Status> {
    check_with_metadata(addr, token).await.map(|response| response.get_ref().status)
}

/// The `sub` the server's handler read from the caller's claims ([`CALLER_METADATA`]), for a
/// call to `Health/Check` with `token`.
pub async fn caller(addr: SocketAddr, token: &str) -> Result<String, Status> {
    let response = check_with_metadata(addr, Some(token)).await?;
    let sub = response.metadata().get(CALLER_METADATA).and_then(|value| value.to_str().ok());
    sub.map(str::to_owned).ok_or_else(|| Status::internal("no caller in the answer"))
}

async fn check_with_metadata(
    addr: SocketAddr,
    token: Option<&str>,
) -> Result<Response<HealthCheckResponse>, Status> {
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
    HealthClient::new(channel).check(request).await
}

/// The verifier the example runs with: from the environment when `COGNITO_USER_POOL_ID` is set
/// ([`CognitoVerifier::from_lookup`] over the process environment, with `COGNITO_TOKEN_USE`
/// defaulting to `access`), otherwise one that trusts `issuer` and its default app client.
///
/// Fails with [`ConfigError::MissingEnv`] when neither is available.
pub fn verifier_from_env_or(issuer: Option<&TestIssuer>) -> Result<CognitoVerifier, ConfigError> {
    example_support::verifier_from_env_or(issuer, TokenUse::Access)
}
