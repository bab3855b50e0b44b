//! A tower layer that adds a client-credentials token to outgoing requests.
//!
//! Works with any `Service<http::Request<B>>` client: hyper's, or a tonic `Channel` for gRPC.
//!
//! ```no_run
//! use cognito_client::{ClientCredentials, ClientCredentialsLayer};
//! use tower::{Layer, Service};
//!
//! # async fn run<S, B>(tokens: ClientCredentials, client: S, request: http::Request<B>)
//! # -> Result<(), tower::BoxError>
//! # where S: Service<http::Request<B>> + Clone, S::Error: Into<tower::BoxError> {
//! // e.g. `client` = `tonic::transport::Channel`, then `MyServiceClient::new(authorized)`.
//! let mut authorized = ClientCredentialsLayer::new(tokens).layer(client);
//! std::future::poll_fn(|cx| authorized.poll_ready(cx)).await?;
//! let response = authorized.call(request).await?; // carries `Authorization: Bearer …`
//! # Ok(()) }
//! ```
//!
//! When no token can be obtained the request is not sent and the call fails with the
//! [`TokenError`] (downcast it from the [`BoxError`]). An `Authorization` header already on the
//! request is replaced.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Request;
use http::header::AUTHORIZATION;
use pin_project_lite::pin_project;
use tower::{BoxError, Layer, Service};

use crate::error::TokenError;
use crate::provider::ClientCredentials;
use crate::token::AccessToken;

/// Adds `Authorization: Bearer {token}` from a [`ClientCredentials`] provider to each request.
/// Use [`ClientCredentials::with_scopes`] for a layer with other scopes.
///
/// ```
/// use cognito_client::{ClientCredentials, ClientCredentialsLayer};
/// use tower::ServiceBuilder;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tokens = ClientCredentials::builder()
///     .domain("my-app", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .client_secret("s3cret")
///     .scopes(["transactions/post"])
///     .build()?;
/// // Around any tower client service taking `http::Request`s (hyper, a tonic `Channel`, ...).
/// let _layers = ServiceBuilder::new().layer(ClientCredentialsLayer::new(tokens));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClientCredentialsLayer {
    tokens: ClientCredentials,
}

impl ClientCredentialsLayer {
    /// A layer adding tokens for the provider's default scopes.
    pub fn new(tokens: ClientCredentials) -> Self {
        ClientCredentialsLayer { tokens }
    }
}

impl<S> Layer<S> for ClientCredentialsLayer {
    type Service = ClientCredentialsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientCredentialsService::new(inner, self.tokens.clone())
    }
}

/// The service made by [`ClientCredentialsLayer`]: adds `Authorization: Bearer` with a cached
/// token to each request, then calls `S`.
///
/// ```
/// use std::convert::Infallible;
///
/// use cognito_client::{ClientCredentials, ClientCredentialsService};
/// use http::{Request, Response};
/// use tower::service_fn;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tokens = ClientCredentials::builder()
///     .domain("my-app", "eu-west-1")
///     .client_id("4a1bexampleclientid")
///     .client_secret("s3cret")
///     .build()?;
/// let send = service_fn(|request: Request<String>| async move {
///     assert!(request.headers().contains_key("authorization"));
///     Ok::<_, Infallible>(Response::new(String::new()))
/// });
/// let _authorized = ClientCredentialsService::new(send, tokens);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClientCredentialsService<S> {
    inner: S,
    tokens: ClientCredentials,
}

impl<S> ClientCredentialsService<S> {
    /// Wraps `inner`, adding tokens from `tokens`.
    pub fn new(inner: S, tokens: ClientCredentials) -> Self {
        ClientCredentialsService { inner, tokens }
    }

    /// A layer wrapping services with this middleware.
    pub fn layer(tokens: ClientCredentials) -> ClientCredentialsLayer {
        ClientCredentialsLayer::new(tokens)
    }

    cognito_http::define_inner_service_accessors!();
}

type TokenFuture = Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send>>;

impl<S, B> Service<Request<B>> for ClientCredentialsService<S>
where
    S: Service<Request<B>> + Clone,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // Hot path: a fresh cached token, no boxed future, the ready service called at once.
        if let Some(token) = self.tokens.cached_token() {
            request.headers_mut().insert(AUTHORIZATION, token.authorization());
            return ResponseFuture { state: State::Called { future: self.inner.call(request) } };
        }
        // The token must be awaited first: keep the service that was polled ready for then.
        // https://docs.rs/tower/latest/tower/trait.Service.html#be-careful-when-cloning-inner-services
        let clone = self.inner.clone();
        let service = std::mem::replace(&mut self.inner, clone);
        let tokens = self.tokens.clone();
        let token: TokenFuture = Box::pin(async move { tokens.access_token().await });
        ResponseFuture { state: State::Token { token, request: Some(request), service } }
    }
}

pin_project! {
    /// The response future of [`ClientCredentialsService`].
    pub struct ResponseFuture<S, B>
    where
        S: Service<Request<B>>,
    {
        #[pin]
        state: State<S::Future, S, B>,
    }
}

pin_project! {
    // Waiting for a token (then `service`, already ready, gets `request`), or the inner
    // service has the request.
    #[project = StateProj]
    enum State<F, S, B> {
        Token {
            token: TokenFuture,
            request: Option<Request<B>>,
            service: S,
        },
        Called {
            #[pin]
            future: F,
        },
    }
}

impl<S, B> Future for ResponseFuture<S, B>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
{
    type Output = Result<S::Response, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Token { token, request, service } => {
                    let token = ready!(token.as_mut().poll(cx)).map_err(BoxError::from)?;
                    let Some(mut request) = request.take() else {
                        // Polled again after the request left: nothing sensible to do.
                        return Poll::Ready(Err(TokenError::Aborted.into()));
                    };
                    request.headers_mut().insert(AUTHORIZATION, token.authorization());
                    let future = service.call(request);
                    this.state.set(State::Called { future });
                }
                StateProj::Called { future } => return future.poll(cx).map_err(Into::into),
            }
        }
    }
}

impl<S, B> fmt::Debug for ResponseFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Token { .. } => "waiting for a token",
            State::Called { .. } => "called",
        };
        f.debug_struct("ResponseFuture").field("state", &state).finish()
    }
}
