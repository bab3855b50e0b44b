//! Requirements in handler signatures: `RequireScopes<S>` and `RequireGroups<G>`.
//!
//! Each guard extracts the claims (so it also gives access to them) and checks its requirement;
//! a handler may take several. A failed requirement is answered like the layer answers it
//! (403 `insufficient_scope`, with `scope="..."` for scopes; gRPC 7).
//!
//! ```
//! use axum::{Router, routing::{get, post}};
//! use cognito_axum::{CognitoLayer, RequireGroups, RequireScopes, group_set, scope_set};
//!
//! scope_set!(PostTransactions = any_of["transactions/post"]);
//! group_set!(Auditors = any_of["auditors"]);
//!
//! async fn create(guard: RequireScopes<PostTransactions>) -> String {
//!     format!("created for {}", guard.sub)
//! }
//!
//! // Both requirements must hold.
//! async fn audit(_: RequireScopes<PostTransactions>, _: RequireGroups<Auditors>) -> &'static str {
//!     "audited"
//! }
//!
//! # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
//! Router::new()
//!     .route("/transactions", post(create))
//!     .route("/audit", get(audit))
//!     .layer(CognitoLayer::new(verifier))
//! # }
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use cognito_verify::NoCustomClaims;
use http::request::Parts;

use crate::claims::Claims;
use crate::rejection::{AuthFailed, ClaimsRejection};
use crate::requirement::{RequiredGroups, RequiredScopes, check_groups, check_scopes};

/// Extracts the [`Claims`] of a token that has the scopes of `S`; see the
/// [module docs](self). Dereferences to the claims.
pub struct RequireScopes<S, C = NoCustomClaims> {
    claims: Claims<C>,
    _scopes: PhantomData<fn() -> S>,
}

/// Extracts the [`Claims`] of a caller in the groups of `G`; see the [module docs](self).
/// Dereferences to the claims.
pub struct RequireGroups<G, C = NoCustomClaims> {
    claims: Claims<C>,
    _groups: PhantomData<fn() -> G>,
}

macro_rules! guard_impls {
    ($guard:ident, $marker:ident, $field:ident, $trait:ident, $list:ident, $check:ident) => {
        impl<$marker, C> $guard<$marker, C> {
            /// The verified claims.
            pub fn claims(&self) -> &Claims<C> {
                &self.claims
            }

            /// The verified claims, by value.
            pub fn into_claims(self) -> Claims<C> {
                self.claims
            }
        }

        impl<$marker, C> Deref for $guard<$marker, C> {
            type Target = Claims<C>;

            fn deref(&self) -> &Claims<C> {
                &self.claims
            }
        }

        impl<$marker, C> Clone for $guard<$marker, C> {
            fn clone(&self) -> Self {
                $guard { claims: self.claims.clone(), $field: PhantomData }
            }
        }

        impl<$marker: $trait, C: fmt::Debug> fmt::Debug for $guard<$marker, C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($guard))
                    .field("required", &$marker::$list)
                    .field("mode", &$marker::MODE)
                    .field("claims", &self.claims)
                    .finish()
            }
        }

        impl<St, $marker, C> FromRequestParts<St> for $guard<$marker, C>
        where
            St: Send + Sync,
            $marker: $trait,
            C: Send + Sync + 'static,
        {
            type Rejection = ClaimsRejection;

            async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
                let claims = Claims::<C>::from_request_parts(parts, state).await?;
                $check::<$marker, C>(&claims).map_err(|error| AuthFailed::new(error, parts))?;
                Ok($guard { claims, $field: PhantomData })
            }
        }
    };
}

guard_impls!(RequireScopes, S, _scopes, RequiredScopes, SCOPES, check_scopes);
guard_impls!(RequireGroups, G, _groups, RequiredGroups, GROUPS, check_groups);
