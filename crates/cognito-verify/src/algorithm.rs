//! [`Algorithm`]: the signature algorithms a token header may name.

use std::fmt;

/// A signature algorithm this library accepts.
///
/// `none`, the HMAC algorithms and RSASSA-PSS are deliberately absent: a header naming them is
/// refused with [`VerifyError::DisallowedAlgorithm`](crate::VerifyError::DisallowedAlgorithm)
/// before any key is looked up.
///
/// ```
/// use cognito_verify::Algorithm;
///
/// assert_eq!(Algorithm::from_name("RS256"), Some(Algorithm::RS256));
/// assert_eq!(Algorithm::ES512.as_str(), "ES512");
/// assert_eq!(Algorithm::from_name("HS256"), None); // never accepted
/// assert_eq!(Algorithm::from_name("none"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: what Cognito uses.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// Ed25519.
    EdDSA,
}

impl Algorithm {
    /// The algorithm named `name` in a JWS header, if it is one we accept.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "RS256" => Algorithm::RS256,
            "RS384" => Algorithm::RS384,
            "RS512" => Algorithm::RS512,
            "ES256" => Algorithm::ES256,
            "ES384" => Algorithm::ES384,
            "ES512" => Algorithm::ES512,
            "EdDSA" => Algorithm::EdDSA,
            _ => return None,
        })
    }

    /// The name used in JWS headers and JWKs.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
