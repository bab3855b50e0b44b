//! The middleware: find the token, authenticate, put the claims in the request, call the service.

use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use cognito_verify::jws::peek_kid;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::authenticate::{Authenticate, Credentials};
use crate::body::ResponseBody;
use crate::context::AuthContext;
use crate::error::AuthError;
use crate::on_rejection::OnRejection;
use crate::other_schemes::OtherSchemes;
use crate::scopes_and_groups::ScopesAndGroups;
use crate::token_source::{Token, TokenSource, find_token};

/// Layer that authenticates every request with `A` before the service sees it.
///
/// [`CognitoLayer`](crate::CognitoLayer) and [`AlbLayer`](crate::AlbLayer) are this layer with a
/// Cognito or ALB verifier; any [`Authenticate`] implementation plugs in the same way.
///
/// Required mode (the default) answers requests without valid credentials itself and never
/// calls the service for them; [`optional`](Self::optional) mode lets requests without
/// credentials through, without claims. Authenticated requests reach the service with
/// `Arc<A::Claims>` and an [`AuthContext`] in their extensions.
///
/// ```
/// use std::sync::Arc;
///
/// use axum::{Extension, Router, routing::get};
/// use cognito_tower::{CognitoLayer, TokenSource};
/// use cognito_verify::{CognitoClaims, CognitoVerifier, TokenUse};
///
/// async fn hello(Extension(claims): Extension<Arc<CognitoClaims>>) -> String {
///     format!("hello {}", claims.sub())
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// let layer = CognitoLayer::new(verifier)
///     .token_sources([TokenSource::Bearer, TokenSource::cookie("access_token")])
///     .realm("api");
/// let app: Router = Router::new().route("/hello", get(hello)).layer(layer);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthLayer<A> {
    authenticator: A,
    sources: Arc<[TokenSource]>,
    context: AuthContext,
}

impl<A: Authenticate> AuthLayer<A> {
    /// Authenticate with `authenticator`, taking the token from its default
    /// [`token_sources`](Authenticate::token_sources), in required mode.
    pub fn new(authenticator: A) -> Self {
        let sources = authenticator.token_sources().into();
        AuthLayer { authenticator, sources, context: AuthContext::new::<A>() }
    }

    /// Let scope and group guards check this layer's claims as [`ScopesAndGroups`]: for
    /// authenticators that do not say so themselves
    /// ([`Authenticate::scopes_and_groups`]), such as closures. The verifiers' layers
    /// (`CognitoLayer`, `AlbLayer`, ...) need no such call.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use cognito_tower::{AuthError, AuthLayer, Credentials, ScopesAndGroups};
    ///
    /// struct Staff {
    ///     teams: Vec<String>,
    /// }
    ///
    /// impl ScopesAndGroups for Staff {
    ///     fn has_scope(&self, _scope: &str) -> bool {
    ///         false
    ///     }
    ///     fn in_group(&self, group: &str) -> bool {
    ///         self.teams.iter().any(|team| team == group)
    ///     }
    /// }
    ///
    /// let layer = AuthLayer::new(|credentials: &Credentials<'_>| match credentials.require_token()?.as_str() {
    ///     "ada" => Ok(Arc::new(Staff { teams: vec!["oncall".into()] })),
    ///     _ => Err(AuthError::InvalidRequest("unknown caller")),
    /// })
    /// .scopes_and_groups();
    /// # let _ = layer;
    /// ```
    pub fn scopes_and_groups(mut self) -> Self
    where
        A::Claims: ScopesAndGroups,
    {
        self.context = self.context.grants_from_claims::<A::Claims>();
        self
    }
}

impl<A> AuthLayer<A> {
    /// Let requests that carry no credentials through, without claims. Credentials that are
    /// present but invalid or malformed are still refused, and so (by default, see
    /// [`other_schemes`](Self::other_schemes)) is an `Authorization` header without a Bearer
    /// token when the layer reads `Authorization: Bearer`.
    pub fn optional(mut self) -> Self {
        self.context = self.context.modified(|c| c.optional = true);
        self
    }

