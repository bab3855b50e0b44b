//! Issue 12, item 3: key fetches from a loopback or plain-http URL never go through an
//! environment proxy. Each test runs its body in a child process (this test binary again) with
//! `HTTP_PROXY` / `ALL_PROXY` pointing at a listener of the parent that counts connections, since
//! a test cannot change its own process's environment safely.

use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
use cognito_verify::TokenUse;

const CHILD: &str = "COGNITO_PROXY_TEST_CHILD";

/// Runs `test` in a child process whose proxy variables point at a counting listener; returns
/// whether the child passed and how many connections the proxy saw.
fn in_child_behind_a_proxy(test: &str) -> (bool, usize) {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", proxy.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for connection in proxy.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });
    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args(["--exact", test, "--test-threads", "1", "--nocapture"]).env(CHILD, "1");
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"] {
        child.env(name, &url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        child.env_remove(name);
    }
    let output = child.output().unwrap();
    let passed = output.status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed");
    if !passed {
        eprintln!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    }
    (passed, seen.load(Ordering::SeqCst))
}

fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

#[tokio::test]
async fn loopback_jwks_is_fetched_directly_whatever_the_proxy_variables_say() {
    if is_child() {
        let issuer = TestIssuer::start().await;
        let verifier = issuer
            .verifier()
            .token_use(TokenUse::Access)
            .client_ids([issuer.default_client_id()])
            .build()
            .unwrap();
        verifier.verify(&issuer.access_token().sign()).await.unwrap();
        assert_eq!(issuer.jwks_requests(), 1);
        return;
    }
    let (passed, proxied) =
        in_child_behind_a_proxy("loopback_jwks_is_fetched_directly_whatever_the_proxy_variables_say");
    assert_eq!(proxied, 0, "connections to the proxy");
    assert!(passed, "the child failed: see its output above");
}

#[tokio::test]
async fn loopback_alb_keys_are_fetched_directly_whatever_the_proxy_variables_say() {
    if is_child() {
        let issuer = TestIssuer::start().await;
        let verifier = issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).build().unwrap();
        verifier.verify(&issuer.alb_token().sign()).await.unwrap();
        assert_eq!(issuer.alb_key_requests(), 1);
        return;
    }
    let (passed, proxied) =
        in_child_behind_a_proxy("loopback_alb_keys_are_fetched_directly_whatever_the_proxy_variables_say");
    assert_eq!(proxied, 0, "connections to the proxy");
    assert!(passed, "the child failed: see its output above");
}
