//! Fault injection: what a faulted endpoint answers instead of its normal response.

use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::conn::ConnHandle;
use crate::lock::lock;

/// A failure injected into one of the issuer's endpoints (JWKS, discovery, token).
///
/// A fault set with [`TestIssuer::set_jwks_fault`](crate::TestIssuer::set_jwks_fault) (or the
/// token/discovery equivalents) applies to every request to that endpoint until cleared; one set
/// with the `*_fault_for` variants applies to the next `n` requests only, which is how "fails
/// once, then heals" is written. Faulted requests are still counted.
///
/// ```
/// use cognito_testkit::{Fault, TestIssuer};
/// use cognito_verify::VerifyError;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let issuer = TestIssuer::start().await;
/// let verifier = issuer.access_verifier().build().unwrap();
///
/// issuer.set_jwks_fault_for(Fault::Status(503), 1); // the first key fetch fails
/// let err = verifier.verify(&issuer.access_token().sign()).await.unwrap_err();
/// assert!(matches!(err, VerifyError::KeysUnavailable { .. }), "{err}");
/// assert_eq!(issuer.jwks_requests(), 1);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status code and a short text body. Codes `http` cannot represent are
    /// answered with 500.
    Status(u16),
    /// Wait this long, then serve the request normally.
    Delay(Duration),
    /// Answer 200 with `Content-Type: application/json` and a body that is not JSON.
    Garbage,
    /// Answer 200 with a JSON-looking body of exactly this many bytes (a JWKS whose `keys` is
    /// followed by padding), for response-size limits.
    Oversized(usize),
    /// Close the connection without sending any response.
    CloseConnection,
    /// Answer with a redirect: this status (301, 302, 303, 307 or 308; others are answered with
    /// 307) and `Location: {location}`, e.g. another issuer's JWKS or token endpoint, to test
    /// that a client which follows redirects is caught.
    Redirect {
        /// The redirect status.
        status: u16,
        /// The absolute URL the answer points to.
        location: String,
    },
}

/// The body [`Fault::Garbage`] serves (the workspace's tests compare it with
/// `test_support::GARBAGE_BODY`).
pub(crate) const GARBAGE_BODY: &str = "<html><body>502 Bad Gateway: this is not JSON</body></html>";

/// The fault currently set on one endpoint, with an optional number of requests left.
#[derive(Debug, Default)]
pub(crate) struct FaultSlot(Mutex<Option<(Fault, Option<u64>)>>);

impl FaultSlot {
    /// Sets (or clears) a fault for every request until changed.
    pub(crate) fn set(&self, fault: Option<Fault>) {
        *lock(&self.0) = fault.map(|f| (f, None));
    }

    /// Sets a fault for the next `n` requests; `n == 0` clears the slot.
    pub(crate) fn set_for(&self, fault: Fault, n: u64) {
        *lock(&self.0) = (n > 0).then_some((fault, Some(n)));
    }

    /// The fault that applies to the request being served, consuming one use of a counted fault.
    pub(crate) fn next(&self) -> Option<Fault> {
        let mut slot = lock(&self.0);
        let (fault, remaining) = slot.as_mut()?;
        let fault = fault.clone();
        if let Some(left) = remaining {
            *left = left.saturating_sub(1);
            if *left == 0 {
                *slot = None;
            }
        }
        Some(fault)
    }
}

/// Applies `fault` to a request on `conn`. Returns the response to send instead of the normal
/// one, or `None` when the request should be served normally (no fault, or after a delay).
pub(crate) async fn apply(fault: Option<Fault>, conn: &ConnHandle) -> Option<Response> {
    match fault? {
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some((status, format!("injected fault: status {code}\n")).into_response())
        }
        Fault::Garbage => Some(json_response(GARBAGE_BODY.as_bytes().to_vec())),
        Fault::Oversized(len) => Some(json_response(oversized_body(len))),
        Fault::Redirect { status, location } => {
            let status = match StatusCode::from_u16(status) {
                Ok(status) if status.is_redirection() => status,
                _ => StatusCode::TEMPORARY_REDIRECT,
            };
            let mut response = status.into_response();
            if let Ok(location) = HeaderValue::try_from(location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            Some(response)
        }
        Fault::CloseConnection => {
            // The stream refuses the write of whatever is returned here, so hyper drops the
            // connection before a single byte of the response reaches the client.
            conn.kill();
            Some(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

fn json_response(body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `{"keys":[],"padding":"xxx…"}` stretched or cut to exactly `len` bytes.
fn oversized_body(len: usize) -> Vec<u8> {
    const HEAD: &[u8] = br#"{"keys":[],"padding":""#;
    const TAIL: &[u8] = br#""}"#;
    let mut body = Vec::with_capacity(len);
    body.extend_from_slice(HEAD);
    let fill = len.saturating_sub(HEAD.len() + TAIL.len());
    body.resize(HEAD.len() + fill, b'x');
    body.extend_from_slice(TAIL);
    body.truncate(len);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_body_has_exactly_the_requested_length() {
        for len in [0, 1, 10, 24, 25, 1000, 1 << 20] {
            assert_eq!(oversized_body(len).len(), len);
        }
        assert!(serde_json::from_slice::<serde_json::Value>(&oversized_body(1000)).is_ok());
    }

    #[test]
    fn counted_fault_clears_itself() {
        let slot = FaultSlot::default();
        slot.set_for(Fault::Garbage, 2);
        assert_eq!(slot.next(), Some(Fault::Garbage));
        assert_eq!(slot.next(), Some(Fault::Garbage));
        assert_eq!(slot.next(), None);
    }
}
