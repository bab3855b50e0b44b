//! The checks of the `cognito-verify` fuzz targets, shared by the targets in `fuzz/` (which
//! include this file) and by the regression tests next to it, so a corpus entry is replayed
//! through exactly what the fuzzer ran.
//!
//! Every target runs against one fixed environment: a testkit issuer whose JWKS also publishes
//! copies of its keys under short, fixed `kid`s (`rsa`, `ec256`, `ec384`, `ed`, plus unusable
//! ones), so fuzzed headers can name a real key, and verifiers that trust the fixed issuer
//! string [`ISSUER`] with keys from that JWKS.

// Each fuzz target and test target that includes this file uses part of it.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use cognito_testkit::{KeyKind, TestIssuer};
use cognito_verify::{CognitoClaims, CognitoVerifier, DEFAULT_MAX_TOKEN_BYTES, TokenUse, VerifyError};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::{Value, json};

/// The `iss` every verifier here trusts.
pub const ISSUER: &str = "https://cognito-idp.local-1.amazonaws.com/local-1_Fuzz";
/// A second trusted issuer (same keys), so the multi-issuer path (`iss` picks the key set) runs.
pub const OTHER_ISSUER: &str = "https://cognito-idp.local-2.amazonaws.com/local-2_Other";
/// The one allowed app client.
pub const CLIENT: &str = "fuzzclient";
/// The header of a token signed by [`sign`]: the Ed25519 key under its fixed `kid`.
pub const SIGNED_HEADER: &str = r#"{"alg":"EdDSA","kid":"ed"}"#;
/// A time check this close to now (seconds) may go either way; the model does not judge it.
const CLOCK_MARGIN: i64 = 5;

pub struct Env {
    runtime: tokio::runtime::Runtime,
    issuer: TestIssuer,
    /// Trusts [`ISSUER`]; verified-token cache on.
    cached: CognitoVerifier,
    /// The same without the verified-token cache: must agree with `cached` on every token.
    uncached: CognitoVerifier,
    /// Trusts [`ISSUER`] and [`OTHER_ISSUER`].
    multi: CognitoVerifier,
    /// Tokens that verify: RS256 access and ID, ES256, ES384, EdDSA.
    valid: Vec<String>,
}

pub static ENV: LazyLock<Env> = LazyLock::new(Env::new);

impl Env {
    fn new() -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a Tokio runtime");
        let issuer = runtime.block_on(TestIssuer::start());
        let rsa = issuer.signing_kid();
        let ec256 = issuer.add_key(KeyKind::Es256);
        let ec384 = issuer.add_key(KeyKind::Es384);
        let ed = issuer.add_key(KeyKind::Ed25519);
        let jwk = |kid: &str| issuer.public_jwk(kid).expect("a generated key");
        let renamed = |kid: &str, fixed: &str, extra: Value| {
            let mut jwk = jwk(kid);
            jwk["kid"] = json!(fixed);
            if let (Value::Object(jwk), Value::Object(extra)) = (&mut jwk, extra) {
                jwk.extend(extra);
            }
            jwk
        };
        for (kid, fixed, extra) in [
            (&rsa, "rsa", json!({})),
            (&ec256, "ec256", json!({})),
            (&ec384, "ec384", json!({})),
            (&ed, "ed", json!({})),
            (&rsa, "rs384", json!({"alg": "RS384"})),
            (&rsa, "enc", json!({"use": "enc"})),
            (&ec256, "ec-alg-mismatch", json!({"alg": "ES384"})),
        ] {
            issuer.publish_raw_jwk(renamed(kid, fixed, extra));
        }
        issuer.publish_raw_jwk(json!({"kty": "oct", "kid": "oct", "k": "c2VjcmV0"}));
        issuer.publish_raw_jwk(json!({"kty": "RSA", "kid": "no-n", "e": "AQAB"}));

