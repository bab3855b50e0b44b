//! The verified claims of a Cognito token.
//!
//! Verification hands out an `Arc<`[`CognitoClaims`]`>`: the standard Cognito claims with their
//! types checked, plus user-defined claims of type `C`, shared cheaply between the request and
//! the verified-token cache.

pub(crate) mod payload;
mod strings;

use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use crate::jws::UnixTime;
use crate::scope_set::ScopeSet;
use crate::verified_claims::Subject;

pub use self::strings::ClaimStrings;
use self::strings::{ListSpan, Span, Text};

/// The claims of a verified Cognito access or ID token.
///
/// Read through accessors named after the claims. Claims Cognito always sets for the accepted
/// token kinds return plain values; the others an `Option`. `iss`, `token_use`, the client and
/// `exp` have been checked by the time you see them. The string claims are read in place from the
/// token's payload, which the claims keep (not one `String` each), which is why they are methods
/// and not fields.
///
/// ```
/// # fn show(claims: std::sync::Arc<cognito_verify::CognitoClaims>) {
/// println!("{} from client {:?}", claims.sub(), claims.client_id());
/// if claims.scopes().contains("transactions/post") { /* ... */ }
/// if claims.in_group("admin") { /* ... */ }
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct CognitoClaims<C = NoCustomClaims> {
    text: Text,
    sub: Span,
    iss: Span,
    token_use: Span,
    client_id: Option<Span>,
    aud: ListSpan,
    scope: Span,
    groups: ListSpan,
    username: Option<Span>,
    cognito_username: Option<Span>,
    email: Option<Span>,
    jti: Option<Span>,
    origin_jti: Option<Span>,
    event_id: Option<Span>,
    auth_time: Option<i64>,
    version: Option<i64>,
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
    fn opt(&self, span: Option<Span>) -> Option<&str> {
        span.map(|span| self.text.get(span))
    }

    /// The subject: the user's id, or the app client id for client-credentials tokens.
    pub fn sub(&self) -> &str {
        self.text.get(self.sub)
    }

    /// The issuer, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`.
    pub fn iss(&self) -> &str {
        self.text.get(self.iss)
    }

    /// `access` or `id`.
    pub fn token_use(&self) -> &str {
        self.text.get(self.token_use)
    }

    /// The app client, on access tokens.
    pub fn client_id(&self) -> Option<&str> {
        self.opt(self.client_id)
    }

    /// The audiences (`aud`), on ID tokens: the app client. A single string in the token (as
    /// Cognito writes it) reads as one audience; an array as its members (RFC 7519 §4.1.3).
    pub fn aud(&self) -> ClaimStrings<'_> {
        self.text.list(self.aud)
    }

    /// OAuth scopes (`scope`, space separated), on access tokens.
    pub fn scopes(&self) -> ScopeSet<'_> {
        ScopeSet::from_claim(self.text.get(self.scope))
    }

    /// `cognito:groups`.
    pub fn groups(&self) -> ClaimStrings<'_> {
        self.text.list(self.groups)
    }

    /// `username` (access tokens).
    pub fn username(&self) -> Option<&str> {
        self.opt(self.username)
    }

    /// `cognito:username` (ID tokens).
    pub fn cognito_username(&self) -> Option<&str> {
        self.opt(self.cognito_username)
    }

    /// `email` (ID tokens).
    pub fn email(&self) -> Option<&str> {
        self.opt(self.email)
    }

    /// `auth_time`: when the user authenticated, seconds since the Unix epoch.
    pub fn auth_time(&self) -> Option<i64> {
        self.auth_time
    }

    /// `iat`: when the token was issued, whole seconds since the Unix epoch (a fraction is
    /// rounded down here; the time checks compare the exact value).
    pub fn iat(&self) -> Option<i64> {
        self.times.iat.map(UnixTime::secs)
    }

    /// `exp`: when the token expires, whole seconds since the Unix epoch (rounded down; the
    /// time checks compare the exact value).
    pub fn exp(&self) -> i64 {
        self.times.exp.secs()
    }

    /// `nbf`: not valid before, whole seconds since the Unix epoch (rounded down; the time
    /// checks compare the exact value). Cognito does not set it.
    pub fn nbf(&self) -> Option<i64> {
        self.times.nbf.map(UnixTime::secs)
    }

    /// `jti`: the token's unique id.
    pub fn jti(&self) -> Option<&str> {
        self.opt(self.jti)
    }

    /// `origin_jti`: the id of the authentication event the token descends from.
    pub fn origin_jti(&self) -> Option<&str> {
        self.opt(self.origin_jti)
    }

    /// `event_id`.
    pub fn event_id(&self) -> Option<&str> {
        self.opt(self.event_id)
    }

    /// `version` (2 for current Cognito access tokens).
    pub fn version(&self) -> Option<i64> {
        self.version
    }

    /// The user's name: `username` on access tokens, `cognito:username` on ID tokens.
    pub fn user_name(&self) -> Option<&str> {
        self.username().or(self.cognito_username())
    }

    /// The app client the token was issued to: `client_id`, or `aud` for ID tokens (its first
    /// audience, when it lists several).
    pub fn client(&self) -> Option<&str> {
        self.client_id().or(self.aud().first())
    }

    /// Whether `cognito:groups` contains `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups().contains(group)
    }
}

