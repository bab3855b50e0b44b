//! The cognito-rs workspace's own test helpers: what its tests share that is of no use to an
//! application's tests, so it stays out of cognito-testkit's published API. Not published.
//!
//! - [`in_child_behind_a_proxy`] and [`is_child`]: run a test in a child process behind a
//!   counting proxy;
//! - [`prometheus_sample`]: one sample off a Prometheus text page;
//! - [`replay_fuzz_corpus`]: a fuzz target's regression corpus in `cargo test`;
//! - [`GARBAGE_BODY`]: the body the testkit's `Fault::Garbage` serves;
//! - [`unix_now`]: seconds since the Unix epoch;
//! - [`RedisServer`]: a `redis-server` on loopback that a test starts, kills and restarts, with
//!   [`free_port`] and [`wait_for_port`];
//! - [`skip`] and [`installed`]: a test whose system program is missing skips, or fails under
//!   [`REQUIRE_ENV`]` = 1`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod fuzz_corpus;
mod prometheus;
mod proxy_child;
mod redis_server;
mod system_program;

use std::time::{SystemTime, UNIX_EPOCH};

pub use fuzz_corpus::replay_fuzz_corpus;
pub use prometheus::prometheus_sample;
pub use proxy_child::{in_child_behind_a_proxy, is_child};
pub use redis_server::{RedisServer, free_port, wait_for_port};
pub use system_program::{REQUIRE_ENV, installed, skip};

/// The body cognito-testkit's `Fault::Garbage` serves (its tests check that the two agree).
pub const GARBAGE_BODY: &str = "<html><body>502 Bad Gateway: this is not JSON</body></html>";

/// Seconds since the Unix epoch, as token time claims count them.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
