//! An Application Load Balancer double: its key endpoint (`GET /alb-keys/{kid}`, PEM) and
//! [`AlbTokenBuilder`], which mints `x-amzn-oidc-data` tokens the way a load balancer does
//! (ES256, `kid`/`signer`/`client`/`iss`/`exp` in the header, `=`-padded segments).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use crate::conn::ConnHandle;
use crate::defaults::{DEFAULT_LIFETIME, DEFAULT_USERNAME};
use crate::faults::{self, Fault};
use crate::issuer::TestIssuer;
use crate::lock::lock;
use crate::shared::Shared;
use crate::token::now;

/// The `signer` of ALB tokens unless told otherwise: the ARN of a made-up load balancer.
pub const DEFAULT_ALB_ARN: &str =
    "arn:aws:elasticloadbalancing:local-1:123456789012:loadbalancer/app/test-alb/50dc6c495c0c9188";

/// `GET /alb-keys/{kid}`: the PEM public key, 404 for keys not published.
pub(crate) async fn key_endpoint(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(kid): Path<String>,
) -> Response {
    shared.alb_key_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(response) = faults::apply(shared.alb_key_fault.next(), &conn).await {
        return response;
    }
    let Some(pem) = lock(&shared.alb_keys).published_pem(&kid) else {
        return (StatusCode::NOT_FOUND, "no such key\n").into_response();
    };
    let mut response = pem.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-pem-file"));
    response
}

/// The load balancer double: its endpoint, keys, faults and counter, and the tokens it mints.
impl TestIssuer {
    /// An `x-amzn-oidc-data` token as a load balancer in front of this pool would send it.
    pub fn alb_token(&self) -> AlbTokenBuilder {
        AlbTokenBuilder::new(Arc::clone(self.shared()))
    }

    /// `{base_url}/alb-keys`: the base URL of the load balancer key endpoint, which serves
    /// `GET /alb-keys/{kid}` as PEM (what `public-keys.auth.elb.{region}.amazonaws.com` does).
    pub fn alb_key_endpoint(&self) -> String {
        format!("{}/alb-keys", self.shared().base_url)
    }

    /// An ALB verifier builder pointed at [`alb_key_endpoint`](Self::alb_key_endpoint). The
    /// signer choice is left to the test: `.signer_arns([DEFAULT_ALB_ARN])` or `.any_signer()`.
    pub fn alb_verifier(&self) -> cognito_verify::AlbVerifierBuilder {
        cognito_verify::AlbVerifier::builder().key_endpoint(self.alb_key_endpoint())
    }

    /// The ALB verifier a test of the common case wants: keys from
    /// [`alb_key_endpoint`](Self::alb_key_endpoint), the load balancer [`DEFAULT_ALB_ARN`] as
    /// the only signer, and this pool's default app client, which is what
    /// [`alb_token`](Self::alb_token) signs by default.
    ///
    /// # Panics
    /// Never for this issuer's own endpoint (the builder's checks pass on loopback).
    pub fn default_alb_verifier(&self) -> cognito_verify::AlbVerifier {
        let built =
            self.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).client_ids([self.default_client_id()]).build();
        built.unwrap_or_else(|err| panic!("the testkit's ALB verifier: {err}"))
    }

    /// The `kid` ALB tokens are signed with.
    pub fn alb_signing_kid(&self) -> String {
        lock(&self.shared().alb_keys).signing().kid().to_owned()
    }

    /// Generates a new load balancer key, publishes it and makes it sign. Returns its `kid`.
    pub fn rotate_alb_key(&self) -> String {
        lock(&self.shared().alb_keys).rotate()
    }

    /// Stops serving `kid` (the endpoint answers 404); the key still signs if it was signing,
    /// which is how ALB tokens with an unknown `kid` are made.
    pub fn remove_alb_key(&self, kid: &str) {
        lock(&self.shared().alb_keys).unpublish(kid);
    }

    /// The PEM the endpoint serves for `kid` (published or not).
    pub fn alb_key_pem(&self, kid: &str) -> Option<String> {
        lock(&self.shared().alb_keys).pem(kid)
    }

    /// Applies `fault` to every ALB key request until cleared with `None`.
    pub fn set_alb_key_fault(&self, fault: Option<Fault>) {
        self.shared().alb_key_fault.set(fault);
    }

    /// Applies `fault` to the next `n` ALB key requests only.
    pub fn set_alb_key_fault_for(&self, fault: Fault, n: u64) {
        self.shared().alb_key_fault.set_for(fault, n);
    }

    /// ALB key requests received (faulted ones included).
    pub fn alb_key_requests(&self) -> u64 {
        self.shared().alb_key_requests.load(Ordering::SeqCst)
    }
}

