//! Reading a verified payload into [`CognitoClaims`]: the standard claims in one pass with their
//! JSON types checked, the user-defined claims in a second pass when there are any.

mod plain;

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;

use serde::Deserialize;
use serde::Deserializer;
use serde::de::value::UnitDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::strings::{ListSpan, Span, Text, TextBuilder};
use super::{CognitoClaims, NoCustomClaims, Times};
use crate::error::VerifyError;
use crate::json::{MemberNames, Str, UniqueMembers};
use crate::jws::{NumericDate, UnixTime};

/// Parse a verified payload into claims, checking the JSON type of each standard claim. An
/// optional claim that is `null` reads as absent; a member given twice is refused, at the top
/// level always, and at every depth when there are custom claims (which might read it).
///
/// The payload becomes the claims' text: string claims are spans of it. A payload of the plain
/// shape Cognito sends is read by [`plain`]'s scanner, any other by serde_json; both read a
/// plain payload the same, and only serde_json reports errors.
pub(crate) fn parse<C: DeserializeOwned + 'static>(
    payload: Vec<u8>,
) -> Result<CognitoClaims<C>, VerifyError> {
    let no_custom_claims = TypeId::of::<C>() == TypeId::of::<NoCustomClaims>();
    // RFC 7519 §7.2: the claims are UTF-8 JSON. (serde_json would skip the strings of members
    // it ignores without checking them.)
    let json = String::from_utf8(payload).map_err(|_| VerifyError::MalformedPayload("not UTF-8"))?;
    let (standard, text) = match plain::standard_claims(&json) {
        Some(read) => read,
        None => full_parse(json.as_bytes(), !no_custom_claims, TextBuilder::over(&json))?,
    };
    // User-defined claims come from a second pass: `#[serde(flatten)]` would buffer every
    // claim, which costs more than reading the payload twice. Without custom claims there is
    // nothing to read. The first pass refused repeated members, so both read the same claims.
    let custom = if no_custom_claims {
        C::deserialize(UnitDeserializer::<serde_json::Error>::new())
            .map_err(|_| VerifyError::MalformedPayload("custom claims do not match their type"))?
    } else {
        custom_claims(json.as_bytes())?
    };
    standard.into_claims(text.finish(json), custom)
}

/// `Err` naming both readings when the scanner reads `payload`'s standard claims differently from
/// serde_json (with and without the check for repeated members at depth); `Ok(true)` when they
/// agree, `Ok(false)` when the scanner leaves the payload to serde_json. For the `payload` fuzz
/// target and the property test of [`plain`].
pub(crate) fn compare_readers(payload: &[u8]) -> Result<bool, String> {
    let Ok(json) = std::str::from_utf8(payload) else {
        return Ok(false);
    };
    let Some((standard, text)) = plain::standard_claims(json) else {
        return Ok(false);
    };
    let fast = (standard, text.finish(json.to_owned()));
    for nested_unique in [false, true] {
        let full = full_parse(payload, nested_unique, TextBuilder::over(json))
            .map(|(standard, text)| (standard, text.finish(json.to_owned())));
        if full.as_ref() != Ok(&fast) {
            return Err(format!(
                "scanner read {fast:?}, serde_json (nested_unique {nested_unique}) {full:?}"
            ));
        }
    }
    Ok(true)
}