impl<C: fmt::Debug> fmt::Debug for CognitoClaims<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoClaims")
            .field("sub", &self.sub())
            .field("iss", &self.iss())
            .field("token_use", &self.token_use())
            .field("client_id", &self.client_id())
            .field("aud", &self.aud())
            .field("scopes", &self.scopes())
            .field("groups", &self.groups())
            .field("username", &self.username())
            .field("cognito_username", &self.cognito_username())
            .field("email", &self.email())
            .field("auth_time", &self.auth_time)
            .field("iat", &self.iat())
            .field("exp", &self.exp())
            .field("nbf", &self.nbf())
            .field("jti", &self.jti())
            .field("origin_jti", &self.origin_jti())
            .field("event_id", &self.event_id())
            .field("version", &self.version)
            .field("custom", &self.custom)
            .finish()
    }
}

/// Claims are equal when every claim is (scopes in any order, as [`ScopeSet`] compares them).
impl<C: PartialEq> PartialEq for CognitoClaims<C> {
    fn eq(&self, other: &Self) -> bool {
        self.sub() == other.sub()
            && self.iss() == other.iss()
            && self.token_use() == other.token_use()
            && self.client_id() == other.client_id()
            && self.aud().eq(other.aud())
            && self.scopes() == other.scopes()
            && self.groups().eq(other.groups())
            && self.username() == other.username()
            && self.cognito_username() == other.cognito_username()
            && self.email() == other.email()
            && self.auth_time == other.auth_time
            && self.jti() == other.jti()
            && self.origin_jti() == other.origin_jti()
            && self.event_id() == other.event_id()
            && self.version == other.version
            && self.times == other.times
            && self.custom == other.custom
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
///     claims.sub()
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
        self.sub()
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
        parse::<NoCustomClaims>(json.as_bytes().to_vec())
    }

    const MINIMAL: &str = r#""sub":"s","iss":"i","token_use":"access""#;

    #[test]
    fn escaped_strings_read_as_their_json_says_and_a_payload_must_be_utf8() {
        let escaped =
            format!(r#"{{{MINIMAL},"exp":1,"email":"a\u0040b\"c","cognito:groups":["g\\1","g2"]}}"#);
        let claims = parse_plain(&escaped).unwrap();
        assert_eq!((claims.sub(), claims.email()), ("s", Some("a@b\"c")));
        assert_eq!(claims.groups().collect::<Vec<_>>(), ["g\\1", "g2"]);
        // Even in a member nothing reads (serde_json would skip it without checking).
        let mut not_utf8 = format!(r#"{{{MINIMAL},"exp":1,"x":"?"}}"#).into_bytes();
        let at = not_utf8.iter().position(|&b| b == b'?').unwrap();
        not_utf8[at] = 0xff;
        assert_eq!(
            parse::<NoCustomClaims>(not_utf8).unwrap_err(),
            VerifyError::MalformedPayload("not UTF-8")
        );
    }

    #[test]
    fn standard_claims_are_read_with_their_cognito_names() {
        let claims = parse_plain(&format!(
            r#"{{{MINIMAL},"exp":2000000000,"scope":"a/b  openid","cognito:groups":["admin"],"username":"u","cognito:username":"cu","version":2,"other":{{"x":[1]}}}}"#
        ))
        .unwrap();
        assert_eq!(claims.exp(), 2_000_000_000);
        assert!(claims.scopes().contains_all(&["a/b", "openid"]) && claims.scopes().len() == 2);
        assert!(claims.in_group("admin"));
        assert_eq!((claims.username(), claims.cognito_username()), (Some("u"), Some("cu")));
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
        assert!(claims.aud().is_empty() && claims.scopes().is_empty() && claims.groups().is_empty());
        assert_eq!((claims.iat(), claims.version()), (None, None));
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
        assert!(matches!(parse::<Custom>(top.as_bytes().to_vec()), Err(VerifyError::MalformedPayload(_))));
        assert!(matches!(parse::<Custom>(nested.as_bytes().to_vec()), Err(VerifyError::MalformedPayload(_))));
        let fine = format!(r#"{{{MINIMAL},"exp":1,"x":{{"a":1,"b":[{{"a":2}}]}}}}"#);
        assert_eq!(parse::<Custom>(fine.as_bytes().to_vec()).unwrap().custom.len(), 5);
    }
}
