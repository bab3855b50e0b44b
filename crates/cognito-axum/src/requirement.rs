//! Scope and group requirements, declared once as types.
//!
//! [`scope_set!`](crate::scope_set) and [`group_set!`](crate::group_set) declare a unit struct
//! that implements [`RequiredScopes`] or [`RequiredGroups`]; the type is then named in handler
//! signatures ([`RequireScopes`](crate::RequireScopes), [`RequireGroups`](crate::RequireGroups))
//! or route layers ([`require_scopes`](crate::require_scopes),
//! [`require_groups`](crate::require_groups)).
//!
//! ```
//! use cognito_axum::{RequiredScopes, group_set, scope_set};
//!
//! scope_set!(
//!     /// Creating transactions.
//!     pub PostTransactions = any_of["transactions/post", "transactions/admin"]
//! );
//! scope_set!(ReadWrite = all_of["transactions/get", "transactions/post"]);
//! group_set!(Admins = any_of["admin"]);
//!
//! assert_eq!(PostTransactions::SCOPES, ["transactions/post", "transactions/admin"]);
//! ```

use cognito_tower::{AuthError, Match};
use cognito_verify::CognitoClaims;

/// OAuth scopes (the `scope` claim) a route requires. Declare with
/// [`scope_set!`](crate::scope_set).
pub trait RequiredScopes: Send + Sync + 'static {
    /// The scopes.
    const SCOPES: &'static [&'static str];
    /// Whether one or all of them are needed.
    const MODE: Match;
}

/// `cognito:groups` a route requires. Declare with [`group_set!`](crate::group_set).
pub trait RequiredGroups: Send + Sync + 'static {
    /// The groups.
    const GROUPS: &'static [&'static str];
    /// Whether membership of one or all of them is needed.
    const MODE: Match;
}

/// Declares a type implementing [`RequiredScopes`]:
/// `scope_set!(Name = any_of["a", "b"])` or `scope_set!(Name = all_of["a", "b"])`, optionally
/// with doc comments and a visibility (`scope_set!(/// docs\n pub Name = ...)`).
#[macro_export]
macro_rules! scope_set {
    ($(#[$meta:meta])* $vis:vis $name:ident = any_of [$($scope:literal),+ $(,)?] $(;)?) => {
        $crate::__requirement!($(#[$meta])* $vis $name, RequiredScopes, SCOPES, Any, [$($scope),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident = all_of [$($scope:literal),+ $(,)?] $(;)?) => {
        $crate::__requirement!($(#[$meta])* $vis $name, RequiredScopes, SCOPES, All, [$($scope),+]);
    };
}

/// Declares a type implementing [`RequiredGroups`]:
/// `group_set!(Name = any_of["admin", "ops"])` or `group_set!(Name = all_of[...])`, optionally
/// with doc comments and a visibility.
#[macro_export]
macro_rules! group_set {
    ($(#[$meta:meta])* $vis:vis $name:ident = any_of [$($group:literal),+ $(,)?] $(;)?) => {
        $crate::__requirement!($(#[$meta])* $vis $name, RequiredGroups, GROUPS, Any, [$($group),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident = all_of [$($group:literal),+ $(,)?] $(;)?) => {
        $crate::__requirement!($(#[$meta])* $vis $name, RequiredGroups, GROUPS, All, [$($group),+]);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __requirement {
    ($(#[$meta:meta])* $vis:vis $name:ident, $trait:ident, $list:ident, $mode:ident, [$($value:literal),+]) => {
        $(#[$meta])*
        #[doc = concat!("\n\nRequires ", stringify!($mode), " of: ", $("`", $value, "` "),+)]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        $vis struct $name;

        impl $crate::$trait for $name {
            const $list: &'static [&'static str] = &[$($value),+];
            const MODE: $crate::Match = $crate::Match::$mode;
        }
    };
}

/// `Err(InsufficientScope)` unless `claims` has the scopes of `S`.
pub(crate) fn check_scopes<S: RequiredScopes, C>(claims: &CognitoClaims<C>) -> Result<(), AuthError> {
    if S::MODE.matches(S::SCOPES.iter().copied(), |scope| claims.scopes.contains(scope)) {
        Ok(())
    } else {
        Err(AuthError::InsufficientScope { required: owned(S::SCOPES), mode: S::MODE })
    }
}

/// `Err(MissingGroup)` unless the caller is in the groups of `G`.
pub(crate) fn check_groups<G: RequiredGroups, C>(claims: &CognitoClaims<C>) -> Result<(), AuthError> {
    if G::MODE.matches(G::GROUPS.iter().copied(), |group| claims.in_group(group)) {
        Ok(())
    } else {
        Err(AuthError::MissingGroup { required: owned(G::GROUPS), mode: G::MODE })
    }
}

fn owned(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}
