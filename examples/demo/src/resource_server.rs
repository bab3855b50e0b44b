//! Pattern 1: an API that verifies access tokens locally and requires OAuth scopes.

use std::io::{self, Write};

use http::StatusCode;
use test_support::unix_now;

use crate::checks::Checks;
use crate::request::{Answer, get};
use crate::stack::Stack;

pub(crate) async fn show<W: Write>(
    stack: &Stack,
    http: &reqwest::Client,
    checks: &mut Checks<'_, W>,
) -> io::Result<()> {
    checks.section(
        "API: access tokens and OAuth scopes (api example)",
        "Each request's access token is verified locally; GET /transactions needs transactions/get.",
    )?;
    let url = format!("{}/transactions", stack.api_url);
    let user = || stack.issuer.access_token().username("alice");

    let token = user().scopes([api::SCOPE_GET]).sign();
    let answer = get(http, &url, Some(&token)).await;
    checks.step(
        "GET /transactions with a user access token carrying transactions/get",
        "200 OK",
        &describe(&answer, |a| format!("{} {}", a.status, a.body.trim())),
        passes(&answer, |a| a.status == StatusCode::OK),
    )?;

    let token = user().scopes(["aws.cognito.signin.user.admin"]).sign();
    let answer = get(http, &url, Some(&token)).await;
    checks.step(
        "GET /transactions with a user access token without transactions/get",
        "403 Forbidden, error=\"insufficient_scope\"",
        &describe(&answer, Answer::summary),
        passes(&answer, |a| a.status == StatusCode::FORBIDDEN && a.has_error("insufficient_scope")),
    )?;

    let answer = get(http, &url, None).await;
    checks.step(
        "GET /transactions with no token",
        "401 Unauthorized with a WWW-Authenticate: Bearer challenge",
        &describe(&answer, Answer::summary),
        passes(&answer, |a| {
            a.status == StatusCode::UNAUTHORIZED
                && a.www_authenticate.as_deref().is_some_and(|c| c.starts_with("Bearer"))
        }),
    )?;

    let hour_ago = unix_now() - 3600;
    let token = user().scopes([api::SCOPE_GET]).issued_at(hour_ago - 60).expires_at(hour_ago).sign();
    let answer = get(http, &url, Some(&token)).await;
    checks.step(
        "GET /transactions with an access token that expired an hour ago",
        "401 Unauthorized, error=\"invalid_token\"",
        &describe(&answer, Answer::summary),
        passes(&answer, |a| a.status == StatusCode::UNAUTHORIZED && a.has_error("invalid_token")),
    )
}

/// The "got" text of a call: `summary` of the answer, or why there was none.
pub(crate) fn describe(answer: &Result<Answer, String>, summary: impl Fn(&Answer) -> String) -> String {
    match answer {
        Ok(answer) => summary(answer),
        Err(reason) => reason.clone(),
    }
}

/// Whether there was an answer and it satisfies `check`.
pub(crate) fn passes(answer: &Result<Answer, String>, check: impl Fn(&Answer) -> bool) -> bool {
    answer.as_ref().is_ok_and(check)
}
