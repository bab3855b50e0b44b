//! Sessions in Redis, shared by every replica (`REDIS_URL`).

use std::time::Duration;

use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{
    ClientLike, Config, ConnectionConfig, Pool, ReconnectPolicy,
};

/// A session store on the Redis at `url` (`redis://127.0.0.1:6379`), connected: a pool of two
/// connections that reconnect for ever, every 500 ms, after Redis goes away (fred's default is
/// never), connect within 2 s, and queue at most 1,024 commands while Redis is away or slow.
///
/// # Errors
/// A malformed URL, or no Redis answering there.
pub async fn redis_session_store(url: &str) -> Result<RedisStore<Pool>, String> {
    let connection = ConnectionConfig {
        connection_timeout: Duration::from_secs(2),
        max_command_buffer_len: 1024,
        ..ConnectionConfig::default()
    };
    let reconnect = ReconnectPolicy::new_constant(0, 500);
    let config = Config::from_url(url).map_err(|err| format!("REDIS_URL {url:?}: {err}"))?;
    let pool = Pool::new(config, None, Some(connection), Some(reconnect), 2)
        .map_err(|err| format!("REDIS_URL {url:?}: {err}"))?;
    pool.init().await.map_err(|err| format!("cannot connect to REDIS_URL {url:?}: {err}"))?;
    Ok(RedisStore::new(pool))
}
