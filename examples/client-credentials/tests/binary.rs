//! The `client-credentials` binary as a user runs it against a token endpoint given by URL, the
//! way it runs against a local emulator: here the testkit's `/oauth2/token` on loopback, with the
//! api example served in-process.

use std::process::{Command, Output};

use client_credentials::{LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LocalSetup};

/// Runs the binary with exactly `vars` among the variables it reads (the others removed, so the
/// developer's own environment cannot change the outcome).
async fn run_binary(vars: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_client-credentials"));
        for name in [
            "COGNITO_TOKEN_ENDPOINT",
            "COGNITO_DOMAIN",
            "AWS_REGION",
            "COGNITO_CLIENT_ID",
            "COGNITO_CLIENT_SECRET",
            "API_URL",
        ] {
            command.env_remove(name);
        }
        command.envs(vars).output().unwrap()
    })
    .await
    .unwrap()
}

/// The variables that point the binary at `local`'s token endpoint and api, with `secret`.
fn token_endpoint_vars(local: &LocalSetup, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("COGNITO_TOKEN_ENDPOINT", local.issuer.token_endpoint()),
        ("COGNITO_CLIENT_ID", LOCAL_CLIENT_ID.to_owned()),
        ("COGNITO_CLIENT_SECRET", secret.to_owned()),
        ("API_URL", local.api_url.clone()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn cognito_token_endpoint_runs_the_flow_against_a_token_endpoint_on_loopback() {
    let local = LocalSetup::start().await.unwrap();

    let output = run_binary(token_endpoint_vars(&local, LOCAL_CLIENT_SECRET)).await;

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains(&format!("Using the token endpoint {}", local.issuer.token_endpoint())),
        "{stdout}"
    );
    assert!(stdout.contains("✓ all calls behaved as expected"), "{stdout}");
    assert_eq!(local.issuer.token_requests(), 1, "one token request, reused for the second call");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_at_the_token_endpoint_fails_with_invalid_client() {
    let local = LocalSetup::start().await.unwrap();

    let output = run_binary(token_endpoint_vars(&local, "not-the-secret")).await;

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "the secret is never printed: {stderr}");
}
