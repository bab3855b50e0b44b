//! What a guard is: [`Guard`], and the checks the declared guards make.

use std::sync::Arc;

use cognito_tower::{AuthError, Match};
use http::Extensions;

use crate::claims::{Claims, verified};
use crate::rejection::{AuthFailed, ClaimsRejection};
use crate::scopes_and_groups::ScopesAndGroups;

/// A requirement on the verified claims, as a type: an extractor that yields the claims only
/// when they meet it, and a route layer ([`GuardLayer`](crate::GuardLayer)) for the same check.
///
/// Declare guards with [`require_scopes!`](crate::require_scopes) and
/// [`require_groups!`](crate::require_groups), which implement this trait. A hand-written guard
/// checks anything else about the claims, as a route layer:
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{Claims, CognitoClaims, CognitoLayer, CognitoVerifier, Guard, GuardLayer};
/// use cognito_tower::AuthError;
///
/// /// Tokens issued to the reporting client only.
/// struct ReportingClient(Claims);
///
/// impl Guard for ReportingClient {
///     type Claims = CognitoClaims;
///
///     fn check(claims: &CognitoClaims) -> Result<(), AuthError> {
///         match claims.client_id() {
///             Some("4reportingclient") => Ok(()),
///             _ => Err(AuthError::InvalidRequest("this route is for the reporting client")),
///         }
///     }
///
///     fn from_claims(claims: Claims) -> Self {
///         ReportingClient(claims)
///     }
/// }
///
/// # fn app(verifier: CognitoVerifier) -> Router {
/// Router::new()
///     .route("/reports", get(|| async { "[]" }))
///     .route_layer(GuardLayer::<ReportingClient>::new())
///     .layer(CognitoLayer::new(verifier))
/// # }
/// ```
pub trait Guard: Sized + Send + Sync + 'static {
    /// The claims type checked (the auth layer's: `CognitoClaims`, `AlbClaims`, ...).
    type Claims: Send + Sync + 'static;

    /// `Ok` when `claims` meet the requirement; the refusal otherwise (403 for scopes and
    /// groups).
    fn check(claims: &Self::Claims) -> Result<(), AuthError>;

    /// The guard that passed, holding the claims it checked.
    fn from_claims(claims: Claims<Self::Claims>) -> Self;
}

/// The claims of a request, checked by `G`: `Err` for a misconfigured route, `Ok(Err(..))` for
/// a refusal the layer's context must render (no credentials, requirement not met).
pub(crate) fn checked<G: Guard>(
    extensions: &Extensions,
) -> Result<Result<Arc<G::Claims>, AuthError>, ClaimsRejection> {
    Ok(match verified::<G::Claims>(extensions)? {
        Some(claims) => G::check(&claims).map(|()| claims),
        None => Err(AuthError::MissingToken),
    })
}

/// Support for the code `require_scopes!` and `require_groups!` generate; not public API.
#[doc(hidden)]
pub mod __private {
    pub use axum::extract::FromRequestParts;
    pub use http::request::Parts;

    use super::*;

    /// `G` extracted from `parts`.
    pub fn extract<G: Guard>(parts: &Parts) -> Result<G, ClaimsRejection> {
        match checked::<G>(&parts.extensions)? {
            Ok(claims) => Ok(G::from_claims(Claims(claims))),
            Err(error) => Err(AuthFailed::new(error, parts).into()),
        }
    }

    /// `Err(InsufficientScope)` unless `claims` grant the `required` scopes as `mode` says.
    pub fn check_scopes<T: ScopesAndGroups>(
        claims: &T,
        mode: Match,
        required: &'static [&'static str],
    ) -> Result<(), AuthError> {
        if mode.matches(required.iter().copied(), |scope| claims.has_scope(scope)) {
            Ok(())
        } else {
            Err(AuthError::InsufficientScope { required: owned(required), mode })
        }
    }

    /// `Err(MissingGroup)` unless the caller is in the `required` groups as `mode` says.
    pub fn check_groups<T: ScopesAndGroups>(
        claims: &T,
        mode: Match,
        required: &'static [&'static str],
    ) -> Result<(), AuthError> {
        if mode.matches(required.iter().copied(), |group| claims.in_group(group)) {
            Ok(())
        } else {
            Err(AuthError::MissingGroup { required: owned(required), mode })
        }
    }

    fn owned(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }
}
