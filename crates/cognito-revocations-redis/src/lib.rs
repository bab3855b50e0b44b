//! A [`Revocations`] store shared by a fleet through Redis, for `cognito-verify`.
//!
//! Each replica keeps a local copy ([`MemoryRevocations`]) that the request path reads: a cache
//! hit costs what it costs with an in-process list (one atomic load while nothing new was
//! revoked). The copy is kept current from Redis by pub/sub (a revocation reaches the other
//! replicas in about one Redis round trip) and a periodic full resync (the bound when a message
//! is lost, e.g. across a reconnection: [`resync_interval`](RedisRevocationsBuilder::resync_interval),
//! default 10 s). Writes go to Redis, then to the local copy.
//!
//! In Redis: one hash (`{prefix}:revocations`, field `s:{origin_jti}` → expiry, or `u:{sub}` →
//! `{before} {expiry}`) and one pub/sub channel of the same name. Entries past their expiry are
//! ignored and deleted by the next resync.
//!
//! When Redis is away: [`WhenRedisIsAway::FailOpen`] (default) keeps the last list, logs, and
//! sets the `cognito_revocations_redis_available` gauge to 0; [`WhenRedisIsAway::FailClosed`]
//! refuses every token with the retryable `VerifyError::RevocationsUnavailable` (503) until
//! Redis is back and the list resynced. See `docs/revocation.md`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_revocations_redis::RedisRevocations;
//! use cognito_verify::{CognitoVerifier, Revocations, TokenUse};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let revocations = Arc::new(RedisRevocations::builder("redis://127.0.0.1:6379").connect().await?);
//! let verifier = CognitoVerifier::builder()
//!     .user_pool("eu-west-1_AbCdEf123")
//!     .token_use(TokenUse::Access)
//!     .any_client()
//!     .revocations(revocations.clone())
//!     .build()?;
//! // In an admin action, on any replica: every replica refuses the user's tokens.
//! revocations.revoke_user("8f3c1d2e-user-sub", std::time::SystemTime::now()).await?;
//! # let _ = verifier; Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

mod encoding;
mod sync;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use cognito_verify::{
    Clock, DEFAULT_MAX_TOKEN_LIFETIME, MemoryRevocations, RevocationEntry, RevocationError, RevocationStatus,
    Revocations, RevokeFuture, TokenOrigin,
};
use fred::prelude::{Builder, Client, Config, ReconnectPolicy};
use tokio::task::JoinHandle;

/// Default period of the full resync from Redis: the propagation bound when a pub/sub message
/// is lost.
pub const DEFAULT_RESYNC_INTERVAL: Duration = Duration::from_secs(10);

/// What the verifier does while Redis cannot be reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WhenRedisIsAway {
    /// Keep verifying against the last list received (revocations made meanwhile on other
    /// replicas are not seen until Redis is back); log and report it. The default: an outage
    /// of Redis does not become an outage of the service.
    #[default]
    FailOpen,
    /// Refuse every token with the retryable `VerifyError::RevocationsUnavailable` (503 with
    /// `Retry-After`) until Redis is back and the list is resynced.
    FailClosed,
}

/// Builds a [`RedisRevocations`]; from [`RedisRevocations::builder`].
pub struct RedisRevocationsBuilder {
    url: String,
    prefix: String,
    resync_interval: Duration,
    max_token_lifetime: Duration,
    when_away: WhenRedisIsAway,
    clock: Option<Box<dyn FnOnce(MemoryRevocations) -> MemoryRevocations + Send>>,
}

impl fmt::Debug for RedisRevocationsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRevocationsBuilder")
            .field("prefix", &self.prefix)
            .field("resync_interval", &self.resync_interval)
            .field("max_token_lifetime", &self.max_token_lifetime)
            .field("when_away", &self.when_away)
            .finish_non_exhaustive()
    }
}

impl RedisRevocationsBuilder {
    /// The prefix of the Redis key and channel (default `cognito`): replicas sharing a list use
    /// the same one.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How often the whole list is read again from Redis (default [`DEFAULT_RESYNC_INTERVAL`]).
    pub fn resync_interval(mut self, interval: Duration) -> Self {
        self.resync_interval = interval;
        self
    }

    /// The longest lifetime of the pool's tokens (default
    /// [`DEFAULT_MAX_TOKEN_LIFETIME`]): how long an
    /// entry is kept.
    pub fn max_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_token_lifetime = lifetime;
        self
    }

    /// What to do while Redis is away (default [`WhenRedisIsAway::FailOpen`]).
    pub fn when_redis_is_away(mut self, choice: WhenRedisIsAway) -> Self {
        self.when_away = choice;
        self
    }

    /// The clock revocations are dated and expired by (default the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Box::new(move |local| local.with_clock(clock)));
        self
    }

    /// Connect, subscribe and read the list. Returns once Redis answered or the connection
    /// timed out (2 s): without Redis the store starts empty and unavailable, and keeps
    /// reconnecting in the background. Fails only for a malformed URL.
    pub async fn connect(self) -> Result<RedisRevocations, RevocationError> {
        let mut config =
            Config::from_url(&self.url).map_err(|err| RevocationError(format!("Redis URL: {err}")))?;
        // Keep trying when Redis is not there at start-up, as after a disconnection.
        config.fail_fast = false;
        let build = || {
            Builder::from_config(config.clone())
                .set_policy(ReconnectPolicy::new_constant(0, 100))
                .with_connection_config(|c| {
                    c.connection_timeout = Duration::from_secs(2);
                    c.max_command_attempts = 1;
                })
                .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(2))
                .build()
                .map_err(|err| RevocationError(format!("Redis client: {err}")))
        };
        let mut local = MemoryRevocations::new().with_max_token_lifetime(self.max_token_lifetime);
        if let Some(with_clock) = self.clock {
            local = with_clock(local);
        }
        let key = format!("{}:revocations", self.prefix);
        let shared = Arc::new(Shared {
            local,
            commands: build()?,
            subscriber: build()?,
            channel: key.clone(),
            key,
            when_away: self.when_away,
            available: AtomicBool::new(false),
            outages: AtomicU64::new(0),
            retry_after: self.resync_interval.min(Duration::from_secs(5)).max(Duration::from_secs(1)),
        });
        let task = sync::start(Arc::clone(&shared), self.resync_interval).await;
        Ok(RedisRevocations { shared, task })
    }
}

