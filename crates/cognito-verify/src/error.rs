//! The errors of configuration and of verification.
//!
//! [`VerifyError`] has one variant per check in the verification pipeline, so a caller (and the
//! tower layer) can tell *why* a token was refused. None of the messages contain the token or key
//! material: they are safe to log and to return to clients.

use std::time::Duration;

use crate::algorithm::Algorithm;
use crate::revocation::RevokedBy;
use crate::token_use::TokenUse;
use crate::verified_claims::VerifiedClaims;

mod verified;

/// A verifier could not be built: the configuration is incomplete or malformed.
///
/// Returned by [`CognitoVerifierBuilder::build`](crate::CognitoVerifierBuilder::build) and
/// [`CognitoVerifier::from_env`](crate::CognitoVerifier::from_env). No network is involved.
///
/// ```
/// use cognito_verify::{CognitoVerifier, ConfigError, TokenUse};
///
/// let err = CognitoVerifier::builder()
///     .user_pool("AbCdEf123") // the region is missing
///     .token_use(TokenUse::Access)
///     .any_client()
///     .build()
///     .unwrap_err();
/// assert_eq!(err, ConfigError::InvalidUserPoolId("AbCdEf123".into()));
/// assert!(err.to_string().contains("eu-west-1_AbCdEf123"), "the message shows the expected shape");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A user pool id is not of the form `{region}_{alphanumerics}`, e.g. `eu-west-1_AbCdEf123`.
    #[error(
        "invalid user pool id {0:?}: expected `{{region}}_{{alphanumerics}}`, e.g. `eu-west-1_AbCdEf123`"
    )]
    InvalidUserPoolId(String),
    /// An issuer or JWKS URL does not parse, or uses a scheme other than `https` / `http`.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A plain-`http` URL for a host other than loopback, without
    /// [`allow_insecure_http`](crate::CognitoVerifierBuilder::allow_insecure_http) (or
    /// [`AlbVerifierBuilder::allow_insecure_http`](crate::AlbVerifierBuilder::allow_insecure_http)).
    #[error(
        "{0:?} uses plain http on a non-loopback host; use https, or call allow_insecure_http(true) if you really mean it"
    )]
    InsecureUrl(String),
    /// Neither a user pool nor an issuer was configured.
    #[error("no issuer configured: call user_pool(\"region_id\") or issuer(url)")]
    NoIssuer,
    /// The same issuer was configured twice.
    #[error("issuer {0:?} is configured twice")]
    DuplicateIssuer(String),
    /// `token_use` was not chosen.
    #[error("token_use not chosen: call token_use(TokenUse::Access), (TokenUse::Id) or (TokenUse::Any)")]
    TokenUseNotSet,
    /// Allowed clients were not chosen.
    #[error(
        "allowed clients not chosen: call client_ids([...]), or any_client() to accept tokens of every app client"
    )]
    ClientsNotSet,
    /// `client_ids` was given an empty list, or an empty id.
    #[error("client_ids needs at least one non-empty client id (use any_client() to accept every client)")]
    EmptyClientIds,
    /// The clock leeway is above the allowed maximum.
    #[error("clock leeway {given:?} is above the maximum of {max:?}")]
    LeewayTooLarge {
        /// The leeway asked for.
        given: Duration,
        /// The largest leeway accepted.
        max: Duration,
    },
    /// A numeric option is out of range.
    #[error("option {option} is out of range: {reason}")]
    OutOfRange {
        /// The option's name.
        option: &'static str,
        /// The range it must be in.
        reason: &'static str,
    },
    /// The HTTP client for key fetches (JWKS, ALB keys) could not be created.
    #[error("cannot create the HTTP client for key fetches: {0}")]
    HttpClient(String),
    /// An AWS region (for [`AlbVerifierBuilder::region`](crate::AlbVerifierBuilder::region))
    /// is not of the form `us-east-1`.
    #[error("invalid AWS region {0:?}: expected lowercase parts separated by dashes, e.g. `eu-west-1`")]
    InvalidRegion(String),
    /// An [`AlbVerifier`](crate::AlbVerifier) was built without a place to fetch keys from.
    #[error("no ALB key endpoint configured: call region(\"eu-west-1\") or key_endpoint(url)")]
    NoKeyEndpoint,
    /// The load balancers whose tokens an [`AlbVerifier`](crate::AlbVerifier) accepts were not
    /// chosen.
    #[error(
        "allowed ALB signers not chosen: call signer_arns([...]) with your load balancer ARNs, or any_signer() to accept every load balancer"
    )]
    SignersNotSet,
    /// A list option was given no values, or an empty value.
    #[error("{option} needs at least one non-empty value")]
    EmptyList {
        /// The option's name.
        option: &'static str,
    },
    /// A [`jwks_document`](crate::CognitoVerifierBuilder::jwks_document) cannot be used: its
    /// issuer is not one the builder trusts, or is given twice, or the document does not parse
    /// or holds no usable key.
    #[error("JWKS document for {issuer:?}: {reason}")]
    InvalidJwks {
        /// The issuer it was given for.
        issuer: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// An environment variable needed by `from_env()` is not set.
    #[error("environment variable {0} is not set")]
    MissingEnv(&'static str),
    /// An environment variable read by `from_env()` has a value that cannot be used.
    #[error("environment variable {name} is malformed: {reason}")]
    MalformedEnv {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
}

/// A token was not accepted.
///
/// Variants follow the order of the checks. All but
/// [`KeysUnavailable`](VerifyError::KeysUnavailable) mean the token itself is at fault and a retry
/// with the same token fails the same way; see [`VerifyError::is_retryable`].
///
/// ```no_run
/// use cognito_verify::{CognitoVerifier, VerifyError};
///
/// # async fn run(verifier: CognitoVerifier, token: &str) {
/// match verifier.verify(token).await {
///     Ok(claims) => println!("hello {}", claims.sub()),
///     Err(VerifyError::Expired { .. }) => println!("sign in again"),
///     Err(err) if err.is_retryable() => println!("identity provider unreachable: {err}"),
///     Err(err) => println!("refused: {err}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is longer than the configured maximum; it was rejected before any parsing.
    #[error("token is {len} bytes, above the limit of {max}")]
    TokenTooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// The token is not three base64url segments separated by dots.
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// The header is not a JSON object with a string `alg` and a string `kid`.
    #[error("malformed token header: {0}")]
    MalformedHeader(&'static str),
    /// The header names no `kid`, so no key can be chosen.
    #[error("token header has no kid")]
    MissingKid,
    /// The header's `alg` is not one of RS256/384/512, ES256/384/512, EdDSA (`none`, HMAC and PS*
    /// are never accepted).
    #[error("algorithm {0:?} is not accepted")]
    DisallowedAlgorithm(String),
    /// The token's `iss` names no issuer this verifier trusts (checked before key lookup when the
    /// verifier serves several issuers, since the issuer selects the key set).
    #[error("issuer {found:?} is not trusted by this verifier")]
    UntrustedIssuer {
        /// The `iss` found in the token.
        found: String,
    },
    /// The ALB token's `signer` (the load balancer ARN) is not one of the allowed signers.
    #[error("load balancer {found:?} is not an allowed signer")]
    UntrustedSigner {
        /// The `signer` found in the token header.
        found: String,
    },
    /// No key with the token's `kid` is in the issuer's key set, even after a refetch (or a
    /// refetch was not allowed yet by the rate limit).
    #[error("no key with kid {kid:?} in the issuer's key set")]
    UnknownKid {
        /// The `kid` from the token header, cut to 128 characters (it is chosen by whoever sent
        /// the token).
        kid: String,
    },
    /// No key set could ever be obtained from the JWKS endpoint. Retryable: the layer answers
    /// 503 with `Retry-After`.
    #[error("signing keys are unavailable (JWKS endpoint failing: {reason}); retry after {retry_after:?}")]
    KeysUnavailable {
        /// Why the last fetch failed.
        reason: String,
        /// When a new fetch may be attempted.
        retry_after: Duration,
    },
    /// The JWK for the `kid` exists but cannot be used: it failed to parse, is marked for
    /// encryption (`use: enc`), is an RSA key outside 2048-8192 bits or with an exponent that is
    /// even, 1 or above 2^32, has no `alg` in a Cognito key set and is not RSA, or its `kid` is
    /// listed twice. The key set was fetched: not retryable.
    #[error("key {kid:?} cannot be used: {reason}")]
    UnusableKey {
        /// The `kid` from the token header.
        kid: String,
        /// Why the key was refused.
        reason: String,
    },
    /// The JWK's type, curve or `alg` does not match the header `alg`.
    #[error("key {kid:?} is not a key for {alg}")]
    KeyAlgorithmMismatch {
        /// The `kid` from the token header.
        kid: String,
        /// The header `alg`.
        alg: Algorithm,
    },
    /// The signature does not verify with the key.
    #[error("invalid signature")]
    InvalidSignature,
    /// The payload is not a JSON object.
    #[error("malformed token payload: {0}")]
    MalformedPayload(&'static str),
    /// A claim has the wrong JSON type (e.g. `exp` as a string, `cognito:groups` as a string), or
    /// a required claim is `null`.
    #[error("claim `{claim}` has the wrong type: {expected}")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
        /// The type the claim must have.
        expected: &'static str,
    },
    /// A required claim is absent.
    #[error("claim `{0}` is missing")]
    MissingClaim(&'static str),
    /// A claim of the [custom claims](crate::CognitoVerifierBuilder::custom_claims) type is
    /// missing or has the wrong type. Names the claim (the path to it, for a nested one, cut to
    /// 128 characters), never its value.
    #[error("custom claim `{claim}` {problem}")]
    CustomClaim {
        /// The claim's name, e.g. `custom:tenant`, or the path to a nested member
        /// (`custom:address.street`); `.` for the payload itself.
        claim: String,
        /// `is missing`, or `does not have the type the custom claims ask for`.
        problem: &'static str,
    },
    /// `iss` is not the expected issuer.
    #[error("issuer {found:?} is not the expected issuer")]
    IssuerMismatch {
        /// The `iss` found in the token.
        found: String,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// `token_use` is not the kind this verifier accepts.
    #[error("token_use {found:?} is not accepted (expected {expected})")]
    TokenUseMismatch {
        /// What the verifier accepts.
        expected: TokenUse,
        /// The `token_use` found in the token.
        found: String,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// `client_id` (access tokens) or `aud` (ID tokens: none of its audiences) is not an allowed
    /// app client.
    #[error("client {found:?} is not an allowed app client")]
    ClientMismatch {
        /// The client id found in the token (the audiences of an ID token, space separated).
        found: String,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// An access token is not bound to this resource server: its `aud` is absent (the token was
    /// requested without a `resource` parameter) or names none of the
    /// [`resources`](crate::CognitoVerifierBuilder::resources) the verifier serves (RFC 9068 §4,
    /// RFC 8707). The message names the expected resources, never the token's.
    #[error("access token is not bound to this resource (its aud must name {})", expected.join(" or "))]
    ResourceMismatch {
        /// The resources this verifier serves (of the token's user pool, when it has its own).
        expected: Vec<String>,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// `exp` is in the past (beyond the leeway).
    #[error("token expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`, seconds since the Unix epoch.
        exp: i64,
        /// The verifier's clock, seconds since the Unix epoch.
        now: i64,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`, seconds since the Unix epoch.
        nbf: i64,
        /// The verifier's clock, seconds since the Unix epoch.
        now: i64,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// `iat` is in the future (beyond the leeway).
    #[error("token issued in the future at {iat} (now {now})")]
    IssuedInFuture {
        /// The token's `iat`, seconds since the Unix epoch.
        iat: i64,
        /// The verifier's clock, seconds since the Unix epoch.
        now: i64,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// The token carries none of the scopes the verifier requires.
    #[error("token lacks a required scope (one of: {})", required.join(" "))]
    InsufficientScope {
        /// The scopes of which the token needed at least one.
        required: Vec<String>,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// The token's `cognito:groups` contains none of the required groups.
    #[error("token is not in a required group (one of: {})", required.join(" "))]
    MissingGroup {
        /// The groups of which the caller needed to be a member of at least one.
        required: Vec<String>,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// A custom check refused the claims:
    /// [`custom_check`](crate::CognitoVerifierBuilder::custom_check) (always as an invalid
    /// token, 401) or [`async_check`](crate::CognitoVerifierBuilder::async_check) (401 or 403,
    /// as its [`Rejection`](crate::Rejection) chose).
    #[error("rejected by custom check: {reason}")]
    Rejected {
        /// The check's reason.
        reason: String,
        /// Whether the check refused the caller's rights rather than the token (HTTP 403
        /// rather than 401); see [`VerifyError::is_forbidden`].
        forbidden: bool,
        /// The token's claims when its signature verified (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// The token was revoked (see [`revocations`](crate::CognitoVerifierBuilder::revocations)):
    /// its sign-in session was signed out, or its user was signed out everywhere after it
    /// signed in.
    #[error("token revoked: {by}")]
    Revoked {
        /// What was revoked: the session or the user.
        by: RevokedBy,
        /// The token's claims (see [`VerifyError::verified_claims`]).
        claims: Option<VerifiedClaims>,
    },
    /// The revocation list cannot be consulted (a shared store lost its backend, in fail-closed
    /// mode). Retryable: the layer answers 503 with `Retry-After`.
    #[error("revocation list unavailable ({reason}); retry after {retry_after:?}")]
    RevocationsUnavailable {
        /// Why (safe to log).
        reason: String,
        /// When to retry.
        retry_after: Duration,
    },
}

/// Longest `kid` quoted by [`VerifyError::UnknownKid`], in characters. A kid no key set knows is
/// attacker-chosen and could otherwise be as long as the token; Cognito's are 44 characters.
pub(crate) const MAX_ERROR_KID_CHARS: usize = 128;

/// Keep an attacker-chosen string short for an error or a log line: its first `max_chars`
/// characters.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    // One copy of the kept prefix (not a push per character): this runs for every token refused
    // for an unknown `kid`, the shape of a flood. No more bytes than `max_chars`: no more
    // characters either.
    if s.len() <= max_chars {
        return s.to_owned();
    }
    let end = s.char_indices().nth(max_chars).map_or(s.len(), |(at, _)| at);
    s.get(..end).unwrap_or(s).to_owned()
}

impl From<cognito_http::OutOfRange> for ConfigError {
    fn from(err: cognito_http::OutOfRange) -> Self {
        ConfigError::OutOfRange { option: err.option, reason: err.reason }
    }
}

impl VerifyError {
    /// [`UnknownKid`](VerifyError::UnknownKid) for `kid`, cut to `MAX_ERROR_KID_CHARS`.
    pub(crate) fn unknown_kid(kid: &str) -> VerifyError {
        VerifyError::UnknownKid { kid: truncate(kid, MAX_ERROR_KID_CHARS) }
    }

    /// Whether the same token might verify later: true only for
    /// [`KeysUnavailable`](VerifyError::KeysUnavailable) (the IdP is unreachable) and
    /// [`RevocationsUnavailable`](VerifyError::RevocationsUnavailable).
    pub fn is_retryable(&self) -> bool {
        matches!(self, VerifyError::KeysUnavailable { .. } | VerifyError::RevocationsUnavailable { .. })
    }

    /// The `kid` involved, when the failure is about a key; for logging.
    pub fn kid(&self) -> Option<&str> {
        match self {
            VerifyError::UnknownKid { kid }
            | VerifyError::UnusableKey { kid, .. }
            | VerifyError::KeyAlgorithmMismatch { kid, .. } => Some(kid),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncate_keeps_the_first_characters_not_bytes() {
        assert_eq!(truncate("abcdef", 3), "abc");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("ab", 3), "ab");
        assert_eq!(truncate("", 3), "");
        assert_eq!(truncate("é€𝄞x", 3), "é€𝄞");
        assert_eq!(truncate("é€𝄞x", 0), "");
    }
}
