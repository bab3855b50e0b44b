//! The JOSE header of a token: one parser for every token kind, reading `alg` and `kid`, and for
//! ALB tokens also `signer`, `client`, `iss` and `exp`.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::numeric_date::{NumericDate, UnixTime};
use crate::algorithm::Algorithm;
use crate::error::{VerifyError, truncate};
use crate::json::Str;

/// Longest `alg` quoted by [`VerifyError::DisallowedAlgorithm`], in characters.
const MAX_ERROR_ALG_CHARS: usize = 32;

/// Which header members are read besides `alg` and `kid`; the others are skipped, whatever their
/// type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderMembers {
    /// `alg` and `kid` only (Cognito and other JWTs).
    Jwt,
    /// Also the ALB members `signer`, `client`, `iss` (strings) and `exp` (a NumericDate).
    Alb,
}

/// The header members read, as found: strings are borrowed from the header JSON unless escaped.
/// A member read must have its type and appear once, or the header is malformed.
#[derive(Debug, Default)]
pub(crate) struct Header<'h> {
    alg: Option<Cow<'h, str>>,
    kid: Option<Cow<'h, str>>,
    /// ALB: the load balancer's ARN.
    pub(crate) signer: Option<Cow<'h, str>>,
    /// ALB: the app client the load balancer authenticated with.
    pub(crate) client: Option<Cow<'h, str>>,
    /// ALB: the identity provider.
    pub(crate) iss: Option<Cow<'h, str>>,
    /// ALB: the token's expiry.
    pub(crate) exp: Option<UnixTime>,
    /// Whether the header has a `crit` member, whatever its value.
    crit: bool,
}

impl<'h> Header<'h> {
    /// Parse the decoded header segment. The error names the member of the wrong type, if that
    /// is what is wrong.
    pub(crate) fn parse(json: &'h [u8], members: HeaderMembers) -> Result<Self, VerifyError> {
        if members == HeaderMembers::Jwt
            && let Some((alg, kid)) = plain_alg_and_kid(json)
        {
            return Ok(Header {
                alg: Some(Cow::Borrowed(alg)),
                kid: Some(Cow::Borrowed(kid)),
                ..Header::default()
            });
        }
        // RFC 7515 §5.2: the header is UTF-8. serde_json skips the strings of ignored members
        // without validating them, so check the whole header first (found by the `jws` fuzz
        // target: a header another JSON parser refuses must not pass here).
        if std::str::from_utf8(json).is_err() {
            return Err(VerifyError::MalformedHeader("not UTF-8"));
        }
        let failed = Cell::new(None);
        let mut de = serde_json::Deserializer::from_slice(json);
        let seed = HeaderSeed { members, failed: &failed };
        seed.deserialize(&mut de)
            .and_then(|header| de.end().map(|()| header))
            .map_err(|_| VerifyError::MalformedHeader(failed.get().unwrap_or("not a valid JSON object")))
    }

    /// The `alg`, when `accept` takes it: [`MalformedHeader`](VerifyError::MalformedHeader)
    /// without one, [`DisallowedAlgorithm`](VerifyError::DisallowedAlgorithm) for another.
    pub(crate) fn alg(&self, accept: impl Fn(&str) -> Option<Algorithm>) -> Result<Algorithm, VerifyError> {
        let alg = self.alg.as_deref().ok_or_else(|| VerifyError::MalformedHeader("no alg"))?;
        accept(alg).ok_or_else(|| VerifyError::DisallowedAlgorithm(truncate(alg, MAX_ERROR_ALG_CHARS)))
    }

    /// [`MalformedHeader`](VerifyError::MalformedHeader) when the header has a `crit` member: it
    /// names extensions the recipient must understand (RFC 7515 §4.1.11), and we understand
    /// none. (An empty or malformed `crit` is invalid anyway.)
    pub(crate) fn refuse_critical(&self) -> Result<(), VerifyError> {
        if self.crit {
            return Err(VerifyError::MalformedHeader(
                "`crit` names header extensions, and none is supported (RFC 7515 §4.1.11)",
            ));
        }
        Ok(())
    }

    /// The `kid`, or [`MissingKid`](VerifyError::MissingKid).
    pub(crate) fn kid(&self) -> Result<&str, VerifyError> {
        self.kid.as_deref().ok_or_else(|| VerifyError::MissingKid)
    }
}

