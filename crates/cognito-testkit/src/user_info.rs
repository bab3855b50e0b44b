//! `GET /oauth2/userInfo`: the signed-in user's attributes, for an access token issued by the
//! hosted login that is neither expired nor revoked and carries the `openid` scope.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::lock::lock;
use crate::oauth_error::no_store;
use crate::shared::Shared;

pub(crate) async fn user_info(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = token else {
        return challenge(StatusCode::UNAUTHORIZED, "Bearer");
    };
    let now = shared.clock.now();
    let mut state = lock(&shared.hosted);
    let issued = state
        .access_tokens
        .get(&token)
        .filter(|issued| now < issued.expires_at && !state.is_revoked(&issued.origin_jti))
        .cloned();
    let Some(issued) = issued else {
        return challenge(StatusCode::UNAUTHORIZED, "Bearer error=\"invalid_token\"");
    };
    if !issued.scopes.iter().any(|scope| scope == "openid") {
        return challenge(StatusCode::FORBIDDEN, "Bearer error=\"insufficient_scope\"");
    }
    let Some(user) = state.users.get(&issued.username).cloned() else {
        return challenge(StatusCode::UNAUTHORIZED, "Bearer error=\"invalid_token\"");
    };
    state.counts.user_info += 1;
    drop(state);
    let mut body = Map::new();
    body.insert("sub".to_owned(), Value::String(user.subject().to_owned()));
    body.insert("username".to_owned(), Value::String(user.username().to_owned()));
    if let Some(email) = user.email_address() {
        body.insert("email".to_owned(), Value::String(email.to_owned()));
        body.insert("email_verified".to_owned(), Value::String("true".to_owned()));
    }
    for (name, value) in user.attributes() {
        body.insert(name.clone(), value.clone());
    }
    no_store(Json(Value::Object(body)).into_response())
}

fn challenge(status: StatusCode, value: &'static str) -> Response {
    let mut response = status.into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(value));
    response
}