/// The state shared by the store and its sync task.
pub(crate) struct Shared {
    pub(crate) local: MemoryRevocations,
    pub(crate) commands: Client,
    pub(crate) subscriber: Client,
    pub(crate) key: String,
    pub(crate) channel: String,
    when_away: WhenRedisIsAway,
    /// Whether the local copy is current with Redis.
    available: AtomicBool,
    /// How many times Redis went away (part of the generation in fail-closed mode).
    outages: AtomicU64,
    retry_after: Duration,
}

impl Shared {
    pub(crate) fn is_available(&self) -> bool {
        self.available.load(Ordering::Acquire)
    }

    /// Redis answered and the list is current.
    pub(crate) fn up(&self) {
        if !self.available.swap(true, Ordering::AcqRel) {
            tracing::info!(target: "cognito_revocations_redis", key = %self.key, "revocation list in sync with Redis");
            #[cfg(feature = "metrics")]
            metrics::gauge!("cognito_revocations_redis_available").set(1.0);
        }
    }

    /// Redis cannot be reached.
    pub(crate) fn down(&self, why: &dyn fmt::Display) {
        if self.available.swap(false, Ordering::AcqRel) {
            match self.when_away {
                WhenRedisIsAway::FailOpen => tracing::warn!(target: "cognito_revocations_redis", %why,
                    "Redis unreachable: verifying against the last revocation list received (fail-open)"),
                WhenRedisIsAway::FailClosed => tracing::error!(target: "cognito_revocations_redis", %why,
                    "Redis unreachable: refusing every token until it is back (fail-closed)"),
            }
            // After `available` is false: a verifier that sees the new generation asks again.
            self.outages.fetch_add(1, Ordering::Release);
            #[cfg(feature = "metrics")]
            metrics::gauge!("cognito_revocations_redis_available").set(0.0);
        }
    }
}

/// A revocation list shared through Redis, read from a local copy. See the crate docs.
///
/// Dropping it stops its background task.
pub struct RedisRevocations {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl fmt::Debug for RedisRevocations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRevocations")
            .field("key", &self.shared.key)
            .field("available", &self.is_available())
            .field("when_away", &self.shared.when_away)
            .finish_non_exhaustive()
    }
}

impl Drop for RedisRevocations {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RedisRevocations {
    /// Start configuring a store on the Redis at `url` (`redis://host:port[/db]`).
    pub fn builder(url: impl Into<String>) -> RedisRevocationsBuilder {
        RedisRevocationsBuilder {
            url: url.into(),
            prefix: "cognito".to_owned(),
            resync_interval: DEFAULT_RESYNC_INTERVAL,
            max_token_lifetime: DEFAULT_MAX_TOKEN_LIFETIME,
            when_away: WhenRedisIsAway::default(),
            clock: None,
        }
    }

    /// Whether the local copy is in sync with Redis (false while Redis is away).
    pub fn is_available(&self) -> bool {
        self.shared.is_available()
    }

    /// The entries of the local copy.
    pub fn entries(&self) -> Vec<RevocationEntry> {
        self.shared.local.entries()
    }

    /// Store `entry` in Redis, tell the other replicas, and apply it here.
    async fn record(&self, entry: RevocationEntry) -> Result<(), RevocationError> {
        let result = sync::publish(&self.shared, &entry).await;
        // Here in any case: this replica refuses the tokens even if Redis did not take it.
        self.shared.local.apply(entry);
        result
    }
}

impl Revocations for RedisRevocations {
    #[inline]
    fn generation(&self) -> u64 {
        let local = self.shared.local.generation();
        match self.shared.when_away {
            WhenRedisIsAway::FailOpen => local,
            WhenRedisIsAway::FailClosed => local.wrapping_add(self.shared.outages.load(Ordering::Acquire)),
        }
    }

    fn status(&self, token: &TokenOrigin<'_>) -> RevocationStatus {
        if self.shared.when_away == WhenRedisIsAway::FailClosed && !self.is_available() {
            return RevocationStatus::Unavailable {
                reason: "Redis unreachable (fail-closed)".to_owned(),
                retry_after: self.shared.retry_after,
            };
        }
        self.shared.local.status(token)
    }

    fn revoke_session<'a>(&'a self, origin_jti: &'a str) -> RevokeFuture<'a> {
        Box::pin(self.record(self.shared.local.session_entry(origin_jti)))
    }

    fn revoke_user<'a>(&'a self, sub: &'a str, at: SystemTime) -> RevokeFuture<'a> {
        Box::pin(self.record(self.shared.local.user_entry(sub, at)))
    }
}
