//! [`TestIssuer`]: a running local user pool: its URLs, keys, faults and counters, and the tokens
//! it mints.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cognito_verify::{CognitoVerifier, CognitoVerifierBuilder, TokenUse};
use serde_json::Value;
use tokio::task::AbortHandle;

use crate::client::ClientRegistration;
use crate::faults::Fault;
use crate::jwks_quota::{JwksQuota, JwksRequest};
use crate::jws;
use crate::keys::{self, KeyKind, SigningKey};
use crate::lock::lock;
use crate::shared::Shared;
use crate::token::TokenBuilder;

/// A local issuer that behaves like an Amazon Cognito user pool, served over HTTP on loopback.
///
/// It serves, under its [`base_url`](Self::base_url):
/// - `GET /{pool_id}/.well-known/jwks.json`: the published keys;
/// - `GET /{pool_id}/.well-known/openid-configuration`: OIDC discovery;
/// - `POST /oauth2/token`: the `client_credentials` grant for [registered
///   clients](Self::register_client), and the hosted login's `authorization_code` (PKCE S256)
///   and `refresh_token` grants;
/// - the hosted login: `GET /oauth2/authorize` (a sign-in form for the [users](Self::add_user)
///   added by the test), `POST /oauth2/revoke`, `GET /logout`, `GET /oauth2/userInfo`;
/// - `GET /alb-keys/{kid}`: an Application Load Balancer's public keys, as PEM, for
///   [`alb_token`](Self::alb_token)s.
///
/// It mints Cognito-shaped tokens ([`access_token`](Self::access_token),
/// [`client_credentials_token`](Self::client_credentials_token), [`id_token`](Self::id_token)),
/// rotates and removes keys, injects [`Fault`]s and counts the requests it serves.
///
/// Cloning is cheap and shares the same server; the server stops when the last clone is dropped
/// or on [`shutdown`](Self::shutdown). It runs on the Tokio runtime that started it.
///
/// ```
/// use cognito_testkit::{KeyKind, TestIssuer};
/// use cognito_verify::TokenUse;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let issuer = TestIssuer::start().await;
/// let verifier = issuer.verifier().token_use(TokenUse::Access).any_client().build().unwrap();
///
/// let token = issuer.access_token().scopes(["orders/read"]).sign();
/// assert!(verifier.verify(&token).await.unwrap().scopes().contains("orders/read"));
///
/// // Rotation: a new signing key, published in the JWKS.
/// let kid = issuer.add_key(KeyKind::Es256);
/// issuer.set_signing_kid(&kid);
/// assert!(verifier.verify(&issuer.access_token().sign()).await.is_ok());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct TestIssuer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: AbortHandle,
    stopped: Arc<AtomicBool>,
}

impl Inner {
    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.server.abort();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop();
    }
}

impl TestIssuer {
    pub(crate) fn running(
        shared: Arc<Shared>,
        addr: SocketAddr,
        server: AbortHandle,
        stopped: Arc<AtomicBool>,
    ) -> TestIssuer {
        TestIssuer { inner: Arc::new(Inner { shared, addr, server, stopped }) }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    /// Stops serving: the listener closes and open connections fail their next request. Tokens
    /// can still be minted.
    pub fn shutdown(&self) {
        self.inner.stop();
    }

    /// The user pool id, e.g. `local-1_TestPool1`.
    pub fn pool_id(&self) -> &str {
        &self.shared().pool_id
    }

    /// The region part of the pool id (before the first `_`).
    pub fn region(&self) -> &str {
        let pool = self.pool_id();
        pool.split_once('_').map_or(pool, |(region, _)| region)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared().base_url.clone()
    }

    /// `http://127.0.0.1:PORT/{pool_id}`: the `iss` of every token minted here.
    pub fn issuer_url(&self) -> String {
        self.shared().issuer_url.clone()
    }

    /// `{issuer_url}/.well-known/jwks.json`.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.shared().issuer_url)
    }

