//! The hosted login's code flow driven by hand (no redirects followed): sign in through the
//! form, exchange the code, refresh, for a public client.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::TestIssuer;
use reqwest::redirect::Policy;
use serde_json::Value;

pub const VERIFIER: &str = "a-pkce-code-verifier-that-is-long-enough-0123456789";

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

/// Signs `user` in for `client` with `callback` (and `resource`, if any) through the login
/// form; returns where the hosted login redirected to (the callback with `code` or `error`).
pub async fn sign_in(
    issuer: &TestIssuer,
    client: &str,
    callback: &str,
    resource: Option<&str>,
    user: (&str, &str),
) -> reqwest::Url {
    let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, VERIFIER.as_bytes()).as_ref());
    let mut form = vec![
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", callback),
        ("scope", "openid"),
        ("state", "state-1"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("username", user.0),
        ("password", user.1),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    let response = http().post(format!("{}/login", issuer.base_url())).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 302);
    reqwest::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

/// A query parameter of `url`.
pub fn param(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

/// Posts `form` to the token endpoint; the status and the JSON answer.
pub async fn token_request(issuer: &TestIssuer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http().post(issuer.token_endpoint()).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Exchanges `code` for the public `client`, with `resource` if given.
pub async fn exchange(
    issuer: &TestIssuer,
    client: &str,
    callback: &str,
    code: &str,
    resource: Option<&str>,
) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client),
        ("code", code),
        ("redirect_uri", callback),
        ("code_verifier", VERIFIER),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    token_request(issuer, &form).await
}

/// Refreshes with `refresh_token` for the public `client`.
pub async fn refresh(issuer: &TestIssuer, client: &str, refresh_token: &str) -> (u16, Value) {
    token_request(
        issuer,
        &[("grant_type", "refresh_token"), ("client_id", client), ("refresh_token", refresh_token)],
    )
    .await
}
