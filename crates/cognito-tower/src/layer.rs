//! The middleware: find the token, verify it, put the claims in the request, call the service.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::{Extension, Router, routing::get};
//! use cognito_tower::CognitoLayer;
//! use cognito_verify::{CognitoClaims, CognitoVerifier, TokenUse};
//!
//! async fn hello(Extension(claims): Extension<Arc<CognitoClaims>>) -> String {
//!     format!("hello {}", claims.sub)
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?;
//! let app: Router = Router::new().route("/hello", get(hello)).layer(CognitoLayer::new(verifier));
//! # Ok(()) }
//! ```
//!
//! The same layer protects a tonic server: `Server::builder().layer(CognitoLayer::new(verifier))`.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use cognito_verify::{CognitoClaims, CognitoVerifier, NoCustomClaims};
use http::{Request, Response};
use pin_project_lite::pin_project;
use serde::de::DeserializeOwned;
use tower::{Layer, Service};

use crate::body::ResponseBody;
use crate::context::AuthContext;
use crate::error::AuthError;
use crate::on_rejection::OnRejection;
use crate::token_source::{TokenSource, find_token};

/// Layer that verifies a Cognito token on every request; see the [module docs](self).
///
/// Required mode (the default) answers requests without a valid token itself and never calls
/// the service for them; [`optional`](Self::optional) mode lets requests without a token
/// through. Verified `Arc<`[`CognitoClaims<C>`]`>` go into the request extensions.
pub struct CognitoLayer<C = NoCustomClaims> {
    verifier: CognitoVerifier<C>,
    sources: Arc<[TokenSource]>,
    context: AuthContext,
}

impl<C> Clone for CognitoLayer<C> {
    fn clone(&self) -> Self {
        CognitoLayer {
            verifier: self.verifier.clone(),
            sources: Arc::clone(&self.sources),
            context: self.context.clone(),
        }
    }
}

impl<C> fmt::Debug for CognitoLayer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoLayer")
            .field("verifier", &self.verifier)
            .field("sources", &self.sources)
            .field("context", &self.context)
            .finish()
    }
}

impl<C: 'static> CognitoLayer<C> {
    /// Verify tokens with `verifier`, taken from `Authorization: Bearer`, in required mode.
    pub fn new(verifier: CognitoVerifier<C>) -> Self {
        CognitoLayer { verifier, sources: Arc::new([TokenSource::Bearer]), context: AuthContext::new::<C>() }
    }

    /// Let requests that carry no token through, without claims. A token that is present but
    /// invalid, or malformed credentials, are still refused.
    pub fn optional(mut self) -> Self {
        self.context = self.context.modified(|c| c.optional = true);
        self
    }

    /// Take the token from `source` only.
    pub fn token_source(self, source: TokenSource) -> Self {
        self.token_sources([source])
    }

    /// Take the token from the first of `sources` that has one, e.g. the `Authorization` header
    /// for API clients, then a cookie for browsers. A source with malformed credentials stops
    /// the search (400). With no sources, every request is without a token.
    pub fn token_sources(mut self, sources: impl IntoIterator<Item = TokenSource>) -> Self {
        self.sources = sources.into_iter().collect();
        self
    }

    /// Name a realm in `WWW-Authenticate` challenges (`Bearer realm="..."`).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        let realm = realm.into();
        self.context = self.context.modified(|c| c.realm = Some(realm));
        self
    }

    /// Answer refused requests with `hook` instead of the standard response; see
    /// [`OnRejection`].
    pub fn on_rejection(mut self, hook: impl OnRejection) -> Self {
        let hook: Arc<dyn OnRejection> = Arc::new(hook);
        self.context = self.context.modified(|c| c.hook = Some(hook));
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &CognitoVerifier<C> {
        &self.verifier
    }
}

impl<S, C> Layer<S> for CognitoLayer<C> {
    type Service = CognitoService<S, C>;

    fn layer(&self, inner: S) -> Self::Service {
        CognitoService { inner, layer: self.clone() }
    }
}

/// Middleware that verifies a Cognito token on every request; see [`CognitoLayer`].
pub struct CognitoService<S, C = NoCustomClaims> {
    inner: S,
    layer: CognitoLayer<C>,
}

impl<S: Clone, C> Clone for CognitoService<S, C> {
    fn clone(&self) -> Self {
        CognitoService { inner: self.inner.clone(), layer: self.layer.clone() }
    }
}

impl<S: fmt::Debug, C> fmt::Debug for CognitoService<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoService").field("inner", &self.inner).field("layer", &self.layer).finish()
    }
}

impl<S, C: 'static> CognitoService<S, C> {
    /// Wrap `inner` with the default configuration of [`CognitoLayer::new`].
    pub fn new(inner: S, verifier: CognitoVerifier<C>) -> Self {
        CognitoLayer::new(verifier).layer(inner)
    }

    /// A [`CognitoLayer`] that wraps services with this middleware.
    pub fn layer(verifier: CognitoVerifier<C>) -> CognitoLayer<C> {
        CognitoLayer::new(verifier)
    }
}

