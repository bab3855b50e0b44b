//! The checks of the `authorizer_claims` fuzz target, shared by `fuzz/` (which includes this
//! file) and the regression tests next to it (feature `lambda`): any claims in the request
//! context of an API Gateway event (REST API `authorizer.claims`, HTTP API
//! `authorizer.jwt.claims`), through a real `ApiGatewayLayer`, once with a verifier without an
//! async check and once with the same verifier plus an async check that records its calls.
//!
//! Input: byte 0 holds flags: bit 0 the shape (REST, HTTP API), bit 1 whether the async check
//! refuses, bit 2 its refusal (invalid token 401, forbidden 403), bit 3 whether the authorizer
//! lists scopes. The rest is JSON text (lossy UTF-8) for the claims, where `@ISS@`, `@CLIENT@`,
//! `@EXP@` and `@IAT@` become the testkit issuer, its client id, and now + 1 h and now - 1 min in
//! seconds (`@JEXP@`, `@JIAT@`: as a REST API's Java dates), so that inputs can pass the claim
//! checks. Text that is not JSON becomes a JSON string (REST) or no claims (HTTP API, whose
//! claims are a map of strings).

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use cognito_testkit::TestIssuer;
use cognito_tower::{ApiGatewayLayer, TrustApiGateway};
use cognito_verify::{CognitoClaims, CognitoVerifier, Rejection, TokenUse};
use http::{Request, Response, StatusCode};
use serde_json::{Map, Value};
use tower::{Layer, ServiceExt, service_fn};

/// The header the inner service sets on its answers, with the `sub` it was given in hex (a
/// `sub` may hold any character).
const REACHED: &str = "x-reached-service";

/// What the async check should answer next, and what it saw.
#[derive(Default)]
struct Check {
    refusal: Mutex<Option<Rejection>>,
    calls: AtomicUsize,
    subs: Mutex<Vec<String>>,
}

pub struct AuthorizerEnv {
    runtime: tokio::runtime::Runtime,
    issuer: TestIssuer,
    plain: CognitoVerifier,
    checked: CognitoVerifier,
    check: Arc<Check>,
}

pub static AUTHORIZER_ENV: LazyLock<AuthorizerEnv> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let issuer = runtime.block_on(TestIssuer::start());
    let builder = || issuer.verifier().token_use(TokenUse::Access).client_ids([issuer.default_client_id()]);
    let plain = builder().build().expect("a verifier");
    let check = Arc::new(Check::default());
    let seen = Arc::clone(&check);
    let checked = builder()
        .async_check(move |token| {
            let seen = Arc::clone(&seen);
            async move {
                seen.calls.fetch_add(1, Ordering::SeqCst);
                seen.subs.lock().expect("not poisoned").push(token.claims().sub().to_owned());
                seen.refusal.lock().expect("not poisoned").clone().map_or(Ok(()), Err)
            }
        })
        .build()
        .expect("a verifier with an async check");
    AuthorizerEnv { runtime, issuer, plain, checked, check }
});

/// `flags` bit 0 set: an HTTP API event, else a REST API one; bit 3: the authorizer lists scopes.
fn event(flags: u8, claims: &str) -> Option<lambda_http::Request> {
    let http_api = flags & 1 == 1;
    let scopes = (flags & 8 == 8).then(|| serde_json::json!(["fuzz/read"]));
    let parsed: Result<Value, _> = serde_json::from_str(claims);
    let (fixture, authorizer) = if http_api {
        let claims: Map<String, Value> = match parsed {
            Ok(Value::Object(claims)) => claims
                .into_iter()
                .map(|(name, value)| {
                    let text = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    (name, Value::String(text))
                })
                .collect(),
            _ => Map::new(),
        };
        let jwt = serde_json::json!({ "claims": claims, "scopes": scopes });
        (include_str!("../../../../examples/lambda/events/http-api.json"), serde_json::json!({ "jwt": jwt }))
    } else {
        let claims = parsed.unwrap_or_else(|_| Value::String(claims.to_owned()));
        let mut authorizer = serde_json::json!({ "claims": claims });
        if let Some(scopes) = scopes {
            authorizer["scopes"] = scopes;
        }
        (include_str!("../../../../examples/lambda/events/rest-api.json"), authorizer)
    };
    let mut json: Value = serde_json::from_str(fixture).expect("the example's event");
    json["requestContext"]["authorizer"] = authorizer;
    lambda_http::request::from_str(&json.to_string()).ok()
}

