//! Signing a [`TokenBuilder`]: the header, the Cognito-shape check, and the compact JWS (or an
//! unsecured or HS256 one for negative tests).

use std::sync::Arc;

use aws_lc_rs::error::Unspecified;
use aws_lc_rs::hmac;
use serde_json::{Map, Value};

use crate::jws::{b64url, compact, try_compact};
use crate::keys::SigningKey;
use crate::lock::lock;
use crate::token::TokenBuilder;
use crate::token_shape::NotCognitoShaped;

/// Why the issuer's own endpoints could not sign a token they built.
#[derive(Debug)]
pub(crate) enum SignError {
    Shape,
    Crypto,
}

impl From<Unspecified> for SignError {
    fn from(_: Unspecified) -> Self {
        SignError::Crypto
    }
}

impl TokenBuilder {
    pub(crate) fn key(&self) -> Arc<SigningKey> {
        let ring = lock(&self.shared.keys);
        match &self.kid {
            None => ring.signing(),
            Some(kid) => ring.find(kid).unwrap_or_else(|| panic!("cognito-testkit: no key with kid {kid:?}")),
        }
    }

    pub(crate) fn header_for(&self, key: &SigningKey, forced_alg: Option<&str>) -> Map<String, Value> {
        let mut header = Map::new();
        header.insert("kid".to_owned(), Value::String(key.kid().to_owned()));
        header.insert("alg".to_owned(), Value::String(key.kind().alg().to_owned()));
        for (name, value) in &self.header {
            match value {
                Some(value) => header.insert(name.clone(), value.clone()),
                None => header.remove(name),
            };
        }
        if let Some(alg) = forced_alg {
            header.insert("alg".to_owned(), Value::String(alg.to_owned()));
        }
        header
    }

    fn parts(&self, forced_alg: Option<&str>) -> (Arc<SigningKey>, Vec<u8>, Vec<u8>) {
        let key = self.key();
        let header = to_json(&self.header_for(&key, forced_alg));
        let payload = to_json(&self.claims);
        (key, header, payload)
    }

    /// Signs the token: a compact JWS signed with the signing key (or the
    /// [`signed_with_kid`](Self::signed_with_kid) key).
    ///
    /// # Panics
    /// - If the token has a claim Cognito never puts in this kind of token (see
    ///   [`check`](Self::check)): the message names the claim, says why, and how to opt in.
    /// - If `signed_with_kid` names a key this issuer never generated.
    pub fn sign(self) -> String {
        self.panic_unless_cognito_shaped();
        let (key, header, payload) = self.parts(None);
        compact(&key, &header, &payload)
    }

    /// Whether Cognito could send this token: `Err` names the first claim it never puts in this
    /// kind of token (a `custom:*` attribute, `email` or any other claim in an access token of a
    /// pool without an access-token [`PreTokenGeneration`](crate::PreTokenGeneration) trigger,
    /// `aud` in an access token that is not [resource-bound](Self::resource), ...). ID tokens
    /// and tokens marked [`for_negative_test`](Self::for_negative_test) always pass.
    pub fn check(&self) -> Result<(), NotCognitoShaped> {
        self.rules.check(&self.claims)
    }

    fn panic_unless_cognito_shaped(&self) {
        if let Err(err) = self.check() {
            panic!("{err}");
        }
    }

    pub(crate) fn try_sign(self) -> Result<String, SignError> {
        self.check().map_err(|err| {
            tracing::error!(%err, "test issuer built a token Cognito would not send");
            SignError::Shape
        })?;
        let (key, header, payload) = self.parts(None);
        Ok(try_compact(&key, &header, &payload)?)
    }

    /// An unsecured JWS: header `alg: "none"`, empty signature segment (`header.payload.`).
    /// Like [`sign`](Self::sign), it refuses claims Cognito never sends unless the token is
    /// [`for_negative_test`](Self::for_negative_test).
    pub fn sign_unsigned_none(self) -> String {
        self.panic_unless_cognito_shaped();
        let (_, header, payload) = self.parts(Some("none"));
        format!("{}.{}.", b64url(&header), b64url(&payload))
    }

    /// An HS256 JWS (header `alg: "HS256"`) with `secret` as the HMAC key; with
    /// [`rsa_public_key_der`](crate::TestIssuer::rsa_public_key_der) as the secret this is the
    /// key-confusion attack. Claims are checked as by [`sign`](Self::sign).
    pub fn sign_hs256(self, secret: &[u8]) -> String {
        self.panic_unless_cognito_shaped();
        let (_, header, payload) = self.parts(Some("HS256"));
        let input = format!("{}.{}", b64url(&header), b64url(&payload));
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let tag = hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", b64url(tag.as_ref()))
    }
}

fn to_json(map: &Map<String, Value>) -> Vec<u8> {
    // A map of `Value`s always serialises.
    serde_json::to_vec(map).unwrap_or_default()
}
