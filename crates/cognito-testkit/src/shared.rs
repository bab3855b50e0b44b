//! [`Shared`]: the state of a running issuer that its HTTP handlers, its token builders and the
//! [`TestIssuer`](crate::TestIssuer) handle share.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::alb_key_ring::AlbKeyRing;
use crate::client::ClientRegistration;
use crate::clock::TestClock;
use crate::faults::FaultSlot;
use crate::jwks::KeyRing;
use crate::jwks_quota::QuotaSlot;
use crate::keys::SigningKey;
use crate::lock::lock;
use crate::login_state::HostedLogin;
use crate::token_shape::PreTokenGeneration;

/// What the HTTP handlers, the token builders and the issuer handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) pool_id: String,
    pub(crate) base_url: String,
    pub(crate) issuer_url: String,
    pub(crate) default_client_id: String,
    pub(crate) default_sub: String,
    pub(crate) keys: Mutex<KeyRing>,
    pub(crate) clients: Mutex<HashMap<String, ClientRegistration>>,
    pub(crate) jwks_max_age: Mutex<Option<Duration>>,
    pub(crate) jwks_fault: FaultSlot,
    /// Applied before `jwks_fault`; logs every JWKS request.
    pub(crate) jwks_quota: QuotaSlot,
    /// Regions the pool is replicated to: original-format issuers served there too.
    pub(crate) replica_regions: Vec<String>,
    /// Applied before `jwks_fault` to updated-format JWKS requests.
    pub(crate) updated_format_jwks_fault: FaultSlot,
    pub(crate) discovery_fault: FaultSlot,
    pub(crate) token_fault: FaultSlot,
    pub(crate) jwks_requests: AtomicU64,
    pub(crate) discovery_requests: AtomicU64,
    pub(crate) token_requests: AtomicU64,
    pub(crate) alb_keys: Mutex<AlbKeyRing>,
    pub(crate) alb_key_fault: FaultSlot,
    pub(crate) alb_key_requests: AtomicU64,
    pub(crate) clock: TestClock,
    pub(crate) hosted: Mutex<HostedLogin>,
    /// Which tokens the pool's pre-token-generation trigger customizes.
    pub(crate) pre_token_generation: PreTokenGeneration,
}

impl Shared {
    /// Any key the issuer generated, published or not.
    pub(crate) fn key(&self, kid: &str) -> Option<Arc<SigningKey>> {
        lock(&self.keys).find(kid)
    }
}
