//! One HTTP call with an optional bearer token, summed up for the demo's "got" lines.

use std::time::Duration;

use http::StatusCode;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};

/// What an HTTP call answered.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) www_authenticate: Option<String>,
    pub(crate) body: String,
}

impl Answer {
    /// `403 Forbidden, WWW-Authenticate: Bearer ...`, or the status alone.
    pub(crate) fn summary(&self) -> String {
        match &self.www_authenticate {
            Some(challenge) => format!("{}, WWW-Authenticate: {challenge}", self.status),
            None => self.status.to_string(),
        }
    }

    /// Whether the challenge carries `error="{code}"`.
    pub(crate) fn has_error(&self, code: &str) -> bool {
        self.www_authenticate.as_deref().is_some_and(|c| c.contains(&format!("error=\"{code}\"")))
    }
}

pub(crate) fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|err| err.to_string())
}

/// `GET {url}` with `Authorization: Bearer {token}` when a token is given. A call that gets no
/// answer is an `Err` with the reason, for the step's "got" line.
pub(crate) async fn get(http: &reqwest::Client, url: &str, token: Option<&str>) -> Result<Answer, String> {
    let mut request = http.get(url);
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|err| format!("no answer from {url}: {err}"))?;
    let status = response.status();
    let www_authenticate =
        response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.text().await.unwrap_or_default();
    Ok(Answer { status, www_authenticate, body })
}