    /// What an optional layer does with an `Authorization` header that holds no Bearer token
    /// (`Basic ...`, `Bearer<TAB>token`): [`OtherSchemes::Refuse`] (400 `invalid_request`, the
    /// default) or [`OtherSchemes::Anonymous`]. Only matters in optional mode, with
    /// [`TokenSource::Bearer`] among the sources.
    pub fn other_schemes(mut self, policy: OtherSchemes) -> Self {
        self.context = self.context.modified(|c| c.other_schemes = policy);
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

    /// Name the API's RFC 9728 metadata in `WWW-Authenticate` challenges
    /// (`Bearer resource_metadata="<url>"`, RFC 9728 §5.1), so that OAuth and MCP clients find
    /// the authorization servers and scopes from a 401 (also on 403 `insufficient_scope`).
    /// Over HTTP only: gRPC answers are unchanged. See [`ResourceMetadata`](crate::ResourceMetadata).
    pub fn resource_metadata(mut self, metadata: &crate::ResourceMetadata) -> Self {
        let url = metadata.url().to_owned();
        self.context = self.context.modified(|c| c.resource_metadata = Some(url));
        self
    }

    /// Answer refused requests with `hook` instead of the standard response; see
    /// [`OnRejection`].
    pub fn on_rejection(mut self, hook: impl OnRejection) -> Self {
        let hook: Arc<dyn OnRejection> = Arc::new(hook);
        self.context = self.context.modified(|c| c.hook = Some(hook));
        self
    }

    /// Whether a request without a token is refused for its `Authorization` header: optional
    /// mode, Bearer among the sources, [`OtherSchemes::Refuse`], and the header present.
    fn refuses_other_scheme(&self, headers: &http::HeaderMap) -> bool {
        self.context.is_optional()
            && self.context.other_schemes() == OtherSchemes::Refuse
            && self.sources.contains(&TokenSource::Bearer)
            && headers.contains_key(http::header::AUTHORIZATION)
    }

    /// The token sources, in order.
    pub(crate) fn sources(&self) -> &[TokenSource] {
        &self.sources
    }

    /// The authenticator (for the aliases: the verifier).
    pub fn authenticator(&self) -> &A {
        &self.authenticator
    }
}

impl<A: fmt::Debug> fmt::Debug for AuthLayer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("authenticator", &self.authenticator)
            .field("sources", &self.sources)
            .field("context", &self.context)
            .finish()
    }
}

impl<S, A: Clone> Layer<S> for AuthLayer<A> {
    type Service = AuthService<S, A>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService { inner, layer: self.clone() }
    }
}

/// Middleware that authenticates every request with `A`; see [`AuthLayer`].
///
/// Usually made by the layer (`Router::layer`, `ServiceBuilder::layer`); [`AuthService::new`]
/// wraps a service directly:
///
/// ```
/// use std::convert::Infallible;
/// use std::sync::Arc;
///
/// use cognito_tower::{AuthError, AuthService, Credentials};
/// use http::{Request, Response, StatusCode};
/// use tower::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let inner = service_fn(|request: Request<String>| async move {
///     let caller = request.extensions().get::<Arc<String>>().cloned();
///     Ok::<_, Infallible>(Response::new(format!("hello {}", caller.unwrap())))
/// });
/// let authenticate = |credentials: &Credentials<'_>| match credentials.require_token()?.as_str() {
///     "let-me-in" => Ok(Arc::new("a caller".to_owned())),
///     _ => Err(AuthError::InvalidRequest("unknown token")),
/// };
/// let service = AuthService::new(inner, authenticate);
///
/// let anonymous = service.clone().oneshot(Request::new(String::new())).await.unwrap();
/// assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
///
/// let request = Request::builder().header("authorization", "Bearer let-me-in").body(String::new()).unwrap();
/// let response = service.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), StatusCode::OK);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AuthService<S, A> {
    inner: S,
    layer: AuthLayer<A>,
}

impl<S, A: Authenticate> AuthService<S, A> {
    /// Wrap `inner` with the default configuration of [`AuthLayer::new`].
    pub fn new(inner: S, authenticator: A) -> Self {
        AuthService { inner, layer: AuthLayer::new(authenticator) }
    }

    /// An [`AuthLayer`] that wraps services with this middleware.
    pub fn layer(authenticator: A) -> AuthLayer<A> {
        AuthLayer::new(authenticator)
    }
}

impl<S, A> AuthService<S, A> {
    cognito_http::define_inner_service_accessors!();
}

