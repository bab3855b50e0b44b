//! The verified claims of a Cognito token.
//!
//! Verification hands out an `Arc<`[`CognitoClaims`]`>`: the standard Cognito claims with their
//! types checked, plus user-defined claims of type `C`, shared cheaply between the request and
//! the verified-token cache.

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;

use serde::de::value::UnitDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::VerifyError;
use crate::json::Str;
use crate::jws::{NumericDate, UnixTime};
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
    /// The audience (the app client), on ID tokens.
    pub aud: Option<String>,
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

    /// The app client the token was issued to: `client_id`, or `aud` for ID tokens.
    pub fn client(&self) -> Option<&str> {
        self.client_id.as_deref().or(self.aud.as_deref())
    }

    /// Whether `cognito:groups` contains `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// The default for the custom-claims parameter: no user-defined claims.
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

/// Parse a verified payload into claims, checking the JSON type of each standard claim.
pub(crate) fn parse<C: DeserializeOwned + 'static>(payload: &[u8]) -> Result<CognitoClaims<C>, VerifyError> {
    let failed_claim = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(payload);
    let standard = StandardSeed { failed_claim: &failed_claim }
        .deserialize(&mut de)
        .and_then(|standard| de.end().map(|()| standard));
    let standard = match standard {
        Ok(standard) => standard,
        Err(_) => {
            return Err(match failed_claim.get() {
                Some((claim, expected)) => VerifyError::InvalidClaim { claim, expected },
                None => VerifyError::MalformedPayload("not a JSON object with unique members"),
            });
        }
    };
    // User-defined claims come from a second pass: `#[serde(flatten)]` would buffer every
    // claim, which costs more than reading the payload twice. Without custom claims there is
    // nothing to read.
    let custom = if TypeId::of::<C>() == TypeId::of::<NoCustomClaims>() {
        C::deserialize(UnitDeserializer::<serde_json::Error>::new())
    } else {
        serde_json::from_slice::<C>(payload)
    }
    .map_err(|_| VerifyError::MalformedPayload("custom claims do not match their type"))?;
    standard.into_claims(custom)
}

#[derive(Default)]
struct Standard {
    sub: Option<String>,
    iss: Option<String>,
    token_use: Option<String>,
    client_id: Option<String>,
    aud: Option<String>,
    scope: Option<String>,
    groups: Option<Vec<String>>,
    username: Option<String>,
    cognito_username: Option<String>,
    email: Option<String>,
    auth_time: Option<i64>,
    iat: Option<UnixTime>,
    exp: Option<UnixTime>,
    nbf: Option<UnixTime>,
    jti: Option<String>,
    origin_jti: Option<String>,
    event_id: Option<String>,
    version: Option<i64>,
}

impl Standard {
    fn into_claims<C>(self, custom: C) -> Result<CognitoClaims<C>, VerifyError> {
        Ok(CognitoClaims {
            sub: self.sub.ok_or(VerifyError::MissingClaim("sub"))?,
            iss: self.iss.ok_or(VerifyError::MissingClaim("iss"))?,
            token_use: self.token_use.ok_or(VerifyError::MissingClaim("token_use"))?,
            client_id: self.client_id,
            aud: self.aud,
            scopes: ScopeSet::from_claim(self.scope.unwrap_or_default()),
            groups: self.groups.unwrap_or_default(),
            username: self.username,
            cognito_username: self.cognito_username,
            email: self.email,
            auth_time: self.auth_time,
            iat: self.iat.map(UnixTime::secs),
            exp: self.exp.ok_or(VerifyError::MissingClaim("exp"))?.secs(),
            nbf: self.nbf.map(UnixTime::secs),
            jti: self.jti,
            origin_jti: self.origin_jti,
            event_id: self.event_id,
            version: self.version,
            custom,
            times: Times {
                exp: self.exp.ok_or(VerifyError::MissingClaim("exp"))?,
                nbf: self.nbf,
                iat: self.iat,
            },
        })
    }
}

/// Deserializes [`Standard`], recording which claim had the wrong type.
struct StandardSeed<'a> {
    failed_claim: &'a Cell<Option<(&'static str, &'static str)>>,
}

impl<'de> DeserializeSeed<'de> for StandardSeed<'_> {
    type Value = Standard;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Standard, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StandardSeed<'_> {
    type Value = Standard;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Standard, A::Error> {
        let mut out = Standard::default();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            // A claim given twice could be read differently by another parser: refuse it.
            macro_rules! field {
                ($slot:expr, $claim:literal, $ty:ty, $expected:literal) => {{
                    if $slot.is_some() {
                        return Err(de::Error::custom("duplicate claim"));
                    }
                    match map.next_value::<$ty>() {
                        Ok(value) => $slot = Some(value.into()),
                        Err(err) => {
                            self.failed_claim.set(Some(($claim, $expected)));
                            return Err(err);
                        }
                    }
                }};
            }
            match key.as_ref() {
                "sub" => field!(out.sub, "sub", String, "a string"),
                "iss" => field!(out.iss, "iss", String, "a string"),
                "token_use" => field!(out.token_use, "token_use", String, "a string"),
                "client_id" => field!(out.client_id, "client_id", String, "a string"),
                "aud" => field!(out.aud, "aud", String, "a single string (an array is not accepted)"),
                "scope" => field!(out.scope, "scope", String, "a space-separated string"),
                "cognito:groups" => field!(out.groups, "cognito:groups", Vec<String>, "an array of strings"),
                "username" => field!(out.username, "username", String, "a string"),
                "cognito:username" => field!(out.cognito_username, "cognito:username", String, "a string"),
                "email" => field!(out.email, "email", String, "a string"),
                "auth_time" => field!(out.auth_time, "auth_time", NumericDate, "a number"),
                "iat" => field!(out.iat, "iat", NumericDate, "a number"),
                "exp" => field!(out.exp, "exp", NumericDate, "a number"),
                "nbf" => field!(out.nbf, "nbf", NumericDate, "a number"),
                "jti" => field!(out.jti, "jti", String, "a string"),
                "origin_jti" => field!(out.origin_jti, "origin_jti", String, "a string"),
                "event_id" => field!(out.event_id, "event_id", String, "a string"),
                "version" => field!(out.version, "version", i64, "an integer"),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            (r#""exp":2000000000,"aud":["a","b"]"#, "aud"),
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
}
