//! `RequestClaims`: a tonic service method reads the caller's claims from its `tonic::Request`,
//! behind the layer on a real tonic server called by a real tonic client.

use std::sync::Arc;

use cognito_testkit::TestIssuer;
use cognito_tower::{CognitoLayer, RequestClaims};
use cognito_verify::{CognitoClaims, CognitoVerifier};
use serde::Deserialize;
use tonic::codegen::tokio_stream;
use tonic::transport::{Channel, Server, server::TcpIncoming};
use tonic::{Code, Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

/// A health service whose `check` answers `SERVING` only for the caller named by `service`:
/// it reads the claims of type `T` in the method.
struct CallerHealth<T>(std::marker::PhantomData<fn() -> T>);

trait Caller: Send + Sync + 'static {
    fn sub(&self) -> &str;
}

impl<C: Send + Sync + 'static> Caller for CognitoClaims<C> {
    fn sub(&self) -> &str {
        CognitoClaims::sub(self)
    }
}

#[tonic::async_trait]
impl<T: Caller> Health for CallerHealth<T> {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let claims: Arc<T> = request.claims::<T>()?;
        let status = if claims.sub() == request.get_ref().service {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        Ok(Response::new(HealthCheckResponse { status: status as i32 }))
    }

    type WatchStream = tokio_stream::Empty<Result<HealthCheckResponse, Status>>;

    async fn watch(&self, _: Request<HealthCheckRequest>) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("watch"))
    }
}

#[derive(Debug, Deserialize)]
struct Tenant {
    #[serde(default)]
    _tenant: Option<String>,
}

/// A server with `service` behind `layer`, and a client.
async fn start<T: Caller>(
    layer: Option<CognitoLayer<impl serde::de::DeserializeOwned + Send + Sync + 'static>>,
) -> HealthClient<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = HealthServer::new(CallerHealth::<T>(std::marker::PhantomData));
    match layer {
        Some(layer) => {
            let server = Server::builder().layer(layer).add_service(service);
            tokio::spawn(server.serve_with_incoming(TcpIncoming::from(listener)));
        }
        None => {
            let server = Server::builder().add_service(service);
            tokio::spawn(server.serve_with_incoming(TcpIncoming::from(listener)));
        }
    }
    let channel = Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    HealthClient::new(channel)
}

async fn check(
    client: &mut HealthClient<Channel>,
    service: &str,
    token: Option<&str>,
) -> Result<i32, Status> {
    let mut request = Request::new(HealthCheckRequest { service: service.to_owned() });
    if let Some(token) = token {
        request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    client.check(request).await.map(|response| response.into_inner().status)
}

#[tokio::test]
async fn a_tonic_method_reads_the_callers_claims() {
    let issuer = TestIssuer::start().await;
    let layer = CognitoLayer::new(issuer.access_verifier().build().unwrap());
    let mut client = start::<CognitoClaims>(Some(layer)).await;
    let token = issuer.access_token().sub("caller-1").sign();
    assert_eq!(check(&mut client, "caller-1", Some(&token)).await.unwrap(), ServingStatus::Serving as i32);
    assert_eq!(
        check(&mut client, "someone-else", Some(&token)).await.unwrap(),
        ServingStatus::NotServing as i32
    );
}

#[tokio::test]
async fn an_optional_layer_without_a_token_gives_the_method_unauthenticated() {
    let issuer = TestIssuer::start().await;
    let layer = CognitoLayer::new(issuer.access_verifier().build().unwrap()).optional();
    let mut client = start::<CognitoClaims>(Some(layer)).await;
    assert_eq!(check(&mut client, "caller-1", None).await.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn claims_of_another_type_are_internal_and_name_no_rust_type() {
    let issuer = TestIssuer::start().await;
    let verifier: CognitoVerifier<Tenant> =
        issuer.access_verifier().custom_claims::<Tenant>().build().unwrap();
    let mut client = start::<CognitoClaims>(Some(CognitoLayer::new(verifier))).await;
    let token = issuer.access_token().sign();
    let status = check(&mut client, "x", Some(&token)).await.unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::Internal, "server misconfigured"));
}

#[tokio::test]
async fn no_layer_is_internal() {
    let mut client = start::<CognitoClaims>(None::<CognitoLayer>).await;
    let status = check(&mut client, "x", None).await.unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::Internal, "server misconfigured"));
}