        let verifier = |issuers: &[&str]| {
            let mut builder = CognitoVerifier::builder().token_use(TokenUse::Any).client_ids([CLIENT]);
            for iss in issuers {
                builder = builder.issuer_with_jwks(*iss, issuer.jwks_url());
            }
            builder
        };
        let cached = verifier(&[ISSUER]).build().expect("a verifier");
        let uncached = verifier(&[ISSUER]).disable_token_cache().build().expect("a verifier");
        let multi = verifier(&[ISSUER, OTHER_ISSUER]).build().expect("a verifier");
        for v in [&cached, &uncached, &multi] {
            runtime.block_on(v.hydrate()).expect("the testkit JWKS");
        }

        let access = || issuer.access_token().issuer(ISSUER).client_id(CLIENT);
        let valid = vec![
            access().kid("rsa").sign(),
            issuer.id_token().issuer(ISSUER).audience(CLIENT).kid("rsa").sign(),
            access().signed_with_kid(&ec256).kid("ec256").sign(),
            access().signed_with_kid(&ec384).kid("ec384").sign(),
            access().signed_with_kid(&ed).kid("ed").sign(),
        ];
        // `sign_raw` signs with the signing key: Ed25519, the cheapest to sign with.
        issuer.set_signing_kid(&ed);
        let env = Env { runtime, issuer, cached, uncached, multi, valid };
        for token in &env.valid {
            for (name, result) in env.verify_all(token) {
                assert!(result.is_ok(), "{name} refuses a valid token: {result:?}");
            }
        }
        env
    }

    /// `verifier.verify(token)`, without a future when the keys are at hand.
    fn verify(&self, verifier: &CognitoVerifier, token: &str) -> Result<Arc<CognitoClaims>, VerifyError> {
        verifier.verify_now(token).unwrap_or_else(|| self.runtime.block_on(verifier.verify(token)))
    }

    pub fn verify_all(&self, token: &str) -> [(&'static str, Result<Arc<CognitoClaims>, VerifyError>); 3] {
        [
            ("cached", self.verify(&self.cached, token)),
            ("uncached", self.verify(&self.uncached, token)),
            ("multi-issuer", self.verify(&self.multi, token)),
        ]
    }

    /// The valid tokens the targets start from.
    pub fn valid_tokens(&self) -> &[String] {
        &self.valid
    }

    /// `header` and `payload`, signed by the Ed25519 key (published as `ed`).
    pub fn sign(&self, header: &[u8], payload: &[u8]) -> String {
        self.issuer.sign_raw(header, payload)
    }

    /// Checks one token that is not one of the valid tokens: every verifier refuses it, and the
    /// two single-issuer verifiers (with and without the token cache) for the same reason.
    pub fn check_refused(&self, token: &str) {
        let [(_, cached), (_, uncached), (_, multi)] = self.verify_all(token);
        assert!(cached.is_err(), "forged token accepted (cached): {token:?}");
        assert!(uncached.is_err(), "forged token accepted (uncached): {token:?}");
        assert!(multi.is_err(), "forged token accepted (multi-issuer): {token:?}");
        assert_eq!(
            without_clock(cached.err()),
            without_clock(uncached.err()),
            "the token cache changes the outcome: {token:?}"
        );
        if let Err(err) = multi {
            assert!(!err.is_retryable(), "keys are loaded, yet {err:?}");
        }
    }
}

/// Target `verify_token`: any bytes as a token. Never accepted (the valid tokens have keys
/// generated for this process, so no input can be one of them by chance), never a panic.
pub fn verify_token(data: &[u8]) {
    let env = &*ENV;
    let token = String::from_utf8_lossy(data);
    if env.valid.iter().any(|valid| *valid == token) {
        return;
    }
    env.check_refused(&token);
}

/// Target `verify_token_mutated`: a valid token (chosen by the first byte) changed by edits of
/// four bytes each: `[op, position low, position high, value]`, `op` being flip a bit, insert,
/// delete or replace. Refused unless the edits cancel out.
pub fn verify_token_mutated(data: &[u8]) {
    let env = &*ENV;
    let Some((original, token)) = mutated(data) else { return };
    if token == *original {
        for (name, result) in env.verify_all(&token) {
            assert!(result.is_ok(), "{name} refuses the unchanged token: {result:?}");
        }
    } else {
        env.check_refused(&token);
    }
}

