#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

#[macro_use]
mod macros;

mod claims;
mod guard;
mod guard_layer;
mod probe;
mod rejection;
mod require;
mod resource_metadata;

pub use claims::Claims;
#[doc(hidden)]
pub use guard::__private;
pub use guard::{Guard, GuardClaims};
pub use guard_layer::{GuardFuture, GuardLayer, GuardService};
pub use probe::misconfigured_routes;
pub use rejection::{AuthFailed, ClaimsRejection, ClaimsTypeMismatch, MissingAuthLayer};
pub use resource_metadata::resource_metadata_router;

pub use cognito_tower::{
    AlbLayer, AuthError, CognitoLayer, Match, ResourceMetadata, ScopesAndGroups, TokenSource,
};
pub use cognito_verify::{AlbClaims, AlbVerifier, CognitoClaims, CognitoVerifier, NoCustomClaims, TokenUse};