    /// `{issuer_url}/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.shared().issuer_url)
    }

    /// `{base_url}/oauth2/token`.
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth2/token", self.shared().base_url)
    }

    /// The app client id user tokens carry by default.
    pub fn default_client_id(&self) -> &str {
        &self.shared().default_client_id
    }

    /// The `sub` of this issuer's default user (stable for the issuer's lifetime).
    pub fn default_sub(&self) -> &str {
        &self.shared().default_sub
    }

    /// A verifier builder that trusts this issuer (loopback `http` is allowed by the verifier),
    /// on the issuer's [clock](Self::clock), nothing else set: for tests of the builder's own
    /// requirements. The presets below are what most tests want.
    pub fn verifier(&self) -> CognitoVerifierBuilder {
        CognitoVerifier::builder().issuer(self.issuer_url()).clock(self.clock())
    }

    /// A verifier builder for this issuer's user access tokens: trusts this issuer, accepts
    /// `token_use: "access"` of the [default client](Self::default_client_id). Every setting can
    /// still be changed (`.client_ids(["m2m-client"])`, `.required_scopes(..)`, ...) before
    /// `build()`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let issuer = cognito_testkit::TestIssuer::start().await;
    /// let verifier = issuer.access_verifier().build().unwrap();
    /// verifier.verify(&issuer.access_token().sign()).await.unwrap();
    /// # }
    /// ```
    pub fn access_verifier(&self) -> CognitoVerifierBuilder {
        self.verifier_for(TokenUse::Access)
    }

    /// A verifier builder for this issuer's ID tokens: trusts this issuer, accepts
    /// `token_use: "id"` whose `aud` is the [default client](Self::default_client_id).
    pub fn id_verifier(&self) -> CognitoVerifierBuilder {
        self.verifier_for(TokenUse::Id)
    }

    /// A verifier builder that trusts this issuer and accepts `token_use` tokens of the
    /// [default client](Self::default_client_id) ([`TokenUse::Any`]: access and ID tokens).
    pub fn verifier_for(&self, token_use: TokenUse) -> CognitoVerifierBuilder {
        self.verifier().token_use(token_use).client_ids([self.default_client_id()])
    }

    /// A user access token: `sub`, `iss`, `client_id`, `token_use: "access"`,
    /// `scope: "aws.cognito.signin.user.admin"`, `auth_time`, `iat`, `exp` (+1 h), `jti`,
    /// `username`, `version: 2`, `event_id`, `origin_jti`. No `aud`.
    pub fn access_token(&self) -> TokenBuilder {
        TokenBuilder::access(self.shared().clone())
    }

    /// A client-credentials (M2M) access token for `client_id`: `sub` = `client_id`, no
    /// `username`, no groups, no scope until [`TokenBuilder::scopes`] sets one.
    pub fn client_credentials_token(&self, client_id: &str) -> TokenBuilder {
        TokenBuilder::client_credentials(self.shared().clone(), client_id)
    }

    /// An ID token: `sub`, `aud` (the default client id), `iss`, `token_use: "id"`,
    /// `cognito:username`, `auth_time`, `iat`, `exp`, `at_hash`, `email`, `email_verified`,
    /// `jti`, `origin_jti`, `event_id`.
    pub fn id_token(&self) -> TokenBuilder {
        TokenBuilder::id(self.shared().clone())
    }

    /// Signs arbitrary header and payload bytes with the current signing key and returns the
    /// compact JWS (`base64url(header).base64url(payload).base64url(signature)`, no padding).
    /// The bytes need not be JSON; for RSA keys an `"alg": "RS384"`/`"RS512"` in a JSON header
    /// selects that digest.
    pub fn sign_raw(&self, header_json: &[u8], payload: &[u8]) -> String {
        let key = lock(&self.shared().keys).signing();
        jws::compact(&key, header_json, payload)
    }

    /// The `kid` new tokens are signed with.
    pub fn signing_kid(&self) -> String {
        lock(&self.shared().keys).signing().kid().to_owned()
    }

    /// Generates a key of `kind` and publishes it in the JWKS; it does not sign until chosen
    /// with [`set_signing_kid`](Self::set_signing_kid) or
    /// [`TokenBuilder::signed_with_kid`]. Returns its `kid`.
    pub fn add_key(&self, kind: KeyKind) -> String {
        let key = SigningKey::generate(kind);
        let kid = key.kid().to_owned();
        lock(&self.shared().keys).insert(key);
        kid
    }

    /// Adds an RSA-2048 key, publishes it and makes it the signing key. Older keys stay
    /// published. Returns the new `kid`.
    pub fn rotate_key(&self) -> String {
        let kid = self.add_key(KeyKind::Rsa2048);
        self.set_signing_kid(&kid);
        kid
    }

    /// Makes a generated key (published or not) the signing key.
    ///
    /// # Panics
    /// If no key with this `kid` was generated by this issuer.
    pub fn set_signing_kid(&self, kid: &str) {
        assert!(lock(&self.shared().keys).set_signing(kid), "cognito-testkit: no key with kid {kid:?}");
    }

    /// Stops signing with `kid` but keeps it in the JWKS. If it was the signing key, the most
    /// recently added published key that is not retired takes over, or a new RSA-2048 key is
    /// generated and published. Unknown `kid`s are ignored.
    pub fn retire_key(&self, kid: &str) {
        if lock(&self.shared().keys).retire(kid) {
            return;
        }
        let key = SigningKey::generate(KeyKind::Rsa2048);
        let new_kid = key.kid().to_owned();
        let mut ring = lock(&self.shared().keys);
        ring.insert(key);
        ring.set_signing(&new_kid);
    }

    /// Removes `kid` from the JWKS (generated keys and raw JWKs alike). The key still exists: it
    /// keeps signing if it was the signing key, and [`TokenBuilder::signed_with_kid`] can use
    /// it, which is how tokens with an unknown `kid` are made.
    pub fn remove_key(&self, kid: &str) {
        lock(&self.shared().keys).remove(kid);
    }

    /// Publishes an arbitrary JSON value as one more entry of the JWKS `keys` array (for
    /// malformed-key tests: missing `n`, `use: "enc"`, wrong `kty`...).
    pub fn publish_raw_jwk(&self, jwk: Value) {
        lock(&self.shared().keys).publish_raw(jwk);
    }

    /// The public JWK of a generated key (published or not), or of a published raw JWK.
    pub fn public_jwk(&self, kid: &str) -> Option<Value> {
        lock(&self.shared().keys).public_jwk(kid)
    }

    /// The JWKS document currently served.
    pub fn jwks(&self) -> Value {
        lock(&self.shared().keys).jwks()
    }

    /// The `kid`s currently published, in JWKS order.
    pub fn published_kids(&self) -> Vec<String> {
        lock(&self.shared().keys).published_kids()
    }

    /// The PKCS#1 `RSAPublicKey` DER of an RSA key (what an HS256 "key confusion" attacker
    /// would use as the HMAC secret). `None` for unknown `kid`s and non-RSA keys.
    pub fn rsa_public_key_der(&self, kid: &str) -> Option<Vec<u8>> {
        self.shared().key(kid)?.rsa_public_key_der()
    }

    /// The public key of any generated key as PEM (`-----BEGIN PUBLIC KEY-----`, X.509
    /// `SubjectPublicKeyInfo`).
    pub fn public_key_pem(&self, kid: &str) -> Option<String> {
        let der = self.shared().key(kid)?.public_key_spki_der().ok()?;
        Some(keys::pem("PUBLIC KEY", &der))
    }

    /// Registers (or replaces) an app client, after start: for `/oauth2/token` and, with
    /// [callback URLs](ClientRegistration::callback_urls), the hosted login. The way to add a
    /// browser app's client once its redirect URI is known (see [`TestApp::bind`](crate::TestApp::bind)).
    /// Same as [`register_client`](Self::register_client).
    pub fn add_client(&self, client: ClientRegistration) {
        lock(&self.shared().clients).insert(client.client_id().to_owned(), client);
    }

    /// Registers (or replaces) an app client for `/oauth2/token`: [`add_client`](Self::add_client).
    pub fn register_client(&self, client: ClientRegistration) {
        self.add_client(client);
    }

    /// Sets or clears `Cache-Control: max-age` on JWKS responses.
    pub fn set_jwks_max_age(&self, max_age: Option<Duration>) {
        *lock(&self.shared().jwks_max_age) = max_age;
    }

    /// Applies `fault` to every JWKS request until cleared with `None`.
    pub fn set_jwks_fault(&self, fault: Option<Fault>) {
        self.shared().jwks_fault.set(fault);
    }

    /// Applies `fault` to the next `n` JWKS requests only.
    pub fn set_jwks_fault_for(&self, fault: Fault, n: u64) {
        self.shared().jwks_fault.set_for(fault, n);
    }

    /// Applies `fault` to every `/oauth2/token` request until cleared with `None`.
    pub fn set_token_fault(&self, fault: Option<Fault>) {
        self.shared().token_fault.set(fault);
    }

    /// Applies `fault` to the next `n` `/oauth2/token` requests only.
    pub fn set_token_fault_for(&self, fault: Fault, n: u64) {
        self.shared().token_fault.set_for(fault, n);
    }

    /// Applies `fault` to every discovery request until cleared with `None`.
    pub fn set_discovery_fault(&self, fault: Option<Fault>) {
        self.shared().discovery_fault.set(fault);
    }

    /// Applies `fault` to the next `n` discovery requests only.
    pub fn set_discovery_fault_for(&self, fault: Fault, n: u64) {
        self.shared().discovery_fault.set_for(fault, n);
    }

    /// Enforces `quota` on JWKS requests from now on (a full bucket), or lifts it with `None`.
    /// Refused requests get 429 (with `Retry-After` if the quota says so), before any fault.
    pub fn set_jwks_quota(&self, quota: Option<JwksQuota>) {
        self.shared().jwks_quota.set(quota);
    }

    /// JWKS requests the quota refused with 429 since start or the last reset.
    pub fn jwks_refused(&self) -> u64 {
        self.shared().jwks_quota.refused()
    }

    /// Every JWKS request received since start or the last reset (up to
    /// [`JWKS_REQUEST_LOG_CAPACITY`](crate::JWKS_REQUEST_LOG_CAPACITY)): when, and whether the
    /// quota refused it. [`request_rates`](crate::request_rates) turns it into the peak and mean
    /// requests per second.
    pub fn jwks_request_log(&self) -> Vec<JwksRequest> {
        self.shared().jwks_quota.log()
    }

    /// JWKS requests received (faulted ones included) since start or the last reset.
    pub fn jwks_requests(&self) -> u64 {
        self.shared().jwks_requests.load(Ordering::SeqCst)
    }

    /// `/oauth2/token` requests received (faulted ones included).
    pub fn token_requests(&self) -> u64 {
        self.shared().token_requests.load(Ordering::SeqCst)
    }

    /// Discovery requests received (faulted ones included).
    pub fn discovery_requests(&self) -> u64 {
        self.shared().discovery_requests.load(Ordering::SeqCst)
    }

    /// Sets all request counters back to zero.
    pub fn reset_counters(&self) {
        let shared = self.shared();
        shared.jwks_requests.store(0, Ordering::SeqCst);
        shared.token_requests.store(0, Ordering::SeqCst);
        shared.discovery_requests.store(0, Ordering::SeqCst);
        shared.alb_key_requests.store(0, Ordering::SeqCst);
        shared.jwks_quota.reset();
    }
}
