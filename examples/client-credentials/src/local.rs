//! [`LocalSetup`]: a local test issuer with the consumer's app client registered, and the api
//! example served in-process on loopback, so the example runs with no AWS account.

use std::net::SocketAddr;

use cognito_client::ClientCredentials;
use cognito_testkit::{ClientRegistration, TestIssuer};
use cognito_verify::CognitoVerifier;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::flow::POST_SCOPE;

/// The consumer's app client id at the local issuer.
pub const LOCAL_CLIENT_ID: &str = "4m2mexampleclient000000000";
/// Its secret (a local test value; real secrets come from the environment).
pub const LOCAL_CLIENT_SECRET: &str = "local-example-secret";

/// The consumer's app client as the local issuer knows it: a secret, the `client_credentials`
/// flow, and only [`POST_SCOPE`] allowed.
pub fn local_client() -> ClientRegistration {
    ClientRegistration::new(LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET)
        .scopes([POST_SCOPE])
        .allow_client_credentials(true)
}

/// A provider for [`local_client`] at `issuer`'s `/oauth2/token`, asking for [`POST_SCOPE`].
pub fn local_provider(issuer: &TestIssuer) -> Result<ClientCredentials, Error> {
    Ok(ClientCredentials::builder()
        .token_endpoint(issuer.token_endpoint())
        .client_id(LOCAL_CLIENT_ID)
        .client_secret(LOCAL_CLIENT_SECRET)
        .scopes([POST_SCOPE])
        .build()?)
}

/// The local issuer, the api example serving on loopback, and a provider for the consumer.
/// Dropping it stops the api server and the issuer.
#[derive(Debug)]
pub struct LocalSetup {
    /// The issuer; its counters show the token requests it served.
    pub issuer: TestIssuer,
    /// Tokens for the consumer's app client.
    pub tokens: ClientCredentials,
    /// `http://127.0.0.1:PORT` of the api example.
    pub api_url: String,
    api: JoinHandle<()>,
}

impl LocalSetup {
    /// Starts the issuer (with [`local_client`] registered) and the api example, whose verifier
    /// accepts access tokens of [`LOCAL_CLIENT_ID`]. Both listen on ephemeral loopback ports.
    pub async fn start() -> Result<LocalSetup, Error> {
        let issuer = TestIssuer::builder()
            .client(local_client())
            .try_start()
            .await
            .map_err(|err| Error::LocalSetup(format!("test issuer: {err}")))?;
        let verifier: CognitoVerifier = issuer
            .access_verifier()
            .client_ids([LOCAL_CLIENT_ID])
            .build()
            .map_err(|err| Error::LocalSetup(format!("verifier: {err}")))?;
        let (addr, api) = serve(api::router(verifier)).await?;
        let tokens = local_provider(&issuer)?;
        Ok(LocalSetup { issuer, tokens, api_url: format!("http://{addr}"), api })
    }
}

impl Drop for LocalSetup {
    fn drop(&mut self) {
        self.api.abort();
    }
}

/// Serves `router` on `127.0.0.1:0` in a task.
async fn serve(router: axum::Router) -> Result<(SocketAddr, JoinHandle<()>), Error> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| Error::LocalSetup(format!("cannot bind a loopback port: {err}")))?;
    let addr = listener.local_addr().map_err(|err| Error::LocalSetup(err.to_string()))?;
    let task = tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            eprintln!("api example stopped: {err}");
        }
    });
    Ok((addr, task))
}
