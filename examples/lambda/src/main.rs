//! Runs the app on AWS Lambda, or locally.
//!
//! On Lambda (`AWS_LAMBDA_RUNTIME_API` is set):
//! - `COGNITO_LAMBDA_AUTH`: `verify` (default: verify the token with `CognitoLayer`) or
//!   `api-gateway` (trust the REST/HTTP API authorizer's claims with `ApiGatewayLayer`);
//! - the verifier comes from `COGNITO_USER_POOL_ID`, `COGNITO_CLIENT_ID` (comma list), ... as
//!   for every example (`CognitoVerifier::from_env`);
//! - `COGNITO_HYDRATE_AT_INIT`: `true` (default) fetches the signing keys during the init
//!   phase, so the first request does not wait for them (verify setup only).
//!
//! Locally (`cargo run -p lambda`): a test issuer on loopback, the verify setup on
//! `LISTEN_ADDR` (default `127.0.0.1:3002`), and curl commands with fresh tokens. The trusted
//! setup needs API Gateway's events: `cargo test -p lambda` feeds it REST, HTTP API and
//! function URL events.

use cognito_testkit::TestIssuer;
use cognito_verify::TokenUse;
use example_support::{BoxError, bind, run, serve_router, verifier, verifier_from_env_or};
use lambda::{ADMIN_GROUP, DEFAULT_ADDR, RUNTIME_API_ENV, SCOPE_GET, SETUP_ENV, Setup};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    run("lambda", async {
        if std::env::var_os(RUNTIME_API_ENV).is_some() { on_lambda().await } else { locally().await }
    })
    .await
}

async fn on_lambda() -> Result<(), BoxError> {
    let setup = Setup::from_env_value(std::env::var(SETUP_ENV).ok().as_deref())?;
    let verifier =
        verifier_from_env_or(None, TokenUse::Access).map_err(|err| format!("configuration: {err}"))?;
    let hydrate = std::env::var("COGNITO_HYDRATE_AT_INIT").map_or(true, |value| value != "false");
    if setup == Setup::VerifyToken && hydrate {
        // The init phase runs before the first invocation: fetching the keys here keeps the JWKS
        // round trip off the first request. A failure is not fatal (requests get 503 and the
        // verifier keeps retrying).
        if let Err(err) = verifier.hydrate().await {
            tracing::warn!(%err, "could not fetch the signing keys at init");
        }
    }
    tracing::info!(?setup, issuers = ?verifier.issuers().collect::<Vec<_>>(), "serving Lambda events");
    lambda_http::run(lambda::on_lambda(lambda::router(setup, verifier))).await
}

async fn locally() -> Result<(), BoxError> {
    if Setup::from_env_value(std::env::var(SETUP_ENV).ok().as_deref())? == Setup::TrustApiGateway {
        return Err(format!(
            "{SETUP_ENV}=api-gateway only makes sense behind API Gateway (no authorizer context here); \
             `cargo test -p lambda` runs that setup on API Gateway events"
        )
        .into());
    }
    let (issuer, verifier) = verifier(TokenUse::Access).await?;
    let listener = bind(DEFAULT_ADDR).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("lambda example (run locally, verifying tokens itself) on {base}");
    if let Some(issuer) = &issuer {
        print_walkthrough(&base, issuer);
    }
    println!("Ctrl-C to stop.");
    serve_router(listener, lambda::router(Setup::VerifyToken, verifier)).await
}

fn print_walkthrough(base: &str, issuer: &TestIssuer) {
    let admin = issuer.access_token().username("alice").groups([ADMIN_GROUP]).scopes([SCOPE_GET]).sign();
    let user = issuer.access_token().username("bob").sign();
    println!("tokens from a local test issuer at {} (valid for one hour):", issuer.issuer_url());
    println!("  export ADMIN_TOKEN={admin}\n  export USER_TOKEN={user}");
    let steps = [
        ("200: public", format!("curl -i {base}/health")),
        ("401: no token", format!("curl -i {base}/me")),
        ("200: who am I", format!("curl -i {base}/me -H \"Authorization: Bearer $USER_TOKEN\"")),
        (
            "403: not in the admin group",
            format!("curl -i {base}/admin -H \"Authorization: Bearer $USER_TOKEN\""),
        ),
        ("200: admin", format!("curl -i {base}/admin -H \"Authorization: Bearer $ADMIN_TOKEN\"")),
    ];
    println!("\nTry:");
    for (outcome, command) in steps {
        println!("  # {outcome}\n  {command}");
    }
    println!();
}
