//! The HTTP side: routes, the JWKS and discovery handlers, and the server task.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
use crate::faults::{self, FaultSlot};
use crate::issuer_formats::{self, IssuerFormat};
use crate::lock::lock;
use crate::shared::Shared;
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
        .route("/{format}/{region}/{pool}/.well-known/jwks.json", get(format_jwks))
        .route("/oauth2/token", post(token_endpoint::token))
        .route("/oauth2/authorize", get(authorize::authorize))
        .route("/login", post(authorize::login))
        .route("/oauth2/revoke", post(sign_out::revoke))
        .route("/logout", get(sign_out::logout))
        .route("/oauth2/userInfo", get(user_info::user_info))
        .route("/alb-keys/{kid}", get(alb::key_endpoint))
        .with_state(shared)
}

/// What the pool's well-known endpoints do first: 404 for another pool's path, then count the
/// request and apply the endpoint's fault. `None`: go on with the normal answer.
async fn answered_early(
    shared: &Shared,
    pool: &str,
    requests: &AtomicU64,
    fault: &FaultSlot,
    conn: &ConnHandle,
) -> Option<Response> {
    if pool != shared.pool_id {
        return Some(StatusCode::NOT_FOUND.into_response());
    }
    requests.fetch_add(1, Ordering::SeqCst);
    faults::apply(fault.next(), conn).await
}

async fn jwks(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(pool): Path<String>,
) -> Response {
    if pool == shared.pool_id
        && let Some(refused) = shared.jwks_quota.admit()
    {
        shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
        return refused;
    }
    if let Some(response) =
        answered_early(&shared, &pool, &shared.jwks_requests, &shared.jwks_fault, &conn).await
    {
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

/// `GET /{format}/{region}/{pool}/.well-known/jwks.json`: the pool's keys where it issues tokens
/// under that format in that region ([`issuer_formats`]), with the updated format's own fault
/// first; 404 elsewhere.
async fn format_jwks(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path((format, region, pool)): Path<(String, String, String)>,
) -> Response {
    let Some(format) = issuer_formats::served_format(&shared, &format, &region, &pool) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if format == IssuerFormat::Updated
        && let Some(response) = faults::apply(shared.updated_format_jwks_fault.next(), &conn).await
    {
        shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
        return response;
    }
    jwks(State(shared), ConnectInfo(conn), Path(pool)).await
}

async fn discovery(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(pool): Path<String>,
) -> Response {
    let early =
        answered_early(&shared, &pool, &shared.discovery_requests, &shared.discovery_fault, &conn).await;
    if let Some(response) = early {
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
