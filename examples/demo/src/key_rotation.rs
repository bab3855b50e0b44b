//! Key rotation while serving: the api trusts a new key after one JWKS fetch, keeps trusting
//! the old key while the pool publishes it, and stops once it is gone.

use std::io::{self, Write};

use http::StatusCode;

use crate::checks::Checks;
use crate::request::{Answer, get};
use crate::resource_server::{describe, passes};
use crate::stack::Stack;

pub(crate) async fn show<W: Write>(
    stack: &Stack,
    http: &reqwest::Client,
    checks: &mut Checks<'_, W>,
) -> io::Result<()> {
    checks.section(
        "Key rotation while serving (api example)",
        "The pool starts signing with a new key; the api's verifier learns it from the JWKS on its own.",
    )?;
    let issuer = &stack.issuer;
    let url = format!("{}/transactions", stack.api_url);
    let token = || issuer.access_token().username("alice").scopes([api::SCOPE_GET]).sign();
    let ok = |answer: &Result<Answer, String>| passes(answer, |a| a.status == StatusCode::OK);

    let old_kid = issuer.signing_kid();
    let old_token = token();
    let answer = get(http, &url, Some(&old_token)).await;
    checks.step(
        &format!("a token signed with the current key ({})", short(&old_kid)),
        "200 OK",
        &describe(&answer, |a| a.status.to_string()),
        ok(&answer),
    )?;

    let new_kid = issuer.rotate_key();
    checks.note(&format!(
        "The issuer rotates: it now signs with {} and publishes both keys.",
        short(&new_kid)
    ))?;
    let jwks_before = issuer.jwks_requests();
    let new_token = token();
    let answer = get(http, &url, Some(&new_token)).await;
    let jwks_after = issuer.jwks_requests();
    checks.step(
        "a token signed with the new key (a kid the verifier has not seen)",
        "200 OK after exactly one more JWKS fetch",
        &describe(&answer, |a| {
            format!("{}, JWKS requests at the issuer {jwks_before} -> {jwks_after}", a.status)
        }),
        ok(&answer) && jwks_after == jwks_before + 1,
    )?;

    let answer = get(http, &url, Some(&old_token)).await;
    let jwks_now = issuer.jwks_requests();
    checks.step(
        "the old-key token again, while the old key is still published",
        "200 OK, no JWKS fetch",
        &describe(&answer, |a| format!("{}, JWKS requests {jwks_after} -> {jwks_now}", a.status)),
        ok(&answer) && jwks_now == jwks_after,
    )?;

    issuer.remove_key(&old_kid);
    // The verifier refreshes its key set in the background (every 15 minutes by default, or as
    // the JWKS response's Cache-Control says); the demo triggers that refresh now.
    let refreshed = stack.api_verifier.hydrate().await;
    checks.note(&format!(
        "The issuer stops publishing {}; the verifier's periodic JWKS refresh runs ({}).",
        short(&old_kid),
        match &refreshed {
            Ok(()) => "ok".to_owned(),
            Err(err) => format!("failed: {err}"),
        }
    ))?;
    let answer = get(http, &url, Some(&old_token)).await;
    checks.step(
        "the old-key token after the old key was removed",
        "401 Unauthorized, error=\"invalid_token\"",
        &describe(&answer, Answer::summary),
        refreshed.is_ok()
            && passes(&answer, |a| a.status == StatusCode::UNAUTHORIZED && a.has_error("invalid_token")),
    )?;

    let answer = get(http, &url, Some(&new_token)).await;
    checks.step(
        "the new-key token still",
        "200 OK",
        &describe(&answer, |a| a.status.to_string()),
        ok(&answer),
    )
}

/// The first characters of a `kid`, enough to tell keys apart in the output.
fn short(kid: &str) -> String {
    let head: String = kid.chars().take(12).collect();
    if head.len() < kid.len() { format!("kid {head}…") } else { format!("kid {head}") }
}
