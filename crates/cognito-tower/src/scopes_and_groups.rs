//! What scope and group guards read of any layer's claims: [`ScopesAndGroups`], and what the
//! layer tells them about a request ([`Grants`]).
//!
//! Guards (cognito-axum's `require_scopes!` / `require_groups!` types) check scopes and groups,
//! which every claims type the layers here attach has. So they need not name the claims type:
//! the layer records, once when it is built, how to see its claims as `&dyn ScopesAndGroups`
//! ([`Authenticate::scopes_and_groups`](crate::Authenticate::scopes_and_groups)), and a guard asks
//! the request's [`AuthContext`](crate::AuthContext) for that view. Nothing is added to the
//! request for it: the view borrows the claims already in the extensions.

use std::fmt;
use std::sync::Arc;

use cognito_verify::{AlbClaims, CognitoClaims};
use http::Extensions;

/// Claims that can say which OAuth scopes the token grants and which groups the caller is in:
/// what scope and group guards check.
///
/// Implemented for [`CognitoClaims<C>`] (the `scope` and `cognito:groups` claims, whatever the
/// custom claims `C`) and [`AlbClaims`] (no scopes: the load balancer forwards user info, not an
/// access token; groups from a `cognito:groups` array when the identity provider sent one).
/// Implement it for the claims of your own authenticator, and return them from
/// [`Authenticate::scopes_and_groups`](crate::Authenticate::scopes_and_groups) (or, for a
/// closure, call [`AuthLayer::scopes_and_groups`](crate::AuthLayer::scopes_and_groups)), to use
/// the same guards.
///
/// ```
/// use cognito_tower::ScopesAndGroups;
///
/// struct Staff {
///     teams: Vec<String>,
/// }
///
/// impl ScopesAndGroups for Staff {
///     fn has_scope(&self, _scope: &str) -> bool {
///         false
///     }
///
///     fn in_group(&self, group: &str) -> bool {
///         self.teams.iter().any(|team| team == group)
///     }
/// }
/// ```
pub trait ScopesAndGroups: Send + Sync {
    /// Whether the token grants `scope`.
    fn has_scope(&self, scope: &str) -> bool;

    /// Whether the caller is in `group`.
    fn in_group(&self, group: &str) -> bool;
}

impl<C: Send + Sync> ScopesAndGroups for CognitoClaims<C> {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes().contains(scope)
    }

    fn in_group(&self, group: &str) -> bool {
        CognitoClaims::in_group(self, group)
    }
}

impl ScopesAndGroups for AlbClaims {
    fn has_scope(&self, _scope: &str) -> bool {
        false
    }

    fn in_group(&self, group: &str) -> bool {
        let groups = self.get("cognito:groups").and_then(|groups| groups.as_array());
        groups.is_some_and(|groups| groups.iter().any(|member| member.as_str() == Some(group)))
    }
}

/// What a request's claims grant, as the layer that handled it sees them
/// ([`AuthContext::grants`](crate::AuthContext::grants)).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Grants<'a> {
    /// The request was authenticated; its claims say which scopes and groups it has.
    Claims(&'a (dyn ScopesAndGroups + 'static)),
    /// The layer let the request through without claims (optional mode, no credentials).
    NoClaims,
    /// The request was authenticated, but the layer's claims type does not expose scopes and
    /// groups (an authenticator that does not implement
    /// [`Authenticate::scopes_and_groups`](crate::Authenticate::scopes_and_groups)): a guard
    /// cannot check them, which is a server misconfiguration.
    Unsupported,
}

impl fmt::Debug for Grants<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Grants::Claims(_) => "Grants::Claims(..)",
            Grants::NoClaims => "Grants::NoClaims",
            Grants::Unsupported => "Grants::Unsupported",
        })
    }
}

/// How a layer finds what its claims grant in a request's extensions: a plain function chosen
/// when the layer is built, so the request path pays one call and no allocation.
pub(crate) type GrantsView = for<'a> fn(&'a Extensions) -> Grants<'a>;

/// The view of a layer whose claims `T` are seen through `scopes_and_groups`.
pub(crate) fn view_through<T: Send + Sync + 'static>(
    extensions: &Extensions,
    scopes_and_groups: fn(&T) -> Option<&(dyn ScopesAndGroups + 'static)>,
) -> Grants<'_> {
    match extensions.get::<Arc<T>>() {
        Some(claims) => scopes_and_groups(claims).map_or(Grants::Unsupported, Grants::Claims),
        None => Grants::NoClaims,
    }
}
