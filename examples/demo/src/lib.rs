//! The whole project in one command: `cargo run -p demo`.
//!
//! [`run`] starts a local Cognito-compatible issuer (`cognito-testkit`) and the api, admin and
//! grpc examples on ephemeral loopback ports, then walks through the three patterns and checks
//! every outcome, printing numbered steps with what was expected and what happened:
//!
//! 1. API: user access tokens with and without the scope, no token, an expired token
//!    (`resource_server`);
//! 2. machine to machine: the client-credentials consumer, its cached token and the scope it
//!    lacks (`m2m`);
//! 3. group-gated admin routes with ID and access tokens of an admin and a non-admin
//!    (`group_admin`);
//! 4. gRPC: the same layer in front of a tonic health service (`grpc_health`);
//! 5. key rotation while serving (`key_rotation`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), demo::Error> {
//! let outcome = demo::run(&mut std::io::stdout()).await?;
//! assert!(outcome.all_passed());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The snippets of the repository's README.md, compiled (and run, when they need no network)
/// as doctests, so they work as shown.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

mod checks;
mod error;
mod group_admin;
mod grpc_health;
mod key_rotation;
mod m2m;
mod request;
mod resource_server;
mod stack;

use std::io::Write;

pub use checks::{Outcome, Step};
pub use error::Error;

/// Runs the demo, writing its steps to `out`. Returns the [`Outcome`] of every step (a step that
/// misbehaves is recorded, and the demo goes on), or an [`Error`] when it cannot run at all.
pub async fn run(out: &mut impl Write) -> Result<Outcome, Error> {
    let stack = stack::Stack::start().await?;
    let http = request::client().map_err(Error::Setup)?;

    writeln!(out, "cognito-rs demo: the three Amazon Cognito patterns, against a local issuer on loopback")?;
    writeln!(out)?;
    writeln!(
        out,
        "  issuer  {}  stands in for a user pool (JWKS, /oauth2/token)",
        stack.issuer.issuer_url()
    )?;
    for (issuer, jwks_url) in stack.api_verifier.jwks_urls() {
        writeln!(out, "  trusts  {issuer}  keys from {jwks_url}")?;
    }
    writeln!(out, "  api     {}  GET|POST /transactions need transactions/get|post", stack.api_url)?;
    writeln!(
        out,
        "  admin   {}  /api/admin/users needs group admin, /api/me any valid token",
        stack.admin_url
    )?;
    writeln!(out, "  grpc    {}  Health/Check needs {}", stack.grpc_addr, grpc::REQUIRED_SCOPE)?;

    let mut checks = checks::Checks::new(out);
    resource_server::show(&stack, &http, &mut checks).await?;
    m2m::show(&stack, &mut checks).await?;
    group_admin::show(&stack, &http, &mut checks).await?;
    grpc_health::show(&stack, &mut checks).await?;
    key_rotation::show(&stack, &http, &mut checks).await?;
    let outcome = checks.finish();

    writeln!(out)?;
    let total = outcome.steps.len();
    if outcome.all_passed() {
        writeln!(out, "✓ all {total} steps behaved as expected")?;
    } else {
        let failed: Vec<&Step> = outcome.failed().collect();
        writeln!(out, "✗ {} of {total} steps did not behave as expected:", failed.len())?;
        for step in failed {
            writeln!(out, "  {} {}", step.id, step.title)?;
        }
    }
    Ok(outcome)
}
