//! [`serve_router`]: an axum app on a loopback port, for tests that call it over real HTTP.

use std::net::SocketAddr;

use tokio::net::TcpListener;

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
    let (listener, addr) = bind_loopback().await;
    spawn_server(listener, router);
    addr
}

/// A listener on a free loopback port, and its address.
///
/// # Panics
/// If no loopback port can be bound.
pub(crate) async fn bind_loopback() -> (TcpListener, SocketAddr) {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(err) => panic!("cognito-testkit: cannot bind a loopback port: {err}"),
    };
    match listener.local_addr() {
        Ok(addr) => (listener, addr),
        Err(err) => panic!("cognito-testkit: the bound listener has no address: {err}"),
    }
}

/// Serves `router` on `listener` in a task on the current runtime.
pub(crate) fn spawn_server(listener: TcpListener, router: axum::Router) {
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::warn!(%err, "cognito-testkit: test server stopped");
        }
    });
}
