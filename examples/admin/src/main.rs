//! Runs the group-gated admin example.
//!
//! - `LISTEN_ADDR`: where to listen (default `127.0.0.1:3001`).
//! - With `COGNITO_USER_POOL_ID` set, verifies tokens of that user pool:
//!   `COGNITO_CLIENT_ID` (comma list), optional `COGNITO_TOKEN_USE` (default `any`: ID and
//!   access tokens), `COGNITO_ISSUER`, `COGNITO_JWKS_URI`.
//! - Without it, starts a local test issuer and prints curl commands with fresh tokens.
//! - `RUST_LOG` filters the logs (default `info,cognito_tower=debug`: every rejection is logged).

use std::error::Error;
use std::process::ExitCode;

use admin::{ADMIN_GROUP, DEFAULT_ADDR};
use cognito_testkit::TestIssuer;
use example_support::{init_logs, local_issuer_unless_configured, shutdown_signal, warm_keys};
use tokio::net::TcpListener;

const BOB_SUB: &str = "8d1f0c4e-5b7a-4e8b-9a51-2f3c6d7e8b90";

#[tokio::main]
async fn main() -> ExitCode {
    init_logs();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("admin: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let listen = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
    let issuer = local_issuer_unless_configured().await;
    let verifier =
        admin::verifier_from_env_or(issuer.as_ref()).map_err(|err| format!("configuration: {err}"))?;
    let listener = TcpListener::bind(&listen)
        .await
        .map_err(|err| format!("cannot listen on {listen:?} (LISTEN_ADDR): {err}"))?;
    let base = format!("http://{}", listener.local_addr()?);

    warm_keys(&verifier);

    println!("admin example: routes for the `{ADMIN_GROUP}` group on {base}");
    match &issuer {
        Some(issuer) => print_walkthrough(&base, issuer),
        None => println!("verifying tokens of the user pool in COGNITO_USER_POOL_ID\n"),
    }
    println!("Ctrl-C to stop.");

    axum::serve(listener, admin::router(verifier)).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

fn print_walkthrough(base: &str, issuer: &TestIssuer) {
    println!(
        "tokens from a local test issuer at {} (set COGNITO_USER_POOL_ID for a real pool)",
        issuer.issuer_url()
    );
    println!("\nTokens for the commands below (valid for one hour):");
    println!("  # alice, in the {ADMIN_GROUP} group: an access token and an ID token");
    let alice_access = issuer.access_token().username("alice").groups([ADMIN_GROUP]);
    let alice_id = issuer.id_token().username("alice").email("alice@example.com").groups([ADMIN_GROUP]);
    // Another user: another `sub` (the issuer's default user is alice).
    let bob = issuer.access_token().sub(BOB_SUB).username("bob").groups(["staff"]);
    println!("  export ADMIN_TOKEN={}", alice_access.sign());
    println!("  export ADMIN_ID_TOKEN={}", alice_id.sign());
    println!("  # bob, in the staff group only");
    println!("  export STAFF_TOKEN={}", bob.sign());
    let bearer = |name: &str| format!("-H \"Authorization: Bearer ${name}\"");
    let steps = [
        ("401 + WWW-Authenticate: Bearer: no token", format!("curl -i {base}/me")),
        ("200: bob's claims", format!("curl -i {base}/me {}", bearer("STAFF_TOKEN"))),
        ("200: alice's claims, from her ID token", format!("curl -i {base}/me {}", bearer("ADMIN_ID_TOKEN"))),
        (
            "403 insufficient_scope: bob is not an admin",
            format!("curl -i {base}/admin/users {}", bearer("STAFF_TOKEN")),
        ),
        ("200: the users", format!("curl -i {base}/admin/users {}", bearer("ADMIN_TOKEN"))),
        (
            "200: the same with an ID token",
            format!("curl -i {base}/admin/users {}", bearer("ADMIN_ID_TOKEN")),
        ),
        ("200: who listed the users", format!("curl -i {base}/admin/audit {}", bearer("ADMIN_TOKEN"))),
    ];
    println!("\nTry:");
    for (outcome, command) in steps {
        println!("  # {outcome}\n  {command}");
    }
    println!();
}
