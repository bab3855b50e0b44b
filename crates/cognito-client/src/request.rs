//! One token fetch: the `client_credentials` request, retried when the failure is transient,
//! and the parsing of the answer.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cognito_http::{BodyError, check_response_url, describe, read_capped};
use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

use crate::config::{ClientAuth, Config};
use crate::error::{OAuthErrorCode, TokenError, is_retryable_status};
use crate::form::{basic_authorization, form_body};
use crate::key::TokenKey;
use crate::retry;
use crate::secret::Secret;
use crate::token::AccessToken;

/// Tokens are used for at most a day whatever `expires_in` says (Cognito's maximum), which also
/// keeps `Instant` arithmetic far from overflow.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// `error_description` is cut to this many characters before it reaches an error or a log.
const MAX_DESCRIPTION_CHARS: usize = 256;

/// A token as obtained, with what the cache needs to schedule its refresh.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub(crate) token: AccessToken,
    /// When the successful request was sent: the lifetime counts from here.
    pub(crate) sent_at: Instant,
    pub(crate) lifetime: Duration,
}

/// Makes token requests for one app client.
#[derive(Debug)]
pub(crate) struct TokenRequester {
    config: Config,
    http: reqwest::Client,
    requests: AtomicU64,
}

/// Why one attempt failed.
enum Failure {
    /// Worth retrying after a pause.
    Transient { kind: Transient, retry_after: Option<Duration> },
    /// Retrying would fail the same way.
    Fatal(TokenError),
}

enum Transient {
    Status(StatusCode),
    Timeout,
    Unreachable(String),
}

#[cfg(feature = "metrics")]
impl Failure {
    /// A fixed name for the metric label.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Transient { kind: Transient::Status(_), .. } => "http_status",
            Failure::Transient { kind: Transient::Timeout, .. } => "timeout",
            Failure::Transient { kind: Transient::Unreachable(_), .. } => "unreachable",
            Failure::Fatal(TokenError::OAuth { .. } | TokenError::InvalidTarget { .. }) => "oauth_error",
            Failure::Fatal(TokenError::Status { .. }) => "http_status",
            Failure::Fatal(TokenError::ResponseTooLarge { .. }) => "too_large",
            Failure::Fatal(TokenError::MalformedResponse(_)) => "malformed",
            Failure::Fatal(TokenError::Redirected { .. }) => "redirected",
            Failure::Fatal(_) => "error",
        }
    }
}

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transient::Status(status) => write!(f, "HTTP {status}"),
            Transient::Timeout => f.write_str("timed out"),
            Transient::Unreachable(reason) => f.write_str(reason),
        }
    }
}

impl Transient {
    fn into_error(self, attempts: u32, retry_after: Option<Duration>) -> TokenError {
        match self {
            Transient::Status(status) => TokenError::Status { status, attempts, retry_after },
            Transient::Timeout => TokenError::Timeout { attempts },
            Transient::Unreachable(reason) => TokenError::Unreachable { reason, attempts },
        }
    }
}

