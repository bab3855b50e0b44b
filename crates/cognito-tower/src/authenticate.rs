//! What the layer asks of an authenticator: [`Authenticate`], and what it shows it of the
//! request: [`Credentials`].

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;

use cognito_verify::VerifyError;
use http::{Extensions, HeaderMap, Method, Uri};

use crate::error::AuthError;
use crate::scopes_and_groups::ScopesAndGroups;
use crate::token_source::{Token, TokenSource};

/// Something that authenticates requests for an [`AuthLayer`](crate::AuthLayer): a token
/// verifier ([`CognitoVerifier`](cognito_verify::CognitoVerifier),
/// [`AlbVerifier`](cognito_verify::AlbVerifier)), a browser session, a trusted gateway's
/// context, ... One layer serves them all; an authenticator only says who the caller is.
///
/// For every request the layer finds the token with its [`TokenSource`]s (by default
/// [`token_sources`](Self::token_sources)), then calls
/// [`authenticate_now`](Self::authenticate_now). Most requests end there: a verifier with the
/// key cached completes without a future. Only when it returns `None` (e.g. the signing key must
/// be fetched first) does the layer call [`authenticate`](Self::authenticate) and await the
/// future it returns.
///
/// On success the layer puts the `Arc<Self::Claims>` in the request extensions (where
/// `cognito-axum`'s `Claims<T>`, a tonic interceptor or any service finds it) and calls the
/// service. [`AuthError::MissingToken`] means "this request presents no credentials": in
/// optional mode the layer lets such requests through without claims; every other error is
/// answered by the layer (RFC 6750 or gRPC status, or the `OnRejection` hook).
///
/// Closures `Fn(&Credentials<'_>) -> Result<Arc<T>, AuthError>` are authenticators that always
/// complete at once, reading `Authorization: Bearer`:
///
/// ```
/// use std::sync::Arc;
///
/// use cognito_tower::{AuthError, AuthLayer, Credentials};
///
/// let layer = AuthLayer::new(|credentials: &Credentials<'_>| {
///     let token = credentials.require_token()?;
///     match token.as_str() {
///         "let-me-in" => Ok(Arc::new("a caller".to_owned())),
///         _ => Err(AuthError::InvalidRequest("unknown token")),
///     }
/// });
/// ```
///
/// # Example
///
/// An authenticator that trusts what a gateway in front of the service already checked and put
/// in the request extensions (the shape of API Gateway's authorizer context). It reads no token.
///
/// ```
/// use std::future::{Ready, ready};
/// use std::sync::Arc;
///
/// use cognito_tower::{AuthError, AuthLayer, Authenticate, Credentials, TokenSource};
///
/// /// What the gateway verified about the caller.
/// #[derive(Debug, Clone)]
/// struct GatewayCaller {
///     sub: String,
/// }
///
/// #[derive(Debug, Clone)]
/// struct TrustGateway;
///
/// impl Authenticate for TrustGateway {
///     type Claims = GatewayCaller;
///     type Future = Ready<Result<Arc<GatewayCaller>, AuthError>>;
///
///     fn token_sources(&self) -> Vec<TokenSource> {
///         Vec::new()
///     }
///
///     fn authenticate_now(&self, credentials: &Credentials<'_>) -> Option<Result<Arc<GatewayCaller>, AuthError>> {
///         let caller = credentials.extensions().get::<GatewayCaller>();
///         Some(caller.cloned().map(Arc::new).ok_or(AuthError::MissingToken))
///     }
///
///     fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
///         ready(self.authenticate_now(credentials).unwrap_or(Err(AuthError::MissingToken)))
///     }
/// }
///
/// let layer = AuthLayer::new(TrustGateway).realm("api");
/// ```
pub trait Authenticate: Send + Sync + 'static {
    /// The verified claims. The layer puts `Arc<Self::Claims>` in the request extensions.
    type Claims: Send + Sync + 'static;

    /// The future of the slow path. It owns what it needs (it must not borrow the request), and
    /// may be boxed: it only runs when [`authenticate_now`](Self::authenticate_now) could not
    /// finish.
    type Future: Future<Output = Result<Arc<Self::Claims>, AuthError>> + Send;

    /// Where the layer looks for the token unless configured otherwise
    /// ([`AuthLayer::token_sources`](crate::AuthLayer::token_sources)). Called once, when the
    /// layer is built. The default is `Authorization: Bearer`; an authenticator that reads no
    /// token returns no sources.
    fn token_sources(&self) -> Vec<TokenSource> {
        vec![TokenSource::Bearer]
    }

    /// Authenticates with what is at hand (cached keys, cached verifications), without waiting.
    /// `None` when that is not possible; the layer then calls
    /// [`authenticate`](Self::authenticate). Runs on every request: it should not allocate when
    /// the answer is cached.
    fn authenticate_now(&self, credentials: &Credentials<'_>)
    -> Option<Result<Arc<Self::Claims>, AuthError>>;

    /// Authenticates, waiting for whatever is needed (a key fetch, a session store, ...).
    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future;

    /// The scopes and groups `claims` grant, for guards that check them without naming the
    /// claims type (cognito-axum's `require_scopes!` / `require_groups!` types). `None`, the
    /// default, when the claims have no such notion: a guard behind this authenticator then
    /// answers 500 (a misconfigured route).
    ///
    /// Claims types that implement [`ScopesAndGroups`] return themselves:
    ///
    /// ```
    /// # use std::future::{Ready, ready};
    /// # use std::sync::Arc;
    /// # use cognito_tower::{AuthError, Authenticate, Credentials, ScopesAndGroups};
    /// struct Caller {
    ///     groups: Vec<String>,
    /// }
    ///
    /// impl ScopesAndGroups for Caller {
    ///     fn has_scope(&self, _: &str) -> bool {
    ///         false
    ///     }
    ///     fn in_group(&self, group: &str) -> bool {
    ///         self.groups.iter().any(|g| g == group)
    ///     }
    /// }
    ///
    /// struct Directory;
    ///
    /// impl Authenticate for Directory {
    ///     type Claims = Caller;
    ///     type Future = Ready<Result<Arc<Caller>, AuthError>>;
    ///
    ///     fn authenticate_now(&self, c: &Credentials<'_>) -> Option<Result<Arc<Caller>, AuthError>> {
    ///         Some(self.authenticate(c).into_inner())
    ///     }
    ///
    ///     fn authenticate(&self, c: &Credentials<'_>) -> Self::Future {
    ///         ready(c.require_token().map(|_| Arc::new(Caller { groups: vec!["staff".into()] })))
    ///     }
    ///
    ///     fn scopes_and_groups(claims: &Caller) -> Option<&(dyn ScopesAndGroups + 'static)> {
    ///         Some(claims)
    ///     }
    /// }
    /// ```
    fn scopes_and_groups(claims: &Self::Claims) -> Option<&(dyn ScopesAndGroups + 'static)> {
        let _ = claims;
        None
    }
}

