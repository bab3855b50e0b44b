//! Calls to the user pool domain: the `authorization_code` and `refresh_token` grants on
//! `/oauth2/token`, and `/oauth2/revoke`.
//!
//! A client with a secret authenticates with HTTP Basic (`client_secret_basic`, id and secret
//! form-urlencoded first, RFC 6749 §2.3.1); a public client sends its `client_id` in the form.
//! With two secrets (a rotation), an `invalid_client` answer is followed by one try with the
//! other secret, which stays in use if it works.
//!
//! The form (code, PKCE verifier, refresh token) is sent as a body that cannot be replayed: an
//! application's HTTP client that follows redirects does not re-post it on a 307 / 308, and
//! drops the `Authorization` header on a redirect to another origin (reqwest 0.13).

use cognito_http::{BodyError, Secret, describe, read_capped};
use serde::Deserialize;
use url::Url;

use crate::config::LoginConfig;
use crate::error::LoginError;

/// Default largest token response read (Cognito's are a few KiB).
pub(crate) const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// A successful token response.
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) id_token: Option<String>,
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
}

/// Exchanges an authorization code, proving possession of the PKCE verifier.
pub(crate) async fn exchange_code(
    http: &reqwest::Client,
    config: &LoginConfig,
    code: &str,
    verifier: &str,
) -> Result<TokenResponse, LoginError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", config.redirect_uri.as_str()),
        ("code_verifier", verifier),
    ];
    // RFC 8707 §2.2: the resource of the authorization request, again on the token request.
    if let Some(resource) = &config.resource {
        form.push(("resource", resource));
    }
    let body = post(http, config, config.endpoints.token(), &form).await?;
    serde_json::from_slice(&body)
        .map_err(|_| LoginError::Unavailable("token response is not the expected JSON".into()))
}

/// Refreshes the session's tokens.
pub(crate) async fn refresh(
    http: &reqwest::Client,
    config: &LoginConfig,
    refresh_token: &str,
) -> Result<TokenResponse, LoginError> {
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
    let body = post(http, config, config.endpoints.token(), &form).await?;
    serde_json::from_slice(&body)
        .map_err(|_| LoginError::Unavailable("token response is not the expected JSON".into()))
}

/// Revokes a refresh token (and the access tokens issued from it).
pub(crate) async fn revoke(
    http: &reqwest::Client,
    config: &LoginConfig,
    refresh_token: &str,
) -> Result<(), LoginError> {
    post(http, config, config.endpoints.revoke(), &[("token", refresh_token)]).await.map(drop)
}

/// Posts `form` with the secret in use; on `invalid_client`, once more with the other secret
/// of a rotation.
async fn post(
    http: &reqwest::Client,
    config: &LoginConfig,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<Vec<u8>, LoginError> {
    let Some(secrets) = &config.client_secrets else {
        return post_with(http, config, url, form, None).await;
    };
    let candidates = secrets.candidates().await;
    // Never returned: `candidates` always holds at least the source's last value.
    let mut result = Err(LoginError::Unavailable("no client secret".into()));
    for (index, secret) in candidates.iter().enumerate() {
        result = post_with(http, config, url, form, Some(secret)).await;
        match &result {
            Ok(_) => {
                secrets.worked(secret);
                break;
            }
            Err(err) if err.is_oauth("invalid_client") && index + 1 < candidates.len() => {
                tracing::warn!(
                    "the token endpoint refused the client secret in use (invalid_client); trying the other one"
                );
            }
            Err(_) => break,
        }
    }
    result
}

async fn post_with(
    http: &reqwest::Client,
    config: &LoginConfig,
    url: &Url,
    form: &[(&str, &str)],
    secret: Option<&Secret>,
) -> Result<Vec<u8>, LoginError> {
    let mut request = http
        .post(url.clone())
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .timeout(config.timeout);
    if let Some(secret) = secret {
        request = request.basic_auth(encode(&config.client_id), Some(encode(secret.expose())));
    }
    // Not replayable: see the module documentation.
    let request = request.body(reqwest::Body::wrap(form_body(config, form, secret.is_none())));
    let unavailable = |err: &reqwest::Error| LoginError::Unavailable(describe(err, "token endpoint"));
    let mut response = request.send().await.map_err(|err| unavailable(&err))?;
    cognito_http::check_response_url(&response, url.as_str(), "token endpoint")
        .map_err(LoginError::Unavailable)?;
    let status = response.status();
    let body = match read_capped(&mut response, config.max_response_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return Err(LoginError::Unavailable(format!(
                "response over {} bytes",
                config.max_response_bytes
            )));
        }
        Err(BodyError::Transport(err)) => return Err(unavailable(&err)),
    };
    if status.is_success() {
        return Ok(body);
    }
    let error = serde_json::from_slice::<OAuthError>(&body)
        .map(|e| e.error)
        .unwrap_or_else(|_| "no OAuth error in the body".to_owned());
    Err(LoginError::TokenEndpoint { status: status.as_u16(), error })
}

/// The form, with `client_id` for a public client.
fn form_body(config: &LoginConfig, form: &[(&str, &str)], public: bool) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(form);
    if public {
        body.append_pair("client_id", &config.client_id);
    }
    body.finish()
}

/// `application/x-www-form-urlencoded` encoding, as RFC 6749 §2.3.1 asks for Basic credentials.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