/// Builds one `x-amzn-oidc-data` token. From [`TestIssuer::alb_token`].
///
/// The header is `typ`, `kid`, `alg: ES256`, `iss` (the issuer URL), `client` (the default
/// client id), `signer` ([`DEFAULT_ALB_ARN`]) and `exp` (+1 h); the payload holds user info as
/// Cognito sends it through a load balancer: `sub`, `email_verified: "true"`, `email`,
/// `username`, `exp`, `iss`. Segments are base64url *with* `=` padding, as the load balancer
/// writes them, unless [`padding(false)`](Self::padding).
///
/// ```no_run
/// # async fn demo() {
/// use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
///
/// let issuer = TestIssuer::start().await;
/// let token = issuer.alb_token().claim("email", "alice@example.com".into()).sign();
/// let verifier = issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).build().unwrap();
/// assert_eq!(verifier.verify(&token).await.unwrap().email.as_deref(), Some("alice@example.com"));
/// # }
/// ```
pub struct AlbTokenBuilder {
    shared: Arc<Shared>,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    key: Option<String>,
    padding: bool,
}

impl fmt::Debug for AlbTokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlbTokenBuilder")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("key", &self.key)
            .field("padding", &self.padding)
            .finish_non_exhaustive()
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

impl AlbTokenBuilder {
    fn new(shared: Arc<Shared>) -> AlbTokenBuilder {
        let exp = now().saturating_add(i64::try_from(DEFAULT_LIFETIME.as_secs()).unwrap_or(i64::MAX));
        let kid = lock(&shared.alb_keys).signing().kid().to_owned();
        let header = object(json!({
            "typ": "JWT",
            "kid": kid,
            "alg": "ES256",
            "iss": shared.issuer_url,
            "client": shared.default_client_id,
            "signer": DEFAULT_ALB_ARN,
            "exp": exp,
        }));
        let claims = object(json!({
            "sub": shared.default_sub,
            "email_verified": "true",
            "email": format!("{DEFAULT_USERNAME}@example.com"),
            "username": DEFAULT_USERNAME,
            "exp": exp,
            "iss": shared.issuer_url,
        }));
        AlbTokenBuilder { shared, header, claims, key: None, padding: true }
    }

    /// Sets the header `signer` (the load balancer ARN).
    pub fn signer(self, arn: impl Into<String>) -> Self {
        self.header("signer", Value::String(arn.into()))
    }

    /// Sets the header `client` (the app client id).
    pub fn client(self, client_id: impl Into<String>) -> Self {
        self.header("client", Value::String(client_id.into()))
    }

    /// Sets `iss`, in the header and the payload.
    pub fn issuer(self, iss: impl Into<String>) -> Self {
        let iss = Value::String(iss.into());
        self.header("iss", iss.clone()).claim("iss", iss)
    }

    /// Sets `exp`, in the header and the payload, to this Unix time.
    pub fn expires_at(self, exp: i64) -> Self {
        self.header("exp", json!(exp)).claim("exp", json!(exp))
    }

    /// Sets `exp`, in the header and the payload, to now + `lifetime`.
    pub fn lifetime(self, lifetime: Duration) -> Self {
        self.expires_at(now().saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX)))
    }

    /// Sets (or replaces) a payload claim, with any JSON value.
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Removes a payload claim.
    pub fn without_claim(mut self, name: impl Into<String>) -> Self {
        self.claims.remove(&name.into());
        self
    }

    /// Sets (or replaces) a header member, with any JSON value: `kid` with a `/` in it, `alg`
    /// other than ES256, ...
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Self {
        self.header.insert(name.into(), value);
        self
    }

    /// Removes a header member.
    pub fn without_header(mut self, name: impl Into<String>) -> Self {
        self.header.remove(&name.into());
        self
    }

    /// Signs with the load balancer key `kid` (published or not) and names it in the header.
    pub fn signed_with_kid(mut self, kid: impl Into<String>) -> Self {
        let kid = kid.into();
        self.header.insert("kid".to_owned(), Value::String(kid.clone()));
        self.key = Some(kid);
        self
    }

    /// Whether segments carry `=` padding (default `true`, as the load balancer writes them).
    /// The signature covers the segments as written, padding included.
    pub fn padding(mut self, padding: bool) -> Self {
        self.padding = padding;
        self
    }

    /// The header as it will be signed.
    pub fn header_json(&self) -> Value {
        Value::Object(self.header.clone())
    }

    /// The payload as it will be signed.
    pub fn claims_json(&self) -> Value {
        Value::Object(self.claims.clone())
    }

    /// Signs with the chosen (default: current) load balancer key: ES256 over
    /// `header.payload` as encoded.
    ///
    /// # Panics
    /// If [`signed_with_kid`](Self::signed_with_kid) named a key this issuer never generated.
    pub fn sign(self) -> String {
        let key = {
            let ring = lock(&self.shared.alb_keys);
            match &self.key {
                Some(kid) => ring.find(kid).unwrap_or_else(|| panic!("cognito-testkit: no ALB key {kid:?}")),
                None => ring.signing(),
            }
        };
        let encode = |bytes: &[u8]| {
            if self.padding { URL_SAFE.encode(bytes) } else { URL_SAFE_NO_PAD.encode(bytes) }
        };
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let payload = serde_json::to_vec(&self.claims).unwrap_or_default();
        let input = format!("{}.{}", encode(&header), encode(&payload));
        let signature = key.sign(None, input.as_bytes()).expect("cognito-testkit: ES256 signing failed");
        format!("{input}.{}", encode(&signature))
    }
}
