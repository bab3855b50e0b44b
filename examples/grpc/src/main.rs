//! Runs the gRPC example: the health service behind the Cognito layer.
//!
//! - `LISTEN_ADDR`: where to listen (default `127.0.0.1:50051`).
//! - With `COGNITO_USER_POOL_ID` set, verifies tokens of that user pool:
//!   `COGNITO_CLIENT_ID` (comma list), optional `COGNITO_TOKEN_USE` (default `access`),
//!   `COGNITO_ISSUER`, `COGNITO_JWKS_URI`. Call it with the `grpc-check` binary.
//! - Without it, starts a local test issuer, calls itself with a tonic client (no token, a
//!   token without the scope, a valid token) and prints the outcomes and tokens to try.
//! - `RUST_LOG` filters the logs (default `info,cognito_tower=debug`: every rejection is logged).

use std::net::SocketAddr;
use std::process::ExitCode;

use cognito_testkit::TestIssuer;
use cognito_verify::TokenUse;
use example_support::{BoxError, bind, run, shutdown_signal, verifier};
use grpc::{DEFAULT_ADDR, REQUIRED_SCOPE, SERVING};

#[tokio::main]
async fn main() -> ExitCode {
    run("grpc", serve()).await
}

async fn serve() -> Result<(), BoxError> {
    let (issuer, verifier) = verifier(TokenUse::Access).await?;
    let listener = bind(DEFAULT_ADDR).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(grpc::serve_with_shutdown(listener, verifier, shutdown_signal()));

    println!("grpc example: grpc.health.v1.Health on {addr}, every call needs scope {REQUIRED_SCOPE}");
    match &issuer {
        Some(issuer) => demonstrate(addr, issuer).await,
        None => println!("verifying access tokens of the user pool in COGNITO_USER_POOL_ID\n"),
    }
    println!("Ctrl-C to stop.");
    server.await??;
    Ok(())
}

/// Calls the server as a client would, and prints what each call got.
async fn demonstrate(addr: SocketAddr, issuer: &TestIssuer) {
    println!(
        "tokens from a local test issuer at {} (set COGNITO_USER_POOL_ID for a real pool)",
        issuer.issuer_url()
    );
    let valid = issuer.access_token().scopes([REQUIRED_SCOPE]).sign();
    let unscoped = issuer.access_token().sign();
    println!("\nA tonic client calling Health/Check:");
    for (label, token) in [
        ("without a token", None),
        ("with a token lacking the scope", Some(unscoped.as_str())),
        ("with a valid token", Some(valid.as_str())),
    ] {
        let outcome = match grpc::check(addr, token).await {
            Ok(SERVING) => "OK: SERVING".to_owned(),
            Ok(status) => format!("OK: serving status {status}"),
            Err(status) => format!("{:?}: {}", status.code(), status.message()),
        };
        println!("  {label:<32} -> {outcome}");
    }
    println!("\nTry it yourself (valid for one hour):");
    println!("  export GRPC_TOKEN={valid}");
    println!("  cargo run -p grpc --bin grpc-check -- {addr}              # Unauthenticated");
    println!("  cargo run -p grpc --bin grpc-check -- {addr} \"$GRPC_TOKEN\"  # SERVING");
    println!();
}
