//! What scope and group guards ask of a claims type: [`ScopesAndGroups`].

use cognito_verify::{AlbClaims, CognitoClaims};

/// Claims that can say which OAuth scopes the token grants and which groups the caller is in:
/// what the guards of [`require_scopes!`](crate::require_scopes) and
/// [`require_groups!`](crate::require_groups) check.
///
/// Implemented for [`CognitoClaims<C>`] (the `scope` and `cognito:groups` claims) and
/// [`AlbClaims`] (no scopes: the load balancer forwards user info, not an access token; groups
/// from a `cognito:groups` array when the identity provider sent one). Implement it for the
/// claims of your own authenticator to use the same guards.
pub trait ScopesAndGroups {
    /// Whether the token grants `scope`.
    fn has_scope(&self, scope: &str) -> bool;

    /// Whether the caller is in `group`.
    fn in_group(&self, group: &str) -> bool;
}

impl<C> ScopesAndGroups for CognitoClaims<C> {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
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
