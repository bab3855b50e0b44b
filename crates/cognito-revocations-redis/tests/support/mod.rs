//! A `redis-server` on loopback, started, killed and restarted by the tests (the Debian package
//! `redis-server`); tests skip when it is missing unless `COGNITO_RS_REQUIRE_SYSTEM_TESTS=1`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Set to `1` to make a test whose system program is missing fail instead of skipping.
pub const REQUIRE_ENV: &str = "COGNITO_RS_REQUIRE_SYSTEM_TESTS";

/// Says why a test is skipped, or fails it when [`REQUIRE_ENV`] is set.
pub fn skip(reason: &str) {
    use std::io::Write as _;
    assert!(std::env::var(REQUIRE_ENV).as_deref() != Ok("1"), "{reason} ({REQUIRE_ENV}=1)");
    let _ = writeln!(std::io::stderr(), "SKIPPED: {reason}");
}

/// The path of `program` on `PATH`, if it is installed.
fn installed(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

/// A redis-server on a free loopback port, without persistence; killed when dropped.
pub struct Redis {
    program: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Start one, or `None` (after [`skip`]) when redis-server is not installed.
    pub async fn start(test: &str) -> Option<Redis> {
        let Some(program) = installed("redis-server") else {
            skip(&format!("{test}: redis-server is not installed (apt-get install redis-server)"));
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut redis = Redis { program, port, child: None };
        redis.restart().await;
        Some(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kill it (its data is gone: no persistence).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start it again on the same port, and wait until it accepts connections.
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new(&self.program)
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let port = self.port;
        cognito_testkit::eventually(Duration::from_secs(20), || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
        })
        .await;
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}
