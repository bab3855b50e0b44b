//! The verified claims of a Cognito token.
//!
//! Verification hands out an `Arc<`[`CognitoClaims`]`>`: the standard Cognito claims with their
//! types checked, plus user-defined claims of type `C`, shared cheaply between the request and
//! the verified-token cache.

pub(crate) mod payload;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use crate::jws::UnixTime;
use crate::scope_set::ScopeSet;
use crate::verified_claims::Subject;

/// The claims of a verified Cognito access or ID token.
///
/// Fields Cognito always sets for the accepted token kinds are plain values; the others are
/// `Option`. `iss`, `token_use`, the client and `exp` have been checked by the time you see
/// them.
///
/// ```
/// # fn show(claims: std::sync::Arc<cognito_verify::CognitoClaims>) {
/// println!("{} from client {:?}", claims.sub, claims.client_id);
/// if claims.scopes.contains("transactions/post") { /* ... */ }
/// if claims.in_group("admin") { /* ... */ }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CognitoClaims<C = NoCustomClaims> {
    /// The subject: the user's id, or the app client id for client-credentials tokens.
    pub sub: String,
    /// The issuer, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`.
    pub iss: String,
    /// `access` or `id`.
    pub token_use: String,
    /// The app client, on access tokens.
    pub client_id: Option<String>,
    /// The audiences (`aud`): on ID tokens the app client; on resource-bound access tokens
    /// (RFC 8707) the resource they were issued for, absent otherwise. A single string in the token (as
    /// Cognito writes it) reads as one audience; an array as its members (RFC 7519 §4.1.3).
    pub aud: Vec<String>,
    /// OAuth scopes (`scope`, space separated), on access tokens.
    pub scopes: ScopeSet,
    /// `cognito:groups`.
    pub groups: Vec<String>,
    /// `username` (access tokens).
    pub username: Option<String>,
    /// `cognito:username` (ID tokens).
    pub cognito_username: Option<String>,
    /// `email` (ID tokens).
    pub email: Option<String>,
    /// `auth_time`: when the user authenticated, seconds since the Unix epoch.
    pub auth_time: Option<i64>,
    /// `iat`: when the token was issued, whole seconds since the Unix epoch (a fraction is
    /// rounded down here; the time checks compare the exact value).
    pub iat: Option<i64>,
    /// `exp`: when the token expires, whole seconds since the Unix epoch (rounded down; the
    /// time checks compare the exact value).
    pub exp: i64,
    /// `nbf`: not valid before, whole seconds since the Unix epoch (rounded down; the time
    /// checks compare the exact value). Cognito does not set it.
    pub nbf: Option<i64>,
    /// `jti`: the token's unique id.
    pub jti: Option<String>,
    /// `origin_jti`: the id of the authentication event the token descends from.
    pub origin_jti: Option<String>,
    /// `event_id`.
    pub event_id: Option<String>,
    /// `version` (2 for current Cognito access tokens).
    pub version: Option<i64>,
    /// User-defined claims, parsed from the same payload.
    pub custom: C,
    /// `exp`, `nbf` and `iat` with their fractions, as the time checks compare them.
    pub(crate) times: Times,
}

/// The time claims exactly as sent (RFC 7519 NumericDates may be fractional).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) exp: UnixTime,
    pub(crate) nbf: Option<UnixTime>,
    pub(crate) iat: Option<UnixTime>,
}

impl<C> CognitoClaims<C> {
    /// The user's name: `username` on access tokens, `cognito:username` on ID tokens.
    pub fn user_name(&self) -> Option<&str> {
        self.username.as_deref().or(self.cognito_username.as_deref())
    }

    /// The app client the token was issued to: `client_id`, or `aud` for ID tokens (its first
    /// audience, when it lists several).
    pub fn client(&self) -> Option<&str> {
        self.client_id.as_deref().or(self.aud.first().map(String::as_str))
    }

    /// Whether `cognito:groups` contains `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// The default for the custom-claims parameter: no user-defined claims.
///
/// `CognitoVerifier` is `CognitoVerifier<NoCustomClaims>` until
/// [`custom_claims`](crate::CognitoVerifierBuilder::custom_claims) names a type:
///
/// ```
/// use cognito_verify::{CognitoClaims, CognitoVerifier, NoCustomClaims, TokenUse};
///
/// let verifier: CognitoVerifier<NoCustomClaims> = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .build()?;
/// # let _ = verifier;
/// fn caller(claims: &CognitoClaims<NoCustomClaims>) -> &str {
///     &claims.sub
/// }
/// # let _ = caller;
/// # Ok::<(), cognito_verify::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoCustomClaims;

impl<'de> Deserialize<'de> for NoCustomClaims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| NoCustomClaims)
    }
}

