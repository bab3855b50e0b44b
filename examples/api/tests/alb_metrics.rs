//! The ALB key-fetch metrics of docs/observability.md count the fetches and refusals that
//! verifications caused. One test in its own binary: the recorder is process-wide.

use std::collections::BTreeSet;

use api::install_metrics_recorder;
use cognito_testkit::{DEFAULT_ALB_ARN, TestIssuer};
use cognito_verify::{AlbKeyOptions, AlbVerifier, VerifyError};
use serde_json::json;

/// The value of the sample `name{labels}` in a Prometheus text page, labels in any order.
fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeSet<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    page.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, rest) = series.split_once('{').unwrap_or((series, "}"));
        let found: BTreeSet<String> =
            rest.strip_suffix('}')?.split(',').filter(|l| !l.is_empty()).map(str::to_owned).collect();
        (series_name == name && found == wanted).then(|| value.parse().ok()).flatten()
    })
}

#[tokio::test]
async fn alb_key_fetches_and_refusals_are_counted_by_outcome_and_reason() {
    let recorder = install_metrics_recorder().unwrap();
    let issuer = TestIssuer::start().await;
    // A burst of 3, one of them kept for a kid asked for repeatedly (none here), then one fetch
    // per second.
    let options = AlbKeyOptions::default().fetch_burst(3);
    let verifier: AlbVerifier =
        issuer.alb_verifier().signer_arns([DEFAULT_ALB_ARN]).key_options(options).build().unwrap();
    verifier.verify(&issuer.alb_token().sign()).await.unwrap();
    // Distinct unknown kids until the budget refuses one (the second, unless a second passed).
    let unknown = |n: u32| issuer.alb_token().header("kid", json!(format!("gone-{n}"))).sign();
    let mut n = 0;
    loop {
        n += 1;
        assert!(n < 100, "no refusal");
        match verifier.verify(&unknown(n)).await.unwrap_err() {
            VerifyError::UnknownKid { .. } => continue,
            VerifyError::KeysUnavailable { .. } => break,
            err => panic!("unexpected {err}"),
        }
    }
    let unknown_fetched = f64::from(n - 1);
    let page = recorder.render();
    let endpoint = issuer.alb_key_endpoint();
    let fetches = |outcome| {
        sample(
            &page,
            "cognito_verify_alb_key_fetches_total",
            &[("key_endpoint", &endpoint), ("outcome", outcome)],
        )
    };
    assert_eq!(fetches("success"), Some(1.0), "{page}");
    assert_eq!(fetches("unknown_kid"), Some(unknown_fetched), "{page}");
    let durations = [("key_endpoint", endpoint.as_str()), ("outcome", "success")];
    assert_eq!(sample(&page, "cognito_verify_alb_key_fetch_duration_seconds_count", &durations), Some(1.0));
    let refused = [("key_endpoint", endpoint.as_str()), ("reason", "rate_limit")];
    assert_eq!(sample(&page, "cognito_verify_alb_key_fetches_refused_total", &refused), Some(1.0), "{page}");
    assert_eq!(issuer.alb_key_requests(), 1 + u64::from(n - 1));
}