/// What an authenticator is shown of a request: the token the layer's [`TokenSource`]s found,
/// if any, and the request's method, URI, headers and extensions (for authenticators that read
/// something else, such as a session or a gateway's context, or that treat state-changing
/// methods differently, as a cookie session must against cross-site requests).
///
/// # Example
///
/// An authenticator that accepts a token only on safe methods, and names the path it refuses:
///
/// ```
/// use std::sync::Arc;
///
/// use cognito_tower::{AuthError, AuthLayer, Credentials};
/// use http::Method;
///
/// let layer = AuthLayer::new(|credentials: &Credentials<'_>| {
///     let token = credentials.require_token()?; // MissingToken when none was found
///     if credentials.method() != Method::GET {
///         tracing::debug!(path = credentials.uri().path(), "read-only token on a write");
///         return Err(AuthError::InvalidRequest("read-only credentials"));
///     }
///     Ok(Arc::new(token.as_str().len()))
/// });
/// ```
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    token: Option<&'a Token>,
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    extensions: &'a Extensions,
}

impl<'a> Credentials<'a> {
    pub(crate) fn new<B>(token: Option<&'a Token>, request: &'a http::Request<B>) -> Self {
        Credentials {
            token,
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            extensions: request.extensions(),
        }
    }

    /// The token the layer's token sources found.
    pub fn token(&self) -> Option<&'a Token> {
        self.token
    }

    /// The token, or [`AuthError::MissingToken`] when the request carries none.
    pub fn require_token(&self) -> Result<&'a Token, AuthError> {
        self.token.ok_or(AuthError::MissingToken)
    }

    /// The request method.
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The request URI.
    pub fn uri(&self) -> &'a Uri {
        self.uri
    }

    /// The request headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The request extensions (what layers further out put there).
    pub fn extensions(&self) -> &'a Extensions {
        self.extensions
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("token", &self.token).finish_non_exhaustive()
    }
}

/// `authenticate_now` of a token verifier: [`AuthError::MissingToken`] without a token, else
/// `verify_now`'s answer (`None` while a key must be fetched).
pub(crate) fn verify_token_now<T>(
    credentials: &Credentials<'_>,
    verify_now: impl FnOnce(&str) -> Option<Result<Arc<T>, VerifyError>>,
) -> Option<Result<Arc<T>, AuthError>> {
    match credentials.require_token() {
        Ok(token) => verify_now(token.as_str()).map(|outcome| outcome.map_err(AuthError::from)),
        Err(missing) => Some(Err(missing)),
    }
}

/// The boxed slow-path future of the token verifiers' [`Authenticate`] impls.
pub type BoxAuthFuture<T> = Pin<Box<dyn Future<Output = Result<Arc<T>, AuthError>> + Send>>;

impl<F, T> Authenticate for F
where
    F: Fn(&Credentials<'_>) -> Result<Arc<T>, AuthError> + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    type Claims = T;
    type Future = Ready<Result<Arc<T>, AuthError>>;

    fn authenticate_now(&self, credentials: &Credentials<'_>) -> Option<Result<Arc<T>, AuthError>> {
        Some(self(credentials))
    }

    fn authenticate(&self, credentials: &Credentials<'_>) -> Self::Future {
        ready(self(credentials))
    }
}
