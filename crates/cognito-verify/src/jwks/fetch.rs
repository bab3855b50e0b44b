//! One JWKS fetch: GET the document within the size cap, parse it, read `max-age`.

use std::time::Duration;

use cognito_http::{BodyError, RequestLimits, check_response_url, describe, read_capped};

use crate::keys::{IssuerKind, KeySet};

/// Why a fetch failed: a fixed `kind` (a metric label), a reason safe to log, and whether the URL
/// answered 403 or 404 (the issuer does not exist there: a wrong pool id or region, or a format
/// the pool does not use).
pub(super) struct FetchError {
    pub(super) kind: &'static str,
    pub(super) reason: String,
    pub(super) not_found: bool,
    /// The URL answered 429 (Cognito's JWKS quota), with its `Retry-After` in seconds if any.
    pub(super) throttled: Option<Option<Duration>>,
}

impl FetchError {
    fn new(kind: &'static str) -> impl FnOnce(String) -> FetchError {
        move |reason| FetchError { kind, reason, not_found: false, throttled: None }
    }
}

/// GET the JWKS document within the limits' timeout and size cap; parse it. Returns the set and
/// `max-age`, if any. An answer from another URL than `uri` (a client that followed a redirect)
/// is refused before its body is read.
pub(super) async fn fetch(
    client: &reqwest::Client,
    uri: &str,
    limits: &RequestLimits,
    issuer: IssuerKind,
) -> Result<(KeySet, Option<Duration>), FetchError> {
    let max_bytes = limits.max_response_bytes;
    let mut response = client
        .get(uri)
        .header(reqwest::header::ACCEPT, "application/json")
        .timeout(limits.timeout)
        .send()
        .await
        .map_err(|err| FetchError::new("transport")(describe(&err, "JWKS endpoint")))?;
    check_response_url(&response, uri, "JWKS endpoint").map_err(FetchError::new("redirected"))?;
    let status = response.status();
    if let Some(retry_after) = throttled(status, response.headers()) {
        let reason = match retry_after {
            Some(wait) => {
                format!("JWKS endpoint answered HTTP {status} (quota), Retry-After {}s", wait.as_secs())
            }
            None => format!("JWKS endpoint answered HTTP {status} (quota), no Retry-After"),
        };
        return Err(FetchError { kind: "throttled", reason, not_found: false, throttled: Some(retry_after) });
    }
    if !status.is_success() {
        let not_found = matches!(status, reqwest::StatusCode::FORBIDDEN | reqwest::StatusCode::NOT_FOUND);
        let reason = format!("JWKS endpoint answered HTTP {status}");
        return Err(FetchError { kind: "http_status", reason, not_found, throttled: None });
    }
    let max_age = response
        .headers()
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_max_age);
    let body = read_capped(&mut response, max_bytes).await.map_err(|err| match err {
        BodyError::TooLarge => {
            FetchError::new("too_large")(format!("JWKS document is larger than {max_bytes} bytes"))
        }
        BodyError::Transport(err) => FetchError::new("transport")(describe(&err, "JWKS endpoint")),
    })?;
    // A document that parses is the issuer's answer, even with no usable key in it: tokens
    // naming its keys then get `UnusableKey`, not a retry.
    let set = KeySet::parse(&body, issuer)
        .map_err(|reason| FetchError::new("malformed")(format!("JWKS document is malformed: {reason}")))?;
    Ok((set, max_age))
}

/// `Some` when `status` is 429 (Cognito's JWKS quota), with the `Retry-After` among `headers`
/// if it is one this reads (delta-seconds); `None` for any other status.
pub(crate) fn throttled(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> Option<Option<Duration>> {
    (status == reqwest::StatusCode::TOO_MANY_REQUESTS).then(|| {
        headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_retry_after)
    })
}

/// A `Retry-After` in delta-seconds (RFC 9110 §10.2.3). The HTTP-date form, which Cognito does
/// not send, counts as none: the wait is then the one for a 429 without `Retry-After`.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits only: a value too large for u64 is a very long wait, capped by the caller.
    Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)))
}

/// The `max-age` directive of a `Cache-Control` value; `no-cache`/`no-store` mean none.
fn parse_max_age(value: &str) -> Option<Duration> {
    let mut max_age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return None;
        }
        if let Some(seconds) = lower.strip_prefix("max-age=") {
            max_age = seconds.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs);
        }
    }
    max_age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("99999999999999999999999"), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(parse_max_age("public, max-age=3600"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_max_age("Max-Age=\"60\""), Some(Duration::from_secs(60)));
        assert_eq!(parse_max_age("max-age=abc"), None);
        assert_eq!(parse_max_age("no-store, max-age=60"), None);
        assert_eq!(parse_max_age("public"), None);
    }
}
