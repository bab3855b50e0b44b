//! [`Stack`]: the local issuer and the three servers the demo talks to, on ephemeral loopback
//! ports.

use std::net::SocketAddr;

use cognito_testkit::TestIssuer;
use cognito_verify::{CognitoVerifier, TokenUse};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::error::Error;

/// The issuer (with the M2M consumer's app client registered) and the api, admin and grpc
/// examples serving on `127.0.0.1:0`. Dropping it stops the servers.
pub(crate) struct Stack {
    pub(crate) issuer: TestIssuer,
    /// The api example's verifier (a clone shares its key cache), to show key rotation.
    pub(crate) api_verifier: CognitoVerifier,
    pub(crate) api_url: String,
    pub(crate) admin_url: String,
    pub(crate) grpc_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Stack {
    pub(crate) async fn start() -> Result<Stack, Error> {
        let issuer = TestIssuer::builder()
            .client(client_credentials::local_client())
            .try_start()
            .await
            .map_err(|err| Error::Setup(format!("test issuer: {err}")))?;
        let users = issuer.default_client_id().to_owned();

        // The api accepts access tokens of the user-facing app client and of the M2M client.
        let api_verifier =
            verifier(&issuer, TokenUse::Access, &[&users, client_credentials::LOCAL_CLIENT_ID])?;
        // The admin app accepts ID and access tokens of the user-facing app client.
        let admin_verifier = verifier(&issuer, TokenUse::Any, &[&users])?;
        let grpc_verifier = verifier(&issuer, TokenUse::Access, &[&users])?;

        let mut tasks = Vec::new();
        let (api_addr, task) = serve_http(api::router(api_verifier.clone())).await?;
        tasks.push(task);
        let (admin_addr, task) = serve_http(admin::api_router(admin_verifier)).await?;
        tasks.push(task);
        let listener = bind().await?;
        let grpc_addr = local_addr(&listener)?;
        tasks.push(tokio::spawn(async move {
            if let Err(err) = grpc::serve(listener, grpc_verifier).await {
                eprintln!("grpc example stopped: {err}");
            }
        }));

        Ok(Stack {
            issuer,
            api_verifier,
            api_url: format!("http://{api_addr}"),
            admin_url: format!("http://{admin_addr}"),
            grpc_addr,
            tasks,
        })
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn verifier(issuer: &TestIssuer, token_use: TokenUse, clients: &[&str]) -> Result<CognitoVerifier, Error> {
    issuer
        .verifier()
        .token_use(token_use)
        .client_ids(clients.iter().copied())
        .build()
        .map_err(|err| Error::Setup(format!("verifier: {err}")))
}

async fn bind() -> Result<TcpListener, Error> {
    TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| Error::Setup(format!("cannot bind a loopback port: {err}")))
}

fn local_addr(listener: &TcpListener) -> Result<SocketAddr, Error> {
    listener.local_addr().map_err(|err| Error::Setup(format!("bound listener has no address: {err}")))
}

async fn serve_http(router: axum::Router) -> Result<(SocketAddr, JoinHandle<()>), Error> {
    let listener = bind().await?;
    let addr = local_addr(&listener)?;
    let task = tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            eprintln!("example server stopped: {err}");
        }
    });
    Ok((addr, task))
}
