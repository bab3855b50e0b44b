//! Requirements as route layers: the same checks as the extractors, for routes whose handlers
//! do not need the claims.
//!
//! ```
//! use axum::{Router, routing::get};
//! use cognito_axum::{CognitoLayer, group_set, require_groups, require_scopes, scope_set};
//!
//! scope_set!(GetTransactions = any_of["transactions/get"]);
//! group_set!(Admins = any_of["admin"]);
//!
//! # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
//! let transactions = Router::new()
//!     .route("/transactions", get(|| async { "[]" }))
//!     .route_layer(require_scopes::<GetTransactions>());
//! let admin = Router::new()
//!     .route("/admin/users", get(|| async { "[]" }))
//!     .route_layer(require_groups::<Admins>());
//! transactions.merge(admin).layer(CognitoLayer::new(verifier))
//! # }
//! ```
//!
//! The guard runs inside the [`CognitoLayer`](cognito_tower::CognitoLayer), so the layer must
//! wrap it (`.layer(..)` after `.route_layer(..)`, as above). Without a layer the guard answers
//! 500, naming the missing layer.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use cognito_tower::{AuthError, ResponseBody};
use cognito_verify::{CognitoClaims, NoCustomClaims};
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::claims::verified;
use crate::rejection::{AuthFailed, ClaimsRejection};
use crate::requirement::{RequiredGroups, RequiredScopes, check_groups, check_scopes};

type Check<C> = fn(&CognitoClaims<C>) -> Result<(), AuthError>;

/// A route layer that lets through only requests whose claims meet a requirement.
///
/// Build with [`require_scopes`] / [`require_groups`], or, for custom claims types,
/// `GuardLayer::<MyClaims>::scopes::<S>()`.
pub struct GuardLayer<C = NoCustomClaims> {
    check: Check<C>,
    requirement: &'static str,
}

/// A guard for the scopes of `S`: `.route_layer(require_scopes::<S>())`.
pub fn require_scopes<S: RequiredScopes>() -> GuardLayer {
    GuardLayer::scopes::<S>()
}

/// A guard for the groups of `G`: `.route_layer(require_groups::<G>())`.
pub fn require_groups<G: RequiredGroups>() -> GuardLayer {
    GuardLayer::groups::<G>()
}

impl<C: Send + Sync + 'static> GuardLayer<C> {
    /// A guard for the scopes of `S`.
    pub fn scopes<S: RequiredScopes>() -> Self {
        GuardLayer { check: check_scopes::<S, C>, requirement: std::any::type_name::<S>() }
    }

    /// A guard for the groups of `G`.
    pub fn groups<G: RequiredGroups>() -> Self {
        GuardLayer { check: check_groups::<G, C>, requirement: std::any::type_name::<G>() }
    }
}

impl<C> Clone for GuardLayer<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for GuardLayer<C> {}

impl<C> fmt::Debug for GuardLayer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardLayer").field("requirement", &self.requirement).finish()
    }
}

impl<S, C> Layer<S> for GuardLayer<C> {
    type Service = Guard<S, C>;

    fn layer(&self, inner: S) -> Self::Service {
        Guard { inner, layer: *self }
    }
}

/// Middleware that checks a requirement on the verified claims; see [`GuardLayer`].
pub struct Guard<S, C = NoCustomClaims> {
    inner: S,
    layer: GuardLayer<C>,
}

impl<S, C> Guard<S, C> {
    /// Wrap `inner` with the requirement of `layer`.
    pub fn new(inner: S, layer: GuardLayer<C>) -> Self {
        Guard { inner, layer }
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

impl<S: Clone, C> Clone for Guard<S, C> {
    fn clone(&self) -> Self {
        Guard { inner: self.inner.clone(), layer: self.layer }
    }
}

impl<S: fmt::Debug, C> fmt::Debug for Guard<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard").field("inner", &self.inner).field("layer", &self.layer).finish()
    }
}

impl<S, C, ReqBody, ResBody> Service<Request<ReqBody>> for Guard<S, C>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    C: Send + Sync + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = GuardFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let error = match verified::<C>(request.extensions()) {
            Ok(Some(claims)) => match (self.layer.check)(&claims) {
                Ok(()) => return GuardFuture { state: State::Calling { fut: self.inner.call(request) } },
                Err(error) => error,
            },
            Ok(None) => AuthError::MissingToken,
            Err(rejection) => return GuardFuture::rejected(rejection.into_bytes_response()),
        };
        let (parts, _body) = request.into_parts();
        GuardFuture::rejected(ClaimsRejection::from(AuthFailed::new(error, &parts)).into_bytes_response())
    }
}

pin_project! {
    /// Response future of [`Guard`].
    pub struct GuardFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Calling {
            #[pin]
            fut: F,
        },
        Rejected {
            response: Option<Response<Bytes>>,
        },
    }
}

impl<F> GuardFuture<F> {
    fn rejected(response: Response<Bytes>) -> Self {
        GuardFuture { state: State::Rejected { response: Some(response) } }
    }
}

impl<F, B, E> Future for GuardFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    // `expect`: polling after completion is a caller bug, answered with a panic as in tower.
    #[allow(clippy::expect_used)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Calling { fut } => fut.poll(cx).map_ok(|response| response.map(ResponseBody::new)),
            StateProj::Rejected { response } => {
                let response = response.take().expect("GuardFuture polled after completion");
                Poll::Ready(Ok(response.map(ResponseBody::rejection)))
            }
        }
    }
}

impl<F> fmt::Debug for GuardFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Calling { .. } => "Calling",
            State::Rejected { .. } => "Rejected",
        };
        f.debug_struct("GuardFuture").field("state", &state).finish()
    }
}
