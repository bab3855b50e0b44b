//! Pattern 2: a backend that gets client-credentials tokens, caches them, and calls the API.

use std::io::{self, Write};

use http::StatusCode;

use crate::checks::{Checks, Indented};
use crate::stack::Stack;

pub(crate) async fn show<W: Write>(stack: &Stack, checks: &mut Checks<'_, W>) -> io::Result<()> {
    checks.section(
        "Machine to machine: client credentials (client-credentials example -> api)",
        "The consumer's app client may ask only for transactions/post; its provider caches the token.",
    )?;
    let tokens = match client_credentials::local_provider(&stack.issuer) {
        Ok(tokens) => tokens,
        Err(err) => {
            return checks.step("build the consumer's token provider", "a provider", &err.to_string(), false);
        }
    };
    let served_before = stack.issuer.token_requests();
    checks.note("The consumer's own output:")?;
    let result = {
        let mut nested = Indented::new(checks.out(), "   | ");
        client_credentials::run(&stack.api_url, &tokens, &mut nested).await
    };
    let served = stack.issuer.token_requests() - served_before;

    let report = match result {
        Ok(report) => report,
        Err(err) => {
            return checks.step(
                "the consumer's calls",
                "POST 201, POST 201 with the cached token, GET 403",
                &err.to_string(),
                false,
            );
        }
    };
    checks.step(
        "POST /transactions with a fresh client-credentials token",
        "201 Created, after 1 token request",
        &format!("{} after {} token request(s)", report.created, report.token_requests_after_first),
        report.created.is_success() && report.token_requests_after_first == 1,
    )?;
    checks.step(
        "POST /transactions again: the cached token is reused",
        "201 Created, no new token request (the issuer served 1 in all)",
        &format!(
            "{}, token requests {} -> {}, the issuer served {served}",
            report.created_again, report.token_requests_after_first, report.token_requests_after_second
        ),
        report.created_again.is_success()
            && report.token_requests_after_second == report.token_requests_after_first
            && served == 1,
    )?;
    let challenge = report.www_authenticate.as_deref().unwrap_or("(none)");
    checks.step(
        "GET /transactions, which needs transactions/get, a scope the client lacks",
        "403 Forbidden, error=\"insufficient_scope\"",
        &format!("{}, WWW-Authenticate: {challenge}", report.forbidden),
        report.forbidden == StatusCode::FORBIDDEN && challenge.contains("error=\"insufficient_scope\""),
    )
}
