//! An MCP server protected by Amazon Cognito: the MCP authorization specification's resource
//! server, on the official Rust SDK (`rmcp`, streamable HTTP transport) behind [`CognitoLayer`].
//!
//! | what | where |
//! |---|---|
//! | MCP endpoint (streamable HTTP) | `POST/GET/DELETE /mcp`, an access token bound to this server's resource |
//! | tool `whoami` | any valid token |
//! | tool `admin_report` | scope `mcp/admin`, else HTTP 403 `insufficient_scope` (MCP "Scope Challenge Handling") |
//! | RFC 9728 metadata | `GET /.well-known/oauth-protected-resource/mcp`, public |
//!
//! The verifier checks the token's audience (`resources([...])`, `COGNITO_RESOURCE`): a token
//! Cognito bound to another resource, or to none, is refused with 401. Every 401 and 403 names
//! the metadata in `WWW-Authenticate: Bearer resource_metadata="..."`, where an MCP client finds
//! the authorization server (the user pool) and the scopes. See `docs/mcp.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use cognito_axum::{
    CognitoLayer, Guard, ResourceMetadata, ScopesAndGroups, require_scopes, resource_metadata_router,
};
use cognito_tower::{AuthContext, AuthError, ResourceMetadataError};
use cognito_verify::{CognitoClaims, CognitoVerifier};
use http::request::Parts;
use http::{Method, StatusCode};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::Extension;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, ServerHandler, tool, tool_handler, tool_router};
use serde_json::Value;

/// Where the example listens unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3003";
/// The path of the MCP endpoint.
pub const MCP_PATH: &str = "/mcp";
/// The realm named in `WWW-Authenticate` challenges.
pub const REALM: &str = "mcp";
/// The tool any valid token may call.
pub const WHOAMI_TOOL: &str = "whoami";
/// The tool that needs [`AdminScope`].
pub const REPORT_TOOL: &str = "admin_report";
/// Largest JSON-RPC request body read for the tool scope check (the transport's own default
/// limit is larger; a bigger request is refused with 413 before any tool runs).
const MAX_BODY_BYTES: usize = 1024 * 1024;

require_scopes!(
    /// The scope of the `admin_report` tool. In Cognito: a resource server `mcp` with the scope
    /// `admin`, allowed for the app client.
    pub AdminScope: "mcp/admin"
);

/// The MCP server's tools.
#[derive(Debug, Clone)]
pub struct Tools {
    // Read by the code `#[tool_handler]` generates.
    #[allow(dead_code)]
    tool_router: ToolRouter<Self>,
}

impl Default for Tools {
    fn default() -> Self {
        Tools { tool_router: Self::tool_router() }
    }
}

#[tool_router]
impl Tools {
    /// The caller as the token names it.
    #[tool(description = "Who is calling: the access token's subject, user name and app client.")]
    async fn whoami(&self, Extension(parts): Extension<Parts>) -> Result<String, ErrorData> {
        let claims = caller(&parts)?;
        Ok(format!(
            "sub {} (user {}, client {})",
            claims.sub(),
            claims.username().unwrap_or("-"),
            claims.client_id().unwrap_or("-")
        ))
    }

    /// A tool only tokens with `mcp/admin` may call.
    #[tool(description = "An administrative report; needs the mcp/admin scope.")]
    async fn admin_report(&self, Extension(parts): Extension<Parts>) -> Result<String, ErrorData> {
        let claims = caller(&parts)?;
        // The HTTP middleware has answered 403 already; checked again so that the tool is safe
        // on any transport.
        AdminScope::check(&*claims as &dyn ScopesAndGroups)
            .map_err(|err| ErrorData::invalid_request(err.description().into_owned(), None))?;
        Ok(format!("report for {}: all systems nominal", claims.sub()))
    }
}

#[tool_handler]
impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("cognito-mcp-example", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Tools of a Cognito-protected MCP server: whoami, admin_report (scope mcp/admin).",
            )
    }
}

