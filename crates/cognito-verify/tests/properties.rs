//! Properties over many generated inputs (proptest), in the fuzz targets' environment
//! (`fuzz_regressions/harness.rs`): verifiers with and without the verified-token cache, and a
//! two-issuer one, all loaded with the testkit's keys.
//!
//! - any change to the bytes of a valid token gets it refused: the decoder is strict (no padding,
//!   canonical base64url, case-sensitive JSON), so no edit leaves the meaning intact;
//! - no string, however made, is accepted or panics;
//! - a well-signed payload of random claims is accepted exactly when an independent model of the
//!   claim checks says so, with the claims it holds, and otherwise refused with the error the
//!   model names.
//!
//! Case counts are kept modest so the file runs in a few seconds in a debug build.

#[path = "fuzz_regressions/harness.rs"]
mod harness;

use std::sync::atomic::{AtomicUsize, Ordering};

use harness::{CLIENT, ENV, Expected, ISSUER, OTHER_ISSUER, SIGNED_HEADER};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

const CASES: u32 = 256;
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// One edit of a token's bytes.
#[derive(Debug, Clone)]
enum Edit {
    FlipBit { at: usize, bit: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize },
    Replace { at: usize, byte: u8 },
}

/// A byte a token could plausibly hold (so edits often keep it well-formed and reach the
/// signature check), or anything.
fn token_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => proptest::sample::select(BASE64URL),
        1 => proptest::sample::select(&b".=+/ \"\\"[..]),
        1 => any::<u8>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    // Positions are taken modulo the length when applied.
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Edit::FlipBit { at, bit }),
        (any::<usize>(), token_byte()).prop_map(|(at, byte)| Edit::Insert { at, byte }),
        any::<usize>().prop_map(|at| Edit::Delete { at }),
        (any::<usize>(), token_byte()).prop_map(|(at, byte)| Edit::Replace { at, byte }),
    ]
}

fn apply(token: &str, edits: &[Edit]) -> String {
    let mut bytes = token.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::FlipBit { at, bit } if !bytes.is_empty() => bytes[at % len] ^= 1 << bit,
            Edit::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
            Edit::Delete { at } if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            Edit::Replace { at, byte } if !bytes.is_empty() => bytes[at % len] = byte,
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(Config::with_cases(CASES))]

    #[test]
    fn any_edit_of_a_valid_token_is_refused(
        which in 0usize..5,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let original = &ENV.valid_tokens()[which];
        let token = apply(original, &edits);
        prop_assume!(token != *original);
        ENV.check_refused(&token);
    }

    #[test]
    fn arbitrary_strings_are_refused_without_panic(text in any::<String>()) {
        harness::verify_token(text.as_bytes());
    }

    #[test]
    fn strings_of_token_characters_are_refused_without_panic(
        segments in proptest::collection::vec(
            proptest::collection::vec(proptest::sample::select(BASE64URL), 0..120), 1..5),
    ) {
        let token: Vec<String> =
            segments.into_iter().map(|segment| String::from_utf8(segment).unwrap()).collect();
        harness::verify_token(token.join(".").as_bytes());
    }
}

/// Any JSON value, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e17f64..1e17).prop_map(Value::from),
        "[a-z]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,4}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A value for a claim: usually a plausible one (`good`), now and then any JSON at all.
fn claim(good: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![30 => good, 1 => json_value()].boxed()
}

/// A time at least a minute from `now`: `ahead` times in 6 in the future (sometimes with a
/// fraction), the others in the past.
fn time(now: i64, ahead: u32) -> impl Strategy<Value = Value> {
    let future = (60i64..100_000).prop_map(move |secs| json!(now + secs));
    let fraction = (60i64..100_000).prop_map(move |secs| json!(now as f64 + secs as f64 + 0.5));
    let past = (60i64..100_000).prop_map(move |secs| json!(now - secs));
    prop_oneof![ahead => prop_oneof![3 => future, 1 => fraction], 6 - ahead => past]
}

