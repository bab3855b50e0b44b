//! A `redis-server` on loopback (the Debian package `redis-server`), started, killed and
//! restarted by a test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::system_program::{installed, skip};

/// How long `redis-server` may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A `redis-server` on a free loopback port, without persistence (a restart starts empty);
/// killed when dropped.
///
/// ```no_run
/// # async fn demo() {
/// let Some(mut redis) = test_support::RedisServer::start("my_test").await else { return };
/// let url = redis.url(); // redis://127.0.0.1:PORT
/// redis.kill();
/// redis.restart().await; // same port, empty
/// # }
/// ```
#[derive(Debug)]
pub struct RedisServer {
    program: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one and waits until it accepts connections, or returns `None` after
    /// [`skip`](crate::skip) (which fails `test` under `COGNITO_RS_REQUIRE_SYSTEM_TESTS=1`)
    /// when `redis-server` is not installed.
    ///
    /// # Panics
    /// If it does not start, or accept connections within 20 s.
    pub async fn start(test: &str) -> Option<RedisServer> {
        let Some(program) = installed("redis-server") else {
            skip(&format!("{test}: redis-server is not installed (apt-get install redis-server)"));
            return None;
        };
        let mut redis = RedisServer { program, port: free_port(), child: None };
        redis.restart().await;
        Some(redis)
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills it (its data is gone: no persistence) and waits until it has exited.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port (killing it first if it runs), and waits until it
    /// accepts connections.
    ///
    /// # Panics
    /// If it does not start, or accept connections within 20 s.
    pub async fn restart(&mut self) {
        self.kill();
        let port = self.port.to_string();
        let child = Command::new(&self.program)
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", self.program.display()));
        self.child = Some(child);
        wait_for_port(self.port, START_TIMEOUT).await;
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A free loopback port (bound, then released for the program that will listen on it).
///
/// # Panics
/// If no loopback port can be bound.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|err| panic!("no free loopback port: {err}"))
}

/// Waits until something accepts connections on `127.0.0.1:port`, checking every 10 ms.
///
/// # Panics
/// If nothing does within `timeout`.
pub async fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing accepts connections on 127.0.0.1:{port} after {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
