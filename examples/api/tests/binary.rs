//! The `api` binary as a person runs it: with no Cognito configuration it starts a local issuer
//! and prints commands whose tokens work; bad configuration is a clear error, not a panic.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// The running binary; killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn api() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
    for name in ["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_TOKEN_USE", "COGNITO_ISSUER"] {
        command.env_remove(name);
    }
    command.env("RUST_LOG", "off");
    command
}

/// Starts the binary on a free port and reads its walkthrough: the base URL and the tokens.
fn start() -> (Running, String, Vec<(String, String)>) {
    let mut child = api().env("LISTEN_ADDR", "127.0.0.1:0").stdout(Stdio::piped()).spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let running = Running(child);
    let (mut base, mut tokens) = (String::new(), Vec::new());
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some((_, url)) = line.split_once(" server on ") {
            base = url.to_owned();
        }
        if let Some((name, token)) = line.trim().strip_prefix("export ").and_then(|l| l.split_once('=')) {
            tokens.push((name.to_owned(), token.to_owned()));
        }
        if line.starts_with("Ctrl-C to stop") {
            break;
        }
    }
    (running, base, tokens)
}

fn token<'a>(tokens: &'a [(String, String)], name: &str) -> &'a str {
    tokens.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap()
}

#[tokio::test]
async fn binary_prints_working_tokens_and_refuses_requests_without_one() {
    let (_running, base, tokens) = start();
    assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
    let http = reqwest::Client::new();

    let anonymous = http.get(format!("{base}/transactions")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], r#"Bearer realm="transactions""#);

    let read = http.get(format!("{base}/transactions")).bearer_auth(token(&tokens, "READ_TOKEN"));
    assert_eq!(read.send().await.unwrap().status(), 200);
    let signin = http.get(format!("{base}/transactions")).bearer_auth(token(&tokens, "SIGNIN_TOKEN"));
    assert_eq!(signin.send().await.unwrap().status(), 403);
    let body = serde_json::json!({"amount": 1250, "description": "coffee beans"});
    let write = http.post(format!("{base}/transactions")).bearer_auth(token(&tokens, "WRITE_TOKEN"));
    assert_eq!(write.json(&body).send().await.unwrap().status(), 201);
}

fn run_to_exit(command: &mut Command) -> (Output, String) {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stderr)
}

#[test]
fn incomplete_cognito_configuration_is_a_clear_error() {
    let (output, stderr) = run_to_exit(api().env("COGNITO_USER_POOL_ID", "eu-west-1_AbCdEf123"));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr.trim(), "api: configuration: environment variable COGNITO_CLIENT_ID is not set");
}

#[test]
fn unusable_listen_address_is_a_clear_error() {
    let (output, stderr) = run_to_exit(api().env("LISTEN_ADDR", "not-an-address"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with(r#"api: cannot listen on "not-an-address" (LISTEN_ADDR): "#), "{stderr}");
}

#[test]
fn binary_logs_at_start_the_issuers_it_trusts_and_their_jwks_urls() {
    let mut child = api()
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let _running = Running(child);

    let line = stderr
        .lines()
        .map(Result::unwrap)
        .find(|line| line.contains("trusting issuer"))
        .expect("a `trusting issuer` line before the binary's stderr closes");

    assert!(line.contains("issuer=http://127.0.0.1:"), "{line}");
    assert!(line.contains("jwks_url=http://127.0.0.1:"), "{line}");
    assert!(line.contains("/.well-known/jwks.json"), "{line}");
    assert!(line.contains("token_use=Access"), "{line}");
}
