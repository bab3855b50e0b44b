//! `AuthLayer` with authenticators other than the verifiers: a closure, one that reads a
//! gateway's context from the extensions instead of a token, and one that must wait. Each is a
//! small `Authenticate` impl; modes, rejections and claims work as for `CognitoLayer`.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex};

use cognito_tower::{
    AuthError, AuthLayer, AuthService, Authenticate, Credentials, Match, ResponseBody, TokenSource,
};
use http::{Request, Response, StatusCode};
use tokio::sync::oneshot;
use tower::util::BoxCloneService;
use tower::{Layer, ServiceExt, service_fn};

/// Who an authenticator in these tests says the caller is.
#[derive(Debug, Clone, PartialEq)]
struct Caller {
    name: String,
}

type Whoami = BoxCloneService<Request<String>, Response<String>, Infallible>;

/// A service that answers the name of the `Arc<Caller>` in the extensions, or `anonymous`.
fn whoami() -> Whoami {
    BoxCloneService::new(service_fn(|request: Request<String>| async move {
        let name = request.extensions().get::<Arc<Caller>>().map(|caller| caller.name.clone());
        Ok::<_, Infallible>(Response::new(name.unwrap_or_else(|| "anonymous".to_owned())))
    }))
}

fn with_bearer(token: &str) -> Request<String> {
    Request::builder().header("authorization", format!("Bearer {token}")).body(String::new()).unwrap()
}

/// Accepts the bearer token `letmein-<name>`, refuses any other, and is answered in full now.
fn letmein(credentials: &Credentials<'_>) -> Result<Arc<Caller>, AuthError> {
    let token = credentials.require_token()?;
    match token.as_str().strip_prefix("letmein-") {
        Some(name) => Ok(Arc::new(Caller { name: name.to_owned() })),
        None => Err(AuthError::InsufficientScope { required: vec!["letmein".into()], mode: Match::Any }),
    }
}

async fn body(response: Response<ResponseBody<String>>) -> String {
    let body = axum::body::to_bytes(axum::body::Body::new(response.into_body()), usize::MAX).await.unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

#[tokio::test]
async fn closure_authenticator_puts_its_claims_in_the_extensions() {
    let service = AuthLayer::new(letmein).layer(whoami());
    let response = service.oneshot(with_bearer("letmein-alice")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "alice");
}

#[tokio::test]
async fn closure_authenticator_refusal_is_answered_like_a_verifiers() {
    let service = AuthLayer::new(letmein).realm("api").layer(whoami());
    let response = service.oneshot(with_bearer("guess")).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="insufficient_scope", error_description="token lacks a required scope (one of: letmein)", scope="letmein""#
    );
}

#[tokio::test]
async fn closure_authenticator_without_a_token_is_401_in_required_mode() {
    let service = AuthLayer::new(letmein).layer(whoami());
    let response = service.oneshot(Request::new(String::new())).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

/// Trusts the `Caller` a gateway in front put in the extensions; reads no token.
#[derive(Debug, Clone)]
struct TrustGateway;

impl Authenticate for TrustGateway {
    type Claims = Caller;
    type Future = Ready<Result<Arc<Caller>, AuthError>>;

    fn token_sources(&self) -> Vec<TokenSource> {
        Vec::new()
    }

    fn authenticate_now(&self, credentials: &Credentials<'_>) -> Option<Result<Arc<Caller>, AuthError>> {
        assert!(credentials.token().is_none(), "no token source, so no token");
        let caller = credentials.extensions().get::<Caller>().cloned();
        Some(caller.map(Arc::new).ok_or(AuthError::MissingToken))
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        ready(self.authenticate_now(credentials).unwrap_or(Err(AuthError::MissingToken)))
    }
}

#[tokio::test]
async fn authenticator_without_token_sources_reads_the_gateway_context() {
    let service = AuthLayer::new(TrustGateway).layer(whoami());
    let mut request = with_bearer("ignored");
    request.extensions_mut().insert(Caller { name: "bob".into() });
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(body(response).await, "bob");
}

#[tokio::test]
async fn optional_layer_lets_requests_without_credentials_through_without_claims() {
    let service = AuthLayer::new(TrustGateway).optional().layer(whoami());
    let response = service.clone().oneshot(Request::new(String::new())).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "anonymous");
    let required = AuthLayer::new(TrustGateway).layer(whoami());
    let response = required.oneshot(Request::new(String::new())).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// What a [`Waiting`] authenticator is released with.
type Outcome = Result<Caller, AuthError>;

/// Always waits: `authenticate_now` has nothing cached, and the future reports that it started,
/// then waits for the test to release it with the caller (or a refusal).
#[derive(Clone)]
struct Waiting {
    started: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    release: Arc<Mutex<Option<oneshot::Receiver<Outcome>>>>,
}

impl Authenticate for Waiting {
    type Claims = Caller;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Arc<Caller>, AuthError>> + Send>>;

    fn authenticate_now(&self, _: &Credentials<'_>) -> Option<Result<Arc<Caller>, AuthError>> {
        None
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        let token = credentials.token().map(|token| token.as_str().to_owned());
        let started = self.started.lock().unwrap().take().unwrap();
        let release = self.release.lock().unwrap().take().unwrap();
        Box::pin(async move {
            assert_eq!(token.as_deref(), Some("slow"));
            started.send(()).unwrap();
            release.await.unwrap().map(Arc::new)
        })
    }
}

/// A layer with a [`Waiting`] authenticator, the channels that drive it, and a call counter.
struct WaitingApp {
    service: AuthService<Whoami, Waiting>,
    started: oneshot::Receiver<()>,
    release: oneshot::Sender<Outcome>,
    calls: Arc<Mutex<usize>>,
}

impl WaitingApp {
    fn new() -> WaitingApp {
        let (started_tx, started) = oneshot::channel();
        let (release, release_rx) = oneshot::channel();
        let authenticator = Waiting {
            started: Arc::new(Mutex::new(Some(started_tx))),
            release: Arc::new(Mutex::new(Some(release_rx))),
        };
        let calls = Arc::new(Mutex::new(0));
        let counter = Arc::clone(&calls);
        let counted = BoxCloneService::new(service_fn(move |request: Request<String>| {
            *counter.lock().unwrap() += 1;
            whoami().oneshot(request)
        }));
        WaitingApp { service: AuthLayer::new(authenticator).layer(counted), started, release, calls }
    }
}

#[tokio::test]
async fn slow_path_is_awaited_before_the_service_is_called() {
    let WaitingApp { service, started, release, calls } = WaitingApp::new();
    let call = tokio::spawn(service.oneshot(with_bearer("slow")));
    started.await.unwrap();
    assert_eq!(*calls.lock().unwrap(), 0, "the service waits for the authenticator");
    release.send(Ok(Caller { name: "carol".into() })).unwrap();
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "carol");
    assert_eq!(*calls.lock().unwrap(), 1);
}

#[tokio::test]
async fn slow_path_refusal_never_reaches_the_service() {
    let WaitingApp { service, started, release, calls } = WaitingApp::new();
    let call = tokio::spawn(service.oneshot(with_bearer("slow")));
    started.await.unwrap();
    let unavailable = AuthError::KeysUnavailable {
        reason: "store down".into(),
        retry_after: std::time::Duration::from_secs(2),
    };
    release.send(Err(unavailable)).unwrap();
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(*calls.lock().unwrap(), 0);
}
