//! The consumer's calls against the api example, and what it expects from each.

use std::io::Write;
use std::time::Duration;

use cognito_client::{ClientCredentials, RequestBuilderExt as _};
use http::StatusCode;
use http::header::WWW_AUTHENTICATE;

use crate::error::Error;

/// The scope this consumer's app client is allowed, and asks for.
pub const POST_SCOPE: &str = "transactions/post";
/// The scope `GET /transactions` needs, which this consumer's app client is not allowed.
pub const GET_SCOPE: &str = "transactions/get";

/// The longest response body excerpt shown.
const BODY_EXCERPT: usize = 200;

/// What the consumer saw. [`run`] returns it only when every call behaved as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Status of the first `POST /transactions` (2xx).
    pub created: StatusCode,
    /// Status of the second `POST /transactions` (2xx).
    pub created_again: StatusCode,
    /// The provider's token requests after the first `POST` (1 with a fresh provider).
    pub token_requests_after_first: u64,
    /// The provider's token requests after the second `POST` (unchanged: the token was cached).
    pub token_requests_after_second: u64,
    /// Status of `GET /transactions` (403: the token lacks `transactions/get`).
    pub forbidden: StatusCode,
    /// The `WWW-Authenticate` header of that 403.
    pub www_authenticate: Option<String>,
}

/// Runs the machine-to-machine flow against the api example at `api_url`, writing what happens
/// to `out`:
///
/// 1. `POST /transactions` with a token for `transactions/post` from `tokens` (one token
///    request), expecting 201 or 200;
/// 2. `POST /transactions` again, expecting success and no new token request (the provider
///    cached the token);
/// 3. `GET /transactions`, expecting 403 `insufficient_scope`: that route needs
///    `transactions/get`, which the app client does not have.
///
/// Returns an [`Error`] (never panics) when a call fails or answers something else.
pub async fn run(api_url: &str, tokens: &ClientCredentials, out: &mut impl Write) -> Result<Report, Error> {
    let base = api_url.trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(Error::InvalidApiUrl(api_url.to_owned()));
    }
    let url = format!("{base}/transactions");
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|err| Error::HttpClient(err.to_string()))?;
    let scopes = tokens.scopes().collect::<Vec<_>>().join(" ");
    writeln!(
        out,
        "consumer: app client {} asks {} for scope {scopes:?}",
        tokens.client_id(),
        tokens.token_endpoint()
    )?;
    writeln!(out, "          and calls {url}")?;

    writeln!(out, "1. POST /transactions with a token for {scopes} (expect 201/200; one token request)")?;
    let (created, body) = post(&http, &url, tokens, 1).await?;
    let after_first = tokens.token_requests();
    writeln!(out, "   ✓ {created} {body}")?;
    writeln!(out, "   token requests so far: {after_first}")?;

    writeln!(out, "2. POST /transactions again (expect success with the cached token: no token request)")?;
    let (created_again, body) = post(&http, &url, tokens, 2).await?;
    let after_second = tokens.token_requests();
    writeln!(out, "   ✓ {created_again} {body}")?;
    if after_second != after_first {
        return Err(Error::TokenNotReused { before: after_first, after: after_second });
    }
    writeln!(out, "   ✓ token requests still {after_second}: the cached token was reused")?;

    writeln!(out, "3. GET /transactions, which needs {GET_SCOPE} (expect 403 insufficient_scope)")?;
    let (forbidden, www_authenticate) = get(&http, &url, tokens).await?;
    writeln!(out, "   ✓ {forbidden}")?;
    writeln!(out, "   WWW-Authenticate: {}", www_authenticate.as_deref().unwrap_or("(none)"))?;

    Ok(Report {
        created,
        created_again,
        token_requests_after_first: after_first,
        token_requests_after_second: after_second,
        forbidden,
        www_authenticate,
    })
}

const POST_CALL: &str = "POST /transactions";
const GET_CALL: &str = "GET /transactions";

async fn post(
    http: &reqwest::Client,
    url: &str,
    tokens: &ClientCredentials,
    n: u32,
) -> Result<(StatusCode, String), Error> {
    let body = api::NewTransaction {
        amount: 1250 * i64::from(n),
        description: format!("payment #{n} from the client-credentials example"),
    };
    let body = serde_json::to_string(&body).map_err(|err| Error::HttpClient(err.to_string()))?;
    let request = http
        .post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .bearer_auth_from(tokens)
        .await
        .map_err(|source| Error::Token { endpoint: tokens.token_endpoint().to_owned(), source })?;
    let response = request.send().await.map_err(|err| request_error(POST_CALL, url, &err))?;
    let status = response.status();
    let body = excerpt(response.text().await.unwrap_or_default());
    if !status.is_success() {
        return Err(Error::UnexpectedStatus {
            call: POST_CALL,
            expected: "201 Created or 200 OK",
            status,
            body,
        });
    }
    Ok((status, body))
}

async fn get(
    http: &reqwest::Client,
    url: &str,
    tokens: &ClientCredentials,
) -> Result<(StatusCode, Option<String>), Error> {
    let request = http
        .get(url)
        .bearer_auth_from(tokens)
        .await
        .map_err(|source| Error::Token { endpoint: tokens.token_endpoint().to_owned(), source })?;
    let response = request.send().await.map_err(|err| request_error(GET_CALL, url, &err))?;
    let status = response.status();
    let www_authenticate =
        response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if status != StatusCode::FORBIDDEN {
        let body = excerpt(response.text().await.unwrap_or_default());
        return Err(Error::UnexpectedStatus { call: GET_CALL, expected: "403 Forbidden", status, body });
    }
    Ok((status, www_authenticate))
}

fn request_error(call: &'static str, url: &str, err: &reqwest::Error) -> Error {
    let reason = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "connection failed".to_owned()
    } else {
        err.to_string()
    };
    Error::Request { call, url: url.to_owned(), reason }
}

/// The body on one line, cut at [`BODY_EXCERPT`] characters.
fn excerpt(body: String) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= BODY_EXCERPT {
        return line;
    }
    let mut cut: String = line.chars().take(BODY_EXCERPT).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_keeps_short_bodies_and_cuts_long_ones_on_a_char_boundary() {
        assert_eq!(excerpt("{\"id\": 1}\n".into()), "{\"id\": 1}");
        let long = "é".repeat(500);
        let cut = excerpt(long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
    }
}
