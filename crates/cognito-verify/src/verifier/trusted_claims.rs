//! [`CognitoVerifier::check_claims`]: every check but the signature, on claims that something
//! trusted verified (API Gateway's authorizer), the async check included.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::CognitoVerifier;
use crate::async_check;
use crate::claims::{self, CognitoClaims};
use crate::error::VerifyError;

impl<C: DeserializeOwned + Send + Sync + 'static> CognitoVerifier<C> {
    /// Every check of [`verify`](Self::verify) except the signature, on a JSON object of claims
    /// that something you trust has already verified: API Gateway's Cognito or JWT authorizer,
    /// say, which hands the claims to a Lambda function but not the token.
    ///
    /// The claims are read by the same parser as a token's payload (same JSON types: `exp` a
    /// number, `cognito:groups` an array, ...), then checked as a verified token would be:
    /// issuer, `token_use`, client, `exp`/`nbf`/`iat` with the leeway, required scopes and
    /// groups, the custom check, and last the
    /// [`async_check`](crate::CognitoVerifierBuilder::async_check), which sees the claims
    /// without a header or key ([`VerifiedToken::header`](crate::VerifiedToken::header) and
    /// [`jwk`](crate::VerifiedToken::jwk) are `None`: there is no token). A refusal carries the
    /// claims ([`VerifyError::verified_claims`]), as for a verified token. Nothing is cached and
    /// no key is needed.
    ///
    /// Never call this on claims a client sent: without the signature, anyone can write them.
    pub async fn check_claims(&self, claims_json: &[u8]) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let claims = self.check_claims_sync(claims_json)?;
        match &self.inner.config.async_check {
            Some(check) => async_check::run_on_claims(check, claims).await,
            None => Ok(claims),
        }
    }

    /// [`check_claims`](Self::check_claims) without waiting: `None` when an
    /// [`async_check`](crate::CognitoVerifierBuilder::async_check) is configured (it has to be
    /// awaited: call `check_claims` then), as with [`verify_now`](Self::verify_now).
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, TokenUse};
    ///
    /// let verifier = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .build()?;
    /// // An expired claim set, as an authorizer's cached result could hand over.
    /// let claims = br#"{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    ///     "sub": "s", "token_use": "access", "client_id": "c", "exp": 1, "iat": 0}"#;
    /// assert!(matches!(verifier.check_claims_now(claims), Some(Err(_))));
    /// # Ok::<(), cognito_verify::ConfigError>(())
    /// ```
    pub fn check_claims_now(&self, claims_json: &[u8]) -> Option<Result<Arc<CognitoClaims<C>>, VerifyError>> {
        if self.inner.config.async_check.is_some() {
            return None;
        }
        Some(self.check_claims_sync(claims_json))
    }

    /// The checks of `check_claims` that complete at once: all but the async check.
    fn check_claims_sync(&self, claims_json: &[u8]) -> Result<Arc<CognitoClaims<C>>, VerifyError> {
        let config = &self.inner.config;
        let issuer = self.select_issuer(claims_json)?;
        let claims = Arc::new(claims::payload::parse::<C>(claims_json.to_vec())?);
        config.check_verified(&claims, issuer)?;
        config.check_revocation(&claims)?;
        Ok(claims)
    }
}
