//! The `admin` binary as a person runs it: with no Cognito configuration it starts a local
//! issuer and prints tokens that work as the walkthrough says.

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

#[tokio::test]
async fn binary_prints_tokens_that_open_the_admin_routes_to_admins_only() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_admin"))
        .env_remove("COGNITO_USER_POOL_ID")
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let _running = Running(child);
    let (mut base, mut tokens) = (String::new(), Vec::new());
    for line in stdout.lines().map(Result::unwrap).take_while(|line| !line.starts_with("Ctrl-C")) {
        if let Some((_, url)) = line.split_once(" group on ") {
            base = url.to_owned();
        }
        if let Some((name, token)) = line.trim().strip_prefix("export ").and_then(|l| l.split_once('=')) {
            tokens.push((name.to_owned(), token.to_owned()));
        }
    }
    let http = reqwest::Client::new();
    let users = |name: &str| {
        let (_, token) = tokens.iter().find(|(n, _)| n == name).unwrap();
        http.get(format!("{base}/admin/users")).bearer_auth(token).send()
    };
    assert_eq!(users("ADMIN_TOKEN").await.unwrap().status(), 200);
    assert_eq!(users("ADMIN_ID_TOKEN").await.unwrap().status(), 200);
    assert_eq!(users("STAFF_TOKEN").await.unwrap().status(), 403);
    assert_eq!(http.get(format!("{base}/me")).send().await.unwrap().status(), 401);
}
