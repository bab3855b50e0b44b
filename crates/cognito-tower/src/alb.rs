//! The middleware for services behind an Application Load Balancer that authenticates users:
//! verify the `x-amzn-oidc-data` header, put the `Arc<`[`AlbClaims`]`>` in the request, call the
//! service.
//!
//! It is a layer of its own rather than a [`TokenSource`] of
//! [`CognitoLayer`](crate::CognitoLayer) because the token is of another kind, verified by
//! another verifier ([`AlbVerifier`]: ES256, keys from the load balancer's key endpoint, signer
//! and client checks) into other claims. Everything else is shared with `CognitoLayer`:
//! required and optional modes, the RFC 6750 and gRPC rejections of [`AuthError`], the realm and
//! the [`OnRejection`] hook, and the [`AuthContext`] in the extensions.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::{Extension, Router, routing::get};
//! use cognito_tower::AlbLayer;
//! use cognito_verify::{AlbClaims, AlbVerifier};
//!
//! async fn hello(Extension(claims): Extension<Arc<AlbClaims>>) -> String {
//!     format!("hello {}", claims.email.as_deref().unwrap_or(&claims.sub))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = AlbVerifier::builder()
//!     .region("eu-west-1")
//!     .signer_arns(["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188"])
//!     .client_ids(["4a1bexampleclientid"])
//!     .build()?;
//! let app: Router = Router::new().route("/hello", get(hello)).layer(AlbLayer::new(verifier));
//! # Ok(()) }
//! ```
//!
//! To verify the Cognito access token the load balancer forwards in `x-amzn-oidc-accesstoken`
//! instead (scopes, groups, `token_use`), use `CognitoLayer` with
//! `TokenSource::header(HeaderName::from_static("x-amzn-oidc-accesstoken"))`.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use cognito_verify::{AlbClaims, AlbVerifier};
use http::{HeaderName, Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::body::ResponseBody;
use crate::context::AuthContext;
use crate::error::AuthError;
use crate::on_rejection::OnRejection;
use crate::token_source::TokenSource;

/// The header an Application Load Balancer puts the signed user claims in.
pub const ALB_DATA_HEADER: HeaderName = HeaderName::from_static("x-amzn-oidc-data");

/// Layer that verifies the `x-amzn-oidc-data` header on every request; see the
/// [module docs](self).
///
/// Required mode (the default) answers requests without a valid header itself; in
/// [`optional`](Self::optional) mode requests without the header pass through without claims.
/// Verified `Arc<`[`AlbClaims`]`>` go into the request extensions.
#[derive(Clone)]
pub struct AlbLayer {
    verifier: AlbVerifier,
    source: TokenSource,
    context: AuthContext,
}

impl fmt::Debug for AlbLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlbLayer")
            .field("verifier", &self.verifier)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl AlbLayer {
    /// Verify `x-amzn-oidc-data` with `verifier`, in required mode.
    pub fn new(verifier: AlbVerifier) -> Self {
        AlbLayer {
            verifier,
            source: TokenSource::header(ALB_DATA_HEADER),
            context: AuthContext::new::<AlbClaims>(),
        }
    }

    /// Let requests without the header through, without claims. A header that is present but
    /// invalid is still refused.
    pub fn optional(mut self) -> Self {
        self.context = self.context.modified(|c| c.optional = true);
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
    pub fn verifier(&self) -> &AlbVerifier {
        &self.verifier
    }
}

impl<S> Layer<S> for AlbLayer {
    type Service = AlbService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AlbService { inner, layer: self.clone() }
    }
}

/// Middleware that verifies the `x-amzn-oidc-data` header on every request; see [`AlbLayer`].
#[derive(Clone)]
pub struct AlbService<S> {
    inner: S,
    layer: AlbLayer,
}

impl<S: fmt::Debug> fmt::Debug for AlbService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlbService").field("inner", &self.inner).field("layer", &self.layer).finish()
    }
}

impl<S> AlbService<S> {
    /// Wrap `inner` with the default configuration of [`AlbLayer::new`].
    pub fn new(inner: S, verifier: AlbVerifier) -> Self {
        AlbLayer::new(verifier).layer(inner)
    }

    /// An [`AlbLayer`] that wraps services with this middleware.
    pub fn layer(verifier: AlbVerifier) -> AlbLayer {
        AlbLayer::new(verifier)
    }

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

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for AlbService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = AlbResponseFuture<S, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The clone goes back into `self`: the service that was polled ready handles this request.
        let clone = self.inner.clone();
        let mut inner = mem::replace(&mut self.inner, clone);
        let context = self.layer.context.clone();
        let found = self.layer.source.extract(request.headers());
        // The usual case: the key is cached, so verification completes here.
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
            return AlbResponseFuture { state };
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
                return AlbResponseFuture { state: State::Verifying { verify, pending } };
            }
            Ok(None) if context.is_optional() => {
                request.extensions_mut().insert(context);
                return AlbResponseFuture { state: State::Calling { fut: inner.call(request) } };
            }
            Ok(None) => AuthError::MissingToken,
            Err(error) => error,
        };
        let (parts, _body) = request.into_parts();
        let response = context.reject(&error, &parts);
        AlbResponseFuture { state: State::Rejected { response: Some(response) } }
    }
}

/// A failed verification, with the token's `kid` for the log (the token itself is gone).
struct Failure {
    error: AuthError,
    kid: Option<String>,
}

type VerifyFuture = Pin<Box<dyn Future<Output = Result<Arc<AlbClaims>, Failure>> + Send>>;

/// What the service call needs once the token has verified.
struct Pending<S, ReqBody> {
    request: Request<ReqBody>,
    service: S,
    context: AuthContext,
}

pin_project! {
    /// Response future of [`AlbService`]: verifying (while the key is fetched), then calling the
    /// service, or answering the rejection.
    pub struct AlbResponseFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Verifying {
            verify: VerifyFuture,
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

impl<S, ReqBody, ResBody> Future for AlbResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
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
                        pending.take().expect("AlbResponseFuture polled after completion");
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
                    let response = response.take().expect("AlbResponseFuture polled after completion");
                    return Poll::Ready(Ok(response.map(ResponseBody::rejection)));
                }
            }
        }
    }
}

impl<S, ReqBody> fmt::Debug for AlbResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Verifying { .. } => "Verifying",
            State::Calling { .. } => "Calling",
            State::Rejected { .. } => "Rejected",
        };
        f.debug_struct("AlbResponseFuture").field("state", &state).finish()
    }
}