/// The verified claims the layer put in the HTTP request that carried this MCP message.
fn caller(parts: &Parts) -> Result<Arc<CognitoClaims>, ErrorData> {
    parts.extensions.get::<Arc<CognitoClaims>>().cloned().ok_or_else(|| {
        ErrorData::internal_error("no verified claims: the MCP service is not behind CognitoLayer", None)
    })
}

/// The app: the MCP endpoint behind `CognitoLayer` (audience check from the verifier) and the
/// tool scope check, the RFC 9728 metadata beside it. Returns the metadata too, for its URL.
///
/// Fails when the verifier names no resource ([`ResourceMetadataError::NoResource`]: set
/// `COGNITO_RESOURCE`) or an unusable one.
pub fn router(verifier: CognitoVerifier) -> Result<(Router, ResourceMetadata), ResourceMetadataError> {
    let layer = CognitoLayer::new(verifier).realm(REALM);
    let metadata = ResourceMetadata::for_layer(&layer)?
        .resource_name("Cognito-protected MCP example")
        .scopes_supported(AdminScope::REQUIRED);
    let mut config = StreamableHttpServerConfig::default();
    // rmcp accepts loopback `Host`s only by default (DNS rebinding): add the resource's host.
    config.allowed_hosts.extend(allowed_hosts(metadata.resource()));
    let mcp =
        StreamableHttpService::new(|| Ok(Tools::default()), LocalSessionManager::default().into(), config);
    let app = Router::new()
        .route_service(MCP_PATH, mcp)
        .layer(middleware::from_fn(tool_scopes))
        .layer(layer.resource_metadata(&metadata))
        .merge(resource_metadata_router(&metadata));
    Ok((app, metadata))
}

/// The host and `host:port` of the resource URL.
fn allowed_hosts(resource: &str) -> Vec<String> {
    let Ok(uri) = resource.parse::<http::Uri>() else { return Vec::new() };
    let mut hosts: Vec<String> = uri.host().map(str::to_owned).into_iter().collect();
    if let Some(authority) = uri.authority().map(|a| a.as_str().to_owned())
        && !hosts.contains(&authority)
    {
        hosts.push(authority);
    }
    hosts
}

/// The tool-level scope check, at the HTTP level as the MCP authorization specification asks
/// ("Scope Challenge Handling"): a `tools/call` of a gated tool without its scope is answered
/// 403 `insufficient_scope` with `scope` and `resource_metadata` in `WWW-Authenticate`, through
/// the layer's realm and hook, before rmcp sees it.
async fn tool_scopes(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Err(error) = check_tool_scopes(&bytes, &parts) {
        let response = match parts.extensions.get::<AuthContext>() {
            Some(context) => context.reject(&error, &parts),
            None => error.to_http_response(Some(REALM)),
        };
        return response.map(Body::from);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Refuses the JSON-RPC message(s) in `body` that call a gated tool without its scope.
/// Anything that is not a JSON-RPC `tools/call` is left to rmcp, which answers malformed
/// messages itself.
fn check_tool_scopes(body: &[u8], parts: &Parts) -> Result<(), AuthError> {
    let Ok(message) = serde_json::from_slice::<Value>(body) else { return Ok(()) };
    let messages: Vec<&Value> = match &message {
        Value::Array(batch) => batch.iter().collect(),
        one => vec![one],
    };
    for message in messages {
        let is_call = message.get("method").and_then(Value::as_str) == Some("tools/call");
        if is_call && message.pointer("/params/name").and_then(Value::as_str) == Some(REPORT_TOOL) {
            let claims = parts.extensions.get::<Arc<CognitoClaims>>().ok_or(AuthError::MissingToken)?;
            AdminScope::check(&**claims as &dyn ScopesAndGroups)?;
        }
    }
    Ok(())
}
