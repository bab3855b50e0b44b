//! The verified claims as an extractor: `Claims<C>` and `Option<Claims<C>>`.
//!
//! ```
//! use axum::{Router, routing::get};
//! use cognito_axum::{Claims, CognitoLayer};
//!
//! async fn me(claims: Claims) -> String {
//!     format!("{} ({:?})", claims.sub, claims.user_name())
//! }
//!
//! // On a layer in optional mode, requests without a token reach the handler with `None`.
//! async fn greeting(claims: Option<Claims>) -> String {
//!     match claims {
//!         Some(claims) => format!("hello {}", claims.sub),
//!         None => "hello stranger".to_owned(),
//!     }
//! }
//!
//! # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
//! Router::new()
//!     .route("/me", get(me))
//!     .route("/greeting", get(greeting))
//!     .layer(CognitoLayer::new(verifier).optional())
//! # }
//! ```

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use cognito_tower::{AuthContext, AuthError};
use cognito_verify::{CognitoClaims, NoCustomClaims};
use http::Extensions;
use http::request::Parts;

use crate::rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingCognitoLayer};

/// The claims the [`CognitoLayer`](cognito_tower::CognitoLayer) verified for this request.
///
/// Dereferences to [`CognitoClaims`]: `claims.sub`, `claims.scopes`, `claims.in_group("admin")`,
/// `claims.custom`, ...
///
/// Rejections ([`ClaimsRejection`]): 500 when no layer ran (a misconfigured router, not the
/// client's fault), 401 when the layer is in optional mode and the request had no token (use
/// `Option<Claims>` to accept those).
#[derive(Debug)]
pub struct Claims<C = NoCustomClaims>(pub Arc<CognitoClaims<C>>);

impl<C> Clone for Claims<C> {
    fn clone(&self) -> Self {
        Claims(Arc::clone(&self.0))
    }
}

impl<C> Claims<C> {
    /// The shared claims handle.
    pub fn into_inner(self) -> Arc<CognitoClaims<C>> {
        self.0
    }
}

impl<C> Deref for Claims<C> {
    type Target = CognitoClaims<C>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S, C> FromRequestParts<S> for Claims<C>
where
    S: Send + Sync,
    C: Send + Sync + 'static,
{
    type Rejection = ClaimsRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match verified::<C>(&parts.extensions)? {
            Some(claims) => Ok(Claims(claims)),
            None => Err(AuthFailed::new(AuthError::MissingToken, parts).into()),
        }
    }
}

impl<S, C> OptionalFromRequestParts<S> for Claims<C>
where
    S: Send + Sync,
    C: Send + Sync + 'static,
{
    type Rejection = ClaimsRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(verified::<C>(&parts.extensions)?.map(Claims))
    }
}

/// The claims in the request's extensions; `Ok(None)` when the layer ran (optional mode) but
/// found no token.
pub(crate) fn verified<C: Send + Sync + 'static>(
    extensions: &Extensions,
) -> Result<Option<Arc<CognitoClaims<C>>>, ClaimsRejection> {
    if let Some(claims) = extensions.get::<Arc<CognitoClaims<C>>>() {
        return Ok(Some(Arc::clone(claims)));
    }
    match extensions.get::<AuthContext>() {
        Some(context) if context.provides::<CognitoClaims<C>>() => Ok(None),
        Some(context) => Err(ClaimsTypeMismatch {
            layer: context.claims_type_name(),
            extractor: std::any::type_name::<C>(),
        }
        .into()),
        None => Err(MissingCognitoLayer.into()),
    }
}