/// The standard claims read by serde_json, their strings kept by `text`, refusing repeated
/// members inside other members' values too when `nested_unique`; the error names the claim of
/// the wrong type, if that is what is wrong.
fn full_parse(
    payload: &[u8],
    nested_unique: bool,
    mut text: TextBuilder,
) -> Result<(Standard, TextBuilder), VerifyError> {
    let failed_claim = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(payload);
    StandardSeed { failed_claim: &failed_claim, nested_unique, text: &mut text }
        .deserialize(&mut de)
        .and_then(|standard| de.end().map(|()| standard))
        .map(|standard| (standard, text))
        .map_err(|_| match failed_claim.get() {
            Some((claim, expected)) => VerifyError::InvalidClaim { claim, expected },
            None => VerifyError::MalformedPayload("not a JSON object with unique members"),
        })
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

/// The standard claims as read, before the required ones are known to be there.
#[derive(Debug, Default, PartialEq)]
struct Standard {
    sub: Option<Span>,
    iss: Option<Span>,
    token_use: Option<Span>,
    client_id: Option<Span>,
    aud: ListSpan,
    scope: Span,
    groups: ListSpan,
    username: Option<Span>,
    cognito_username: Option<Span>,
    email: Option<Span>,
    auth_time: Option<i64>,
    iat: Option<UnixTime>,
    exp: Option<UnixTime>,
    nbf: Option<UnixTime>,
    jti: Option<Span>,
    origin_jti: Option<Span>,
    event_id: Option<Span>,
    version: Option<i64>,
}

impl Standard {
    fn into_claims<C>(self, text: Text, custom: C) -> Result<CognitoClaims<C>, VerifyError> {
        Ok(CognitoClaims {
            text,
            sub: self.sub.ok_or_else(|| VerifyError::MissingClaim("sub"))?,
            iss: self.iss.ok_or_else(|| VerifyError::MissingClaim("iss"))?,
            token_use: self.token_use.ok_or_else(|| VerifyError::MissingClaim("token_use"))?,
            client_id: self.client_id,
            aud: self.aud,
            scope: self.scope,
            groups: self.groups,
            username: self.username,
            cognito_username: self.cognito_username,
            email: self.email,
            auth_time: self.auth_time,
            jti: self.jti,
            origin_jti: self.origin_jti,
            event_id: self.event_id,
            version: self.version,
            custom,
            times: Times {
                exp: self.exp.ok_or_else(|| VerifyError::MissingClaim("exp"))?,
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
    /// Where the string claims go.
    text: &'a mut TextBuilder,
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
        let text = self.text;
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
            macro_rules! seeded {
                ($seed:expr, $claim:literal, $expected:literal) => {
                    map.next_value_seed($seed)
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
            macro_rules! required_str {
                ($bit:literal, $slot:expr, $claim:literal) => {{
                    once!($bit);
                    $slot = Some(seeded!(StrSeed(&mut *text), $claim, "a string"));
                }};
            }
            // Optional claims: `null` reads as absent.
            macro_rules! optional {
                ($bit:literal, $slot:expr, $claim:literal, $ty:ty, $expected:literal) => {{
                    once!($bit);
                    $slot = value!(Option<$ty>, $claim, $expected).map(Into::into);
                }};
            }
            macro_rules! optional_str {
                ($bit:literal, $slot:expr, $claim:literal) => {{
                    once!($bit);
                    $slot = seeded!(Nullable(StrSeed(&mut *text)), $claim, "a string");
                }};
            }
            match key.as_ref() {
                "sub" => required_str!(0, out.sub, "sub"),
                "iss" => required_str!(1, out.iss, "iss"),
                "token_use" => required_str!(2, out.token_use, "token_use"),
                "exp" => required!(3, out.exp, "exp", NumericDate, "a number"),
                "client_id" => optional_str!(4, out.client_id, "client_id"),
                "aud" => {
                    once!(5);
                    out.aud = seeded!(
                        Nullable(ListSeed { text: &mut *text, single_string: true }),
                        "aud",
                        "a string or an array of strings"
                    )
                    .unwrap_or_default();
                }
                "scope" => {
                    once!(6);
                    out.scope = seeded!(Nullable(StrSeed(&mut *text)), "scope", "a space-separated string")
                        .unwrap_or_default();
                }
                "cognito:groups" => {
                    once!(7);
                    out.groups = seeded!(
                        Nullable(ListSeed { text: &mut *text, single_string: false }),
                        "cognito:groups",
                        "an array of strings"
                    )
                    .unwrap_or_default();
                }
                "username" => optional_str!(8, out.username, "username"),
                "cognito:username" => optional_str!(9, out.cognito_username, "cognito:username"),
                "email" => optional_str!(10, out.email, "email"),
                "auth_time" => optional!(11, out.auth_time, "auth_time", NumericDate, "a number"),
                "iat" => optional!(12, out.iat, "iat", NumericDate, "a number"),
                "nbf" => optional!(13, out.nbf, "nbf", NumericDate, "a number"),
                "jti" => optional_str!(14, out.jti, "jti"),
                "origin_jti" => optional_str!(15, out.origin_jti, "origin_jti"),
                "event_id" => optional_str!(16, out.event_id, "event_id"),
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

/// A string claim, kept in the token's [`TextBuilder`].
struct StrSeed<'a>(&'a mut TextBuilder);

impl<'de> DeserializeSeed<'de> for StrSeed<'_> {
    type Value = Span;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Span, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed<'_> {
    type Value = Span;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Span, E> {
        self.0.push(v).map_err(|_| E::custom("claims too long"))
    }
}

/// An optional claim: `null` reads as absent.
struct Nullable<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// An array of strings (`cognito:groups`), or also a single string (`aud`, RFC 7519 §4.1.3:
/// one audience), kept in the token's [`TextBuilder`].
struct ListSeed<'a> {
    text: &'a mut TextBuilder,
    single_string: bool,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = ListSpan;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ListSpan, D::Error> {
        if self.single_string {
            deserializer.deserialize_any(self)
        } else {
            deserializer.deserialize_seq(self)
        }
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = ListSpan;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.single_string {
            "a string or an array of strings"
        } else {
            "an array of strings"
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<ListSpan, E> {
        if !self.single_string {
            return Err(E::invalid_type(de::Unexpected::Str(v), &self));
        }
        let too_long = |_| E::custom("claims too long");
        let start = self.text.start_list().map_err(too_long)?;
        self.text.push_member(v).map_err(too_long)?;
        self.text.end_list(start).map_err(too_long)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListSpan, A::Error> {
        let too_long = |_| de::Error::custom("claims too long");
        let start = self.text.start_list().map_err(too_long)?;
        while let Some(Member(member)) = seq.next_element::<Member<'de>>()? {
            self.text.push_member(&member).map_err(too_long)?;
        }
        self.text.end_list(start).map_err(too_long)
    }
}

/// A member of an array claim: a string, borrowed when it has no escapes.
struct Member<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Member<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Str::deserialize(deserializer).map(|Str(s)| Member(s))
    }
}
