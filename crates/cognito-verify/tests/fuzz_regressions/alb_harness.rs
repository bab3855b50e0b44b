//! The checks of the `alb_header` fuzz target, shared by `fuzz/` (which includes this file) and
//! the regression tests next to it: an `x-amzn-oidc-data` value through an [`AlbVerifier`] whose
//! key endpoint is the testkit's load balancer double.
//!
//! `@TOKEN@` in the input is replaced by a valid ALB token, `@HEADER@`, `@PAYLOAD@` and `@SIG@` by
//! its segments, so the fuzzer explores how a good token may be altered, not only how a bad one
//! is refused. Verification uses the keys at hand (`verify_now`): the signing key is fetched
//! once at start-up, and an input that would need another fetch is counted, not fetched.

use std::sync::{Arc, LazyLock};

use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
use cognito_verify::{AlbClaims, AlbVerifier, VerifyError};

pub struct AlbEnv {
    _runtime: tokio::runtime::Runtime,
    _issuer: TestIssuer,
    verifier: AlbVerifier,
    token: String,
    claims: Arc<AlbClaims>,
}

pub static ALB_ENV: LazyLock<AlbEnv> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let issuer = runtime.block_on(TestIssuer::start());
    let verifier = issuer
        .alb_verifier()
        .signer_arns([DEFAULT_ALB_ARN])
        .client_ids([issuer.default_client_id()])
        .issuer(issuer.issuer_url())
        .build()
        .expect("an ALB verifier");
    let token = issuer.alb_token().sign();
    let claims = runtime.block_on(verifier.verify(&token)).expect("the testkit's ALB token verifies");
    AlbEnv { _runtime: runtime, _issuer: issuer, verifier, token, claims }
});

/// The input with the placeholders replaced.
fn expand(data: &[u8], token: &str) -> Option<String> {
    let text = std::str::from_utf8(data).ok()?;
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    Some(
        text.replace("@TOKEN@", token)
            .replace("@HEADER@", header)
            .replace("@PAYLOAD@", payload)
            .replace("@SIG@", signature),
    )
}

/// Each segment without its `=` padding.
fn unpadded(token: &str) -> Vec<&str> {
    token.split('.').map(|segment| segment.trim_end_matches('=')).collect()
}

/// Target `alb_header`. Never a panic; a value verifies only when its header and payload are
/// those of the valid token (padding aside), and then with its claims; every refusal is a
/// `VerifyError` of the token, never a key-endpoint failure.
pub fn alb_header(data: &[u8]) {
    let env = &*ALB_ENV;
    let Some(value) = expand(data, &env.token) else { return };
    match env.verifier.verify_now(&value) {
        None => {}
        Some(Ok(claims)) => {
            let (got, want) = (unpadded(&value), unpadded(&env.token));
            assert_eq!(got.get(..2), want.get(..2), "verified with other signed bytes: {value:?}");
            assert_eq!(claims, env.claims, "other claims: {value:?}");
        }
        Some(Err(VerifyError::KeysUnavailable { reason, .. })) => {
            panic!("key endpoint failure {reason} for {value:?}")
        }
        Some(Err(_)) => {}
    }
}
