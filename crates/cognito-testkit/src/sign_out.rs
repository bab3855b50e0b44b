//! Ending a sign-in: `POST /oauth2/revoke` (the refresh token and every token issued from it)
//! and `GET /logout` (the hosted login's own session, then a redirect to a sign-out URL).

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::authorize::{redirect, session_cookie};
use crate::client_auth;
use crate::lock::lock;
use crate::login_page::error_page;
use crate::login_state::HOSTED_SESSION_COOKIE;
use crate::oauth_error::{TokenError, no_store};
use crate::shared::Shared;

/// `POST /oauth2/revoke` with `token=<refresh token>` and the client's credentials.
///
/// A refresh token of another client is `unauthorized_client`; an access token is
/// `unsupported_token_type`; a token this issuer does not know is accepted with 200, as
/// RFC 7009 §2.2 asks.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    match revoke_token(&shared, &headers, pairs) {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(error) => error.into_response(),
    }
}

fn revoke_token(
    shared: &Shared,
    headers: &HeaderMap,
    pairs: Vec<(String, String)>,
) -> Result<(), TokenError> {
    let params = client_auth::unique_params(pairs)?;
    let client = client_auth::authenticate(shared, headers, &params)?;
    let token = params.get("token").ok_or(TokenError::InvalidRequest)?;
    let mut state = lock(&shared.hosted);
    if state.access_tokens.contains_key(token) {
        return Err(TokenError::UnsupportedTokenType);
    }
    let Some(grant) = state.refresh_tokens.get(token) else { return Ok(()) };
    if grant.client_id != client.client_id() {
        return Err(TokenError::UnauthorizedClient);
    }
    let origin_jti = grant.origin_jti.clone();
    if !state.is_revoked(&origin_jti) {
        state.revoked.push(origin_jti);
        state.counts.revocations += 1;
    }
    Ok(())
}

/// The query of `GET /logout`.
#[derive(Debug, Deserialize)]
pub(crate) struct LogoutQuery {
    client_id: Option<String>,
    logout_uri: Option<String>,
}

/// `GET /logout?client_id=...&logout_uri=...`: ends the hosted session of this browser and
/// redirects to `logout_uri`, which must be exactly one of the client's sign-out URLs (an
/// error page otherwise, and the session is kept).
pub(crate) async fn logout(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<LogoutQuery>,
) -> Response {
    let client = query.client_id.and_then(|id| lock(&shared.clients).get(&id).cloned());
    let Some(client) = client else {
        return error_page("Invalid client: unknown client_id.");
    };
    let Some(logout_uri) = query.logout_uri.filter(|uri| client.is_logout_url(uri)) else {
        return error_page("logout_uri is not a sign-out URL of this client.");
    };
    let mut state = lock(&shared.hosted);
    if let Some(session) = session_cookie(&headers) {
        state.sessions.remove(&session);
    }
    state.counts.logouts += 1;
    drop(state);
    let mut response = redirect(&logout_uri);
    let expired = format!("{HOSTED_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(cookie) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
