//! The validated, immutable configuration of a [`CognitoVerifier`](crate::CognitoVerifier):
//! what [`CognitoVerifierBuilder::build`](crate::CognitoVerifierBuilder::build) produces and
//! every verification reads.

use std::sync::Arc;

use crate::async_check::AsyncCheck;
use crate::claims::CognitoClaims;
use crate::clock::SharedClock;
use crate::issuer::Issuer;
use crate::revocation::Revocations;
use crate::token_use::TokenUse;
use crate::validation::{AllowedSet, ByPool, TokenLimits};

/// A check on verified claims, run last. Return `Err(reason)` to refuse the token.
///
/// What [`custom_check`](crate::CognitoVerifierBuilder::custom_check) keeps, for a check built
/// once and shared by several verifiers:
///
/// ```
/// use std::sync::Arc;
///
/// use cognito_verify::{CognitoVerifier, CustomCheck, NoCustomClaims, TokenUse};
///
/// let staff_only: CustomCheck<NoCustomClaims> = Arc::new(|claims| match claims.username() {
///     Some(name) if name.ends_with("@staff") => Ok(()),
///     _ => Err("staff only".to_owned()),
/// });
/// let check = staff_only.clone();
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .custom_check(move |claims| check(claims))
///     .build()?;
/// # let _ = verifier;
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
pub type CustomCheck<C> = Arc<dyn Fn(&CognitoClaims<C>) -> Result<(), String> + Send + Sync>;

/// The validated configuration of a verifier.
pub(crate) struct Config<C> {
    /// The trusted issuers, each with its key cache; never empty.
    pub(crate) issuers: Vec<Issuer>,
    pub(crate) token_use: TokenUse,
    /// `None` means any client (explicit opt-out).
    pub(crate) client_ids: Option<AllowedSet>,
    /// The clients of single user pools (by pool id), in place of `client_ids` for their issuers.
    pub(crate) pool_clients: ByPool<AllowedSet>,
    /// The resources an access token's `aud` must name one of (RFC 8707 / RFC 9068 §4), in
    /// configuration order; `None`: no audience check on access tokens.
    pub(crate) resources: Option<Vec<String>>,
    /// The resources of single user pools (by pool id), in place of `resources` for their
    /// issuers.
    pub(crate) pool_resources: ByPool<Vec<String>>,
    pub(crate) required_scopes: Vec<String>,
    pub(crate) required_groups: Vec<String>,
    pub(crate) limits: TokenLimits,
    pub(crate) token_cache_capacity: usize,
    pub(crate) custom_check: Option<CustomCheck<C>>,
    pub(crate) async_check: Option<AsyncCheck<C>>,
    /// The revocation list consulted after every other synchronous check, if any.
    pub(crate) revocations: Option<Arc<dyn Revocations>>,
    /// Where `exp`, `nbf` and `iat` are compared to.
    pub(crate) clock: SharedClock,
}
