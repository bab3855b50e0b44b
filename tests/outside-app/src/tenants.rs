//! An admin API on ID tokens with a custom claims type, as an application writes it: the claims
//! type named once (`AppClaims`), guards without a type parameter, and one route that asks for
//! the wrong claims type on purpose (`/mistyped`), which the tests expect to answer 500.

use axum::Router;
use axum::routing::get;
use cognito_axum::{Claims, CognitoClaims, CognitoLayer, CognitoVerifier, require_groups};
use serde::Deserialize;

/// The custom attributes this application reads.
#[derive(Debug, Deserialize)]
pub struct Tenant {
    /// `custom:tenant`, a custom attribute of the user pool (ID tokens carry it).
    #[serde(rename = "custom:tenant")]
    pub tenant: String,
}

/// The application's claims, named once.
pub type AppClaims = Claims<CognitoClaims<Tenant>>;

require_groups!(
    /// Tenant administrators.
    pub TenantAdmins: "tenant-admin"
);

/// `GET /tenant` (a group guard as an extractor), `GET /members` (the same guard as a route
/// layer), and the deliberately mistyped `GET /mistyped`.
pub fn app(verifier: CognitoVerifier<Tenant>) -> Router {
    Router::new()
        .route("/tenant", get(tenant))
        .route("/members", get(|| async { "[]" }).route_layer(TenantAdmins::layer()))
        .route("/mistyped", get(mistyped))
        .layer(CognitoLayer::new(verifier))
}

async fn tenant(_: TenantAdmins, claims: AppClaims) -> String {
    format!("{} administers {}", claims.sub(), claims.custom.tenant)
}

/// Asks for `Claims` (Cognito claims without custom ones) behind a layer with custom claims.
async fn mistyped(claims: Claims) -> String {
    claims.sub().to_owned()
}
