//! The HTTP side: routes, the JWKS and discovery handlers, and the server task.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::alb;
use crate::authorize;
use crate::conn::{ConnHandle, KillableListener};
use crate::faults;
use crate::issuer::{Shared, lock};
use crate::issuer_formats;
use crate::sign_out;
use crate::token_endpoint;
use crate::user_info;

/// Serves `shared` on `listener` until the task is aborted.
pub(crate) async fn serve(listener: KillableListener, shared: Arc<Shared>) {
    let app = router(shared).into_make_service_with_connect_info::<ConnHandle>();
    if let Err(err) = axum::serve(listener, app).await {
        tracing::warn!(%err, "test issuer server stopped");
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/{pool}/.well-known/jwks.json", get(jwks))
        .route("/{pool}/.well-known/openid-configuration", get(discovery))
        .route("/{format}/{region}/{pool}/.well-known/jwks.json", get(issuer_formats::jwks))
        .route("/oauth2/token", post(token_endpoint::token))
        .route("/oauth2/authorize", get(authorize::authorize))
        .route("/login", post(authorize::login))
        .route("/oauth2/revoke", post(sign_out::revoke))
        .route("/logout", get(sign_out::logout))
        .route("/oauth2/userInfo", get(user_info::user_info))
        .route("/alb-keys/{kid}", get(alb::key_endpoint))
        .with_state(shared)
}

pub(crate) async fn jwks(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(pool): Path<String>,
) -> Response {
    if pool != shared.pool_id {
        return StatusCode::NOT_FOUND.into_response();
    }
    shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(response) = faults::apply(shared.jwks_fault.next(), &conn).await {
        return response;
    }
    let body = lock(&shared.keys).jwks();
    let mut response = Json(body).into_response();
    let max_age = *lock(&shared.jwks_max_age);
    if let Some(max_age) = max_age {
        let value = format!("max-age={}", max_age.as_secs());
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::CACHE_CONTROL, value);
        }
    }
    response
}

async fn discovery(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(pool): Path<String>,
) -> Response {
    if pool != shared.pool_id {
        return StatusCode::NOT_FOUND.into_response();
    }
    shared.discovery_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(response) = faults::apply(shared.discovery_fault.next(), &conn).await {
        return response;
    }
    Json(discovery_document(&shared)).into_response()
}

/// The OpenID configuration, with the fields Cognito publishes.
fn discovery_document(shared: &Shared) -> Value {
    let base = &shared.base_url;
    let issuer = &shared.issuer_url;
    let mut scopes: Vec<String> =
        ["openid", "email", "phone", "profile"].into_iter().map(str::to_owned).collect();
    for client in lock(&shared.clients).values() {
        for scope in client.allowed_scopes() {
            if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
    }
    json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": scopes,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
    })
}
