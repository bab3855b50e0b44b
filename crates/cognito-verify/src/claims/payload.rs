//! Reading a verified payload into [`CognitoClaims`]: the standard claims in one pass with their
//! JSON types checked, the user-defined claims in a second pass when there are any.

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;

use serde::Deserializer;
use serde::de::value::UnitDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{CognitoClaims, NoCustomClaims, Times};
use crate::error::VerifyError;
use crate::json::{MemberNames, Str, StringOrArray, UniqueMembers};
use crate::jws::{NumericDate, UnixTime};
use crate::scope_set::ScopeSet;

/// Parse a verified payload into claims, checking the JSON type of each standard claim. An
/// optional claim that is `null` reads as absent; a member given twice is refused, at the top
/// level always, and at every depth when there are custom claims (which might read it).
pub(crate) fn parse<C: DeserializeOwned + 'static>(payload: &[u8]) -> Result<CognitoClaims<C>, VerifyError> {
    let failed_claim = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(payload);
    let no_custom_claims = TypeId::of::<C>() == TypeId::of::<NoCustomClaims>();
    let standard = StandardSeed { failed_claim: &failed_claim, nested_unique: !no_custom_claims }
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
    // nothing to read. The first pass refused repeated members, so both read the same claims.
    let custom = if no_custom_claims {
        C::deserialize(UnitDeserializer::<serde_json::Error>::new())
            .map_err(|_| VerifyError::MalformedPayload("custom claims do not match their type"))?
    } else {
        custom_claims(payload)?
    };
    standard.into_claims(custom)
}

/// The user-defined claims; a failure names the claim (never its value): the path to the member
/// whose value has the wrong type, or the required member that is missing.
fn custom_claims<C: DeserializeOwned>(payload: &[u8]) -> Result<C, VerifyError> {
    let mut de = serde_json::Deserializer::from_slice(payload);
    serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        // serde's text for a missing field quotes the field's name (from the type, not the
        // token); every other text may quote the value, so only the path is kept.
        let missing = err.inner().to_string();
        let missing = missing.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
        let (claim, problem) = match missing {
            Some(field) if path == "." => (field.to_owned(), "is missing"),
            Some(field) => (format!("{path}.{field}"), "is missing"),
            None => (path, "does not have the type the custom claims ask for"),
        };
        VerifyError::CustomClaim { claim: claim.chars().take(128).collect(), problem }
    })
}

#[derive(Default)]
struct Standard {
    sub: Option<String>,
    iss: Option<String>,
    token_use: Option<String>,
    client_id: Option<String>,
    aud: Option<Vec<String>>,
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
            aud: self.aud.unwrap_or_default(),
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
    /// Also refuse repeated members inside the values of other members (objects in custom
    /// claims), not only at the top level.
    nested_unique: bool,
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
        // The standard claims read so far, one bit each (a `null` leaves its slot empty), and
        // the names of the other members.
        let mut seen = 0u32;
        let mut others = MemberNames::new();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            // A claim given twice could be read differently by another parser: refuse it.
            macro_rules! once {
                ($bit:literal) => {{
                    if seen & (1 << $bit) != 0 {
                        return Err(de::Error::custom("duplicate claim"));
                    }
                    seen |= 1 << $bit;
                }};
            }
            macro_rules! value {
                ($ty:ty, $claim:literal, $expected:literal) => {
                    map.next_value::<$ty>()
                        .inspect_err(|_| self.failed_claim.set(Some(($claim, $expected))))?
                };
            }
            // Required claims: `null` is of the wrong type.
            macro_rules! required {
                ($bit:literal, $slot:expr, $claim:literal, $ty:ty, $expected:literal) => {{
                    once!($bit);
                    $slot = Some(value!($ty, $claim, $expected).into());
                }};
            }
            // Optional claims: `null` reads as absent.
            macro_rules! optional {
                ($bit:literal, $slot:expr, $claim:literal, $ty:ty, $expected:literal) => {{
                    once!($bit);
                    $slot = value!(Option<$ty>, $claim, $expected).map(Into::into);
                }};
            }
            match key.as_ref() {
                "sub" => required!(0, out.sub, "sub", String, "a string"),
                "iss" => required!(1, out.iss, "iss", String, "a string"),
                "token_use" => required!(2, out.token_use, "token_use", String, "a string"),
                "exp" => required!(3, out.exp, "exp", NumericDate, "a number"),
                "client_id" => optional!(4, out.client_id, "client_id", String, "a string"),
                "aud" => {
                    once!(5);
                    out.aud = value!(Option<StringOrArray>, "aud", "a string or an array of strings")
                        .map(|StringOrArray(aud)| aud);
                }
                "scope" => optional!(6, out.scope, "scope", String, "a space-separated string"),
                "cognito:groups" => {
                    optional!(7, out.groups, "cognito:groups", Vec<String>, "an array of strings")
                }
                "username" => optional!(8, out.username, "username", String, "a string"),
                "cognito:username" => {
                    optional!(9, out.cognito_username, "cognito:username", String, "a string")
                }
                "email" => optional!(10, out.email, "email", String, "a string"),
                "auth_time" => optional!(11, out.auth_time, "auth_time", NumericDate, "a number"),
                "iat" => optional!(12, out.iat, "iat", NumericDate, "a number"),
                "nbf" => optional!(13, out.nbf, "nbf", NumericDate, "a number"),
                "jti" => optional!(14, out.jti, "jti", String, "a string"),
                "origin_jti" => optional!(15, out.origin_jti, "origin_jti", String, "a string"),
                "event_id" => optional!(16, out.event_id, "event_id", String, "a string"),
                "version" => optional!(17, out.version, "version", i64, "an integer"),
                _ => {
                    if !others.insert(key) {
                        return Err(de::Error::custom("duplicate member"));
                    }
                    if self.nested_unique {
                        map.next_value_seed(UniqueMembers)?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        Ok(out)
    }
}