impl TokenRequester {
    pub(crate) fn new(config: Config, http: reqwest::Client) -> Self {
        TokenRequester { config, http, requests: AtomicU64::new(0) }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// HTTP requests sent to the token endpoint so far, retries included.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Fetches a token for `key` with the secret in use; if the endpoint refuses it with
    /// `invalid_client`, once with the other secret (a rotation), which stays in use if it works.
    pub(crate) async fn fetch(&self, key: &TokenKey) -> Result<Fetched, TokenError> {
        let candidates = self.config.secrets.candidates().await;
        // Never returned: `candidates` always holds at least the source's last value.
        let mut result = Err(TokenError::Aborted);
        for (index, secret) in candidates.iter().enumerate() {
            result = self.fetch_with(key, secret).await;
            match &result {
                Ok(_) => {
                    self.config.secrets.worked(secret);
                    break;
                }
                Err(TokenError::OAuth { error: OAuthErrorCode::InvalidClient, .. })
                    if index + 1 < candidates.len() =>
                {
                    tracing::warn!(
                        client_id = %self.config.client_id,
                        "the token endpoint refused the client secret in use (invalid_client); trying the other one"
                    );
                }
                Err(_) => break,
            }
        }
        result
    }

    /// Fetches a token for `key` with `secret`, retrying transient failures with backoff.
    async fn fetch_with(&self, key: &TokenKey, secret: &Secret) -> Result<Fetched, TokenError> {
        let scopes = &key.scopes;
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            tracing::debug!(
                endpoint = %self.config.endpoint,
                client_id = %self.config.client_id,
                scopes = scopes.as_str(),
                resource = key.resource(),
                attempt,
                "requesting a client-credentials token"
            );
            #[cfg(feature = "metrics")]
            let started = Instant::now();
            let result = self.attempt(key, secret).await;
            #[cfg(feature = "metrics")]
            crate::instruments::token_request(
                result.as_ref().map_or_else(Failure::kind, |_| "success"),
                started.elapsed(),
            );
            let error = match result {
                Ok(fetched) => {
                    tracing::debug!(
                        client_id = %self.config.client_id,
                        scopes = scopes.as_str(),
                        expires_in = fetched.lifetime.as_secs(),
                        attempt,
                        "client-credentials token obtained"
                    );
                    return Ok(fetched);
                }
                Err(Failure::Transient { kind, retry_after }) if attempt < policy.max_attempts => {
                    let delay = policy.delay(attempt, retry_after);
                    tracing::warn!(
                        client_id = %self.config.client_id,
                        attempt,
                        max_attempts = policy.max_attempts,
                        reason = %kind,
                        retry_in_ms = delay.as_millis() as u64,
                        "token request failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    continue;
                }
                Err(Failure::Transient { kind, retry_after }) => kind.into_error(attempt, retry_after),
                Err(Failure::Fatal(mut error)) => {
                    if let TokenError::Status { attempts, .. } = &mut error {
                        *attempts = attempt;
                    }
                    error
                }
            };
            tracing::warn!(
                client_id = %self.config.client_id,
                scopes = scopes.as_str(),
                attempts = attempt,
                %error,
                "no client-credentials token"
            );
            return Err(error);
        }
    }

    async fn attempt(&self, key: &TokenKey, secret: &Secret) -> Result<Fetched, Failure> {
        let config = &self.config;
        let mut request = self
            .http
            .post(config.endpoint.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .timeout(config.limits.timeout);
        if config.auth == ClientAuth::Basic {
            request = request.header(AUTHORIZATION, basic_authorization(&config.client_id, secret));
        }
        // A body that cannot be replayed: an application's client that follows redirects does
        // not re-post it (and a `client_secret_post` secret with it) on a 307 / 308 to wherever
        // the `Location` points; it hands the redirect back instead. On a 301 / 302 / 303 it
        // sends a GET without the body, and drops `Authorization` if the origin changes
        // (reqwest 0.13 `redirect::remove_sensitive_headers`: host, port or scheme).
        let request = request.body(reqwest::Body::wrap(form_body(config, key, secret)));

        self.requests.fetch_add(1, Ordering::Relaxed);
        let sent_at = Instant::now();
        let mut response = request.send().await.map_err(transport)?;
        check_response_url(&response, config.endpoint.as_str(), "token endpoint")
            .map_err(|reason| Failure::Fatal(TokenError::Redirected { reason }))?;
        let status = response.status();
        if is_retryable_status(status) {
            let retry_after = retry::retry_after(response.headers());
            return Err(Failure::Transient { kind: Transient::Status(status), retry_after });
        }
        if !status.is_success() {
            let retry_after = retry::retry_after(response.headers());
            let body = read_body(&mut response, config.limits.max_response_bytes).await.unwrap_or_default();
            return Err(Failure::Fatal(match oauth_error(&body) {
                Some((OAuthErrorCode::InvalidTarget, description)) => {
                    TokenError::InvalidTarget { resource: key.resource().to_owned(), description, status }
                }
                Some((error, description)) => TokenError::OAuth { error, description, status },
                None => TokenError::Status { status, attempts: 0, retry_after },
            }));
        }
        let body = read_body(&mut response, config.limits.max_response_bytes).await?;
        parse_token(&body, sent_at).map_err(Failure::Fatal)
    }
}

/// The body, refused once it grows past `limit`.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, Failure> {
    read_capped(response, limit).await.map_err(|err| match err {
        BodyError::TooLarge => Failure::Fatal(TokenError::ResponseTooLarge { limit }),
        BodyError::Transport(err) => transport(err),
    })
}

fn transport(err: reqwest::Error) -> Failure {
    if is_certificate_error(&err) {
        return Failure::Fatal(TokenError::Certificate { reason: describe(&err, "token endpoint") });
    }
    let kind = if err.is_timeout() {
        Transient::Timeout
    } else {
        Transient::Unreachable(describe(&err, "token endpoint"))
    };
    Failure::Transient { kind, retry_after: None }
}

/// Whether the connection failed because the server's certificate was refused. The TLS stack
/// behind reqwest is the application's choice, so this reads the error chain's messages:
/// rustls says "invalid peer certificate", OpenSSL / native-tls "certificate verify failed".
fn is_certificate_error(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if text.contains("invalid peer certificate") || text.contains("certificate verify failed") {
            return true;
        }
        source = cause.source();
    }
    false
}

/// `{"error": "...", "error_description": "..."}`, if the body is one.
pub(crate) fn oauth_error(body: &[u8]) -> Option<(OAuthErrorCode, Option<String>)> {
    // Both end up in errors and logs: printable characters only, and not too many.
    let printable = |text: &str| -> String {
        text.chars().filter(|c| !c.is_control()).take(MAX_DESCRIPTION_CHARS).collect()
    };
    let value: Value = serde_json::from_slice(body).ok()?;
    let code = value.get("error")?.as_str()?;
    let description = value.get("error_description").and_then(Value::as_str).map(printable);
    Some((OAuthErrorCode::parse(&printable(code)), description))
}

