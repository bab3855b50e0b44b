//! [`CognitoVerifierBuilder::async_check`].

use std::future::Future;
use std::sync::Arc;

use super::CognitoVerifierBuilder;
use crate::async_check::{Rejection, VerifiedToken};
#[cfg(doc)]
use crate::verifier::CognitoVerifier;

impl<C> CognitoVerifierBuilder<C> {
    /// An asynchronous check run last, after every other check (the [`custom_check`](Self::custom_check)
    /// included) passed, on every verification, cached tokens too: like aws-jwt-verify's
    /// `customJwtCheck`, it sees the header, the JWK that verified the signature and the claims
    /// ([`VerifiedToken`]), and may look things up, e.g. a `jti` deny-list in a database. Return
    /// `Err(`[`Rejection::invalid_token`]`)` to refuse the token (401) or
    /// `Err(`[`Rejection::forbidden`]`)` to refuse the caller's rights (403); either is
    /// [`VerifyError::Rejected`](crate::VerifyError::Rejected). With one set,
    /// [`verify_now`](CognitoVerifier::verify_now) always answers `None` (use `verify`).
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, Mutex};
    /// use cognito_verify::{CognitoVerifier, Rejection, TokenUse};
    ///
    /// let revoked: Arc<Mutex<HashSet<String>>> = Arc::default(); // a database, say
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .async_check(move |token| {
    ///         let revoked = Arc::clone(&revoked);
    ///         async move {
    ///             let jti = token.claims().jti().unwrap_or_default().to_owned();
    ///             match revoked.lock().map(|set| set.contains(&jti)) {
    ///                 Ok(false) => Ok(()),
    ///                 _ => Err(Rejection::invalid_token("token revoked")),
    ///             }
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn async_check<F, Fut>(mut self, check: F) -> Self
    where
        F: Fn(VerifiedToken<C>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Rejection>> + Send + 'static,
    {
        self.async_check = Some(Arc::new(move |token| Box::pin(check(token))));
        self
    }
}
