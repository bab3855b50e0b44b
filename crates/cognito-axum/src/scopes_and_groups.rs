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
///
/// # Example
///
/// The claims of an in-house authenticator, checked by a `require_groups!` guard:
///
/// ```
/// use std::sync::Arc;
///
/// use axum::{Router, routing::get};
/// use cognito_axum::{ScopesAndGroups, require_groups};
/// use cognito_tower::{AuthError, AuthLayer, Credentials};
///
/// struct Staff {
///     name: String,
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
///
/// require_groups!(Oncall: "oncall");
///
/// async fn page(caller: Oncall<Staff>) -> String {
///     format!("paging {}", caller.name)
/// }
///
/// let authenticate = |credentials: &Credentials<'_>| match credentials.require_token()?.as_str() {
///     "ada" => Ok(Arc::new(Staff { name: "ada".into(), teams: vec!["oncall".into()] })),
///     _ => Err(AuthError::InvalidRequest("unknown caller")),
/// };
/// let app: Router = Router::new().route("/page", get(page)).layer(AuthLayer::new(authenticate));
/// ```
pub trait ScopesAndGroups {
    /// Whether the token grants `scope`.
    fn has_scope(&self, scope: &str) -> bool;

    /// Whether the caller is in `group`.
    fn in_group(&self, group: &str) -> bool;
}

impl<C> ScopesAndGroups for CognitoClaims<C> {
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
