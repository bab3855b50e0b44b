//! What a guard is: [`Guard`], where it finds the claims it checks ([`GuardClaims`]), and the
//! checks the declared guards make.

use std::sync::Arc;

use cognito_tower::{AuthContext, AuthError, Grants, ScopesAndGroups};
use http::Extensions;

use crate::rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingAuthLayer};

/// A requirement on the verified claims, as a type: an extractor that exists only when the
/// claims meet it, and a route layer ([`GuardLayer`](crate::GuardLayer)) for the same check.
///
/// Declare scope and group guards with [`require_scopes!`](crate::require_scopes) and
/// [`require_groups!`](crate::require_groups): they read the claims as
/// `dyn `[`ScopesAndGroups`], so they work behind any layer (Cognito, ALB, API Gateway, browser
/// session) whatever its claims type. A hand-written guard that reads more names the layer's
/// claims type:
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{CognitoClaims, CognitoLayer, CognitoVerifier, Guard, GuardLayer};
/// use cognito_tower::AuthError;
///
/// /// Tokens issued to the reporting client only.
/// struct ReportingClient;
///
/// impl Guard for ReportingClient {
///     type Claims = CognitoClaims;
///
///     fn check(claims: &CognitoClaims) -> Result<Self, AuthError> {
///         match claims.client_id() {
///             Some("4reportingclient") => Ok(ReportingClient),
///             _ => Err(AuthError::InvalidRequest("this route is for the reporting client")),
///         }
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
    /// What the guard reads: `dyn ScopesAndGroups` (behind any layer), or the layer's claims
    /// type (`CognitoClaims<MyClaims>`, `AlbClaims`, ...) for a guard that reads more.
    type Claims: ?Sized + GuardClaims;

    /// The guard, when `claims` meet the requirement; the refusal otherwise (403 for scopes and
    /// groups).
    fn check(claims: &Self::Claims) -> Result<Self, AuthError>;
}

/// Where a [`Guard`] finds the claims it checks in a request the auth layer handled.
///
/// Implemented for `dyn `[`ScopesAndGroups`] (whatever the layer's claims type, through the
/// layer's [`AuthContext`]) and for every concrete claims type `T` (the `Arc<T>` the layer put in
/// the extensions).
pub trait GuardClaims: Send + Sync + 'static {
    /// The claims in `extensions`: `Ok(None)` when the layer ran but found no credentials
    /// (optional mode), `Err` for a misconfigured route.
    fn find(extensions: &Extensions) -> Result<Option<&Self>, ClaimsRejection>;
}

impl<T: Send + Sync + 'static> GuardClaims for T {
    fn find(extensions: &Extensions) -> Result<Option<&T>, ClaimsRejection> {
        if let Some(claims) = extensions.get::<Arc<T>>() {
            return Ok(Some(claims));
        }
        let context = extensions.get::<AuthContext>().ok_or(MissingAuthLayer)?;
        if context.provides::<T>() { Ok(None) } else { Err(ClaimsTypeMismatch::of::<T>(context).into()) }
    }
}

impl GuardClaims for dyn ScopesAndGroups {
    fn find(extensions: &Extensions) -> Result<Option<&Self>, ClaimsRejection> {
        let context = extensions.get::<AuthContext>().ok_or(MissingAuthLayer)?;
        match context.grants(extensions) {
            Grants::Claims(claims) => Ok(Some(claims)),
            Grants::NoClaims => Ok(None),
            _ => Err(ClaimsTypeMismatch::without_scopes_and_groups(context).into()),
        }
    }
}

/// The guard `G` for a request: `Err` for a misconfigured route, `Ok(Err(..))` for a refusal
/// the layer's context must render (no credentials, requirement not met).
pub(crate) fn checked<G: Guard>(extensions: &Extensions) -> Result<Result<G, AuthError>, ClaimsRejection> {
    Ok(match G::Claims::find(extensions)? {
        Some(claims) => G::check(claims),
        None => Err(AuthError::MissingToken),
    })
}

/// Support for the code `require_scopes!` and `require_groups!` generate; not public API.
#[doc(hidden)]
pub mod __private {
    pub use axum::extract::FromRequestParts;
    pub use cognito_tower::ScopesAndGroups;
    pub use http::request::Parts;

    use super::*;
    use cognito_tower::Match;

    /// Proof that a declared guard's check passed: only this crate makes one, so a guard value
    /// cannot be built without its check.
    #[derive(Debug, Clone, Copy)]
    pub struct Checked(());

    /// `G` extracted from `parts`.
    pub fn extract<G: Guard>(parts: &Parts) -> Result<G, ClaimsRejection> {
        match checked::<G>(&parts.extensions)? {
            Ok(guard) => Ok(guard),
            Err(error) => Err(AuthFailed::new(error, parts).into()),
        }
    }

    /// `Err(InsufficientScope)` unless `claims` grant the `required` scopes as `mode` says.
    pub fn check_scopes(
        claims: &dyn ScopesAndGroups,
        mode: Match,
        required: &'static [&'static str],
    ) -> Result<Checked, AuthError> {
        if mode.matches(required.iter().copied(), |scope| claims.has_scope(scope)) {
            Ok(Checked(()))
        } else {
            Err(AuthError::InsufficientScope { required: owned(required), mode })
        }
    }

    /// `Err(MissingGroup)` unless the caller is in the `required` groups as `mode` says.
    pub fn check_groups(
        claims: &dyn ScopesAndGroups,
        mode: Match,
        required: &'static [&'static str],
    ) -> Result<Checked, AuthError> {
        if mode.matches(required.iter().copied(), |group| claims.in_group(group)) {
            Ok(Checked(()))
        } else {
            Err(AuthError::MissingGroup { required: owned(required), mode })
        }
    }

    fn owned(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }
}