impl<S, C> CognitoService<S, C> {
    /// Gets a reference to the underlying service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Gets a mutable reference to the underlying service.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the underlying service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, C, ReqBody, ResBody> Service<Request<ReqBody>> for CognitoService<S, C>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    C: DeserializeOwned + Send + Sync + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody, C>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The clone goes back into `self`: the service that was polled ready handles this request.
        let clone = self.inner.clone();
        let mut inner = mem::replace(&mut self.inner, clone);
        let context = self.layer.context.clone();
        let found = find_token(&self.layer.sources, request.headers());
        // The usual case: the key is cached, so verification completes here, without a boxed
        // future.
        if let Ok(Some(token)) = &found
            && let Some(outcome) = self.layer.verifier.verify_now(token.as_str())
        {
            let state = match outcome {
                Ok(claims) => {
                    request.extensions_mut().insert(claims);
                    request.extensions_mut().insert(context);
                    State::Calling { fut: inner.call(request) }
                }
                Err(err) => {
                    let (parts, _body) = request.into_parts();
                    let response = context.reject_with_kid(&err.into(), token.peek_kid().as_deref(), &parts);
                    State::Rejected { response: Some(response) }
                }
            };
            return ResponseFuture { state };
        }
        let error = match found {
            Ok(Some(token)) => {
                let verifier = self.layer.verifier.clone();
                let verify = Box::pin(async move {
                    verifier
                        .verify(token.as_str())
                        .await
                        .map_err(|err| Failure { error: err.into(), kid: token.peek_kid() })
                });
                let pending = Some(Pending { request, service: inner, context });
                return ResponseFuture { state: State::Verifying { verify, pending } };
            }
            Ok(None) if context.is_optional() => {
                request.extensions_mut().insert(context);
                return ResponseFuture { state: State::Calling { fut: inner.call(request) } };
            }
            Ok(None) => AuthError::MissingToken,
            Err(error) => error,
        };
        let (parts, _body) = request.into_parts();
        let response = context.reject(&error, &parts);
        ResponseFuture { state: State::Rejected { response: Some(response) } }
    }
}

/// A failed verification, with the token's `kid` for the log (the token itself is gone).
struct Failure {
    error: AuthError,
    kid: Option<String>,
}

type VerifyFuture<C> = Pin<Box<dyn Future<Output = Result<Arc<CognitoClaims<C>>, Failure>> + Send>>;

/// What the service call needs once the token has verified.
struct Pending<S, ReqBody> {
    request: Request<ReqBody>,
    service: S,
    context: AuthContext,
}

pin_project! {
    /// Response future of [`CognitoService`]: verifying, then calling the service, or answering
    /// the rejection.
    pub struct ResponseFuture<S, ReqBody, C = NoCustomClaims>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody, C>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody, C>
    where
        S: Service<Request<ReqBody>>,
    {
        Verifying {
            verify: VerifyFuture<C>,
            pending: Option<Pending<S, ReqBody>>,
        },
        Calling {
            #[pin]
            fut: S::Future,
        },
        Rejected {
            response: Option<Response<Bytes>>,
        },
    }
}

impl<S, ReqBody, C, ResBody> Future for ResponseFuture<S, ReqBody, C>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    C: Send + Sync + 'static,
{
    type Output = Result<Response<ResponseBody<ResBody>>, S::Error>;

    // `expect` below: polling a future again after it completed is a caller bug, which tower's
    // futures answer with a panic too; no request data can cause it.
    #[allow(clippy::expect_used)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Verifying { verify, pending } => {
                    let outcome = ready!(verify.as_mut().poll(cx));
                    let Pending { mut request, mut service, context } =
                        pending.take().expect("ResponseFuture polled after completion");
                    match outcome {
                        Ok(claims) => {
                            request.extensions_mut().insert(claims);
                            request.extensions_mut().insert(context);
                            let fut = service.call(request);
                            this.state.set(State::Calling { fut });
                        }
                        Err(Failure { error, kid }) => {
                            let (parts, _body) = request.into_parts();
                            let response = context.reject_with_kid(&error, kid.as_deref(), &parts);
                            return Poll::Ready(Ok(response.map(ResponseBody::rejection)));
                        }
                    }
                }
                StateProj::Calling { fut } => {
                    return fut.poll(cx).map_ok(|response| response.map(ResponseBody::new));
                }
                StateProj::Rejected { response } => {
                    let response = response.take().expect("ResponseFuture polled after completion");
                    return Poll::Ready(Ok(response.map(ResponseBody::rejection)));
                }
            }
        }
    }
}

impl<S, ReqBody, C> fmt::Debug for ResponseFuture<S, ReqBody, C>
where
    S: Service<Request<ReqBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Verifying { .. } => "Verifying",
            State::Calling { .. } => "Calling",
            State::Rejected { .. } => "Rejected",
        };
        f.debug_struct("ResponseFuture").field("state", &state).finish()
    }
}
