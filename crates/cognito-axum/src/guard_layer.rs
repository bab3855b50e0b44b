//! Guards as route layers: the same checks as the guard extractors, for routes whose handlers
//! do not need the claims.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use cognito_http::define_inner_service_accessors;
use cognito_tower::ResponseBody;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::guard::{Guard, checked};
use crate::rejection::{AuthFailed, ClaimsRejection};

/// A route layer that lets through only requests whose claims pass the guard `G`.
///
/// Build it with the guard's `layer()` (`.route_layer(PostTransactions::layer())`) or
/// `GuardLayer::<PostTransactions>::new()`: the same layer, behind any auth layer.
///
/// The guard runs inside the auth layer, so that layer must wrap it (`.layer(..)` after
/// `.route_layer(..)`). Without an auth layer the guard answers 500, naming the missing layer.
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{AlbLayer, CognitoLayer, GuardLayer, require_groups};
///
/// require_groups!(Admins: "admin");
///
/// # fn apps(verifier: cognito_axum::CognitoVerifier, alb: cognito_axum::AlbVerifier) -> (Router, Router) {
/// let api = Router::new()
///     .route("/admin/users", get(|| async { "[]" }))
///     .route_layer(Admins::layer())
///     .layer(CognitoLayer::new(verifier));
/// let behind_alb = Router::new()
///     .route("/admin/users", get(|| async { "[]" }))
///     .route_layer(GuardLayer::<Admins>::new())
///     .layer(AlbLayer::new(alb));
/// # (api, behind_alb) }
/// ```
pub struct GuardLayer<G> {
    _guard: PhantomData<fn() -> G>,
}

impl<G: Guard> GuardLayer<G> {
    /// The route layer of the guard `G`.
    pub fn new() -> Self {
        GuardLayer { _guard: PhantomData }
    }
}

impl<G: Guard> Default for GuardLayer<G> {
    fn default() -> Self {
        GuardLayer::new()
    }
}

impl<G> Clone for GuardLayer<G> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<G> Copy for GuardLayer<G> {}

impl<G> fmt::Debug for GuardLayer<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardLayer").field("guard", &std::any::type_name::<G>()).finish()
    }
}

impl<S, G> Layer<S> for GuardLayer<G> {
    type Service = GuardService<S, G>;

    fn layer(&self, inner: S) -> Self::Service {
        GuardService { inner, _guard: PhantomData }
    }
}

/// Middleware that checks the guard `G` on the verified claims; see [`GuardLayer`].
///
/// ```
/// use std::convert::Infallible;
///
/// use cognito_axum::{GuardService, require_groups};
/// use http::{Request, Response, StatusCode};
/// use tower::{ServiceExt, service_fn};
///
/// require_groups!(Admins: "admin");
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let inner = service_fn(|_: Request<axum::body::Body>| async { Ok::<_, Infallible>(Response::new(axum::body::Body::empty())) });
/// let guarded = GuardService::<_, Admins>::new(inner);
/// // No auth layer ran before it: a misconfigured route, answered 500 (and logged).
/// let response = guarded.oneshot(Request::new(axum::body::Body::empty())).await.unwrap();
/// assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// # }
/// ```
pub struct GuardService<S, G> {
    inner: S,
    _guard: PhantomData<fn() -> G>,
}

impl<S, G: Guard> GuardService<S, G> {
    /// Wrap `inner` with the guard `G`.
    pub fn new(inner: S) -> Self {
        GuardService { inner, _guard: PhantomData }
    }
}

impl<S, G> GuardService<S, G> {
    define_inner_service_accessors!();
}

impl<S: Clone, G> Clone for GuardService<S, G> {
    fn clone(&self) -> Self {
        GuardService { inner: self.inner.clone(), _guard: PhantomData }
    }
}

impl<S: fmt::Debug, G> fmt::Debug for GuardService<S, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardService")
            .field("inner", &self.inner)
            .field("guard", &std::any::type_name::<G>())
            .finish()
    }
}

impl<S, G, ReqBody, ResBody> Service<Request<ReqBody>> for GuardService<S, G>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    G: Guard,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = GuardFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let error = match checked::<G>(request.extensions()) {
            Ok(Ok(_guard)) => {
                return GuardFuture { state: State::Calling { future: self.inner.call(request) } };
            }
            Ok(Err(error)) => error,
            Err(misconfigured) => return GuardFuture::rejected(misconfigured),
        };
        let (parts, _body) = request.into_parts();
        GuardFuture::rejected(AuthFailed::new(error, &parts).into())
    }
}

pin_project! {
    /// Response future of [`GuardService`].
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
            future: F,
        },
        Rejected {
            response: Option<Response<Bytes>>,
        },
    }
}

impl<F> GuardFuture<F> {
    fn rejected(rejection: ClaimsRejection) -> Self {
        GuardFuture { state: State::Rejected { response: Some(rejection.into_bytes_response()) } }
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
            StateProj::Calling { future } => {
                future.poll(cx).map_ok(|response| response.map(ResponseBody::new))
            }
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