/// `alg` and `kid` of a header of exactly the shape Cognito sends, `{"kid":"…","alg":"…"}` (in
/// either order, no whitespace, each value printable ASCII without `"` or `\`), read without the
/// JSON parser; `None` for any other header, which then takes the full parse. Such a header is a
/// JSON object of two distinct members, both strings without escapes, all ASCII: the full parse
/// reads it the same (`plain_headers_read_as_the_json_parser_reads_them`). It is most of the
/// cost of refusing a token for an unknown `kid`.
fn plain_alg_and_kid(json: &[u8]) -> Option<(&str, &str)> {
    /// `"name":"value"` at the start of `rest`: the name, the value and what follows.
    fn member(rest: &str) -> Option<(&str, &str, &str)> {
        let rest = rest.strip_prefix('"')?;
        let (name, rest) = rest.split_at_checked(3)?;
        let rest = rest.strip_prefix("\":\"")?;
        let end = rest.bytes().position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')?;
        // Printable ASCII up to `end`: a character boundary.
        let (value, rest) = rest.split_at_checked(end)?;
        Some((name, value, rest.strip_prefix('"')?))
    }
    // One UTF-8 check for the whole header; the members are then cut at ASCII bytes.
    let rest = std::str::from_utf8(json).ok()?.strip_prefix('{')?;
    let (first, first_value, rest) = member(rest)?;
    let rest = rest.strip_prefix(',')?;
    let (second, second_value, rest) = member(rest)?;
    if rest != "}" {
        return None;
    }
    match (first, second) {
        ("alg", "kid") => Some((first_value, second_value)),
        ("kid", "alg") => Some((second_value, first_value)),
        _ => None,
    }
}

