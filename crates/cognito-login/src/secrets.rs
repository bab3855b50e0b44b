//! The per-sign-in secrets (`state`, `nonce`, PKCE verifier), their derived values (S256
//! challenge, `at_hash`), and comparing them without leaking timing.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::digest::{SHA256, digest};
#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
// The crypto backend (the `aws-lc-rs` or `ring` feature; aws-lc-rs when both are on): this module
// is the only place that names it. ring's digest and random APIs are aws-lc-rs's.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring::digest::{SHA256, digest};
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring::rand::{SecureRandom, SystemRandom};

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "cognito-login needs a crypto backend: enable its `aws-lc-rs` feature (the default) or its \
     `ring` feature (for an application already on ring: `default-features = false, features = \
     [\"ring\", \"rustls-no-provider\"]`); see docs/configuration.md, \"Crypto backend\""
);

/// `n` random bytes from the system's CSPRNG as base64url. `None` only if the operating system
/// refuses randomness, which no sign-in may proceed without.
pub(crate) fn random_token(n: usize) -> Option<String> {
    let mut bytes = vec![0u8; n];
    SystemRandom::new().fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// A PKCE code verifier: 64 random bytes, 86 base64url characters (RFC 7636 §4.1 allows 43-128
/// from this alphabet).
pub(crate) fn pkce_verifier() -> Option<String> {
    random_token(64)
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2, method S256).
pub(crate) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()))
}

/// The `at_hash` an ID token must carry for `access_token`: the left half of its SHA-256,
/// base64url (OIDC Core §3.1.3.6, for RS256).
pub(crate) fn at_hash(access_token: &str) -> String {
    let hash = digest(&SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(hash.as_ref().get(..16).unwrap_or_default())
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    slices_equal(a.as_bytes(), b.as_bytes())
}

#[cfg(feature = "aws-lc-rs")]
fn slices_equal(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

/// ring deprecated its own comparison (no side-channel promise): subtle's, as cognito-verify.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
fn slices_equal(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn pkce_verifier_has_a_valid_length_and_alphabet() {
        let verifier = pkce_verifier().unwrap();
        assert_eq!(verifier.len(), 86);
        assert!(verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn random_tokens_differ() {
        assert_ne!(random_token(32), random_token(32));
    }

    #[test]
    fn same_compares_whole_values() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
