//! One vocabulary for both verifiers' refusals: aws-jwt-verify's error classes and our
//! `VerifyError` variants are each mapped to the check that refused the token.

use std::fmt;

use cognito_verify::VerifyError;

use crate::corpus::AwsVerdict;

/// The check that refused a token, in words both libraries share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// The token, its header or its payload is malformed, or a claim has the wrong JSON type.
    Parse,
    /// The header names no key.
    MissingKid,
    /// No key with the header's `kid` is in the issuer's JWKS.
    UnknownKid,
    /// The header's algorithm is not accepted, or not the key's.
    Algorithm,
    /// The JWK is malformed or not usable for signatures.
    Key,
    /// The signature does not verify.
    Signature,
    /// `iss` is missing, not trusted, or not the expected issuer.
    Issuer,
    /// `token_use` is missing or not accepted.
    TokenUse,
    /// `client_id` (access tokens) or `aud` (ID tokens) is missing or not allowed.
    Client,
    /// `exp` has passed.
    Expired,
    /// `nbf` has not come yet.
    NotBefore,
    /// No required scope is granted.
    Scope,
    /// Not in a required group.
    Group,
    /// A refusal with no counterpart in the other library.
    Other(String),
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Other(what) => write!(f, "Other({what})"),
            class => write!(f, "{class:?}"),
        }
    }
}

/// The check that refused the token in aws-jwt-verify, or `None` when it accepted the token.
pub fn aws_class(verdict: &AwsVerdict) -> Option<Class> {
    if verdict.ok {
        return None;
    }
    let error = verdict.error.as_deref().unwrap_or_default();
    let message = verdict.message.as_deref().unwrap_or_default();
    Some(match error {
        "JwtParseError" => Class::Parse,
        "JwtWithoutValidKidError" => Class::MissingKid,
        "KidNotFoundInJwksError" => Class::UnknownKid,
        "JwtInvalidSignatureAlgorithmError" => Class::Algorithm,
        "JwkValidationError" | "JwkInvalidUseError" | "JwkInvalidKtyError" | "JwksValidationError" => {
            Class::Key
        }
        "JwtInvalidSignatureError" => Class::Signature,
        "JwtInvalidIssuerError" => Class::Issuer,
        // With several issuers configured (CognitoJwtVerifier always configures both issuer
        // formats), the token's `iss` selects the configuration before anything else.
        "ParameterValidationError"
            if message.starts_with("issuer not configured")
                || message.starts_with("issuer must be provided") =>
        {
            Class::Issuer
        }
        "CognitoJwtInvalidTokenUseError" => Class::TokenUse,
        "CognitoJwtInvalidClientIdError" | "JwtInvalidAudienceError" => Class::Client,
        "JwtExpiredError" => Class::Expired,
        "JwtNotBeforeError" => Class::NotBefore,
        "JwtInvalidScopeError" => Class::Scope,
        "CognitoJwtInvalidGroupError" => Class::Group,
        // Errors of Node's crypto that aws-jwt-verify lets through.
        "Error" | "TypeError" => match verdict.code.as_deref() {
            Some("ERR_CRYPTO_INVALID_JWK" | "ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE") => {
                Class::Key
            }
            Some("ERR_CRYPTO_OPERATION_FAILED") if message == "Malformed signature" => Class::Signature,
            _ => Class::Other(verdict.label()),
        },
        _ => Class::Other(verdict.label()),
    })
}

/// The checks in aws-jwt-verify's vocabulary that an error of ours corresponds to. Several when
/// aws-jwt-verify reports the same refusal in different places (a claim of the wrong type is a
/// `JwtParseError` for the claims it type-checks while parsing, and an error of the claim's own
/// check for the others); none when aws-jwt-verify has no such check.
pub fn our_classes(error: &VerifyError) -> Vec<Class> {
    use Class::*;
    match error {
        VerifyError::TokenTooLarge { .. } | VerifyError::Malformed(_) | VerifyError::MalformedPayload(_) => {
            vec![Parse]
        }
        // A header without `alg` fails aws-jwt-verify's algorithm check.
        VerifyError::MalformedHeader("no alg") => vec![Parse, Algorithm],
        VerifyError::MalformedHeader(_) => vec![Parse],
        VerifyError::MissingKid => vec![MissingKid],
        VerifyError::DisallowedAlgorithm(_) | VerifyError::KeyAlgorithmMismatch { .. } => vec![Algorithm],
        VerifyError::UntrustedIssuer { .. } | VerifyError::IssuerMismatch { .. } => vec![Issuer],
        VerifyError::UnknownKid { .. } => vec![UnknownKid],
        VerifyError::UnusableKey { .. } => vec![Key],
        VerifyError::InvalidSignature => vec![Signature],
        VerifyError::InvalidClaim { claim, .. } => {
            let mut classes = vec![Parse];
            classes.extend(claim_class(claim));
            classes
        }
        VerifyError::MissingClaim(claim) => claim_class(claim).into_iter().collect(),
        VerifyError::TokenUseMismatch { .. } => vec![TokenUse],
        VerifyError::ClientMismatch { .. } => vec![Client],
        VerifyError::Expired { .. } => vec![Expired],
        VerifyError::NotYetValid { .. } => vec![NotBefore],
        VerifyError::InsufficientScope { .. } => vec![Scope],
        VerifyError::MissingGroup { .. } => vec![Group],
        // CognitoJwtVerifier checks no resource (`aud` of access tokens): only its generic
        // JwtVerifier's `audience` option would (docs/differential.md, "Resource-bound access
        // tokens").
        VerifyError::ResourceMismatch { .. } => Vec::new(),
        // KeysUnavailable, IssuedInFuture, Rejected, and variants added later: aws-jwt-verify
        // has no such refusal.
        _ => Vec::new(),
    }
}

/// The check of a claim, where aws-jwt-verify has one.
fn claim_class(claim: &str) -> Option<Class> {
    Some(match claim {
        "iss" => Class::Issuer,
        "token_use" => Class::TokenUse,
        "client_id" | "aud" => Class::Client,
        "scope" => Class::Scope,
        "cognito:groups" => Class::Group,
        _ => return None,
    })
}

/// A short, stable name for our verdict: `ok`, the variant, and for claim errors the claim
/// (`InvalidClaim(aud)`). The intended-differences table records it.
pub fn our_label(result: &Result<(), VerifyError>) -> String {
    let Err(error) = result else { return "ok".to_owned() };
    match error {
        VerifyError::InvalidClaim { claim, .. } => format!("InvalidClaim({claim})"),
        VerifyError::MissingClaim(claim) => format!("MissingClaim({claim})"),
        other => {
            let debug = format!("{other:?}");
            let end = debug.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(debug.len());
            debug.get(..end).unwrap_or_default().to_owned()
        }
    }
}
