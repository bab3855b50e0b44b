//! Keeping the local copy current: pub/sub, a full resync on an interval and on every
//! (re)connection, and the availability of Redis.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cognito_verify::{RevocationEntry, RevocationError};
use fred::prelude::{ClientLike, EventInterface, HashesInterface, PubsubInterface};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::Shared;
use crate::encoding;

/// How often a store whose Redis is away tries again.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// How long start-up waits for Redis before going on without it.
const CONNECT_WAIT: Duration = Duration::from_secs(2);

/// Connect both clients, wait (boundedly) for Redis, then run the sync loop in a task.
pub(crate) async fn start(shared: Arc<Shared>, resync_interval: Duration) -> JoinHandle<()> {
    // A zero period would make the timer panic.
    let resync_interval = resync_interval.max(Duration::from_millis(100));
    // Receivers first, so that no event between connecting and the loop is missed.
    let messages = shared.subscriber.message_rx();
    let reconnects = shared.subscriber.reconnect_rx();
    let command_reconnects = shared.commands.reconnect_rx();
    let errors = shared.subscriber.error_rx();
    let command_errors = shared.commands.error_rx();
    let _connections = (shared.commands.connect(), shared.subscriber.connect());
    let ready = async {
        shared.commands.wait_for_connect().await?;
        shared.subscriber.wait_for_connect().await
    };
    match tokio::time::timeout(CONNECT_WAIT, ready).await {
        Ok(Ok(())) => subscribe_and_resync(&shared).await,
        Ok(Err(err)) => shared.down(&err),
        Err(_) => shared.down(&"no connection within 2 s"),
    }
    tokio::spawn(run(
        shared,
        resync_interval,
        messages,
        reconnects,
        command_reconnects,
        errors,
        command_errors,
    ))
}

type Rx<T> = tokio::sync::broadcast::Receiver<T>;

async fn run(
    shared: Arc<Shared>,
    resync_interval: Duration,
    mut messages: Rx<fred::types::Message>,
    mut reconnects: Rx<fred::types::config::Server>,
    mut command_reconnects: Rx<fred::types::config::Server>,
    mut errors: Rx<(fred::error::Error, Option<fred::types::config::Server>)>,
    mut command_errors: Rx<(fred::error::Error, Option<fred::types::config::Server>)>,
) {
    // Every second: a resync when one is due, or while Redis is away (to notice it is back).
    let mut tick = tokio::time::interval(RETRY_INTERVAL.min(resync_interval));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_resync = Instant::now();
    loop {
        tokio::select! {
            message = messages.recv() => match message {
                Ok(message) => {
                    if let Some(entry) = message.value.as_str().and_then(|text| encoding::from_message(&text)) {
                        shared.local.apply(entry);
                    }
                }
                // Messages were dropped: read the whole list instead.
                Err(RecvError::Lagged(_)) => subscribe_and_resync(&shared).await,
                Err(RecvError::Closed) => return,
            },
            _ = reconnects.recv() => subscribe_and_resync(&shared).await,
            _ = command_reconnects.recv() => subscribe_and_resync(&shared).await,
            error = errors.recv() => if let Ok((error, _)) = error { shared.down(&error) },
            error = command_errors.recv() => if let Ok((error, _)) = error { shared.down(&error) },
            _ = tick.tick() => {
                if !shared.is_available() || last_resync.elapsed() >= resync_interval {
                    last_resync = Instant::now();
                    subscribe_and_resync(&shared).await;
                }
            }
        }
    }
}

/// (Re)subscribe, then read the whole list: Redis is available again when both worked.
///
/// The list read is merged into the local copy, never replaces it (nothing is un-revoked but
/// by expiry), and entries known here but missing from Redis (a Redis restarted without
/// persistence, a write that failed) are written back.
async fn subscribe_and_resync(shared: &Shared) {
    let result = async {
        shared.subscriber.subscribe(shared.channel.as_str()).await?;
        let all: HashMap<String, String> = shared.commands.hgetall(shared.key.as_str()).await?;
        Ok::<_, fred::error::Error>(all)
    }
    .await;
    let all = match result {
        Ok(all) => all,
        Err(err) => {
            shared.down(&err);
            return;
        }
    };
    let known = shared.local.entries();
    let now = unix_now();
    let mut expired = Vec::new();
    for (field, value) in &all {
        match encoding::decode(field, value) {
            Some(entry) if entry.expires_at() <= now => expired.push(field.clone()),
            Some(entry) => shared.local.apply(entry),
            None => {}
        }
    }
    shared.up();
    let missing: HashMap<String, String> =
        known.iter().map(encoding::encode).filter(|(field, _)| !all.contains_key(field)).collect();
    if !missing.is_empty() {
        let written: Result<i64, _> = shared.commands.hset(shared.key.as_str(), missing).await;
        if let Err(err) = written {
            tracing::debug!(target: "cognito_revocations_redis", %err, "could not write back revocations");
        }
    }
    if !expired.is_empty() {
        // Every replica may do this; deleting twice is harmless.
        let deleted: Result<i64, _> = shared.commands.hdel(shared.key.as_str(), expired).await;
        if let Err(err) = deleted {
            tracing::debug!(target: "cognito_revocations_redis", %err, "could not delete expired revocations");
        }
    }
}

/// Write `entry` to the hash and announce it on the channel.
pub(crate) async fn publish(shared: &Shared, entry: &RevocationEntry) -> Result<(), RevocationError> {
    let (field, value) = encoding::encode(entry);
    let unavailable = |err: fred::error::Error| {
        shared.down(&err);
        RevocationError(format!("Redis: {err}"))
    };
    let _: i64 = shared.commands.hset(shared.key.as_str(), (field, value)).await.map_err(unavailable)?;
    let _: i64 = shared
        .commands
        .publish(shared.channel.as_str(), encoding::message(entry))
        .await
        .map_err(unavailable)?;
    Ok(())
}

fn unix_now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}
