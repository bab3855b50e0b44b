//! [`VerifiedClaims`]: who a refused token belongs to, carried by the [`VerifyError`] of a claim
//! check that failed after the signature verified.
//!
//! [`VerifyError`]: crate::VerifyError

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// What every kind of verified claims tells about whom the token was issued for.
pub(crate) trait Subject: Any + Send + Sync {
    /// `sub`.
    fn subject(&self) -> &str;
    /// The user's name, when the token has one.
    fn user_name(&self) -> Option<&str>;
    /// The app client, when the token names one.
    fn client(&self) -> Option<&str>;
}

/// The claims of a token whose **signature verified** but which a claim check refused (expired,
/// wrong client, missing scope, wrong `token_use`, a custom check, ...), so a service can log
/// who was refused. Returned by [`VerifyError::verified_claims`](crate::VerifyError::verified_claims);
/// never present when the token failed before its signature verified, since such claims could
/// have been written by anyone.
///
/// Cheap to clone (an `Arc`, shared with the error). Its `Debug` output shows no claim, and the
/// error's `Display` never includes it: log the fields you need.
///
/// ```
/// use cognito_verify::{CognitoClaims, VerifyError};
///
/// fn log_refusal(err: &VerifyError) {
///     match err.verified_claims() {
///         Some(claims) => {
///             eprintln!("refused {} (client {:?}): {err}", claims.sub(), claims.client());
///             // The whole claims, typed as the verifier parsed them:
///             if let Some(claims) = claims.get::<CognitoClaims>() {
///                 eprintln!("jti {:?}", claims.jti());
///             }
///         }
///         None => eprintln!("refused an unverified token: {err}"),
///     }
/// }
/// ```
#[derive(Clone)]
pub struct VerifiedClaims(Arc<dyn Subject>);

impl VerifiedClaims {
    pub(crate) fn new<T: Subject>(claims: Arc<T>) -> Self {
        VerifiedClaims(claims)
    }

    /// The token's `sub`.
    pub fn sub(&self) -> &str {
        self.0.subject()
    }

    /// The user's name (`username`, or `cognito:username` of ID tokens), when present.
    pub fn user_name(&self) -> Option<&str> {
        self.0.user_name()
    }

    /// The app client the token was issued to, when it names one.
    pub fn client(&self) -> Option<&str> {
        self.0.client()
    }

    /// The claims as the verifier parsed them: `T` is
    /// [`CognitoClaims<C>`](crate::CognitoClaims) with the verifier's custom claims type (a
    /// [`CognitoVerifier`](crate::CognitoVerifier)), or [`AlbClaims`](crate::AlbClaims) (an
    /// [`AlbVerifier`](crate::AlbVerifier)); `None` for any other `T`.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let any: Arc<dyn Any + Send + Sync> = Arc::clone(&self.0) as Arc<dyn Any + Send + Sync>;
        any.downcast::<T>().ok()
    }
}

/// Claims do not show in `Debug` output (they may hold personal data); log the fields you need.
impl fmt::Debug for VerifiedClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerifiedClaims { .. }")
    }
}

/// Two are equal when they are claims of the same type naming the same subject, user and client:
/// errors compare by reason and by whose token was refused, whichever verification (or
/// verifier) produced them.
impl PartialEq for VerifiedClaims {
    fn eq(&self, other: &Self) -> bool {
        let (this, that): (&dyn Any, &dyn Any) = (&*self.0, &*other.0);
        this.type_id() == that.type_id()
            && self.sub() == other.sub()
            && self.user_name() == other.user_name()
            && self.client() == other.client()
    }
}

impl Eq for VerifiedClaims {}
