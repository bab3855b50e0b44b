//! The caller on the application's own request span: a field convention.
//!
//! When a request is authenticated, the layer records the caller's `sub` and client (`client_id`
//! of an access token, the `aud` of an ID token) on the span that is current when the layer
//! runs, under the field names [`SUB_FIELD`] and [`CLIENT_ID_FIELD`]. `tracing` records only
//! fields a span declared when it was created, so an application that wants them declares both as
//! `tracing::field::Empty` in its request span, e.g. tower-http's `TraceLayer` outside the
//! layer:
//!
//! ```
//! use axum::{Router, routing::get};
//! use cognito_tower::{CLIENT_ID_FIELD, CognitoLayer, SUB_FIELD};
//! use cognito_verify::{CognitoVerifier, TokenUse};
//! use tower_http::trace::TraceLayer;
//!
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/orders", get(|| async { "[]" }))
//!     .layer(CognitoLayer::new(verifier))
//!     // Outside the Cognito layer, so its span is current when the caller is known.
//!     .layer(TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
//!         tracing::info_span!(
//!             "request",
//!             method = %request.method(),
//!             uri = %request.uri(),
//!             sub = tracing::field::Empty,       // SUB_FIELD
//!             client_id = tracing::field::Empty, // CLIENT_ID_FIELD
//!         )
//!     }));
//! # assert_eq!((SUB_FIELD, CLIENT_ID_FIELD), ("sub", "client_id"));
//! # Ok::<(), cognito_verify::ConfigError>(())
//! ```
//!
//! Every event inside the request then carries the caller. Nothing else of the token is
//! recorded; a span without these fields is left as it is (recording costs one lookup of the
//! current span, nothing when no subscriber is installed).

/// The request-span field the layer records the caller's `sub` in: `sub`.
pub const SUB_FIELD: &str = "sub";
/// The request-span field the layer records the caller's app client in (`client_id` of an
/// access token, `aud` of an ID token): `client_id`.
pub const CLIENT_ID_FIELD: &str = "client_id";

/// Records the caller on the current span (see the module documentation).
pub(crate) fn record_caller(sub: &str, client_id: Option<&str>) {
    let span = tracing::Span::current();
    if span.is_disabled() {
        return;
    }
    span.record(SUB_FIELD, sub);
    if let Some(client_id) = client_id {
        span.record(CLIENT_ID_FIELD, client_id);
    }
}
