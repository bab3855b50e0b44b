//! [`describe`]: a failed request in one line.

use std::error::Error as _;

/// One line for a request to `endpoint` (e.g. `"JWKS endpoint"`) that got no complete answer:
/// `"{endpoint} timed out"`, `"cannot connect to the {endpoint}: …"` or
/// `"request to the {endpoint} failed: …"`, followed by the causes `reqwest` chains (its own
/// message is generic). Holds no request or response body, so it is safe to log.
pub fn describe(err: &reqwest::Error, endpoint: &str) -> String {
    if err.is_timeout() {
        return format!("{endpoint} timed out");
    }
    let mut text = if err.is_connect() {
        format!("cannot connect to the {endpoint}")
    } else {
        format!("request to the {endpoint} failed: {err}")
    };
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