/// The valid token chosen by a `verify_token_mutated` input, and the token its edits make.
pub fn mutated(data: &[u8]) -> Option<(&'static String, String)> {
    let (&choice, edits) = data.split_first()?;
    let original = &ENV.valid[usize::from(choice) % ENV.valid.len()];
    let mut bytes = original.as_bytes().to_vec();
    for edit in edits.chunks_exact(4) {
        let &[op, lo, hi, value] = edit else { continue };
        let position = usize::from(u16::from_le_bytes([lo, hi]));
        match op % 4 {
            0 if !bytes.is_empty() => {
                let at = position % bytes.len();
                bytes[at] ^= 1 << (value % 8);
            }
            1 => bytes.insert(position % (bytes.len() + 1), value),
            2 if !bytes.is_empty() => {
                let at = position % bytes.len();
                bytes.remove(at);
            }
            3 if !bytes.is_empty() => {
                let at = position % bytes.len();
                bytes[at] = value;
            }
            _ => {}
        }
    }
    Some((original, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Target `verify_token_signed`: the first byte is the header's length, then header and payload
/// bytes, signed with the issuer's Ed25519 key. With the header [`SIGNED_HEADER`] the signature
/// is good and the outcome must be what [`expect_claims`] says of the payload; with any other
/// header it is refused.
pub fn verify_token_signed(data: &[u8]) {
    let env = &*ENV;
    let Some((header, payload)) = signed_parts(data) else { return };
    let token = env.sign(header, payload);
    let good_header = header_names_the_ed_key(header);
    let [(_, cached), (_, uncached), (_, multi)] = env.verify_all(&token);
    assert_eq!(
        without_clock(cached.as_ref().err().cloned()),
        without_clock(uncached.as_ref().err().cloned()),
        "the token cache changes the outcome"
    );
    if !good_header {
        assert!(
            cached.is_err() && multi.is_err(),
            "accepted with header {:?}",
            String::from_utf8_lossy(header)
        );
        return;
    }
    if payload.is_empty() {
        // An empty segment, which the decoder refuses before anything else.
        let empty = VerifyError::Malformed("empty header or payload segment");
        assert!(cached.as_ref().err() == Some(&empty) && multi.is_err(), "{cached:?} / {multi:?}");
        return;
    }
    if token.len() > DEFAULT_MAX_TOKEN_BYTES {
        assert!(matches!(cached, Err(VerifyError::TokenTooLarge { .. })), "{cached:?}");
        assert!(matches!(multi, Err(VerifyError::TokenTooLarge { .. })), "{multi:?}");
        return;
    }
    check_claims_outcome(payload, ISSUER, &cached);
    // With two trusted issuers, a single string `iss` picks the key set and then the same checks
    // follow; anything else is refused before the key lookup.
    let iss: Vec<Value> = members(payload, &claim_names())
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| key == "iss")
        .map(|(_, value)| value)
        .collect();
    match iss.as_slice() {
        [Value::String(iss)] if iss == ISSUER || iss == OTHER_ISSUER => {
            check_claims_outcome(payload, iss, &multi)
        }
        _ => assert!(multi.is_err(), "multi-issuer accepts {}", String::from_utf8_lossy(payload)),
    }
}

/// `error` without the verifier's clock reading (`now` of `Expired`, `NotYetValid`,
/// `IssuedInFuture`): two verifications of one token a moment apart read different seconds
/// when a second ends between them, which a loaded machine makes likely enough to fail a run.
fn without_clock(error: Option<VerifyError>) -> Option<VerifyError> {
    let mut error = error?;
    if let VerifyError::Expired { now, .. }
    | VerifyError::NotYetValid { now, .. }
    | VerifyError::IssuedInFuture { now, .. } = &mut error
    {
        *now = 0;
    }
    Some(error)
}

/// The header and payload of a `verify_token_signed` input.
pub fn signed_parts(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = data.split_first()?;
    Some(rest.split_at(usize::from(len).min(rest.len())))
}

/// Whether a header is one `token::decode` reads as `alg: EdDSA, kid: ed`: UTF-8 throughout
/// (RFC 7515 §4: the header is UTF-8 JSON, and the decoder checks all of it, ignored members
/// included), a JSON object with exactly one of each (other members are ignored).
pub fn header_names_the_ed_key(header: &[u8]) -> bool {
    if std::str::from_utf8(header).is_err() {
        return false;
    }
    let Some(members) = members(header, &["alg", "kid"]) else { return false };
    let only = |name: &str| {
        let mut values = members.iter().filter(|(key, _)| key == name).map(|(_, value)| value);
        match (values.next(), values.next()) {
            (Some(Value::String(value)), None) => Some(value.as_str()),
            _ => None,
        }
    };
    only("alg") == Some("EdDSA") && only("kid") == Some("ed")
}

/// What verifying a well-signed token with this payload must give.
#[derive(Debug, PartialEq)]
pub enum Expected {
    /// Accepted, with these claims.
    Accepted(Box<ExpectedClaims>),
    /// Refused with this error (by [`error_kind`]).
    Refused(String),
    /// Refused by the claims parser, but the model does not say exactly how (not a JSON object).
    Malformed,
    /// A time check too close to now to call.
    TooCloseToCall,
}

/// The standard claims, as the model reads them from the payload.
#[derive(Debug, Default, PartialEq)]
pub struct ExpectedClaims {
    strings: Vec<(&'static str, Option<String>)>,
    aud: Vec<String>,
    dates: Vec<(&'static str, Option<i64>)>,
    groups: Option<Vec<String>>,
    version: Option<i64>,
}

/// How each standard claim must be typed.
#[derive(Clone, Copy)]
enum ClaimType {
    Str,
    /// A string or an array of strings.
    Audience,
    Date,
    Groups,
    Integer,
}

const CLAIMS: [(&str, ClaimType); 18] = [
    ("sub", ClaimType::Str),
    ("iss", ClaimType::Str),
    ("token_use", ClaimType::Str),
    ("client_id", ClaimType::Str),
    ("aud", ClaimType::Audience),
    ("scope", ClaimType::Str),
    ("cognito:groups", ClaimType::Groups),
    ("username", ClaimType::Str),
    ("cognito:username", ClaimType::Str),
    ("email", ClaimType::Str),
    ("auth_time", ClaimType::Date),
    ("iat", ClaimType::Date),
    ("exp", ClaimType::Date),
    ("nbf", ClaimType::Date),
    ("jti", ClaimType::Str),
    ("origin_jti", ClaimType::Str),
    ("event_id", ClaimType::Str),
    ("version", ClaimType::Integer),
];

/// A JSON number as a NumericDate's whole seconds: integers in the `i64` range, and finite
/// fractions (rounded down) of magnitude below 9e15. (The time checks compare the fraction too;
/// the model leaves times within [`CLOCK_MARGIN`] of now undecided.)
fn numeric_date(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else { return None };
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    (f.is_finite() && f.abs() < 9.0e15).then(|| f.floor() as i64)
}

/// The claims a `null` may not stand for.
const REQUIRED: [&str; 4] = ["sub", "iss", "token_use", "exp"];

/// An independent model of the claim checks of a verifier configured like the ones here
/// (`TokenUse::Any`, client [`CLIENT`], no leeway) for tokens of `issuer`, for a payload whose
/// signature is good. Order: member names given twice, claim types (document order; an
/// optional claim that is `null` is absent), missing `sub`, `iss`, `token_use`, `exp`, then
/// `iss`, `token_use`, client (any audience of an ID token), `exp`, `nbf`, `iat`.
pub fn expect_claims(payload: &[u8], issuer: &str, now: i64) -> Expected {
    // RFC 7519 §7.2: UTF-8, even in members nothing reads.
    if std::str::from_utf8(payload).is_err() {
        return Expected::Malformed;
    }
    let Some(members) = members(payload, &claim_names()) else { return Expected::Malformed };
    let mut seen = HashSet::new();
    let mut found: Vec<(&str, &Value)> = Vec::new();
    for (key, value) in &members {
        if !seen.insert(key.as_str()) {
            return Expected::Refused("MalformedPayload".into());
        }
        let Some(&(name, ty)) = CLAIMS.iter().find(|(name, _)| name == key) else { continue };
        if value.is_null() && !REQUIRED.contains(&name) {
            continue;
        }
        let ok = match ty {
            ClaimType::Str => value.is_string(),
            ClaimType::Audience => {
                value.is_string() || value.as_array().is_some_and(|a| a.iter().all(Value::is_string))
            }
            ClaimType::Date => numeric_date(value).is_some(),
            ClaimType::Groups => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            ClaimType::Integer => value.as_i64().is_some(),
        };
        if !ok {
            return Expected::Refused(format!("InvalidClaim({name})"));
        }
        found.push((name, value));
    }
    let get = |name: &str| found.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let string = |name: &str| get(name).and_then(Value::as_str).map(str::to_owned);
    let date = |name: &str| get(name).and_then(numeric_date);
    for required in REQUIRED {
        if get(required).is_none() {
            return Expected::Refused(format!("MissingClaim({required})"));
        }
    }
    if string("iss").as_deref() != Some(issuer) {
        return Expected::Refused("IssuerMismatch".into());
    }
    let token_use = string("token_use").unwrap_or_default();
    if token_use != "access" && token_use != "id" {
        return Expected::Refused("TokenUseMismatch".into());
    }
    let aud: Vec<String> = match get("aud") {
        Some(Value::String(aud)) => vec![aud.clone()],
        Some(Value::Array(aud)) => aud.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let clients = if token_use == "id" { aud.clone() } else { string("client_id").into_iter().collect() };
    let client_claim = if token_use == "id" { "aud" } else { "client_id" };
    if clients.is_empty() {
        return Expected::Refused(format!("MissingClaim({client_claim})"));
    }
    if !clients.iter().any(|client| client == CLIENT) {
        return Expected::Refused("ClientMismatch".into());
    }
    let (exp, nbf, iat) = (date("exp").unwrap_or_default(), date("nbf"), date("iat"));
    let close = |t: i64| (t.saturating_sub(now)).abs() <= CLOCK_MARGIN;
    if close(exp) || nbf.is_some_and(close) || iat.is_some_and(close) {
        return Expected::TooCloseToCall;
    }
    if now >= exp {
        return Expected::Refused("Expired".into());
    }
    if nbf.is_some_and(|nbf| nbf > now) {
        return Expected::Refused("NotYetValid".into());
    }
    if iat.is_some_and(|iat| iat > now) {
        return Expected::Refused("IssuedInFuture".into());
    }
    let strings = CLAIMS
        .iter()
        .filter(|(_, ty)| matches!(ty, ClaimType::Str))
        .map(|&(name, _)| (name, string(name)))
        .collect();
    let dates = CLAIMS
        .iter()
        .filter(|(_, ty)| matches!(ty, ClaimType::Date))
        .map(|&(name, _)| (name, date(name)))
        .collect();
    let groups = get("cognito:groups")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    let version = get("version").and_then(Value::as_i64);
    Expected::Accepted(Box::new(ExpectedClaims { strings, aud, dates, groups, version }))
}

/// The claims as verified, in the model's terms.
fn actual_claims(claims: &CognitoClaims) -> ExpectedClaims {
    let strings = [
        ("sub", Some(claims.sub().to_owned())),
        ("iss", Some(claims.iss().to_owned())),
        ("token_use", Some(claims.token_use().to_owned())),
        ("client_id", claims.client_id().map(str::to_owned)),
        ("scope", Some(claims.scopes().as_str().to_owned())),
        ("username", claims.username().map(str::to_owned)),
        ("cognito:username", claims.cognito_username().map(str::to_owned)),
        ("email", claims.email().map(str::to_owned)),
        ("jti", claims.jti().map(str::to_owned)),
        ("origin_jti", claims.origin_jti().map(str::to_owned)),
        ("event_id", claims.event_id().map(str::to_owned)),
    ];
    let dates = [
        ("auth_time", claims.auth_time()),
        ("iat", claims.iat()),
        ("exp", Some(claims.exp())),
        ("nbf", claims.nbf()),
    ];
    ExpectedClaims {
        strings: strings.into_iter().collect(),
        aud: claims.aud().map(str::to_owned).collect(),
        dates: dates.into_iter().collect(),
        groups: Some(claims.groups().map(str::to_owned).collect()),
        version: claims.version(),
    }
}

/// Checks `result` (a verification of a well-signed token with `payload`) against the model.
pub fn check_claims_outcome(payload: &[u8], issuer: &str, result: &Result<Arc<CognitoClaims>, VerifyError>) {
    let shown = || String::from_utf8_lossy(payload).into_owned();
    match (expect_claims(payload, issuer, test_support::unix_now()), result) {
        (Expected::Accepted(expected), Ok(claims)) => {
            let mut expected = *expected;
            // Absent `scope` reads as no scopes, absent groups as none.
            for (name, value) in &mut expected.strings {
                if *name == "scope" && value.is_none() {
                    *value = Some(String::new());
                }
            }
            expected.groups.get_or_insert_with(Vec::new);
            let mut actual = actual_claims(claims);
            actual.strings.sort();
            expected.strings.sort();
            actual.dates.sort();
            expected.dates.sort();
            assert_eq!(actual, expected, "claims differ from the payload {}", shown());
        }
        (Expected::Refused(kind), Err(err)) => {
            assert_eq!(error_kind(err), kind, "payload {}", shown());
        }
        (Expected::Malformed, Err(err)) => assert!(
            matches!(err, VerifyError::MalformedPayload(_) | VerifyError::InvalidClaim { .. }),
            "payload {}: {err:?}",
            shown()
        ),
        (Expected::TooCloseToCall, _) => {}
        (expected, actual) => panic!("payload {}: expected {expected:?}, got {actual:?}", shown()),
    }
}

/// The error, as the model names it.
pub fn error_kind(err: &VerifyError) -> String {
    match err {
        VerifyError::MalformedPayload(_) => "MalformedPayload".into(),
        VerifyError::InvalidClaim { claim, .. } => format!("InvalidClaim({claim})"),
        VerifyError::MissingClaim(claim) => format!("MissingClaim({claim})"),
        VerifyError::IssuerMismatch { .. } => "IssuerMismatch".into(),
        VerifyError::TokenUseMismatch { .. } => "TokenUseMismatch".into(),
        VerifyError::ClientMismatch { .. } => "ClientMismatch".into(),
        VerifyError::Expired { .. } => "Expired".into(),
        VerifyError::NotYetValid { .. } => "NotYetValid".into(),
        VerifyError::IssuedInFuture { .. } => "IssuedInFuture".into(),
        other => format!("{other:?}"),
    }
}

/// The members of a JSON object in document order, repeats included; `None` unless `json` is
/// exactly one JSON object. Only the values of members named in `read` are read (as `Value`);
/// the others are skipped as the library skips unknown members, with `IgnoredAny`, which is
/// laxer than reading a `Value` (it lets through numbers out of range and invalid UTF-8 in
/// strings), and come out as `null`.
pub fn members(json: &[u8], read: &[&str]) -> Option<Vec<(String, Value)>> {
    struct Members<'r>(&'r [&'r str]);
    impl<'de> Visitor<'de> for Members<'_> {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = if self.0.contains(&key.as_str()) {
                    map.next_value::<Value>()?
                } else {
                    map.next_value::<IgnoredAny>()?;
                    Value::Null
                };
                members.push((key, value));
            }
            Ok(members)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let members = (&mut de).deserialize_map(Members(read)).ok()?;
    de.end().ok()?;
    Some(members)
}

/// The names of the standard claims.
fn claim_names() -> Vec<&'static str> {
    CLAIMS.iter().map(|(name, _)| *name).collect()
}

/// Target `jwks_document`: any bytes as a fetched JWKS document. Never a panic; only a JSON
/// object is accepted; and every key that comes out usable is one the JWK allows: a single entry for its `kid`, `use` absent or
/// `sig`, and usable for exactly the algorithms its `kty`/`crv` (narrowed by its `alg`) allow,
/// never accepting a made-up signature.
pub fn jwks_document(data: &[u8]) {
    use cognito_verify::Algorithm;
    use cognito_verify::fuzz::{KeyStatus, parse_jwks};

    #[derive(serde::Deserialize)]
    struct Document {
        keys: Vec<Value>,
    }
    let Ok(statuses) = parse_jwks(data) else { return };
    assert!(members(data, &[]).is_some(), "a JWKS that is not a JSON object is accepted");
    let keys = serde_json::from_slice::<Document>(data).expect("a parsed JWKS has a keys array").keys;
    for (kid, status) in statuses {
        let entries: Vec<&Value> =
            keys.iter().filter(|key| key.get("kid").and_then(Value::as_str) == Some(kid.as_str())).collect();
        let outcomes = match status {
            KeyStatus::Absent => panic!("kid {kid:?} is in the document but not in the key set"),
            KeyStatus::Unusable(_) => continue,
            KeyStatus::Usable(outcomes) => outcomes,
        };
        let [jwk] = entries.as_slice() else {
            panic!("kid {kid:?} listed {} times is usable", entries.len())
        };
        let member = |name: &str| jwk.get(name).filter(|value| !value.is_null());
        assert!(
            member("use").is_none_or(|key_use| key_use == "sig"),
            "key {kid:?} with use {:?} is usable",
            jwk["use"]
        );
        let mut usable = Vec::new();
        for (alg, outcome) in outcomes {
            match outcome {
                Err(VerifyError::InvalidSignature) => usable.push(alg),
                Err(VerifyError::KeyAlgorithmMismatch { .. }) => {}
                other => panic!("key {kid:?} answered {other:?} to a made-up {alg} signature"),
            }
        }
        let by_type = match (member("kty").and_then(Value::as_str), member("crv").and_then(Value::as_str)) {
            (Some("RSA"), _) => vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512],
            (Some("EC"), Some("P-256")) => vec![Algorithm::ES256],
            (Some("EC"), Some("P-384")) => vec![Algorithm::ES384],
            (Some("EC"), Some("P-521")) => vec![Algorithm::ES512],
            (Some("OKP"), Some("Ed25519")) => vec![Algorithm::EdDSA],
            (kty, crv) => panic!("key {kid:?} of kty {kty:?}, crv {crv:?} is usable"),
        };
        if member("kty").and_then(Value::as_str) == Some("RSA") {
            assert!(rsa_within_limits(jwk), "RSA key {kid:?} outside the size or exponent limits is usable");
        }
        let expected: Vec<Algorithm> = match member("alg") {
            None => by_type,
            Some(alg) => by_type.into_iter().filter(|a| alg == a.as_str()).collect(),
        };
        assert!(
            !expected.is_empty(),
            "key {kid:?} is usable, yet its alg {:?} fits no algorithm",
            jwk["alg"]
        );
        assert_eq!(usable, expected, "key {kid:?}: {jwk}");
    }
}

/// Whether an RSA JWK's modulus is 2048 to 8192 bits and its exponent odd, above 1 and at most
/// 2^32 (the limits of a usable key).
fn rsa_within_limits(jwk: &Value) -> bool {
    use base64::Engine;
    let decode = |name: &str| {
        let text = jwk.get(name).and_then(Value::as_str)?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).ok()
    };
    let (Some(n), Some(e)) = (decode("n"), decode("e")) else { return false };
    let significant = |bytes: &[u8]| bytes.iter().skip_while(|&&b| b == 0).copied().collect::<Vec<u8>>();
    let (n, e) = (significant(&n), significant(&e));
    let bits = n.first().map_or(0, |first| n.len() * 8 - first.leading_zeros() as usize);
    let exponent = (e.len() <= 8).then(|| e.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)));
    (2048..=8192).contains(&bits) && exponent.is_some_and(|e| e > 1 && e % 2 == 1 && e <= 1 << 32)
}
