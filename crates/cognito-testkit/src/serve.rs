//! [`serve_router`]: an axum app on a loopback port, for tests that call it over real HTTP.

use std::net::SocketAddr;

/// Serves `router` on `127.0.0.1:0` in a task on the current Tokio runtime and returns the
/// address it listens on, e.g. to call `http://{addr}/path` with a real HTTP client.
///
/// The server lives as long as the runtime (for `#[tokio::test]`, the test).
///
/// ```
/// use axum::{Router, routing::get};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let addr = cognito_testkit::serve_router(Router::new().route("/health", get(|| async { "ok" }))).await;
/// assert!(addr.ip().is_loopback());
/// # }
/// ```
///
/// # Panics
/// If no loopback port can be bound, or outside a Tokio runtime.
pub async fn serve_router(router: axum::Router) -> SocketAddr {
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(err) => panic!("cognito-testkit: cannot bind a loopback port: {err}"),
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => panic!("cognito-testkit: the bound listener has no address: {err}"),
    };
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::warn!(%err, "cognito-testkit: test server stopped");
        }
    });
    addr
}
