//! The macros that declare guards: [`require_scopes!`](crate::require_scopes) and
//! [`require_groups!`](crate::require_groups).

/// Declares a guard type that requires OAuth scopes (the `scope` claim of an access token).
///
/// ```text
/// require_scopes!(Name: "a");             // the token must grant `a`
/// require_scopes!(Name: "a", "b");        // any of them: `a` or `b` (or both)
/// require_scopes!(Name: any["a", "b"]);   // the same, spelled out
/// require_scopes!(Name: all["a", "b"]);   // all of them: `a` and `b`
/// ```
///
/// Doc comments and a visibility go before the name: `require_scopes!(/// ... \n pub Name: "a")`.
///
/// The type `Name` is
/// - an extractor: a handler taking `_: Name` runs only when the claims meet the requirement.
///   A handler may take several guards; all must pass. The guard holds no claims: take them
///   with [`Claims<T>`](crate::Claims) in the same handler.
/// - a route layer: `.route_layer(Name::layer())`.
///
/// Either works behind any auth layer ([`CognitoLayer`](crate::CognitoLayer) with or without
/// custom claims, [`AlbLayer`](crate::AlbLayer), API Gateway, a browser session) without naming
/// its claims type: the guard reads scopes and groups through
/// [`ScopesAndGroups`](crate::ScopesAndGroups). `Name::REQUIRED` lists what it requires.
///
/// A token without the scopes is refused with 403 `insufficient_scope` and
/// `scope="a b"` naming the required scopes (gRPC: 7 `PERMISSION_DENIED`), through the layer's
/// realm and hook.
///
/// ```
/// use axum::{Router, routing::{get, post}};
/// use cognito_axum::{Claims, CognitoLayer, require_scopes};
///
/// require_scopes!(
///     /// Creating transactions.
///     pub PostTransactions: "transactions/post", "transactions/admin"
/// );
/// require_scopes!(ReadWrite: all["transactions/get", "transactions/post"]);
/// require_scopes!(GetTransactions: "transactions/get");
///
/// async fn create(_: PostTransactions, caller: Claims) -> String {
///     format!("created for {}", caller.sub())
/// }
///
/// async fn sync(_: ReadWrite) -> &'static str {
///     "synced"
/// }
///
/// # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
/// let listing = Router::new()
///     .route("/transactions", get(|| async { "[]" }))
///     .route_layer(GetTransactions::layer());
/// Router::new()
///     .route("/transactions/new", post(create))
///     .route("/sync", post(sync))
///     .merge(listing)
///     .layer(CognitoLayer::new(verifier))
/// # }
/// ```
#[macro_export]
macro_rules! require_scopes {
    ($(#[$meta:meta])* $vis:vis $name:ident : all [$($scope:literal),+ $(,)?] $(;)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_scopes, "scopes", All, "all of", [$($scope),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident : any [$($scope:literal),+ $(,)?] $(;)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_scopes, "scopes", Any, "any of", [$($scope),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident : $($scope:literal),+ $(,)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_scopes, "scopes", Any, "any of", [$($scope),+]);
    };
}

/// Declares a guard type that requires membership of groups (the `cognito:groups` claim, in
/// access and ID tokens alike).
///
/// The same syntax and use as [`require_scopes!`](crate::require_scopes):
///
/// ```text
/// require_groups!(Name: "admin");                 // in `admin`
/// require_groups!(Name: "admin", "ops");          // any of them: in `admin` or `ops`
/// require_groups!(Name: any["admin", "ops"]);     // the same, spelled out
/// require_groups!(Name: all["admin", "auditors"]); // all of them: in both
/// ```
///
/// A caller outside the groups is refused with 403 `insufficient_scope`, without naming the
/// groups (gRPC: 7 `PERMISSION_DENIED`).
///
/// ```
/// use axum::{Router, routing::get};
/// use cognito_axum::{Claims, CognitoLayer, require_groups, require_scopes};
///
/// require_groups!(Admins: "admin");
/// require_groups!(Auditors: "auditors");
/// require_scopes!(ReadReports: "reports/read");
///
/// // Both guards must pass.
/// async fn audit(_: ReadReports, _: Auditors, auditor: Claims) -> String {
///     format!("audited by {}", auditor.sub())
/// }
///
/// # fn app(verifier: cognito_axum::CognitoVerifier) -> Router {
/// Router::new()
///     .route("/audit", get(audit))
///     .route("/admin/users", get(|| async { "[]" }).route_layer(Admins::layer()))
///     .layer(CognitoLayer::new(verifier))
/// # }
/// ```
#[macro_export]
macro_rules! require_groups {
    ($(#[$meta:meta])* $vis:vis $name:ident : all [$($group:literal),+ $(,)?] $(;)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_groups, "groups", All, "all of", [$($group),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident : any [$($group:literal),+ $(,)?] $(;)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_groups, "groups", Any, "any of", [$($group),+]);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident : $($group:literal),+ $(,)?) => {
        $crate::__guard!($(#[$meta])* $vis $name, check_groups, "groups", Any, "any of", [$($group),+]);
    };
}

/// The guard type behind `require_scopes!` and `require_groups!`; not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __guard {
    (
        $(#[$meta:meta])* $vis:vis $name:ident,
        $check:ident, $kind:literal, $mode:ident, $mode_text:literal, [$($value:literal),+]
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!("Guard: requires ", $mode_text, " the ", $kind, $(" `", $value, "`"),+, ".")]
        #[doc = ""]
        #[doc = concat!(
            "An extractor (`_: ", stringify!($name), "` in a handler) and a route layer (`",
            stringify!($name), "::layer()`), behind any auth layer whatever its claims type; ",
            "take the claims with `Claims<T>`."
        )]
        #[derive(Clone, Copy)]
        $vis struct $name {
            _checked: $crate::__private::Checked,
        }

        impl $name {
            #[doc = concat!("The ", $kind, " this guard requires (", $mode_text, " them).")]
            pub const REQUIRED: &'static [&'static str] = &[$($value),+];

            /// This guard as a route layer, for routes behind any auth layer.
            pub fn layer() -> $crate::GuardLayer<Self> {
                $crate::GuardLayer::new()
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("requires", &concat!($mode_text, " the ", $kind, $(" ", $value),+))
                    .finish()
            }
        }

        impl $crate::Guard for $name {
            type Claims = dyn $crate::__private::ScopesAndGroups;

            fn check(
                claims: &dyn $crate::__private::ScopesAndGroups,
            ) -> ::core::result::Result<Self, $crate::AuthError> {
                $crate::__private::$check(claims, $crate::Match::$mode, Self::REQUIRED)
                    .map(|_checked| $name { _checked })
            }
        }

        impl<S> $crate::__private::FromRequestParts<S> for $name
        where
            S: ::core::marker::Send + ::core::marker::Sync,
        {
            type Rejection = $crate::ClaimsRejection;

            async fn from_request_parts(
                parts: &mut $crate::__private::Parts,
                _state: &S,
            ) -> ::core::result::Result<Self, Self::Rejection> {
                $crate::__private::extract::<Self>(parts)
            }
        }
    };
}
