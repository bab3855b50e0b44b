//! [`TestIssuerBuilder`]: what a [`TestIssuer`] is configured with, and starting it
//! ([`TestIssuer::start`], [`TestIssuer::builder`]).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::alb_key_ring::AlbKeyRing;
use crate::client::ClientRegistration;
use crate::clock::TestClock;
use crate::conn::KillableListener;
use crate::defaults::{DEFAULT_CLIENT_ID, DEFAULT_POOL_ID};
use crate::faults::FaultSlot;
use crate::issuer::TestIssuer;
use crate::jwks::KeyRing;
use crate::jwks_quota::QuotaSlot;
use crate::keys::{self, KeyKind, SigningKey};
use crate::login_state::HostedLogin;
use crate::server;
use crate::shared::Shared;
use crate::token_shape::PreTokenGeneration;
use crate::user::TestUser;

/// Starting an issuer.
impl TestIssuer {
    /// Starts an issuer for pool [`DEFAULT_POOL_ID`] on `127.0.0.1:0` with one RSA-2048 key.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> TestIssuer {
        TestIssuerBuilder::default().start().await
    }

    /// A builder for an issuer with another pool id, clients, key kind or JWKS caching.
    pub fn builder() -> TestIssuerBuilder {
        TestIssuerBuilder::default()
    }
}

/// Configures a [`TestIssuer`] before it starts. From [`TestIssuer::builder`]; finish with
/// [`start`](Self::start).
///
/// ```
/// use cognito_testkit::TestIssuer;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let issuer = TestIssuer::builder()
///     .pool_id("eu-west-1_TestPool1")
///     .default_client_id("4a1btestclient")
///     .start()
///     .await;
/// let verifier = issuer.access_verifier().build().unwrap();
///
/// let claims = verifier.verify(&issuer.access_token().sign()).await.unwrap();
/// assert_eq!(claims.client_id(), Some("4a1btestclient"));
/// assert!(claims.iss().ends_with("/eu-west-1_TestPool1"));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestIssuerBuilder {
    pool_id: String,
    addr: SocketAddr,
    default_client_id: String,
    key_kind: KeyKind,
    clients: Vec<ClientRegistration>,
    jwks_max_age: Option<Duration>,
    users: Vec<TestUser>,
    clock: TestClock,
    replica_regions: Vec<String>,
    pre_token_generation: PreTokenGeneration,
}

impl Default for TestIssuerBuilder {
    fn default() -> Self {
        TestIssuerBuilder {
            pool_id: DEFAULT_POOL_ID.to_owned(),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            default_client_id: DEFAULT_CLIENT_ID.to_owned(),
            key_kind: KeyKind::Rsa2048,
            clients: Vec::new(),
            jwks_max_age: None,
            users: Vec::new(),
            clock: TestClock::system(),
            replica_regions: Vec::new(),
            pre_token_generation: PreTokenGeneration::None,
        }
    }
}

impl TestIssuerBuilder {
    /// The user pool id, `{region}_{alphanumerics}` (default [`DEFAULT_POOL_ID`]). It is the
    /// last segment of the issuer URL and must not contain `/`.
    pub fn pool_id(mut self, pool_id: impl Into<String>) -> Self {
        self.pool_id = pool_id.into();
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The app client id user access tokens (`client_id`) and ID tokens (`aud`) carry unless
    /// told otherwise (default [`DEFAULT_CLIENT_ID`]).
    pub fn default_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.default_client_id = client_id.into();
        self
    }

    /// The kind of the initial signing key (default [`KeyKind::Rsa2048`], as Cognito).
    pub fn signing_key_kind(mut self, kind: KeyKind) -> Self {
        self.key_kind = kind;
        self
    }

    /// Registers an app client with `/oauth2/token`. Call once per client.
    pub fn client(mut self, client: ClientRegistration) -> Self {
        self.clients.push(client);
        self
    }

    /// Sends `Cache-Control: max-age=N` with the JWKS (default: no `Cache-Control`).
    pub fn jwks_max_age(mut self, max_age: Option<Duration>) -> Self {
        self.jwks_max_age = max_age;
        self
    }

    /// Adds a user who can sign in through the hosted login. Call once per user.
    pub fn user(mut self, user: TestUser) -> Self {
        self.users.push(user);
        self
    }

    /// The clock tokens are minted with (default: a fresh [`TestClock`] that follows the system
    /// clock). Pass a clone to keep a handle, or use [`TestIssuer::clock`].
    pub fn clock(mut self, clock: TestClock) -> Self {
        self.clock = clock;
        self
    }

    /// The regions the pool is replicated to: their original-format issuers
    /// (`{base_url}/original/{region}/{pool_id}`) serve the pool's keys; other regions answer
    /// 404. See [`TestIssuer::pool_issuer_url`].
    pub fn replica_regions(mut self, regions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.replica_regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// The pool's pre-token-generation Lambda trigger (default [`PreTokenGeneration::None`]):
    /// with `V2`, user access tokens may carry claims the trigger adds (`custom:*` attributes,
    /// `email`, your own); with `V3`, client-credentials tokens too. Without it, signing an access
    /// token with such a claim fails, as Cognito would never send it.
    pub fn pre_token_generation(mut self, trigger: PreTokenGeneration) -> Self {
        self.pre_token_generation = trigger;
        self
    }

    /// Binds, generates the first key and starts serving on the current Tokio runtime.
    ///
    /// # Panics
    /// If the address cannot be bound; see [`try_start`](Self::try_start).
    pub async fn start(self) -> TestIssuer {
        let addr = self.addr;
        match self.try_start().await {
            Ok(issuer) => issuer,
            Err(err) => panic!("cognito-testkit: cannot start the test issuer on {addr}: {err}"),
        }
    }

    /// Like [`start`](Self::start), returning the bind error instead of panicking.
    pub async fn try_start(self) -> io::Result<TestIssuer> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let kind = self.key_kind;
        let first = tokio::task::spawn_blocking(move || SigningKey::generate(kind))
            .await
            .map_err(io::Error::other)?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            issuer_url: format!("{base_url}/{}", self.pool_id),
            base_url,
            pool_id: self.pool_id,
            default_client_id: self.default_client_id,
            default_sub: keys::uuid_v4(),
            keys: Mutex::new(KeyRing::new(first)),
            clients: Mutex::new(self.clients.into_iter().map(|c| (c.client_id().to_owned(), c)).collect()),
            jwks_max_age: Mutex::new(self.jwks_max_age),
            jwks_fault: FaultSlot::default(),
            jwks_quota: QuotaSlot::default(),
            replica_regions: self.replica_regions,
            updated_format_jwks_fault: FaultSlot::default(),
            discovery_fault: FaultSlot::default(),
            token_fault: FaultSlot::default(),
            jwks_requests: AtomicU64::new(0),
            discovery_requests: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            alb_keys: Mutex::new(AlbKeyRing::new()),
            alb_key_fault: FaultSlot::default(),
            alb_key_requests: AtomicU64::new(0),
            clock: self.clock,
            hosted: Mutex::new(HostedLogin {
                users: self.users.into_iter().map(|u| (u.username().to_owned(), u)).collect(),
                ..HostedLogin::default()
            }),
            pre_token_generation: self.pre_token_generation,
        });
        let stopped = Arc::new(AtomicBool::new(false));
        let listener = KillableListener::new(listener, stopped.clone());
        let server = tokio::spawn(server::serve(listener, shared.clone())).abort_handle();
        tracing::debug!(%addr, pool_id = %shared.pool_id, "test issuer started");
        Ok(TestIssuer::running(shared, addr, server, stopped))
    }
}
