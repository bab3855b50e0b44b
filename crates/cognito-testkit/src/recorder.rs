//! [`RequestRecorder`]: a loopback server that keeps every request it receives, to show what a
//! client sent somewhere it should not have (a redirect target, for example).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;

use crate::lock::lock;
use crate::serve::serve_router;

/// One request as the [`RequestRecorder`] received it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The path and query.
    pub uri: String,
    /// The headers, as sent.
    pub headers: HeaderMap,
    /// The body, as text (lossy UTF-8).
    pub body: String,
}

impl RecordedRequest {
    /// Whether `text` appears anywhere in the request: the URI, a header value or the body
    /// (also after form-decoding the body and base64-decoding `Authorization: Basic`).
    pub fn contains(&self, text: &str) -> bool {
        use base64::Engine as _;
        let basic = self
            .headers
            .get_all(axum::http::header::AUTHORIZATION)
            .iter()
            .filter_map(|value| value.to_str().ok()?.strip_prefix("Basic ").map(str::to_owned))
            .filter_map(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok())
            .map(|decoded| String::from_utf8_lossy(&decoded).into_owned());
        let form = url::form_urlencoded::parse(self.body.as_bytes()).map(|(k, v)| format!("{k}={v}"));
        self.uri.contains(text)
            || self.body.contains(text)
            || self.headers.values().any(|v| String::from_utf8_lossy(v.as_bytes()).contains(text))
            || basic.chain(form).any(|decoded| decoded.contains(text))
    }
}

/// A server on `127.0.0.1:0` that records every request (any method, any path) and answers
/// `400 {"error":"invalid_request"}`. Point a redirect at [`url`](Self::url) and read
/// [`requests`](Self::requests) to see what followed it.
///
/// ```
/// use cognito_testkit::RequestRecorder;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let recorder = RequestRecorder::start().await;
/// let _ = reqwest::Client::new().post(recorder.url("/oauth2/token")).body("a=1").send().await;
/// assert!(recorder.requests()[0].contains("a=1"));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RequestRecorder {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl RequestRecorder {
    /// Starts recording on a free loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound, or outside a Tokio runtime.
    pub async fn start() -> RequestRecorder {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let router = Router::new().fallback(record).with_state(Arc::clone(&requests));
        RequestRecorder { addr: serve_router(router).await, requests }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }
}

async fn record(
    State(requests): State<Arc<Mutex<Vec<RecordedRequest>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    lock(&requests).push(RecordedRequest {
        method,
        uri: uri.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    (StatusCode::BAD_REQUEST, [("content-type", "application/json")], r#"{"error":"invalid_request"}"#)
}
