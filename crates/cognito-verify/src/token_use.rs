//! [`TokenUse`]: which kind of Cognito token a verifier accepts.

use std::fmt;

/// Which kind of Cognito token a verifier accepts, checked against the `token_use` claim.
///
/// ```
/// use cognito_verify::{CognitoVerifier, TokenUse};
///
/// # fn main() -> Result<(), cognito_verify::ConfigError> {
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Id) // ID tokens of a browser sign-in; `Access` for API calls
///     .client_ids(["4a1bexampleclientid"])
///     .build()?;
/// assert_eq!(verifier.token_use(), TokenUse::Id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// Access tokens (`token_use: "access"`): what APIs should accept. The client is checked
    /// against `client_id`.
    Access,
    /// ID tokens (`token_use: "id"`). The client is checked against `aud`.
    Id,
    /// Either kind; `token_use` must still be `access` or `id`.
    Any,
}

impl TokenUse {
    /// Whether a token whose `token_use` claim is `value` is accepted.
    pub(crate) fn accepts(self, value: &str) -> bool {
        match self {
            TokenUse::Access => value == "access",
            TokenUse::Id => value == "id",
            TokenUse::Any => value == "access" || value == "id",
        }
    }
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
            TokenUse::Any => "access or id",
        })
    }
}
