//! The key ring: every key the issuer generated, which of them the JWKS publishes, which one
//! signs, and any raw JWK objects a test asked to publish.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::keys::SigningKey;

enum Published {
    Key { kid: String, jwk: Value },
    Raw(Value),
}

impl Published {
    fn kid(&self) -> Option<&str> {
        match self {
            Published::Key { kid, .. } => Some(kid),
            Published::Raw(jwk) => jwk.get("kid").and_then(Value::as_str),
        }
    }

    fn jwk(&self) -> &Value {
        match self {
            Published::Key { jwk, .. } | Published::Raw(jwk) => jwk,
        }
    }
}

/// Keys and the JWKS built from them. Lives behind a mutex in the issuer; every method is short.
pub(crate) struct KeyRing {
    keys: Vec<Arc<SigningKey>>,
    published: Vec<Published>,
    retired: HashSet<String>,
    signing: Arc<SigningKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("keys", &self.keys)
            .field("published", &self.published_kids())
            .field("retired", &self.retired)
            .field("signing", &self.signing.kid())
            .finish()
    }
}

impl KeyRing {
    /// A ring holding `first`, published and signing.
    pub(crate) fn new(first: Arc<SigningKey>) -> KeyRing {
        let mut ring = KeyRing {
            keys: Vec::new(),
            published: Vec::new(),
            retired: HashSet::new(),
            signing: first.clone(),
        };
        ring.insert(first);
        ring
    }

    /// The key new tokens are signed with.
    pub(crate) fn signing(&self) -> Arc<SigningKey> {
        self.signing.clone()
    }

    /// Adds `key` and publishes it; it does not sign until chosen.
    pub(crate) fn insert(&mut self, key: Arc<SigningKey>) {
        self.published.push(Published::Key { kid: key.kid().to_owned(), jwk: key.jwk() });
        self.keys.push(key);
    }

    /// Any key the issuer generated, published or not.
    pub(crate) fn find(&self, kid: &str) -> Option<Arc<SigningKey>> {
        self.keys.iter().find(|k| k.kid() == kid).cloned()
    }

    /// Makes `kid` the signing key. Returns false for an unknown `kid`.
    pub(crate) fn set_signing(&mut self, kid: &str) -> bool {
        match self.find(kid) {
            Some(key) => {
                self.retired.remove(kid);
                self.signing = key;
                true
            }
            None => false,
        }
    }

    /// Stops signing with `kid`, keeping it published. Returns false when `kid` was the signing
    /// key and no other published, unretired key can take over: the caller then adds one.
    pub(crate) fn retire(&mut self, kid: &str) -> bool {
        if self.find(kid).is_none() {
            return true;
        }
        self.retired.insert(kid.to_owned());
        if self.signing.kid() != kid {
            return true;
        }
        let successor = self
            .keys
            .iter()
            .rev()
            .find(|k| !self.retired.contains(k.kid()) && self.is_published(k.kid()))
            .cloned();
        match successor {
            Some(key) => {
                self.signing = key;
                true
            }
            None => false,
        }
    }

    /// Removes every published JWK whose `kid` is `kid`. The key itself is kept for signing.
    pub(crate) fn remove(&mut self, kid: &str) {
        self.published.retain(|p| p.kid() != Some(kid));
    }

    /// Publishes an arbitrary JSON value as one more entry of `keys`.
    pub(crate) fn publish_raw(&mut self, jwk: Value) {
        self.published.push(Published::Raw(jwk));
    }

    /// The public JWK of a generated key, or else a published raw JWK with that `kid`.
    pub(crate) fn public_jwk(&self, kid: &str) -> Option<Value> {
        if let Some(key) = self.find(kid) {
            return Some(key.jwk());
        }
        self.published.iter().find(|p| p.kid() == Some(kid)).map(|p| p.jwk().clone())
    }

    /// The JWKS document: `{"keys": [...]}` in publication order.
    pub(crate) fn jwks(&self) -> Value {
        let keys: Vec<Value> = self.published.iter().map(|p| p.jwk().clone()).collect();
        json!({ "keys": keys })
    }

    /// `kid`s of the published entries, in order (raw entries without a string `kid` skipped).
    pub(crate) fn published_kids(&self) -> Vec<String> {
        self.published.iter().filter_map(|p| p.kid().map(str::to_owned)).collect()
    }

    fn is_published(&self, kid: &str) -> bool {
        self.published.iter().any(|p| p.kid() == Some(kid))
    }
}
