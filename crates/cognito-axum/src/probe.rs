//! Catching a misconfigured router in a test, before a user does: [`misconfigured_routes`].

use axum::Router;
use axum::body::Body;
use http::{Method, Request, header};
use tower::ServiceExt;

use crate::rejection::Misconfigured;

/// Sends one request per `(method, path)` through `router`, with `token` as a bearer token, and
/// returns, for each route that answers as misconfigured (no auth layer, or an extractor or
/// guard that cannot read the layer's claims), the route and the log text saying what to fix.
/// Empty when every route is set up right.
///
/// Meant for a test that probes the application's router once, with a token the testkit signed
/// (the handlers run: probe routes whose handlers are safe to call). A route answering 401, 403
/// or 200 is set up right; only the 500s of a misconfiguration are reported.
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{Claims, CognitoClaims, misconfigured_routes};
/// use http::Method;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // No auth layer: every route that reads claims is misconfigured.
/// let app: Router = Router::new()
///     .route("/me", get(|claims: Claims| async move { claims.sub().to_owned() }))
///     .route("/health", get(|| async { "ok" }));
/// let found = misconfigured_routes(&app, "a-token", [(Method::GET, "/me"), (Method::GET, "/health")]).await;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].0, "GET /me");
/// assert!(found[0].1.contains("Missing auth layer"));
/// # }
/// ```
pub async fn misconfigured_routes<'a>(
    router: &Router,
    token: &str,
    routes: impl IntoIterator<Item = (Method, &'a str)>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (method, path) in routes {
        let route = format!("{method} {path}");
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty());
        let Ok(request) = request else {
            found.push((route, "not a valid request path".to_owned()));
            continue;
        };
        let Ok(response) = router.clone().oneshot(request).await;
        if let Some(Misconfigured(log)) = response.extensions().get::<Misconfigured>() {
            found.push((route, log.clone()));
        }
    }
    found
}
