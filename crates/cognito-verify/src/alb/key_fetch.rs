//! One ALB key fetch: GET `{endpoint}/{kid}` within the timeout and size cap, check the answer
//! came from that URL, and parse the PEM document.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_http::{BodyError, RequestLimits, check_response_url, describe, read_capped};

use super::key::AlbKey;
use crate::crypto::EcKey;
use crate::error::VerifyError;

/// A failed fetch: a fixed `kind` (a metric label) and the error its callers get.
pub(super) struct FetchFailure {
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(super) kind: &'static str,
    pub(super) error: VerifyError,
}

/// GET one key and parse it. A 403 or 404 means the endpoint has no such key (S3-backed
/// endpoints answer 403 for missing objects). An answer from another URL (a client that
/// followed a redirect) is refused before its body is read.
pub(super) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    kid: &str,
    retry_after: Duration,
    limits: &RequestLimits,
) -> Result<AlbKey, FetchFailure> {
    let unavailable = |kind, reason: String| FetchFailure {
        kind,
        error: VerifyError::KeysUnavailable { reason, retry_after },
    };
    let max_bytes = limits.max_response_bytes;
    let mut response = client
        .get(url)
        .timeout(limits.timeout)
        .send()
        .await
        .map_err(|err| unavailable("transport", describe(&err, "ALB key endpoint")))?;
    check_response_url(&response, url, "ALB key endpoint")
        .map_err(|reason| unavailable("redirected", reason))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::FORBIDDEN {
        return Err(FetchFailure {
            kind: "unknown_kid",
            error: VerifyError::UnknownKid { kid: kid.to_owned() },
        });
    }
    if !status.is_success() {
        return Err(unavailable("http_status", format!("ALB key endpoint answered HTTP {status}")));
    }
    let body = read_capped(&mut response, max_bytes).await.map_err(|err| match err {
        BodyError::TooLarge => {
            unavailable("too_large", format!("ALB key document is larger than {max_bytes} bytes"))
        }
        BodyError::Transport(err) => unavailable("transport", describe(&err, "ALB key endpoint")),
    })?;
    parse_pem(&body).map_err(|reason| FetchFailure {
        kind: "unusable_key",
        error: VerifyError::UnusableKey { kid: kid.to_owned(), reason: reason.to_owned() },
    })
}

/// A PEM `PUBLIC KEY` (X.509 `SubjectPublicKeyInfo`) holding a P-256 key.
pub(crate) fn parse_pem(pem: &[u8]) -> Result<AlbKey, &'static str> {
    const BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
    const END: &str = "-----END PUBLIC KEY-----";
    let text = std::str::from_utf8(pem).map_err(|_| "key document is not text")?;
    let (_, rest) = text.split_once(BEGIN).ok_or("key document has no BEGIN PUBLIC KEY line")?;
    let (body, _) = rest.split_once(END).ok_or("key document has no END PUBLIC KEY line")?;
    let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(base64).map_err(|_| "PEM body is not base64")?;
    EcKey::p256_from_spki(&der).map(AlbKey::new)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::KeyPair as _;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair,
    };

    use super::*;

    fn pem(der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|l| std::str::from_utf8(l).unwrap()).collect();
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"))
    }

    #[test]
    fn a_p256_spki_pem_verifies_signatures_of_its_key() {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let der = pair.public_key().as_der().unwrap();
        let key = parse_pem(pem(der.as_ref()).as_bytes()).unwrap();
        let signature = pair.sign(&SystemRandom::new(), b"header.payload").unwrap();
        assert!(key.verify(b"header.payload", signature.as_ref()).is_ok());
        assert_eq!(key.verify(b"header.payloaD", signature.as_ref()), Err(VerifyError::InvalidSignature));
    }

    #[test]
    fn other_documents_are_refused() {
        let p384 = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING).unwrap();
        let p384 = pem(p384.public_key().as_der().unwrap().as_ref());
        assert_eq!(parse_pem(p384.as_bytes()).err(), Some("not a P-256 public key"));
        assert!(parse_pem(b"").is_err());
        assert!(parse_pem(b"\xff\xfe").is_err());
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----").is_err());
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n").is_err());
    }
}
