//! `POST /oauth2/token`: the `client_credentials` grant with Cognito's answers and errors (with
//! `resource`, RFC 8707, the access token's `aud` is that resource), and
//! the dispatch to the hosted login's `authorization_code` and `refresh_token` grants
//! ([`code_grant`](crate::code_grant)).
//!
//! Client authentication is in [`client_auth`](crate::client_auth). Every input problem is an
//! OAuth error response; nothing here panics on request data.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Form;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::client::ClientRegistration;
use crate::client_auth;
use crate::code_grant;
use crate::conn::ConnHandle;
use crate::faults;
use crate::oauth_error::{TokenError, no_store};
use crate::shared::Shared;
use crate::token::TokenBuilder;

/// The handler: counts, applies the token fault, then answers the grant.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    shared.token_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(response) = faults::apply(shared.token_fault.next(), &conn).await {
        return response;
    }
    match grant(&shared, request).await {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(error = error.code(), "test issuer refused a token request");
            error.into_response()
        }
    }
}

async fn grant(shared: &Arc<Shared>, request: Request) -> Result<Response, TokenError> {
    let headers = request.headers().clone();
    let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
        .await
        .map_err(|_| TokenError::InvalidRequest)?;
    let params = client_auth::unique_params(pairs)?;
    let grant_type = params.get("grant_type").ok_or(TokenError::InvalidRequest)?;
    let client = client_auth::authenticate(shared, &headers, &params)?;
    match grant_type.as_str() {
        "client_credentials" => client_credentials(shared, &client, &params),
        "authorization_code" => code_grant::exchange_code(shared, &client, &params),
        "refresh_token" => code_grant::refresh(shared, &client, &params),
        _ => Err(TokenError::UnsupportedGrantType),
    }
}

fn client_credentials(
    shared: &Arc<Shared>,
    client: &ClientRegistration,
    params: &HashMap<String, String>,
) -> Result<Response, TokenError> {
    if !client.allows_client_credentials() {
        return Err(TokenError::UnauthorizedClient);
    }

    let mut granted: Vec<&str> = Vec::new();
    match params.get("scope").map(|s| s.split_whitespace()) {
        Some(requested) => {
            for scope in requested {
                if !client.allowed_scopes().iter().any(|s| s == scope) {
                    return Err(TokenError::InvalidScope);
                }
                if !granted.contains(&scope) {
                    granted.push(scope);
                }
            }
        }
        None => granted.extend(client.allowed_scopes().iter().map(String::as_str)),
    }
    if granted.is_empty() {
        return Err(TokenError::InvalidScope);
    }

    let lifetime = client.lifetime();
    let mut access = TokenBuilder::client_credentials(shared.clone(), client.client_id())
        .scopes(&granted)
        .lifetime(lifetime);
    if let Some(resource) = params.get("resource") {
        access = access.bound_to(client.audience(resource).ok_or(TokenError::InvalidTarget)?);
    }
    let access_token = access.try_sign().map_err(|_| TokenError::ServerError)?;
    let body = json!({
        "access_token": access_token,
        "expires_in": lifetime.as_secs(),
        "token_type": "Bearer",
    });
    Ok(no_store(Json(body).into_response()))
}
