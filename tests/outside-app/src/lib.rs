//! A resource server with one scope-protected route, as an application writes it, and an admin
//! API with custom claims ([`tenants`]).

pub mod tenants;

use axum::Router;
use axum::routing::get;
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier, require_scopes};

require_scopes!(
    /// Reading reports.
    pub ReadReports: "reports/read"
);

/// `GET /reports`, for tokens with the `reports/read` scope.
pub fn app(verifier: CognitoVerifier) -> Router {
    Router::new().route("/reports", get(reports)).layer(CognitoLayer::new(verifier))
}

async fn reports(_: ReadReports, claims: Claims) -> String {
    format!("reports for {}", claims.sub())
}
