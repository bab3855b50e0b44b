//! The checks of the `cognito-client` fuzz target, shared by `fuzz/` (which includes this file)
//! and the regression tests next to it.

use std::time::Duration;

use cognito_client::TokenError;
use cognito_client::fuzz;
use serde_json::Value;

/// What any message that reaches an error or a log may hold: printable, bounded.
fn assert_loggable(what: &str, text: &str, max_chars: usize) {
    assert!(!text.chars().any(char::is_control), "{what} has control characters: {text:?}");
    let chars = text.chars().count();
    assert!(chars <= max_chars, "{what} is {chars} characters long");
}

/// Target `token_response`: any bytes as the body of a token endpoint response, read both as a
/// success and as an OAuth error. Never a panic; an accepted token is a visible-ASCII string
/// exactly as sent, with `token_type` Bearer and a lifetime of 1 s to 24 h; error messages never
/// quote the token and, like OAuth error codes and descriptions, are printable and bounded.
pub fn token_response(data: &[u8]) {
    let json: Option<Value> = serde_json::from_slice(data).ok();
    let member = |name: &str| json.as_ref().and_then(|json| json.get(name)).and_then(Value::as_str);
    match fuzz::token_response(data) {
        Ok((token, lifetime)) => {
            assert_eq!(Some(token.as_str()), member("access_token"));
            assert!(!token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()), "{token:?}");
            assert!(member("token_type").is_some_and(|t| t.eq_ignore_ascii_case("bearer")));
            assert!(lifetime >= Duration::from_secs(1) && lifetime <= Duration::from_secs(24 * 3600));
        }
        Err(TokenError::MalformedResponse(reason)) => {
            let message = TokenError::MalformedResponse(reason).to_string();
            // At most 32 characters of a hostile `token_type`, each escaped to at most 10.
            assert_loggable("the error", &message, 512);
            if let Some(token) = member("access_token").filter(|token| token.len() >= 8)
                && !member("token_type").is_some_and(|t| t.contains(token))
                && message.contains(token)
            {
                // Quoted, or part of the fixed text ("`token_type` is missing...")? The same body
                // with another token of the same length must then give the same message.
                let mut other = json.clone().unwrap_or_default();
                other["access_token"] = Value::String("Z".repeat(token.len()));
                let body = serde_json::to_vec(&other).unwrap_or_default();
                let other_message = fuzz::token_response(&body).err().map(|e| e.to_string());
                assert_eq!(other_message.as_deref(), Some(message.as_str()), "the error quotes the token");
            }
        }
        Err(other) => panic!("a response body gave {other:?}"),
    }
    if let Some((code, description)) = fuzz::error_response(data) {
        assert!(member("error").is_some(), "an OAuth error without a string `error`");
        if let Some(description) = &description {
            assert_loggable("error_description", description, 256);
        }
        let error = TokenError::OAuth { error: code, description, status: http::StatusCode::BAD_REQUEST };
        assert_loggable("the error", &error.to_string(), 1024);
    }
}
