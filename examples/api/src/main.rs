//! Runs the transactions API.
//!
//! - `LISTEN_ADDR`: where to listen (default `127.0.0.1:3000`).
//! - With `COGNITO_USER_POOL_ID` set, verifies tokens of that user pool:
//!   `COGNITO_CLIENT_ID` (comma list), optional `COGNITO_TOKEN_USE` (default `access`),
//!   `COGNITO_ISSUER`, `COGNITO_JWKS_URI`.
//! - Without it, starts a local test issuer and prints curl commands with fresh tokens.
//! - `REVOCATIONS_REDIS_URL` (e.g. `redis://127.0.0.1:6379`): refuse revoked tokens (a user
//!   signed out everywhere from the admin console, a signed-out session), from a revocation list
//!   shared through Redis (`cognito-revocations-redis`, fail-open; see docs/revocation.md).
//! - `RUST_LOG` filters the logs (default `info,cognito_tower=debug`: every rejection is logged).

use std::process::ExitCode;

use api::{DEFAULT_ADDR, SCOPE_GET, SCOPE_POST, TOKEN_COOKIE};
use cognito_testkit::TestIssuer;
use cognito_verify::TokenUse;
use example_support::{
    BoxError, bind, revocations_from_env, run, serve_router, verifier_with, with_revocations,
};

#[tokio::main]
async fn main() -> ExitCode {
    run("api", serve()).await
}

async fn serve() -> Result<(), BoxError> {
    // Before any verifier exists, so every metric is recorded.
    let metrics = api::install_metrics_recorder().map_err(|err| format!("metrics recorder: {err}"))?;
    let revocations = revocations_from_env().await?;
    let (issuer, verifier) = verifier_with(TokenUse::Access, |b| with_revocations(b, revocations)).await?;
    let listener = bind(DEFAULT_ADDR).await?;
    let base = format!("http://{}", listener.local_addr()?);

    println!("api example: transactions resource server on {base}");
    match &issuer {
        Some(issuer) => print_walkthrough(&base, issuer),
        None => println!("verifying access tokens of the user pool in COGNITO_USER_POOL_ID\n"),
    }
    println!("Ctrl-C to stop.");
    serve_router(listener, api::router_with_metrics(verifier, metrics)).await
}

fn print_walkthrough(base: &str, issuer: &TestIssuer) {
    let token = |scopes: &[&str]| issuer.access_token().username("alice").scopes(scopes.iter()).sign();
    println!(
        "tokens from a local test issuer at {} (set COGNITO_USER_POOL_ID for a real pool)",
        issuer.issuer_url()
    );
    println!("\nTokens for the commands below (valid for one hour):");
    println!("  # scope {SCOPE_GET}");
    println!("  export READ_TOKEN={}", token(&[SCOPE_GET]));
    println!("  # scopes {SCOPE_GET} and {SCOPE_POST}");
    println!("  export WRITE_TOKEN={}", token(&[SCOPE_GET, SCOPE_POST]));
    println!("  # only the scope of a plain sign-in");
    println!("  export SIGNIN_TOKEN={}", issuer.access_token().username("alice").sign());
    let bearer = |name: &str| format!("-H \"Authorization: Bearer ${name}\"");
    let steps = [
        ("200: public", format!("curl -i {base}/health")),
        ("401 + WWW-Authenticate: Bearer: no token", format!("curl -i {base}/transactions")),
        ("403 insufficient_scope", format!("curl -i {base}/transactions {}", bearer("SIGNIN_TOKEN"))),
        (
            "201: created",
            format!(
                "curl -i {base}/transactions {} -H 'content-type: application/json' \\\n    \
                 -d '{{\"amount\": 1250, \"description\": \"coffee beans\"}}'",
                bearer("WRITE_TOKEN")
            ),
        ),
        ("200: the list", format!("curl -i {base}/transactions {}", bearer("READ_TOKEN"))),
        (
            "200: the token from a cookie",
            format!("curl -i {base}/transactions --cookie \"{TOKEN_COOKIE}=$READ_TOKEN\""),
        ),
        (
            "403: deleting needs both scopes",
            format!("curl -i -X DELETE {base}/transactions/1 {}", bearer("READ_TOKEN")),
        ),
        ("204: deleted", format!("curl -i -X DELETE {base}/transactions/1 {}", bearer("WRITE_TOKEN"))),
        ("200: hello, anonymous caller", format!("curl -i {base}/hello")),
        ("200: hello, alice", format!("curl -i {base}/hello {}", bearer("READ_TOKEN"))),
        ("200: the counters of the requests above", format!("curl -s {base}/metrics")),
    ];
    println!("\nTry:");
    for (outcome, command) in steps {
        println!("  # {outcome}\n  {command}");
    }
    println!();
}
