//! The `grpc` binary as a person runs it: with no Cognito configuration it calls itself with a
//! tonic client and prints the three outcomes; bad configuration is a clear error.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The running binary; killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn grpc() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grpc"));
    command.env_remove("COGNITO_USER_POOL_ID").env("RUST_LOG", "off");
    command
}

#[test]
fn binary_shows_unauthenticated_permission_denied_and_serving() {
    let mut child = grpc().env("LISTEN_ADDR", "127.0.0.1:0").stdout(Stdio::piped()).spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let _running = Running(child);
    let outcomes: Vec<String> = stdout
        .lines()
        .map(Result::unwrap)
        .take_while(|line| !line.starts_with("Ctrl-C"))
        .filter_map(|line| line.split_once(" -> ").map(|(_, outcome)| outcome.to_owned()))
        .collect();
    assert_eq!(
        outcomes,
        [
            "Unauthenticated: no access token in the request",
            "PermissionDenied: token lacks a required scope (one of: health/check)",
            "OK: SERVING",
        ]
    );
}

#[test]
fn unusable_listen_address_is_a_clear_error() {
    let output = grpc().env("LISTEN_ADDR", "256.0.0.1:1").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with(r#"grpc: cannot listen on "256.0.0.1:1" (LISTEN_ADDR): "#), "{stderr}");
}
