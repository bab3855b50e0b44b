//! One axum app on AWS Lambda, in either of the two usual setups, with the same handlers:
//!
//! - [`Setup::VerifyToken`]: the function verifies the Cognito access token itself with a
//!   `CognitoLayer` (behind a Lambda function URL, or API Gateway without an authorizer);
//! - [`Setup::TrustApiGateway`]: API Gateway's Cognito user pool authorizer (REST API) or JWT
//!   authorizer (HTTP API) verified the token, and an `ApiGatewayLayer` reads the claims it put
//!   in the event (and refuses events without them).
//!
//! | route | needs |
//! |---|---|
//! | `GET /health` | nothing (public) |
//! | `GET /me` | a signed-in caller: answers with their name, groups and scopes |
//! | `GET /transactions` | scope `transactions/get` |
//! | `GET /admin` | group `admin` |
//!
//! The handlers take `Claims` and guards from `cognito-axum` and cannot tell the setups apart.
//! [`router`] is the whole app; [`on_lambda`] adapts it to the paths `lambda_http` reports.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod events;

use axum::routing::get;
use axum::{Json, Router};
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, require_groups, require_scopes};
use cognito_tower::{ApiGatewayLayer, TrustApiGateway};
use lambda_http::RequestExt;
use serde_json::{Value, json};
use tower::Layer;
use tower::util::{MapRequest, MapRequestLayer};

/// The environment variable that chooses the setup on Lambda: `verify` (the default) or
/// `api-gateway`.
pub const SETUP_ENV: &str = "COGNITO_LAMBDA_AUTH";
/// The environment variable Lambda sets for the runtime API: its presence means "on Lambda".
pub const RUNTIME_API_ENV: &str = "AWS_LAMBDA_RUNTIME_API";
/// Where the example listens when run locally, unless `LISTEN_ADDR` says otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3002";
/// The group `/admin` requires.
pub const ADMIN_GROUP: &str = "admin";
/// The scope `/transactions` requires.
pub const SCOPE_GET: &str = "transactions/get";

require_groups!(
    /// Members of the `admin` group.
    pub Admins: "admin"
);
require_scopes!(
    /// Listing transactions.
    pub GetTransactions: "transactions/get"
);

/// How the function learns who the caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// Verify the bearer token in the function (`CognitoLayer`).
    VerifyToken,
    /// Trust the claims of API Gateway's authorizer (`ApiGatewayLayer`).
    TrustApiGateway,
}

impl Setup {
    /// The setup named by `value` (the content of [`SETUP_ENV`]): unset or `verify` verifies
    /// tokens, `api-gateway` trusts the authorizer; anything else is an error, so a typo cannot
    /// silently choose a setup.
    pub fn from_env_value(value: Option<&str>) -> Result<Setup, String> {
        match value.map(str::trim) {
            None | Some("" | "verify") => Ok(Setup::VerifyToken),
            Some("api-gateway") => Ok(Setup::TrustApiGateway),
            Some(other) => Err(format!("{SETUP_ENV}={other:?}: expected `verify` or `api-gateway`")),
        }
    }
}

/// The app: the routes behind the layer of `setup`, built from `verifier` (which should accept
/// access tokens of the pool and app client the API serves; in the trusted setup its
/// configuration checks the authorizer's claims and it never fetches a key).
pub fn router(setup: Setup, verifier: CognitoVerifier) -> Router {
    let routes = Router::new()
        .route("/me", get(me))
        .route("/transactions", get(transactions))
        .route("/admin", get(admin));
    let routes = match setup {
        Setup::VerifyToken => routes.layer(CognitoLayer::new(verifier)),
        Setup::TrustApiGateway => routes.layer(ApiGatewayLayer::new(TrustApiGateway::new(verifier))),
    };
    Router::new().route("/health", get(|| async { "ok" })).merge(routes)
}

/// The service `lambda_http::run` serves: `app`, seeing the path the client asked for.
/// (`lambda_http` puts a REST API's stage in front of the path, `/prod/me`; the routes are
/// the same locally and on Lambda without it.)
pub fn on_lambda(app: Router) -> MapRequest<Router, fn(lambda_http::Request) -> lambda_http::Request> {
    MapRequestLayer::new(path_without_stage as fn(lambda_http::Request) -> lambda_http::Request).layer(app)
}

/// The request with the path API Gateway received, without the stage `lambda_http` added.
fn path_without_stage(mut request: lambda_http::Request) -> lambda_http::Request {
    let raw_path = request.extensions().raw_http_path();
    if raw_path.is_empty() || raw_path == request.uri().path() {
        return request;
    }
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{raw_path}?{query}"),
        None => raw_path.to_owned(),
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = path_and_query.parse() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

async fn me(claims: Claims) -> Json<Value> {
    let mut scopes: Vec<&str> = claims.scopes().iter().collect();
    scopes.sort_unstable();
    Json(json!({
        "sub": claims.sub(),
        "username": claims.user_name(),
        "groups": claims.groups(),
        "scopes": scopes,
    }))
}

async fn transactions(_: GetTransactions, claims: Claims) -> Json<Value> {
    Json(json!({ "owner": claims.sub(), "transactions": [] }))
}

async fn admin(_: Admins, claims: Claims) -> String {
    format!("hello admin {}", claims.user_name().unwrap_or(claims.sub()))
}
