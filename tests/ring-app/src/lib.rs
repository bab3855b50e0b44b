//! An application that already uses rustls with the ring provider for its own TLS connections,
//! and protects a route with cognito-axum.

use axum::Router;
use axum::routing::get;
use cognito_axum::{Claims, CognitoLayer, CognitoVerifier};

/// `GET /me`, for any verified token.
pub fn app(verifier: CognitoVerifier) -> Router {
    Router::new().route("/me", get(me)).layer(CognitoLayer::new(verifier))
}

async fn me(claims: Claims) -> String {
    claims.sub().to_owned()
}

/// The application's own TLS client configuration, built as rustls documents it. `builder()`
/// takes the process-level `CryptoProvider`, installing the one rustls's crate features name
/// when none is installed yet; it panics when those features name two (ring and aws-lc-rs).
pub fn own_tls_config() -> rustls::ClientConfig {
    rustls::ClientConfig::builder()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}
