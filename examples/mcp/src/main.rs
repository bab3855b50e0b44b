//! Runs the Cognito-protected MCP server.
//!
//! - `LISTEN_ADDR`: where to listen (default `127.0.0.1:3003`).
//! - With `COGNITO_USER_POOL_ID` set, verifies access tokens of that user pool:
//!   `COGNITO_CLIENT_ID` (comma list), `COGNITO_RESOURCE` (this server's resource identifier,
//!   e.g. `https://mcp.example.com/mcp`: tokens must be bound to it), optional `COGNITO_ISSUER`,
//!   `COGNITO_JWKS_URI`. See docs/mcp.md for the Cognito side.
//! - Without it, starts a local test issuer, binds tokens to `http://{LISTEN_ADDR}/mcp`, and
//!   prints commands with fresh tokens.

use std::process::ExitCode;

use cognito_testkit::TestIssuer;
use cognito_verify::TokenUse;
use example_support::{BoxError, bind, log_trust, run, serve_router, verifier_from_env_or, warm_keys};
use mcp::{DEFAULT_ADDR, MCP_PATH, REPORT_TOOL, WHOAMI_TOOL};

#[tokio::main]
async fn main() -> ExitCode {
    run("mcp", serve()).await
}

async fn serve() -> Result<(), BoxError> {
    let listener = bind(DEFAULT_ADDR).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let local = std::env::var_os("COGNITO_USER_POOL_ID").is_none();
    let issuer = if local { Some(TestIssuer::start().await) } else { None };
    let verifier = match &issuer {
        Some(issuer) => issuer.access_verifier().resources([format!("{base}{MCP_PATH}")]).build(),
        None => verifier_from_env_or(None, TokenUse::Access),
    }
    .map_err(|err| format!("configuration: {err}"))?;
    log_trust(&verifier);
    warm_keys(&verifier);
    let (app, metadata) = mcp::router(verifier).map_err(|err| format!("configuration: {err}"))?;

    println!("mcp example: an MCP server on {base}{MCP_PATH}, for the resource {}", metadata.resource());
    println!("RFC 9728 metadata: {base}{}", metadata.path());
    if let Some(issuer) = &issuer {
        print_walkthrough(&base, metadata.resource(), issuer);
    }
    println!("Ctrl-C to stop.");
    serve_router(listener, app).await
}

fn print_walkthrough(base: &str, resource: &str, issuer: &TestIssuer) {
    let token =
        |scopes: &[&str]| issuer.access_token().username("alice").resource(resource).scopes(scopes).sign();
    println!(
        "tokens from a local test issuer at {} (set COGNITO_USER_POOL_ID for a real pool)",
        issuer.issuer_url()
    );
    println!("\nTokens for the commands below (valid for one hour), bound to {resource}:");
    println!("  export TOKEN={}", token(&[]));
    println!("  # with the scope mcp/admin, for {REPORT_TOOL}");
    println!("  export ADMIN_TOKEN={}", token(&["mcp/admin"]));
    println!("  # bound to another resource: refused");
    println!(
        "  export OTHER_TOKEN={}",
        issuer.access_token().username("alice").resource("https://other.example.com").sign()
    );
    let call = |id: u32, method: &str, params: &str| {
        format!(
            "curl -s {base}{MCP_PATH} -H \"Authorization: Bearer $TOKEN\" -H 'content-type: application/json' \\\n    \
             -H 'accept: application/json, text/event-stream' -H 'mcp-protocol-version: 2025-06-18' \\\n    \
             -d '{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{params}}}'"
        )
    };
    let initialize =
        r#"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}"#;
    let steps = [
        (
            "200: the RFC 9728 metadata",
            format!("curl -s {base}/.well-known/oauth-protected-resource{MCP_PATH}"),
        ),
        (
            "401 + WWW-Authenticate: Bearer ... resource_metadata=\"...\"",
            format!("curl -i -X POST {base}{MCP_PATH}"),
        ),
        (
            "401 invalid_token: a token for another resource",
            format!("curl -i -X POST {base}{MCP_PATH} -H \"Authorization: Bearer $OTHER_TOKEN\""),
        ),
        ("200: the MCP handshake (initialize)", call(1, "initialize", initialize)),
    ];
    println!("\nTry:");
    for (outcome, command) in steps {
        println!("  # {outcome}\n  {command}");
    }
    println!(
        "\nAn MCP client: point it at {base}{MCP_PATH} with the header \"Authorization: Bearer $TOKEN\"\n\
         (tools {WHOAMI_TOOL} and {REPORT_TOOL}; {REPORT_TOOL} answers 403 insufficient_scope unless the token is $ADMIN_TOKEN).\n"
    );
}
