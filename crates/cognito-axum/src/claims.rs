//! The verified claims as an extractor: `Claims<T>` and `Option<Claims<T>>`.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use cognito_tower::{AuthContext, AuthError};
use cognito_verify::CognitoClaims;
use http::Extensions;
use http::request::Parts;

use crate::rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingAuthLayer};

/// The claims the auth layer verified for this request: the extractor handlers name.
///
/// `T` is the layer's claims type: [`CognitoClaims`] (the default) behind a
/// [`CognitoLayer`](cognito_tower::CognitoLayer), `CognitoClaims<MyCustomClaims>` behind one
/// whose verifier has custom claims, [`AlbClaims`](cognito_verify::AlbClaims) behind an
/// [`AlbLayer`](cognito_tower::AlbLayer). Dereferences to `T`: `claims.sub()`, `claims.scopes()`,
/// `claims.in_group("admin")`, `claims.custom`, ...
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{AlbClaims, Claims, CognitoLayer};
///
/// async fn me(claims: Claims) -> String {
///     format!("{} ({:?})", claims.sub(), claims.user_name())
/// }
///
/// // On a layer in optional mode, requests without a token reach the handler with `None`.
/// async fn greeting(claims: Option<Claims>) -> String {
///     match claims {
///         Some(claims) => format!("hello {}", claims.sub()),
///         None => "hello stranger".to_owned(),
///     }
/// }
///
/// // Behind an `AlbLayer`: the load balancer's claims.
/// async fn alb_me(claims: Claims<AlbClaims>) -> String {
///     claims.email.clone().unwrap_or_default()
/// }
///
/// # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
/// Router::new()
///     .route("/me", get(me))
///     .route("/greeting", get(greeting))
///     .layer(CognitoLayer::new(verifier).optional())
/// # }
/// ```
///
/// Rejections ([`ClaimsRejection`]): 500 when no layer ran or the layer produces another claims
/// type (a misconfigured router, not the client's fault), 401 when the layer is in optional mode
/// and the request had no token (use `Option<Claims>` to accept those).
#[derive(Debug)]
pub struct Claims<T = CognitoClaims>(pub Arc<T>);

impl<T> Clone for Claims<T> {
    fn clone(&self) -> Self {
        Claims(Arc::clone(&self.0))
    }
}

impl<T> Claims<T> {
    /// The shared claims, as the layer put them in the request extensions.
    pub fn into_inner(self) -> Arc<T> {
        self.0
    }
}

impl<T> Deref for Claims<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<S, T> FromRequestParts<S> for Claims<T>
where
    S: Send + Sync,
    T: Send + Sync + 'static,
{
    type Rejection = ClaimsRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match verified::<T>(&parts.extensions)? {
            Some(claims) => Ok(Claims(claims)),
            None => Err(AuthFailed::new(AuthError::MissingToken, parts).into()),
        }
    }
}

impl<S, T> OptionalFromRequestParts<S> for Claims<T>
where
    S: Send + Sync,
    T: Send + Sync + 'static,
{
    type Rejection = ClaimsRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(verified::<T>(&parts.extensions)?.map(Claims))
    }
}

/// The `Arc<T>` in the request's extensions; `Ok(None)` when the layer ran (optional mode) but
/// found no credentials.
pub(crate) fn verified<T: Send + Sync + 'static>(
    extensions: &Extensions,
) -> Result<Option<Arc<T>>, ClaimsRejection> {
    if let Some(claims) = extensions.get::<Arc<T>>() {
        return Ok(Some(Arc::clone(claims)));
    }
    match extensions.get::<AuthContext>() {
        Some(context) if context.provides::<T>() => Ok(None),
        Some(context) => Err(ClaimsTypeMismatch::of::<T>(context).into()),
        None => Err(MissingAuthLayer.into()),
    }
}
