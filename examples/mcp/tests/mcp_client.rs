//! The MCP example with a real MCP client: rmcp's client over streamable HTTP, with bearer
//! tokens from the testkit issuer, against the app on loopback.

use std::time::Duration;

use cognito_testkit::TestIssuer;
use mcp::{MCP_PATH, REPORT_TOOL, WHOAMI_TOOL};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{ClientInitializeError, RoleClient, RunningService, ServiceError};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

/// No step of a test should take longer: a hang fails instead of blocking the suite.
const STEP: Duration = Duration::from_secs(20);

struct Server {
    issuer: TestIssuer,
    /// `http://127.0.0.1:PORT/mcp`: the endpoint, and the resource tokens are bound to.
    url: String,
    metadata_url: String,
}

async fn start() -> Server {
    let issuer = TestIssuer::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{MCP_PATH}", listener.local_addr().unwrap());
    let verifier = issuer.access_verifier().resources([url.clone()]).build().unwrap();
    let (app, metadata) = mcp::router(verifier).unwrap();
    let metadata_url = metadata.url().to_owned();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server { issuer, url, metadata_url }
}

impl Server {
    fn token(&self, scopes: &[&str]) -> String {
        self.issuer.access_token().username("alice").resource(&self.url).scopes(scopes).sign()
    }

    /// An MCP client session: the handshake with `token` (none: no `Authorization`).
    async fn connect(
        &self,
        token: Option<String>,
    ) -> Result<RunningService<RoleClient, ()>, ClientInitializeError> {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.url.clone());
        if let Some(token) = token {
            config = config.auth_header(token);
        }
        let transport = StreamableHttpClientTransport::from_config(config);
        tokio::time::timeout(STEP, ().serve(transport)).await.expect("the handshake hangs")
    }
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &'static str) -> Result<String, ServiceError> {
    let result = tokio::time::timeout(STEP, client.call_tool(CallToolRequestParams::new(tool)))
        .await
        .expect("the call hangs")?;
    Ok(serde_json::to_string(&result).unwrap())
}

#[tokio::test]
async fn good_token_lists_and_calls_the_tools() {
    let server = start().await;
    let client = server.connect(Some(server.token(&["mcp/admin"]))).await.unwrap();
    let tools = tokio::time::timeout(STEP, client.list_all_tools()).await.unwrap().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    names.sort_unstable();
    assert_eq!(names, [REPORT_TOOL, WHOAMI_TOOL]);
    let whoami = call(&client, WHOAMI_TOOL).await.unwrap();
    assert!(whoami.contains(&format!("sub {} (user alice", server.issuer.default_sub())), "{whoami}");
    let report = call(&client, REPORT_TOOL).await.unwrap();
    assert!(report.contains("all systems nominal"), "{report}");
}

#[tokio::test]
async fn no_token_is_refused_with_401_and_resource_metadata() {
    let server = start().await;
    let Err(err) = server.connect(None).await else { panic!("connected without a token") };
    assert!(err.is_authorization_required(), "{err:?}");
    let challenge = err.auth_challenge().expect("a WWW-Authenticate challenge");
    assert_eq!(challenge, format!(r#"Bearer realm="mcp", resource_metadata="{}""#, server.metadata_url));
    // The document it names is served, and names this resource.
    let document = reqwest::get(&server.metadata_url).await.unwrap().text().await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(document["resource"], server.url.as_str());
    assert_eq!(document["authorization_servers"][0], server.issuer.issuer_url().as_str());
    assert_eq!(document["scopes_supported"], serde_json::json!(["mcp/admin"]));
}

#[tokio::test]
async fn scope_gated_tool_is_refused_without_the_scope_with_403_insufficient_scope() {
    let server = start().await;
    let client = server.connect(Some(server.token(&[]))).await.unwrap();
    // The other tool works with the same session.
    call(&client, WHOAMI_TOOL).await.unwrap();
    let err = call(&client, REPORT_TOOL).await.expect_err("called the admin tool without its scope");
    let challenge = err.auth_challenge().expect("a WWW-Authenticate challenge");
    assert!(challenge.contains(r#"error="insufficient_scope""#), "{challenge}");
    assert!(challenge.contains(r#"scope="mcp/admin""#), "{challenge}");
    assert!(challenge.contains(&format!(r#"resource_metadata="{}""#, server.metadata_url)), "{challenge}");
}

#[tokio::test]
async fn token_bound_to_another_resource_is_refused() {
    let server = start().await;
    let other = server.issuer.access_token().resource("https://other.example.com/mcp").sign();
    let Err(err) = server.connect(Some(other)).await else {
        panic!("connected with another resource's token")
    };
    let challenge = err.auth_challenge().expect("a WWW-Authenticate challenge");
    assert!(challenge.contains(r#"error="invalid_token""#), "{challenge}");
    assert!(challenge.contains(&server.url), "names the expected resource: {challenge}");
    // A token bound to no resource (requested without `resource`) is refused too.
    let unbound = server.issuer.access_token().sign();
    let Err(err) = server.connect(Some(unbound)).await else { panic!("connected with an unbound token") };
    assert!(err.auth_challenge().is_some_and(|c| c.contains(r#"error="invalid_token""#)), "{err:?}");
}
