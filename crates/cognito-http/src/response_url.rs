//! [`check_response_url`]: an answer must come from the URL that was asked.

use url::Url;

/// `Err` with a reason safe to log when `response` does not come from `requested`: the HTTP
/// client followed a redirect. The clients cognito-rs builds follow none, but a client an
/// application passes in may; keys or a token from wherever a redirect pointed must not be used.
/// (Token requests send a body that cannot be replayed, so no secret-bearing form follows a
/// 307 / 308 before this check.) The reason names the endpoint (`"JWKS endpoint"`) and the
/// origin it was sent to.
pub fn check_response_url(
    response: &reqwest::Response,
    requested: &str,
    endpoint: &str,
) -> Result<(), String> {
    let expected = Url::parse(requested).ok();
    let got = response.url();
    if expected.as_ref() == Some(got) {
        return Ok(());
    }
    Err(format!(
        "the {endpoint} answer came from {} instead of the configured URL: the HTTP client \
         followed a redirect; build it with redirect::Policy::none()",
        got.origin().ascii_serialization()
    ))
}
