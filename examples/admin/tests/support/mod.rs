//! Running the `admin` binary as a person does, and reading what it prints.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The running binary, killed when dropped, and what it printed before "Ctrl-C to stop.".
pub struct Running {
    child: Child,
    /// The app's URL, without the trailing `/`.
    pub url: String,
    /// The printed lines.
    pub lines: Vec<String>,
    /// What it printed after "Ctrl-C to stop.", on stdout, and on stderr (its logs) when
    /// started with [`start_capturing`](Running::start_capturing).
    pub output: Arc<Mutex<Vec<String>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // A failing test shows the end of what the app said.
        if std::thread::panicking() {
            let output = self.output.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let tail = output.len().saturating_sub(40);
            eprintln!("--- the app's last output ---\n{}", output[tail..].join("\n"));
        }
    }
}

impl Running {
    /// Starts the binary on a free loopback port with `env` (and no real pool unless `env` sets
    /// one), and waits until it serves.
    pub fn start(env: &[(&str, &str)]) -> Running {
        Running::spawn(env, false)
    }

    /// [`start`](Running::start), with its logs (stderr) collected in `output` too.
    pub fn start_capturing(env: &[(&str, &str)]) -> Running {
        Running::spawn(env, true)
    }

    fn spawn(env: &[(&str, &str)], capture_stderr: bool) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_admin"));
        command
            .env_remove("COGNITO_USER_POOL_ID")
            .env_remove("REDIS_URL")
            .env_remove("REVOCATIONS_REDIS_URL")
            .env_remove("APP_URL")
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        if capture_stderr {
            command.stderr(Stdio::piped());
        }
        let mut child = command.spawn().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        if let Some(stderr) = child.stderr.take() {
            drain(BufReader::new(stderr), Arc::clone(&output));
        }
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        let mut stdout = stdout.lines();
        for line in stdout.by_ref().map(Result::unwrap) {
            if line.starts_with("Ctrl-C") {
                break;
            }
            lines.push(line);
        }
        // Read on, so that the process never blocks on a full pipe.
        let rest = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in stdout.map_while(Result::ok) {
                rest.lock().unwrap().push(line);
            }
        });
        let url = lines
            .iter()
            .find_map(|line| line.split_once(": open ").map(|(_, url)| url.trim_end_matches('/').to_owned()))
            .unwrap_or_else(|| panic!("no URL in the output: {lines:#?}"));
        Running { child, url, lines, output }
    }

    /// The value of `export NAME=value` in the output.
    pub fn export(&self, name: &str) -> String {
        self.lines
            .iter()
            .find_map(|line| line.trim().strip_prefix(&format!("export {name}=")).map(str::to_owned))
            .unwrap_or_else(|| panic!("no export {name} in the output"))
    }

    /// The password printed for `user`.
    pub fn password(&self, user: &str) -> String {
        self.lines
            .iter()
            .find_map(|line| line.trim().strip_prefix(&format!("user {user} password ")))
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no password for {user} in the output"))
    }
}

/// Collects the lines of `reader` into `into`, on a thread, until it closes.
fn drain(reader: impl BufRead + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            into.lock().unwrap().push(line);
        }
    });
}

/// The app served in this process on a free loopback port, with the local issuer and in-memory
/// sessions; returns its URL and the issuer.
pub async fn serve_local() -> (String, cognito_testkit::TestIssuer) {
    let (url, issuer, _) = serve_local_with_revocations().await;
    (url, issuer)
}

/// [`serve_local`], and the in-memory revocation store its verifiers read.
pub async fn serve_local_with_revocations()
-> (String, cognito_testkit::TestIssuer, std::sync::Arc<cognito_verify::MemoryRevocations>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let revocations = std::sync::Arc::new(cognito_verify::MemoryRevocations::new());
    let setup = admin::Setup::local(&url, revocations.clone()).await.unwrap();
    let store = cognito_login::tower_sessions::MemoryStore::default();
    let app = admin::app(&setup.login, setup.verifier, setup.revocations, store);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, setup.issuer.unwrap(), revocations)
}

#[allow(unused_imports)] // Not every test file uses every helper.
pub use test_support::{free_port, installed, skip};

/// Waits until something accepts connections on `127.0.0.1:port` (20 s at most).
pub async fn wait_for_port(port: u16) {
    test_support::wait_for_port(port, std::time::Duration::from_secs(20)).await;
}

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