impl<C: Send + Sync + 'static> Subject for CognitoClaims<C> {
    fn subject(&self) -> &str {
        &self.sub
    }
    fn user_name(&self) -> Option<&str> {
        CognitoClaims::user_name(self)
    }
    fn client(&self) -> Option<&str> {
        CognitoClaims::client(self)
    }
}

#[cfg(test)]
mod tests {
    use super::payload::parse;
    use super::*;
    use crate::error::VerifyError;

    fn parse_plain(json: &str) -> Result<CognitoClaims, VerifyError> {
        parse::<NoCustomClaims>(json.as_bytes())
    }

    const MINIMAL: &str = r#""sub":"s","iss":"i","token_use":"access""#;

    #[test]
    fn standard_claims_are_read_with_their_cognito_names() {
        let claims = parse_plain(&format!(
            r#"{{{MINIMAL},"exp":2000000000,"scope":"a/b  openid","cognito:groups":["admin"],"username":"u","cognito:username":"cu","version":2,"other":{{"x":[1]}}}}"#
        ))
        .unwrap();
        assert_eq!(claims.exp, 2_000_000_000);
        assert!(claims.scopes.contains_all(&["a/b", "openid"]) && claims.scopes.len() == 2);
        assert!(claims.in_group("admin"));
        assert_eq!((claims.username.as_deref(), claims.cognito_username.as_deref()), (Some("u"), Some("cu")));
    }

    #[test]
    fn wrongly_typed_claims_are_named() {
        let cases = [
            (r#""exp":"2000000000""#, "exp"),
            (r#""exp":2000000000,"aud":["a",1]"#, "aud"),
            (r#""exp":2000000000,"aud":{}"#, "aud"),
            (r#""exp":2000000000,"scope":["a"]"#, "scope"),
            (r#""exp":2000000000,"cognito:groups":"admin""#, "cognito:groups"),
            (r#""exp":1e300"#, "exp"),
        ];
        for (extra, claim) in cases {
            let err = parse_plain(&format!("{{{MINIMAL},{extra}}}")).unwrap_err();
            assert!(
                matches!(err, VerifyError::InvalidClaim { claim: c, .. } if c == claim),
                "{extra}: {err:?}"
            );
        }
    }

    #[test]
    fn missing_exp_and_duplicates_and_non_objects_are_refused() {
        assert_eq!(parse_plain(&format!("{{{MINIMAL}}}")).unwrap_err(), VerifyError::MissingClaim("exp"));
        assert!(matches!(
            parse_plain(&format!(r#"{{{MINIMAL},"exp":1,"exp":2}}"#)),
            Err(VerifyError::MalformedPayload(_))
        ));
        for payload in ["[]", "null", "\"s\"", "{", "{} {}", ""] {
            assert!(matches!(parse_plain(payload), Err(VerifyError::MalformedPayload(_))), "{payload}");
        }
    }

    #[test]
    fn null_reads_as_absent_for_optional_claims_only() {
        let claims = parse_plain(&format!(
            r#"{{{MINIMAL},"exp":1,"aud":null,"scope":null,"cognito:groups":null,"iat":null,"version":null}}"#
        ))
        .unwrap();
        assert!(claims.aud.is_empty() && claims.scopes.is_empty() && claims.groups.is_empty());
        assert_eq!((claims.iat, claims.version), (None, None));
        let err = parse_plain(r#"{"sub":"s","iss":"i","token_use":null,"exp":1}"#).unwrap_err();
        assert!(matches!(err, VerifyError::InvalidClaim { claim: "token_use", .. }), "{err:?}");
        let twice = format!(r#"{{{MINIMAL},"exp":1,"scope":null,"scope":"admin"}}"#);
        assert!(matches!(parse_plain(&twice), Err(VerifyError::MalformedPayload(_))));
    }

    #[test]
    fn other_members_given_twice_are_refused_and_nested_ones_with_custom_claims() {
        let top = format!(r#"{{{MINIMAL},"exp":1,"x":1,"x":2}}"#);
        assert!(matches!(parse_plain(&top), Err(VerifyError::MalformedPayload(_))));
        let nested = format!(r#"{{{MINIMAL},"exp":1,"x":{{"a":1,"a":2}}}}"#);
        assert!(parse_plain(&nested).is_ok());
        type Custom = std::collections::HashMap<String, serde_json::Value>;
        assert!(matches!(parse::<Custom>(top.as_bytes()), Err(VerifyError::MalformedPayload(_))));
        assert!(matches!(parse::<Custom>(nested.as_bytes()), Err(VerifyError::MalformedPayload(_))));
        let fine = format!(r#"{{{MINIMAL},"exp":1,"x":{{"a":1,"b":[{{"a":2}}]}}}}"#);
        assert_eq!(parse::<Custom>(fine.as_bytes()).unwrap().custom.len(), 5);
    }
}
