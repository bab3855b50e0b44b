//! Cold start, in process: the time from init (building the verifier and the app) to the first
//! verified response, for each way of getting the signing keys. Runs on the testkit on
//! loopback; `--jwks-delay-ms N` makes each JWKS answer wait N ms, to stand in for the network
//! round trip to Cognito that loopback does not have.
//!
//! `cargo run --release -p lambda --bin cold-start -- --runs 20 --jwks-delay-ms 100`

use std::error::Error;
use std::time::{Duration, Instant};

use cognito_testkit::{Fault, TestIssuer};
use cognito_verify::TokenUse;
use lambda::events::{Event, Kind};
use lambda::{Setup, on_lambda, router};
use tower::ServiceExt;

/// How the keys reach the verifier before the first request.
#[derive(Debug, Clone, Copy)]
enum Keys {
    /// Verify the token; the first request fetches the JWKS.
    Lazy,
    /// Verify the token; `hydrate()` fetches the JWKS during init.
    HydrateAtInit,
    /// API Gateway verified the token; no keys at all.
    TrustedContext,
    /// Verify the token with keys from a JWKS document bundled with the function
    /// (`jwks_document`): no fetch at init or on the first request.
    BundledJwks,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut runs = 20_usize;
    let mut delay_ms = 0_u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().ok_or("--runs N")?.parse()?,
            "--jwks-delay-ms" => delay_ms = args.next().ok_or("--jwks-delay-ms N")?.parse()?,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    println!(
        "| keys | JWKS answer delay | init (median) | first response (median) | init to first response (median) | JWKS fetches |"
    );
    println!("|---|---|---|---|---|---|");
    for keys in [Keys::Lazy, Keys::HydrateAtInit, Keys::TrustedContext, Keys::BundledJwks] {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            samples.push(measure(keys, Duration::from_millis(delay_ms)).await?);
        }
        let median = |pick: fn(&Sample) -> Duration| {
            let mut values: Vec<Duration> = samples.iter().map(pick).collect();
            values.sort_unstable();
            values.get(values.len() / 2).copied().unwrap_or_default()
        };
        let fetches = samples.first().map_or(0, |s| s.fetches);
        println!(
            "| {keys:?} | {delay_ms} ms | {:.2} ms | {:.2} ms | {:.2} ms | {fetches} |",
            ms(median(|s| s.init)),
            ms(median(|s| s.first)),
            ms(median(|s| s.init + s.first)),
        );
    }
    Ok(())
}

struct Sample {
    init: Duration,
    first: Duration,
    fetches: u64,
}

async fn measure(keys: Keys, delay: Duration) -> Result<Sample, Box<dyn Error>> {
    let issuer = TestIssuer::start().await;
    if !delay.is_zero() {
        issuer.set_jwks_fault(Some(Fault::Delay(delay)));
    }
    let token = issuer.access_token().username("alice").sign();
    let claims = issuer.access_token().username("alice").claims_json();
    // In a deployment the document is a file in the function's bundle (`include_str!`); here it
    // is the issuer's current JWKS, read before the clock starts.
    let bundled_jwks = issuer.jwks().to_string();
    let event = match keys {
        Keys::Lazy | Keys::HydrateAtInit | Keys::BundledJwks => {
            Event::get(Kind::RestApi, "/me").bearer(&token)
        }
        Keys::TrustedContext => Event::get(Kind::RestApi, "/me").authorizer_claims(&claims, None),
    };
    let event = event.to_json();

    let started = Instant::now();
    let mut builder = issuer.verifier().token_use(TokenUse::Access).client_ids([issuer.default_client_id()]);
    if let Keys::BundledJwks = keys {
        builder = builder.jwks_document(issuer.issuer_url(), bundled_jwks);
    }
    let verifier = builder.build()?;
    if let Keys::HydrateAtInit = keys {
        verifier.hydrate().await?;
    }
    let setup = match keys {
        Keys::TrustedContext => Setup::TrustApiGateway,
        Keys::Lazy | Keys::HydrateAtInit | Keys::BundledJwks => Setup::VerifyToken,
    };
    let app = on_lambda(router(setup, verifier.clone()));
    let init = started.elapsed();

    let request = lambda_http::request::from_str(&event)?;
    let response = app.oneshot(request).await?;
    let first = started.elapsed().saturating_sub(init);
    if !response.status().is_success() {
        return Err(format!("{keys:?}: first response was {}", response.status()).into());
    }
    Ok(Sample { init, first, fetches: verifier.jwks_fetches() })
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}