/// The members of a payload, in random order, sometimes with one repeated.
fn payload(now: i64) -> impl Strategy<Value = Vec<(String, Value)>> {
    let string = || "[a-z0-9-]{0,12}".prop_map(Value::String);
    let members: Vec<(&'static str, f64, BoxedStrategy<Value>)> = vec![
        ("sub", 0.95, claim(string())),
        (
            "iss",
            0.95,
            claim(prop_oneof![10 => Just(json!(ISSUER)), 1 => Just(json!(OTHER_ISSUER)), 1 => string()]),
        ),
        (
            "token_use",
            0.95,
            claim(
                prop_oneof![5 => Just(json!("access")), 3 => Just(json!("id")), 1 => Just(json!("refresh"))],
            ),
        ),
        ("client_id", 0.9, claim(prop_oneof![8 => Just(json!(CLIENT)), 1 => string()])),
        ("aud", 0.7, claim(prop_oneof![8 => Just(json!(CLIENT)), 1 => Just(json!([CLIENT]))])),
        ("exp", 0.95, claim(time(now, 5))),
        ("iat", 0.5, claim(time(now, 1))),
        ("nbf", 0.2, claim(time(now, 1))),
        ("auth_time", 0.3, claim(time(now, 1))),
        ("scope", 0.5, claim("[a-z/ ]{0,16}".prop_map(Value::String))),
        ("cognito:groups", 0.3, claim(proptest::collection::vec("[a-z]{1,6}", 0..3).prop_map(|g| json!(g)))),
        ("username", 0.4, claim(string())),
        ("cognito:username", 0.2, claim(string())),
        ("email", 0.2, claim(string())),
        ("jti", 0.3, claim(string())),
        ("origin_jti", 0.2, claim(string())),
        ("event_id", 0.2, claim(string())),
        (
            "version",
            0.3,
            claim(prop_oneof![5 => Just(json!(2)), 1 => Just(json!(2.5)), 1 => Just(json!(-1))]),
        ),
        ("custom:tenant", 0.3, json_value().boxed()),
    ];
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = members
        .into_iter()
        .map(|(name, p, value)| {
            proptest::option::weighted(p, value.prop_map(move |value| (name.to_owned(), value))).boxed()
        })
        .collect();
    (members, proptest::option::weighted(0.05, any::<prop::sample::Index>()))
        .prop_map(|(members, repeat)| {
            let mut members: Vec<(String, Value)> = members.into_iter().flatten().collect();
            if let (Some(repeat), false) = (repeat, members.is_empty()) {
                let member = members[repeat.index(members.len())].clone();
                members.push(member);
            }
            members
        })
        .prop_shuffle()
}

/// `{"a":1,"a":2}` is valid JSON that a map cannot hold: write the members out by hand.
fn to_json(members: &[(String, Value)]) -> Vec<u8> {
    let members: Vec<String> =
        members.iter().map(|(name, value)| format!("{}:{value}", Value::from(name.as_str()))).collect();
    format!("{{{}}}", members.join(",")).into_bytes()
}

#[test]
fn well_signed_random_claims_get_the_outcome_the_model_predicts() {
    let now = test_support::unix_now();
    let (accepted, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::with_cases(CASES) });
    runner
        .run(&payload(now), |members| {
            let payload = to_json(&members);
            match harness::expect_claims(&payload, ISSUER, test_support::unix_now()) {
                Expected::Accepted(_) => accepted.fetch_add(1, Ordering::Relaxed),
                _ => refused.fetch_add(1, Ordering::Relaxed),
            };
            let mut input = vec![SIGNED_HEADER.len() as u8];
            input.extend_from_slice(SIGNED_HEADER.as_bytes());
            input.extend_from_slice(&payload);
            harness::verify_token_signed(&input);
            Ok(())
        })
        .unwrap();
    // Both outcomes must be well represented, or the property says little.
    let (accepted, refused) = (accepted.into_inner(), refused.into_inner());
    assert!(accepted >= CASES as usize / 10, "only {accepted} accepted payloads");
    assert!(refused >= CASES as usize / 10, "only {refused} refused payloads");
}
