//! The load balancer double's keys: every one generated, which of them its endpoint serves,
//! which one signs.

use std::collections::HashSet;
use std::sync::Arc;

use crate::keys::{self, KeyKind, SigningKey};

/// The load balancer's keys: every one generated, which of them the endpoint serves, which
/// signs.
#[derive(Debug)]
pub(crate) struct AlbKeyRing {
    keys: Vec<Arc<SigningKey>>,
    published: HashSet<String>,
    signing: Arc<SigningKey>,
}

impl AlbKeyRing {
    /// A ring with one published P-256 key that signs.
    pub(crate) fn new() -> AlbKeyRing {
        let key = new_key();
        AlbKeyRing {
            published: HashSet::from([key.kid().to_owned()]),
            keys: vec![Arc::clone(&key)],
            signing: key,
        }
    }

    /// The key that signs.
    pub(crate) fn signing(&self) -> Arc<SigningKey> {
        Arc::clone(&self.signing)
    }

    /// Any key generated, served or not.
    pub(crate) fn find(&self, kid: &str) -> Option<Arc<SigningKey>> {
        self.keys.iter().find(|key| key.kid() == kid).cloned()
    }

    /// The PEM of `kid` if the endpoint serves it.
    pub(crate) fn published_pem(&self, kid: &str) -> Option<String> {
        self.published.contains(kid).then(|| self.find(kid)).flatten().as_deref().and_then(pem_of)
    }

    /// The PEM of `kid`, served or not.
    pub(crate) fn pem(&self, kid: &str) -> Option<String> {
        self.find(kid).as_deref().and_then(pem_of)
    }

    /// Generates a new key, serves it and makes it sign. Returns its `kid`.
    pub(crate) fn rotate(&mut self) -> String {
        let key = new_key();
        let kid = key.kid().to_owned();
        self.published.insert(kid.clone());
        self.keys.push(Arc::clone(&key));
        self.signing = key;
        kid
    }

    /// Stops serving `kid`; the key stays and keeps signing if it did.
    pub(crate) fn unpublish(&mut self, kid: &str) {
        self.published.remove(kid);
    }
}

/// A P-256 key named by a UUID, as load balancer keys are.
fn new_key() -> Arc<SigningKey> {
    SigningKey::generate_with_kid(KeyKind::Es256, keys::uuid_v4())
}

fn pem_of(key: &SigningKey) -> Option<String> {
    let der = key.public_key_spki_der().ok()?;
    Some(keys::pem("PUBLIC KEY", &der))
}