/// Reads a header object, recording which member had the wrong type.
struct HeaderSeed<'a> {
    members: HeaderMembers,
    failed: &'a Cell<Option<&'static str>>,
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = Header<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Header<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = Header<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header<'de>, A::Error> {
        let mut header = Header::default();
        let alb = self.members == HeaderMembers::Alb;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let (slot, error) = match key.as_ref() {
                "alg" => (&mut header.alg, "alg is not a string"),
                "kid" => (&mut header.kid, "kid is not a string"),
                "signer" if alb => (&mut header.signer, "signer is not a string"),
                "client" if alb => (&mut header.client, "client is not a string"),
                "iss" if alb => (&mut header.iss, "iss is not a string"),
                "exp" if alb => {
                    if header.exp.is_some() {
                        return Err(de::Error::custom("duplicate header member"));
                    }
                    let exp = map.next_value::<NumericDate>().inspect_err(|_| {
                        self.failed.set(Some("exp is not a number"));
                    })?;
                    header.exp = Some(exp.into());
                    continue;
                }
                "crit" => {
                    header.crit = true;
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            // A member given twice could be read differently by another parser: refuse it.
            if slot.is_some() {
                return Err(de::Error::custom("duplicate header member"));
            }
            let Str(value) = map.next_value::<Str<'de>>().inspect_err(|_| self.failed.set(Some(error)))?;
            *slot = Some(value);
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str, members: HeaderMembers) -> Result<Header<'_>, VerifyError> {
        Header::parse(json.as_bytes(), members)
    }

    #[test]
    fn members_read_must_be_strings() {
        let err = |json| parse(json, HeaderMembers::Jwt).unwrap_err();
        assert_eq!(err(r#"{"alg":1,"kid":"k"}"#), VerifyError::MalformedHeader("alg is not a string"));
        assert_eq!(
            err(r#"{"alg":"RS256","kid":["k"]}"#),
            VerifyError::MalformedHeader("kid is not a string")
        );
        assert_eq!(err(r#"["RS256"]"#), VerifyError::MalformedHeader("not a valid JSON object"));
        assert_eq!(err(r#"{"kid":"a","kid":"b"}"#), VerifyError::MalformedHeader("not a valid JSON object"));
    }

    #[test]
    fn alb_members_are_read_only_for_alb_tokens() {
        let json = r#"{"alg":"ES256","kid":"k","signer":"arn","client":"c","iss":"i","exp":1.5,"typ":"JWT"}"#;
        let header = parse(json, HeaderMembers::Alb).unwrap();
        assert_eq!((header.signer.as_deref(), header.client.as_deref()), (Some("arn"), Some("c")));
        assert_eq!(
            (header.iss.as_deref(), header.exp),
            (Some("i"), Some(UnixTime::from_secs(1).saturating_add(std::time::Duration::from_millis(500))))
        );
        let other = r#"{"alg":"RS256","kid":"k","signer":1,"exp":"soon"}"#;
        let header = parse(other, HeaderMembers::Jwt).unwrap();
        assert_eq!((header.signer, header.exp), (None, None));
        assert_eq!(
            parse(other, HeaderMembers::Alb).unwrap_err(),
            VerifyError::MalformedHeader("signer is not a string")
        );
        assert_eq!(
            parse(r#"{"exp":"soon"}"#, HeaderMembers::Alb).unwrap_err(),
            VerifyError::MalformedHeader("exp is not a number")
        );
    }

    #[test]
    fn a_crit_member_of_any_value_is_refused_rfc7515_4_1_11() {
        for crit in [r#"["exp"]"#, "[]", r#""b64""#, "null"] {
            let json = format!(r#"{{"alg":"RS256","kid":"k","crit":{crit}}}"#);
            for members in [HeaderMembers::Jwt, HeaderMembers::Alb] {
                let header = parse(&json, members).unwrap();
                assert!(matches!(header.refuse_critical(), Err(VerifyError::MalformedHeader(_))), "{json}");
            }
        }
        assert_eq!(
            parse(r#"{"alg":"RS256","kid":"k"}"#, HeaderMembers::Jwt).unwrap().refuse_critical(),
            Ok(())
        );
    }

    /// The full parse alone, for comparison with the fast path.
    fn parsed_by_json(json: &str) -> Option<(String, String)> {
        std::str::from_utf8(json.as_bytes()).ok()?;
        let failed = Cell::new(None);
        let mut de = serde_json::Deserializer::from_slice(json.as_bytes());
        let header = HeaderSeed { members: HeaderMembers::Jwt, failed: &failed }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        if header.crit {
            return None;
        }
        Some((header.alg?.into_owned(), header.kid?.into_owned()))
    }

    #[test]
    fn cognito_shaped_headers_take_the_fast_path() {
        let kid = "Xm6pmVNlZcT1oanZtYV1I5Tb2sRtzg09TkcGwwuPL3c=";
        for json in
            [format!(r#"{{"kid":"{kid}","alg":"RS256"}}"#), format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#)]
        {
            assert_eq!(plain_alg_and_kid(json.as_bytes()), Some(("RS256", kid)), "{json}");
        }
        for other in [
            r#"{"kid":"k","alg":"RS256","typ":"JWT"}"#,
            r#"{ "kid":"k","alg":"RS256"}"#,
            r#"{"kid":"k","kid":"RS256"}"#,
            r#"{"alg":"RS256","alg":"k"}"#,
            r#"{"kid":"k\"","alg":"RS256"}"#,
            r#"{"kid":"k\u0041","alg":"RS256"}"#,
            r#"{"kid":"é","alg":"RS256"}"#,
            r#"{"kid":"k","alg":"RS256"} "#,
            r#"{"kid":"k","crit":"RS256"}"#,
            r#"{"kid":"k"}"#,
            "{}",
        ] {
            assert_eq!(plain_alg_and_kid(other.as_bytes()), None, "{other}");
        }
    }

    proptest::proptest! {
        /// Whatever the fast path reads, the JSON parser reads the same; and a header the fast
        /// path leaves goes to the parser, so `parse` answers as the parser alone would.
        #[test]
        fn plain_headers_read_as_the_json_parser_reads_them(
            first in r"(alg|kid|ali|\\u0061lg)",
            first_value in r#"[ -~é\\"]{0,12}"#,
            sep in "(,| ,|, )",
            second in "(alg|kid|crit)",
            second_value in r#"[ -~é\\"]{0,12}"#,
            end in r"(\}| \}|\}x)",
        ) {
            let json = format!(r#"{{"{first}":"{first_value}"{sep}"{second}":"{second_value}"{end}"#);
            let fast = plain_alg_and_kid(json.as_bytes()).map(|(alg, kid)| (alg.to_owned(), kid.to_owned()));
            if let Some(fast) = &fast {
                proptest::prop_assert_eq!(Some(fast.clone()), parsed_by_json(&json), "{}", json);
            }
            let full = parse(&json, HeaderMembers::Jwt)
                .ok()
                .filter(|header| header.refuse_critical().is_ok())
                .and_then(|header| Some((header.alg?.into_owned(), header.kid?.into_owned())));
            proptest::prop_assert_eq!(full, parsed_by_json(&json), "{}", json);
        }
    }

    #[test]
    fn alg_must_be_present_and_accepted() {
        let header = parse(r#"{"kid":"k"}"#, HeaderMembers::Jwt).unwrap();
        assert_eq!(header.alg(Algorithm::from_name), Err(VerifyError::MalformedHeader("no alg")));
        assert_eq!(header.kid(), Ok("k"));
        let long = format!(r#"{{"alg":"{}"}}"#, "X".repeat(100));
        let header = parse(&long, HeaderMembers::Jwt).unwrap();
        assert_eq!(header.alg(Algorithm::from_name), Err(VerifyError::DisallowedAlgorithm("X".repeat(32))));
        assert_eq!(header.kid(), Err(VerifyError::MissingKid));
    }
}
