//! [`MemoryRevocations`]: a revocation list in the process.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{RevocationStatus, Revocations, RevokeFuture, RevokedBy, TokenOrigin};
use crate::clock::{Clock, SharedClock};
use crate::validation::MAX_LEEWAY;

/// Default longest lifetime of a token of the user pool: one day, Cognito's maximum for access
/// and ID tokens (the default is one hour). An entry is kept this long (plus
/// [`MAX_LEEWAY`](crate::MAX_LEEWAY)) after the revocation, then dropped.
pub const DEFAULT_MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// One revocation, as a shared store carries it between replicas.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RevocationEntry {
    /// The tokens of the sign-in `origin_jti`.
    Session {
        /// The session's `origin_jti`.
        origin_jti: String,
        /// When the entry may be dropped, seconds since the Unix epoch.
        expires_at: i64,
    },
    /// The tokens of `sub` whose sign-in is before `before`.
    User {
        /// The user's `sub`.
        sub: String,
        /// Tokens whose `auth_time` is before this (seconds since the Unix epoch) are revoked.
        before: i64,
        /// When the entry may be dropped, seconds since the Unix epoch.
        expires_at: i64,
    },
}

impl RevocationEntry {
    /// When the entry may be dropped, seconds since the Unix epoch.
    pub fn expires_at(&self) -> i64 {
        match self {
            RevocationEntry::Session { expires_at, .. } | RevocationEntry::User { expires_at, .. } => {
                *expires_at
            }
        }
    }
}

#[derive(Default)]
struct Lists {
    /// `origin_jti` → when the entry expires.
    sessions: HashMap<String, i64>,
    /// `sub` → (revoked before, when the entry expires).
    users: HashMap<String, (i64, i64)>,
}

impl Lists {
    /// Add `entry`; whether it revokes anything that was not revoked before.
    fn add(&mut self, entry: RevocationEntry) -> bool {
        match entry {
            RevocationEntry::Session { origin_jti, expires_at } => {
                let old = self.sessions.insert(origin_jti.clone(), expires_at);
                if let Some(old) = old.filter(|old| *old > expires_at) {
                    self.sessions.insert(origin_jti, old);
                }
                old.is_none()
            }
            RevocationEntry::User { sub, before, expires_at } => {
                let entry = self.users.entry(sub).or_insert((i64::MIN, i64::MIN));
                let widens = before > entry.0;
                *entry = (entry.0.max(before), entry.1.max(expires_at));
                widens
            }
        }
    }

    fn purge(&mut self, now: i64) {
        self.sessions.retain(|_, expires_at| *expires_at > now);
        self.users.retain(|_, (_, expires_at)| *expires_at > now);
    }
}

/// Revoked sessions and users, kept in this process: for a single replica, for tests, and as
/// the local copy of a shared store.
///
/// Entries expire on their own once no token they cover can still be valid: the
/// [`max_token_lifetime`](Self::with_max_token_lifetime) after the revocation.
///
/// ```
/// use std::sync::Arc;
/// use std::time::SystemTime;
/// use cognito_verify::{CognitoVerifier, MemoryRevocations, TokenUse};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let revocations = Arc::new(MemoryRevocations::new());
/// let verifier = CognitoVerifier::builder()
///     .user_pool("eu-west-1_AbCdEf123")
///     .token_use(TokenUse::Access)
///     .any_client()
///     .revocations(revocations.clone())
///     .build()?;
/// // An admin action: every token of this user signed in before now stops verifying.
/// use cognito_verify::Revocations;
/// revocations.revoke_user("8f3c1d2e-user-sub", SystemTime::now()).await?;
/// # let _ = verifier; Ok(()) }
/// ```
pub struct MemoryRevocations {
    generation: AtomicU64,
    lists: RwLock<Lists>,
    max_token_lifetime: Duration,
    clock: SharedClock,
}

impl Default for MemoryRevocations {
    fn default() -> Self {
        MemoryRevocations {
            generation: AtomicU64::new(0),
            lists: RwLock::default(),
            max_token_lifetime: DEFAULT_MAX_TOKEN_LIFETIME,
            clock: SharedClock::default(),
        }
    }
}

impl fmt::Debug for MemoryRevocations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryRevocations")
            .field("entries", &self.len())
            .field("max_token_lifetime", &self.max_token_lifetime)
            .finish_non_exhaustive()
    }
}

impl MemoryRevocations {
    /// An empty list, entries kept [`DEFAULT_MAX_TOKEN_LIFETIME`].
    pub fn new() -> Self {
        MemoryRevocations::default()
    }