impl<S, A, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<S, A>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    A: Authenticate,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody, A>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone goes back into `self`: the service that was polled ready handles this request.
        let clone = self.inner.clone();
        let service = mem::replace(&mut self.inner, clone);
        let context = self.layer.context.clone();
        let token = match find_token(&self.layer.sources, request.headers()) {
            Ok(None) if self.layer.refuses_other_scheme(request.headers()) => {
                let error = AuthError::InvalidRequest("the Authorization header holds no Bearer token");
                let pending = Pending { request, service, context, token: None };
                return ResponseFuture { state: pending.settle::<A::Claims, _>(Err(error)) };
            }
            Ok(token) => token,
            Err(malformed) => {
                let pending = Pending { request, service, context, token: None };
                return ResponseFuture { state: pending.settle::<A::Claims, _>(Err(malformed)) };
            }
        };
        let credentials = Credentials::new(token.as_ref(), &request);
        let authenticator = &self.layer.authenticator;
        // The usual case: the authenticator answers from its caches, and no future is created.
        match authenticator.authenticate_now(&credentials) {
            Some(outcome) => {
                let pending = Pending { request, service, context, token };
                ResponseFuture { state: pending.settle(outcome) }
            }
            None => {
                let future = authenticator.authenticate(&credentials);
                let pending = Some(Pending { request, service, context, token });
                ResponseFuture { state: State::Authenticating { future, pending } }
            }
        }
    }
}

/// What the service call needs once the request is authenticated.
struct Pending<S, ReqBody> {
    request: Request<ReqBody>,
    service: S,
    context: AuthContext,
    /// Kept for the rejection's log line (the token's `kid`).
    token: Option<Token>,
}

impl<S, ReqBody> Pending<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    /// Calls the service with the claims (or without, for an optional layer and no
    /// credentials), or renders the rejection: the state that follows authentication.
    fn settle<T, F>(self, outcome: Result<Arc<T>, AuthError>) -> State<S, ReqBody, F>
    where
        T: Send + Sync + 'static,
    {
        let Pending { mut request, mut service, context, token } = self;
        match outcome {
            Ok(claims) => {
                request.extensions_mut().insert(claims);
                request.extensions_mut().insert(context);
                State::Calling { future: service.call(request) }
            }
            Err(AuthError::MissingToken) if context.is_optional() => {
                request.extensions_mut().insert(context);
                State::Calling { future: service.call(request) }
            }
            Err(error) => {
                let (parts, _body) = request.into_parts();
                let kid = token.as_ref().and_then(|token| peek_kid(token.as_str()));
                State::Rejected { response: Some(context.reject_with_kid(&error, kid.as_deref(), &parts)) }
            }
        }
    }
}

pin_project! {
    /// Response future of [`AuthService`]: authenticating (only when the authenticator had to
    /// wait), then calling the service, or answering the rejection.
    pub struct ResponseFuture<S, ReqBody, A>
    where
        S: Service<Request<ReqBody>>,
        A: Authenticate,
    {
        #[pin]
        state: State<S, ReqBody, A::Future>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody, F>
    where
        S: Service<Request<ReqBody>>,
    {
        Authenticating {
            #[pin]
            future: F,
            pending: Option<Pending<S, ReqBody>>,
        },
        Calling {
            #[pin]
            future: S::Future,
        },
        Rejected {
            response: Option<Response<Bytes>>,
        },
    }
}

impl<S, ReqBody, A, ResBody> Future for ResponseFuture<S, ReqBody, A>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    A: Authenticate,
{
    type Output = Result<Response<ResponseBody<ResBody>>, S::Error>;

    // `expect` below: polling a future again after it completed is a caller bug, which tower's
    // futures answer with a panic too; no request data can cause it.
    #[allow(clippy::expect_used)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Authenticating { future, pending } => {
                    let outcome = ready!(future.poll(cx));
                    let pending = pending.take().expect("ResponseFuture polled after completion");
                    this.state.set(pending.settle(outcome));
                }
                StateProj::Calling { future } => {
                    return future.poll(cx).map_ok(|response| response.map(ResponseBody::new));
                }
                StateProj::Rejected { response } => {
                    let response = response.take().expect("ResponseFuture polled after completion");
                    return Poll::Ready(Ok(response.map(ResponseBody::rejection)));
                }
            }
        }
    }
}

impl<S, ReqBody, A> fmt::Debug for ResponseFuture<S, ReqBody, A>
where
    S: Service<Request<ReqBody>>,
    A: Authenticate,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Authenticating { .. } => "Authenticating",
            State::Calling { .. } => "Calling",
            State::Rejected { .. } => "Rejected",
        };
        f.debug_struct("ResponseFuture").field("state", &state).finish()
    }
}