/// The status, and the `sub` the service was given if it was reached.
async fn call(verifier: &CognitoVerifier, request: lambda_http::Request) -> (StatusCode, Option<String>) {
    let service = service_fn(|request: Request<lambda_http::Body>| async move {
        let sub = request.extensions().get::<Arc<CognitoClaims>>().map_or("-".to_owned(), |c| hex(c.sub()));
        Ok::<_, Infallible>(Response::builder().header(REACHED, sub).body(String::new()).expect("a response"))
    });
    let layer = ApiGatewayLayer::new(TrustApiGateway::new(verifier.clone()));
    let response = layer.layer(service).oneshot(request).await.expect("infallible");
    let reached =
        response.headers().get(REACHED).map(|sub| String::from_utf8_lossy(sub.as_bytes()).into_owned());
    (response.status(), reached)
}

/// Target `authorizer_claims`. Never a panic. Without an async check, the claims are accepted
/// (200, the service reached with their `sub`) or refused with 400/401/403, never a 5xx. With
/// the async check: it runs exactly once, with the same `sub`, for every request whose claims
/// pass the other checks, and never for one whose claims do not (refused as without the
/// check); the request is accepted exactly when the claims pass and the check allows, and the
/// check's refusal answers 401 (invalid token) or 403 (forbidden), the service not reached.
pub fn authorizer_claims(data: &[u8]) {
    let Some((&flags, text)) = data.split_first() else { return };
    let env = &*AUTHORIZER_ENV;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs() as i64);
    let text = String::from_utf8_lossy(text)
        .replace("@ISS@", &env.issuer.issuer_url())
        .replace("@CLIENT@", env.issuer.default_client_id())
        .replace("@JEXP@", &java_date(now + 3600))
        .replace("@JIAT@", &java_date(now - 60))
        .replace("@EXP@", &(now + 3600).to_string())
        .replace("@IAT@", &(now - 60).to_string());
    let Some(plain_request) = event(flags, &text) else { return };
    let Some(checked_request) = event(flags, &text) else { panic!("the same event reads twice") };
    let refusal = (flags & 2 == 2).then(|| {
        if flags & 4 == 4 {
            Rejection::forbidden("fuzz: forbidden")
        } else {
            Rejection::invalid_token("fuzz: revoked")
        }
    });
    *env.check.refusal.lock().expect("not poisoned") = refusal.clone();
    env.check.calls.store(0, Ordering::SeqCst);
    env.check.subs.lock().expect("not poisoned").clear();

    let (plain, plain_sub) = env.runtime.block_on(call(&env.plain, plain_request));
    let (checked, checked_sub) = env.runtime.block_on(call(&env.checked, checked_request));
    let calls = env.check.calls.load(Ordering::SeqCst);
    let subs = env.check.subs.lock().expect("not poisoned").clone();

    assert!(
        matches!(
            plain,
            StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ),
        "without the async check: {plain}"
    );
    assert_eq!(plain == StatusCode::OK, plain_sub.is_some(), "the service is reached exactly on 200");
    if plain == StatusCode::OK {
        let sub = plain_sub.expect("reached");
        assert_eq!(calls, 1, "claims that pass the checks: the async check runs once");
        assert_eq!(
            subs.iter().map(|s| hex(s)).collect::<Vec<_>>(),
            vec![sub.clone()],
            "the async check sees the claims"
        );
        match &refusal {
            None => assert_eq!((checked, checked_sub), (StatusCode::OK, Some(sub)), "the check allowed"),
            Some(rejection) => {
                let expected =
                    if rejection.is_forbidden() { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
                assert_eq!((checked, checked_sub), (expected, None), "the check refused");
            }
        }
    } else {
        assert_eq!(calls, 0, "claims refused by the checks ({plain}) never reach the async check");
        assert_eq!((checked, checked_sub), (plain, None), "refused as without the async check");
    }
}

/// `text` in hex: a valid header value whatever it holds.
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Java's `Date.toString()` in UTC, as a REST API's authorizer writes `exp` and `iat`:
/// `EEE MMM dd HH:mm:ss UTC yyyy`.
fn java_date(unix: i64) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let (days, seconds) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {} {day:02} {:02}:{:02}:{:02} UTC {year}",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}
