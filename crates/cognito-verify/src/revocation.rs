//! Revocations: refusing tokens whose sign-in was signed out before they expire.
//!
//! A [`Revocations`] store answers, for a verified token, whether its session (`origin_jti`) or
//! its user (`sub`, authenticated before a time) was revoked. The verifier asks it on fresh
//! verifications and on verified-token cache hits alike
//! ([`revocations`](crate::CognitoVerifierBuilder::revocations)). The hot path is one atomic
//! load: the store keeps a *generation* that moves whenever a token that passed may now be
//! refused, a cached token remembers the generation it was last found not revoked at, and a hit
//! asks the store again only when the generation moved. See `docs/revocation.md`.

mod memory;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

pub use memory::{DEFAULT_MAX_TOKEN_LIFETIME, MemoryRevocations, RevocationEntry};

use crate::claims::CognitoClaims;
use crate::config::Config;
use crate::error::VerifyError;
use crate::verified_claims::VerifiedClaims;

/// What a revocation store needs to know of a verified token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOrigin<'a> {
    /// `sub`.
    pub sub: &'a str,
    /// `origin_jti`: the sign-in the token descends from (access and ID tokens, across refreshes).
    pub origin_jti: Option<&'a str>,
    /// When the sign-in happened, seconds since the Unix epoch: `auth_time`, else `iat`.
    pub authenticated_at: Option<i64>,
}

impl<'a> TokenOrigin<'a> {
    /// The origin of a token with these claims.
    pub fn new(sub: &'a str, origin_jti: Option<&'a str>, authenticated_at: Option<i64>) -> Self {
        TokenOrigin { sub, origin_jti, authenticated_at }
    }

    /// The origin of verified Cognito claims. The one place the claims are read for revocation.
    pub(crate) fn of<C>(claims: &'a CognitoClaims<C>) -> Self {
        TokenOrigin {
            sub: claims.sub(),
            origin_jti: claims.origin_jti(),
            authenticated_at: claims.auth_time().or(claims.iat()),
        }
    }
}

/// Why a token was revoked (see [`VerifyError::Revoked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevokedBy {
    /// Its sign-in session (`origin_jti`) was signed out.
    Session,
    /// Its user was signed out everywhere after the token's sign-in.
    User,
}

impl fmt::Display for RevokedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RevokedBy::Session => "its session was signed out",
            RevokedBy::User => "its user was signed out everywhere",
        })
    }
}

/// A store's answer for one token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Not revoked, as far as the store knows.
    Valid,
    /// Revoked.
    Revoked(RevokedBy),
    /// The store cannot tell (a shared store that lost its backend, in fail-closed mode):
    /// the verifier refuses with the retryable [`VerifyError::RevocationsUnavailable`].
    Unavailable {
        /// Why (safe to log).
        reason: String,
        /// When to retry.
        retry_after: Duration,
    },
}

/// A revocation could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("revocation not recorded: {0}")]
pub struct RevocationError(pub String);

/// The future of a [`Revocations`] write.
pub type RevokeFuture<'a> = Pin<Box<dyn Future<Output = Result<(), RevocationError>> + Send + 'a>>;

/// A list of revoked sessions and users, read by the verifier on every verification.
///
/// [`MemoryRevocations`] keeps one in the process; `cognito-revocations-redis` shares one
/// through Redis, with a local copy for the reads.
pub trait Revocations: Send + Sync + 'static {
    /// A number that changes whenever a token this store answered [`RevocationStatus::Valid`]
    /// for may now be refused (a revocation arrived, the store became unavailable). Read on
    /// every cache hit: make it one atomic load (`Acquire`), and update the list *before*
    /// moving it (`Release`).
    fn generation(&self) -> u64;

    /// Whether the token is revoked. Called on fresh verifications and when the generation moved.
    fn status(&self, token: &TokenOrigin<'_>) -> RevocationStatus;

    /// Revoke the tokens of one sign-in (access and ID tokens, across refreshes): those whose
    /// `origin_jti` is `origin_jti`.
    fn revoke_session<'a>(&'a self, origin_jti: &'a str) -> RevokeFuture<'a>;

    /// Revoke every token of `sub` whose sign-in (`auth_time`) is before `at`, to the second.
    fn revoke_user<'a>(&'a self, sub: &'a str, at: SystemTime) -> RevokeFuture<'a>;
}

/// The generation a cached token was last found not revoked at.
pub(crate) struct Stamp(AtomicU64);

/// The stamp of a token never checked: no generation matches it.
const UNCHECKED: u64 = u64::MAX;

impl Stamp {
    pub(crate) fn unchecked() -> Self {
        Stamp(AtomicU64::new(UNCHECKED))
    }
}

impl<C: Send + Sync + 'static> Config<C> {
    /// Whether a freshly verified token is revoked. Returns the stamp to cache it with.
    pub(crate) fn check_revocation(&self, claims: &Arc<CognitoClaims<C>>) -> Result<Stamp, VerifyError> {
        let Some(store) = &self.revocations else { return Ok(Stamp::unchecked()) };
        let stamp = Stamp::unchecked();
        recheck(store.as_ref(), claims, &stamp, store.generation())?;
        Ok(stamp)
    }

    /// Whether a cached token is revoked: one atomic load while the store's generation is the
    /// one the token was last found valid at.
    #[inline]
    pub(crate) fn check_revocation_cached(
        &self,
        claims: &Arc<CognitoClaims<C>>,
        stamp: &Stamp,
    ) -> Result<(), VerifyError> {
        let Some(store) = &self.revocations else { return Ok(()) };
        let generation = store.generation();
        if stamp.0.load(Ordering::Relaxed) == generation {
            return Ok(());
        }
        recheck(store.as_ref(), claims, stamp, generation)
    }
}

/// Ask the store; remember `generation` (read before asking) when the token is not revoked.
#[cold]
fn recheck<C: Send + Sync + 'static>(
    store: &dyn Revocations,
    claims: &Arc<CognitoClaims<C>>,
    stamp: &Stamp,
    generation: u64,
) -> Result<(), VerifyError> {
    let error = match store.status(&TokenOrigin::of(claims)) {
        RevocationStatus::Valid => {
            stamp.0.store(generation, Ordering::Relaxed);
            return Ok(());
        }
        RevocationStatus::Revoked(by) => VerifyError::Revoked { by, claims: None },
        RevocationStatus::Unavailable { reason, retry_after } => {
            VerifyError::RevocationsUnavailable { reason, retry_after }
        }
    };
    Err(error.with_claims(VerifiedClaims::new(Arc::clone(claims))))
}
