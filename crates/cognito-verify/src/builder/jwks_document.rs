//! [`CognitoVerifierBuilder::jwks_document`].

use super::CognitoVerifierBuilder;

impl<C> CognitoVerifierBuilder<C> {
    /// Start the key cache of `issuer` (one of the issuers this builder trusts, e.g.
    /// `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`) with `jwks`, a JWKS
    /// document (JSON), like aws-jwt-verify's `cacheJwks`: for air-gapped hosts, Lambda cold
    /// starts without a fetch, and tests. The document must parse and hold a usable key,
    /// otherwise [`build`](Self::build) fails with
    /// [`ConfigError::InvalidJwks`](crate::ConfigError::InvalidJwks).
    ///
    /// The keys are used as if just fetched: the cache refreshes them from the issuer's JWKS URL
    /// after the [refresh interval](crate::JwksOptions::refresh_interval), and a token with a
    /// `kid` they lack triggers a refetch, as usual; unless
    /// [`JwksOptions::fetch_from_url`](crate::JwksOptions::fetch_from_url)`(false)`, which never
    /// fetches. A user pool has several issuers (formats, replica regions): give a document for
    /// each one its tokens name.
    ///
    /// ```
    /// use cognito_verify::{CognitoVerifier, ConfigError, TokenUse};
    ///
    /// let err = CognitoVerifier::builder()
    ///     .user_pool("eu-west-1_AbCdEf123")
    ///     .token_use(TokenUse::Access)
    ///     .any_client()
    ///     .jwks_document("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", r#"{"keys":[]}"#)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidJwks { reason: "holds no usable key", .. }));
    /// ```
    pub fn jwks_document(mut self, issuer: impl Into<String>, jwks: impl Into<String>) -> Self {
        self.jwks_documents.push((issuer.into(), jwks.into()));
        self
    }
}
