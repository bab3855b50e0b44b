//! [`TestApp`]: an app under test on a loopback port with an HTTP client pointed at it, and
//! [`response_header`] for reading its answers.

use axum::Router;
use reqwest::{Method, RequestBuilder, Response};
use tokio::net::TcpListener;

use crate::serve::{bind_loopback, serve_router, spawn_server};

/// An axum app served on `127.0.0.1` (see [`serve_router`]) and a client to call it, so that a
/// test reads as requests and answers: `app.get("/me").bearer_auth(token).send()`.
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_testkit::TestApp;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = TestApp::serve(Router::new().route("/health", get(|| async { "ok" }))).await;
/// let response = app.get("/health").send().await.unwrap();
/// assert_eq!(response.text().await.unwrap(), "ok");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestApp {
    base_url: String,
    http: reqwest::Client,
}

impl TestApp {
    /// Serves `router` on a free loopback port for as long as the runtime runs.
    ///
    /// # Panics
    /// As [`serve_router`]: if no loopback port can be bound, or outside a Tokio runtime.
    pub async fn serve(router: Router) -> TestApp {
        let addr = serve_router(router).await;
        TestApp { base_url: format!("http://{addr}"), http: reqwest::Client::new() }
    }

    /// Binds a free loopback port for an app whose router needs its own URL (a sign-in redirect
    /// URI, an allowed origin); [`serve`](TestAppPort::serve) the router on it once built.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use cognito_testkit::TestApp;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let port = TestApp::bind().await;
    /// let callback = port.url("/auth/callback"); // known before the router is built
    /// let app = port.serve(Router::new().route("/", get(move || async move { callback }))).await;
    /// let body = app.get("/").send().await.unwrap().text().await.unwrap();
    /// assert_eq!(body, app.url("/auth/callback"));
    /// # }
    /// ```
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn bind() -> TestAppPort {
        let (listener, addr) = bind_loopback().await;
        TestAppPort { listener, base_url: format!("http://{addr}") }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base_url}{path}`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The client requests are sent with (one connection pool for the whole test).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A request with `method` to `path`, ready for headers and a body.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }
}

/// A loopback port bound for a [`TestApp`] not built yet: from [`TestApp::bind`].
#[derive(Debug)]
pub struct TestAppPort {
    listener: TcpListener,
    base_url: String,
}

impl TestAppPort {
    /// `http://127.0.0.1:PORT`: the app's base URL once served.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base_url}{path}`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Serves `router` on this port for as long as the runtime runs.
    pub async fn serve(self, router: Router) -> TestApp {
        spawn_server(self.listener, router);
        TestApp { base_url: self.base_url, http: reqwest::Client::new() }
    }
}

/// The value of the header `name` of `response`, or `""` when it has none.
///
/// # Panics
/// If the value is not visible ASCII (a header the app under test should never write).
pub fn response_header<'a>(response: &'a Response, name: &str) -> &'a str {
    match response.headers().get(name) {
        Some(value) => value
            .to_str()
            .unwrap_or_else(|_| panic!("cognito-testkit: header {name} is not visible ASCII: {value:?}")),
        None => "",
    }
}
