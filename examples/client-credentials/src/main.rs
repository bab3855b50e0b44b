//! `cargo run -p client-credentials`: the machine-to-machine consumer, against a local test
//! issuer and an in-process api example by default, or against a real user pool and a running
//! api example when `COGNITO_DOMAIN` (with `AWS_REGION` for a domain prefix) or
//! `COGNITO_TOKEN_ENDPOINT` (a full URL, e.g. a local emulator's), `COGNITO_CLIENT_ID`,
//! `COGNITO_CLIENT_SECRET` (and optionally `API_URL`) are set.

use std::io::Write;
use std::process::ExitCode;

use client_credentials::{Error, LocalSetup, RemoteTarget};

#[tokio::main]
async fn main() -> ExitCode {
    let mut out = std::io::stdout();
    match consume(&mut out).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = out.flush();
            eprintln!("client-credentials: ✗ {err}");
            ExitCode::FAILURE
        }
    }
}

async fn consume(out: &mut impl Write) -> Result<(), Error> {
    if let Some(target) = RemoteTarget::from_env()? {
        writeln!(
            out,
            "Using the token endpoint {} and the api example at {}.",
            target.tokens.token_endpoint(),
            target.api_url
        )?;
        client_credentials::run(&target.api_url, &target.tokens, out).await?;
        writeln!(out, "✓ all calls behaved as expected")?;
        return Ok(());
    }

    if std::env::var_os("API_URL").is_some() {
        eprintln!(
            "note: API_URL is ignored without COGNITO_DOMAIN (or COGNITO_TOKEN_ENDPOINT) and the other \
             Cognito variables"
        );
    }
    let local = LocalSetup::start().await?;
    writeln!(
        out,
        "No COGNITO_DOMAIN: using a local test issuer ({}) and the api example in-process ({}).",
        local.issuer.base_url(),
        local.api_url
    )?;
    writeln!(
        out,
        "Set COGNITO_DOMAIN, AWS_REGION, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET to use a real pool."
    )?;
    writeln!(out)?;
    client_credentials::run(&local.api_url, &local.tokens, out).await?;
    writeln!(out)?;
    writeln!(
        out,
        "✓ all calls behaved as expected; the issuer served {} token request(s)",
        local.issuer.token_requests()
    )?;
    Ok(())
}