    /// The longest lifetime of the pool's access and ID tokens (default
    /// [`DEFAULT_MAX_TOKEN_LIFETIME`], Cognito's maximum): how long an entry is kept after its
    /// revocation, plus [`MAX_LEEWAY`](crate::MAX_LEEWAY) for clock skew.
    pub fn with_max_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_token_lifetime = lifetime;
        self
    }

    /// The clock revocations are dated and expired by (default the system clock).
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = SharedClock::new(clock);
        self
    }

    /// The entry that revokes the session `origin_jti` now.
    pub fn session_entry(&self, origin_jti: &str) -> RevocationEntry {
        let now = secs(self.clock.now());
        RevocationEntry::Session { origin_jti: origin_jti.to_owned(), expires_at: self.expiry(now) }
    }

    /// The entry that revokes the tokens of `sub` signed in before `at` (to the second).
    pub fn user_entry(&self, sub: &str, at: SystemTime) -> RevocationEntry {
        let before = secs(at);
        RevocationEntry::User { sub: sub.to_owned(), before, expires_at: self.expiry(before) }
    }

    fn expiry(&self, from: i64) -> i64 {
        let keep = self.max_token_lifetime.saturating_add(MAX_LEEWAY).as_secs();
        from.saturating_add(i64::try_from(keep).unwrap_or(i64::MAX))
    }

    /// Record `entry` (from this process or another replica). An expired one is ignored.
    pub fn apply(&self, entry: RevocationEntry) {
        let now = secs(self.clock.now());
        if entry.expires_at() <= now {
            return;
        }
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        lists.purge(now);
        if lists.add(entry) {
            // After the list changed, so that a reader that sees the new generation sees it.
            self.generation.fetch_add(1, Ordering::Release);
        }
    }

    /// Replace the whole list with `entries` (a full resync from a shared store). Entries
    /// known here but not in `entries` are dropped.
    pub fn replace(&self, entries: impl IntoIterator<Item = RevocationEntry>) {
        let now = secs(self.clock.now());
        let mut fresh = Lists::default();
        let mut widened = false;
        let mut lists = self.lists.write().unwrap_or_else(PoisonError::into_inner);
        lists.purge(now);
        for entry in entries.into_iter().filter(|entry| entry.expires_at() > now) {
            widened |= match &entry {
                RevocationEntry::Session { origin_jti, .. } => !lists.sessions.contains_key(origin_jti),
                RevocationEntry::User { sub, before, .. } => {
                    lists.users.get(sub).is_none_or(|(known, _)| before > known)
                }
            };
            fresh.add(entry);
        }
        *lists = fresh;
        if widened {
            self.generation.fetch_add(1, Ordering::Release);
        }
    }

    /// Move the generation without changing the list: every cached token is checked again on
    /// its next use (a shared store that became unavailable in fail-closed mode).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// The entries that have not expired.
    pub fn entries(&self) -> Vec<RevocationEntry> {
        let now = secs(self.clock.now());
        let lists = self.lists.read().unwrap_or_else(PoisonError::into_inner);
        let sessions = lists.sessions.iter().filter(|(_, expires_at)| **expires_at > now).map(
            |(origin_jti, expires_at)| RevocationEntry::Session {
                origin_jti: origin_jti.clone(),
                expires_at: *expires_at,
            },
        );
        let users = lists.users.iter().filter(|(_, (_, expires_at))| *expires_at > now).map(
            |(sub, (before, expires_at))| RevocationEntry::User {
                sub: sub.clone(),
                before: *before,
                expires_at: *expires_at,
            },
        );
        sessions.chain(users).collect()
    }

    /// How many entries have not expired.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no entry is in force.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Revocations for MemoryRevocations {
    #[inline]
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn status(&self, token: &TokenOrigin<'_>) -> RevocationStatus {
        let now = secs(self.clock.now());
        let lists = self.lists.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(origin_jti) = token.origin_jti
            && lists.sessions.get(origin_jti).is_some_and(|expires_at| *expires_at > now)
        {
            return RevocationStatus::Revoked(RevokedBy::Session);
        }
        if let Some((before, expires_at)) = lists.users.get(token.sub)
            && *expires_at > now
            // A token that does not say when its sign-in was is refused.
            && token.authenticated_at.is_none_or(|at| at < *before)
        {
            return RevocationStatus::Revoked(RevokedBy::User);
        }
        RevocationStatus::Valid
    }

    fn revoke_session<'a>(&'a self, origin_jti: &'a str) -> RevokeFuture<'a> {
        self.apply(self.session_entry(origin_jti));
        Box::pin(std::future::ready(Ok(())))
    }

    fn revoke_user<'a>(&'a self, sub: &'a str, at: SystemTime) -> RevokeFuture<'a> {
        self.apply(self.user_entry(sub, at));
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Whole seconds since the Unix epoch (negative before it).
fn secs(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            // Round down: 0.5 s before the epoch is second -1.
            if before.subsec_nanos() > 0 {
                whole.saturating_neg().saturating_sub(1)
            } else {
                whole.saturating_neg()
            }
        }
    }
}