/// `{"access_token": "...", "expires_in": 3600, "token_type": "Bearer"}`. The error messages
/// never quote the token.
pub(crate) fn parse_token(body: &[u8], sent_at: Instant) -> Result<Fetched, TokenError> {
    let malformed = |reason: &str| TokenError::MalformedResponse(reason.to_owned());
    let value: Value = serde_json::from_slice(body).map_err(|_| malformed("not JSON"))?;
    let object = value.as_object().ok_or_else(|| malformed("not a JSON object"))?;
    let token = object
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("`access_token` is missing or not a string"))?;
    let token_type = object
        .get("token_type")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("`token_type` is missing or not a string"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        let shown: String = token_type.chars().take(32).collect();
        return Err(TokenError::MalformedResponse(format!("`token_type` is {shown:?}, expected Bearer")));
    }
    let expires_in = match object.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|&seconds| seconds > 0)
    .ok_or_else(|| malformed("`expires_in` is missing or not a positive integer"))?;
    let lifetime = Duration::from_secs(expires_in).min(MAX_LIFETIME);
    let token = AccessToken::new(token.to_owned(), sent_at + lifetime)
        .ok_or_else(|| malformed("`access_token` is empty or has characters not allowed in a header"))?;
    Ok(Fetched { token, sent_at, lifetime })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Fetched, TokenError> {
        parse_token(body.as_bytes(), Instant::now())
    }

    fn reason(body: &str) -> String {
        match parse(body) {
            Err(TokenError::MalformedResponse(reason)) => reason,
            other => panic!("expected MalformedResponse, got {other:?}"),
        }
    }

    #[test]
    fn a_cognito_token_response_is_parsed() {
        let fetched = parse(r#"{"access_token":"eyJ.a.b","expires_in":3600,"token_type":"Bearer"}"#).unwrap();
        assert_eq!(fetched.token.as_str(), "eyJ.a.b");
        assert_eq!(fetched.lifetime, Duration::from_secs(3600));
        assert_eq!(fetched.token.expires_at(), fetched.sent_at + Duration::from_secs(3600));
    }

    #[test]
    fn token_type_is_compared_case_insensitively_and_expires_in_may_be_a_string() {
        let fetched = parse(r#"{"access_token":"t","expires_in":"60","token_type":"bearer"}"#).unwrap();
        assert_eq!(fetched.lifetime, Duration::from_secs(60));
    }

    #[test]
    fn lifetimes_are_capped_at_a_day() {
        let fetched =
            parse(r#"{"access_token":"t","expires_in":18446744073709551615,"token_type":"Bearer"}"#).unwrap();
        assert_eq!(fetched.lifetime, MAX_LIFETIME);
    }

    #[test]
    fn malformed_success_responses_are_named() {
        assert_eq!(reason("<html>"), "not JSON");
        assert_eq!(reason("[]"), "not a JSON object");
        assert!(reason(r#"{"expires_in":60,"token_type":"Bearer"}"#).contains("access_token"));
        assert!(reason(r#"{"access_token":"t","expires_in":60}"#).contains("token_type"));
        assert!(reason(r#"{"access_token":"t","expires_in":60,"token_type":"mac"}"#).contains("\"mac\""));
        assert!(reason(r#"{"access_token":"t","token_type":"Bearer"}"#).contains("expires_in"));
        assert!(
            reason(r#"{"access_token":"t","expires_in":0,"token_type":"Bearer"}"#).contains("expires_in")
        );
        assert!(
            reason(r#"{"access_token":"t","expires_in":-5,"token_type":"Bearer"}"#).contains("expires_in")
        );
        assert!(reason(r#"{"access_token":"a b","expires_in":5,"token_type":"Bearer"}"#).contains("header"));
    }

    #[test]
    fn malformed_response_messages_never_quote_the_token() {
        let err = parse(r#"{"access_token":"secret tok","expires_in":5,"token_type":"Bearer"}"#).unwrap_err();
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn oauth_error_bodies_are_parsed() {
        let (code, description) =
            oauth_error(br#"{"error":"invalid_client","error_description":"bad\nsecret"}"#).unwrap();
        assert_eq!(code, OAuthErrorCode::InvalidClient);
        assert_eq!(description.as_deref(), Some("badsecret"));
        assert_eq!(oauth_error(br#"{"error":"invalid_scope"}"#).unwrap().0, OAuthErrorCode::InvalidScope);
        assert!(oauth_error(b"Bad Request").is_none());
        assert!(oauth_error(br#"{"message":"x"}"#).is_none());
    }
}
