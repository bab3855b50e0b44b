//! HTTP throughput with and without `CognitoLayer`, as ratios measured in one run.
//!
//! `cargo run --release -p http-bench` (needs `wrk` and `taskset`; see docs/performance.md).
//! It starts a testkit issuer, mints tokens, and for each variant starts this same binary as a
//! server pinned to core 0 (`serve VARIANT`), then loads it with `wrk` pinned to core 1:
//!
//! - `plain`: axum hello-world, no auth (the requests still carry the token);
//! - `layer-repeated`: behind `CognitoLayer`, every request with the same token;
//! - `layer-new`: behind `CognitoLayer`, cycling through more distinct tokens than the
//!   verified-token cache holds, so every request is a full verification;
//! - `raw-check`: a handler doing only the raw aws-lc-rs signature check of the bearer token;
//! - `plain-2t` and `layer-repeated-2t`: `plain` and `layer-repeated` on a two-worker runtime,
//!   server and `wrk -t2` both spread over cores 0 and 1: every request on both workers carries
//!   the same token, so a cache hit that made the cores contend would show as (b2)/(a2) falling
//!   below (b)/(a).

use std::io::Write;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_testkit::TestIssuer;
use cognito_tower::CognitoLayer;
use cognito_verify::{CognitoVerifier, TokenUse};

type Error = Box<dyn std::error::Error + Send + Sync>;

const CLIENT: &str = "bench-client";
const DISTINCT_TOKENS: usize = 4096;
const CACHE_CAPACITY: usize = 512;
/// The suffix of a variant served by two worker threads on both cores.
const TWO_THREADS: &str = "-2t";

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => serve(&args[2..]),
        _ => orchestrate(),
    }
}

/// The server side: one variant, on one core (the caller pins it), until killed.
fn serve(args: &[String]) -> Result<(), Error> {
    let [variant, addr, issuer, jwk_n] = args else {
        return Err("usage: http-bench serve VARIANT ADDR ISSUER_URL JWK_N".into());
    };
    let runtime = match variant.strip_suffix(TWO_THREADS) {
        Some(_) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?,
        None => tokio::runtime::Builder::new_current_thread().enable_all().build()?,
    };
    runtime.block_on(async {
        let verifier = |capacity: usize| -> Result<CognitoVerifier, Error> {
            Ok(CognitoVerifier::builder()
                .issuer(issuer.as_str())
                .token_use(TokenUse::Access)
                .client_ids([CLIENT])
                .token_cache_capacity(capacity)
                .build()?)
        };
        let hello = Router::new().route("/", get(|| async { "hello" }));
        let app = match variant.strip_suffix(TWO_THREADS).unwrap_or(variant) {
            "plain" => hello,
            "layer-repeated" => hello.layer(CognitoLayer::new(hydrated(verifier(4096)?).await?)),
            "layer-new" => hello.layer(CognitoLayer::new(hydrated(verifier(CACHE_CAPACITY)?).await?)),
            "raw-check" => {
                let n = URL_SAFE_NO_PAD.decode(jwk_n)?;
                let key = RsaPublicKeyComponents { n: &n[..], e: &[1u8, 0, 1][..] }
                    .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)?;
                let key = std::sync::Arc::new(key);
                Router::new().route("/", get(move |headers: HeaderMap| raw_check(key.clone(), headers)))
            }
            other => return Err(format!("unknown variant {other}").into()),
        };
        let listener = tokio::net::TcpListener::bind(addr.as_str()).await?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}

async fn hydrated(verifier: CognitoVerifier) -> Result<CognitoVerifier, Error> {
    verifier.hydrate().await?;
    Ok(verifier)
}

/// What a hand-written handler minimally does: take the bearer token, check its signature.
async fn raw_check(
    key: std::sync::Arc<ParsedPublicKey>,
    headers: HeaderMap,
) -> Result<&'static str, StatusCode> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let (signed, signature) = token.rsplit_once('.').ok_or(StatusCode::UNAUTHORIZED)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| StatusCode::UNAUTHORIZED)?;
    key.verify_sig(signed.as_bytes(), &signature).map_err(|_| StatusCode::UNAUTHORIZED)?;
    Ok("hello")
}

fn orchestrate() -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let issuer = runtime.block_on(TestIssuer::start());
    let mint = || issuer.access_token().client_id(CLIENT).scopes(["transactions/get"]).sign();
    let repeated = mint();
    eprintln!("minting {DISTINCT_TOKENS} distinct tokens...");
    let dir = std::env::temp_dir().join(format!("cognito-http-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let tokens_path = dir.join("tokens.txt");
    let mut tokens = std::fs::File::create(&tokens_path)?;
    for _ in 0..DISTINCT_TOKENS {
        writeln!(tokens, "{}", mint())?;
    }
    let script = dir.join("cycle.lua");
    std::fs::write(&script, CYCLE_LUA.replace("TOKENS_PATH", &tokens_path.display().to_string()))?;
    let jwk = issuer.public_jwk(&issuer.signing_kid()).ok_or("no signing key")?;
    let jwk_n = jwk["n"].as_str().ok_or("JWK without n")?.to_owned();

    let seconds = env_number("BENCH_SECONDS", 4);
    let rounds = env_number("BENCH_ROUNDS", 5);
    let repeated_header = format!("Authorization: Bearer {repeated}");
    // Every variant receives the same requests (a ~1.1 KB bearer token), so the comparison
    // isolates what the layer does with it.
    let variants: [(&str, Vec<String>); 6] = [
        ("plain", vec!["-H".into(), repeated_header.clone()]),
        ("layer-repeated", vec!["-H".into(), repeated_header.clone()]),
        ("layer-new", vec!["-s".into(), script.display().to_string()]),
        ("raw-check", vec!["-s".into(), script.display().to_string()]),
        ("plain-2t", vec!["-H".into(), repeated_header.clone()]),
        ("layer-repeated-2t", vec!["-H".into(), repeated_header]),
    ];
    // All four servers run for the whole measurement (idle ones cost nothing); the variants are
    // loaded in turn, round after round, so a drift in machine speed weighs on all of them.
    let servers = runtime.block_on(async {
        let mut servers = Vec::new();
        for (variant, _) in &variants {
            servers.push(start_server(variant, &issuer.issuer_url(), &jwk_n).await?);
        }
        Ok::<_, Error>(servers)
    })?;
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for round in 1..=rounds {
        for ((variant, wrk_args), (server, rates)) in variants.iter().zip(servers.iter().zip(&mut rates)) {
            let url = format!("http://{}/", server.addr);
            let rps =
                runtime.block_on(load(variant, wrk_args, &url, seconds, variant.ends_with(TWO_THREADS)))?;
            eprintln!("round {round}/{rounds}  {variant:<16} {rps:>10.0} req/s");
            rates.push(rps);
        }
    }
    drop(servers);
    let ratio = |num: usize, den: usize| {
        let mut ratios: Vec<f64> = rates[num].iter().zip(&rates[den]).map(|(n, d)| n / d).collect();
        median(&mut ratios)
    };
    let [plain, repeated, new, raw, plain2, repeated2] =
        [0, 1, 2, 3, 4, 5].map(|i| median(&mut rates[i].clone()));
    let (b_over_a, c_over_d, b2_over_a2) = (ratio(1, 0), ratio(2, 3), ratio(5, 4));
    println!(
        "\nHTTP throughput, server on core 0, wrk on core 1 (-t1 -c32), median of {rounds} rounds of {seconds} s:"
    );
    println!("{:<52} {:>10}", "variant", "req/s");
    println!("{:<52} {plain:>10.0}", "(a) hello-world, no auth");
    println!("{:<52} {repeated:>10.0}", "(b) behind CognitoLayer, repeated token");
    println!("{:<52} {new:>10.0}", "(c) behind CognitoLayer, every token new");
    println!("{:<52} {raw:>10.0}", "(d) handler doing only the raw RS256 check");
    println!("{:<52} {plain2:>10.0}", "(a2) no auth, 2 workers (server and wrk -t2 on cores 0-1)");
    println!("{:<52} {repeated2:>10.0}", "(b2) CognitoLayer, 2 workers, both on the same token");
    println!("\n(b)/(a) = {b_over_a:.3}   target ≥ 0.93{}", missed(b_over_a >= 0.93));
    println!(
        "(c)/(d) = {c_over_d:.3}   target ≥ 0.87 (layer ≤ 1.15 × raw check){}",
        missed(c_over_d >= 0.87)
    );
    println!(
        "(b2)/(a2) = {b2_over_a2:.3}   target ≥ 0.93 (same-token hits scale like hello-world){}",
        missed(b2_over_a2 >= 0.93)
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn missed(ok: bool) -> &'static str {
    if ok { "" } else { "  MISSED" }
}

/// A server variant running as a child process pinned to core 0; killed on drop.
struct Server {
    addr: SocketAddr,
    _child: tokio::process::Child,
}

async fn start_server(variant: &str, issuer: &str, jwk_n: &str) -> Result<Server, Error> {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let cores = if variant.ends_with(TWO_THREADS) { "0,1" } else { "0" };
    let child = tokio::process::Command::new("taskset")
        .args(["-c", cores])
        .arg(std::env::current_exe()?)
        .args(["serve", variant, &addr.to_string(), issuer, jwk_n])
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    // Ready when it accepts connections (hydration happens before binding).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        if std::time::Instant::now() > deadline {
            return Err(format!("{variant} server did not start").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(Server { addr, _child: child })
}

/// Warm up for a second, then measure; any non-2xx response fails the benchmark.
async fn load(variant: &str, wrk_args: &[String], url: &str, seconds: u64, two: bool) -> Result<f64, Error> {
    for (phase, seconds) in [("warm-up", 1), ("run", seconds)] {
        let run = wrk(wrk_args, url, seconds, two).await?;
        if run.non_2xx > 0 {
            return Err(format!("{variant}: {} non-2xx responses during {phase}", run.non_2xx).into());
        }
        if phase == "run" {
            return Ok(run.requests_per_sec);
        }
    }
    Err("unreachable".into())
}

struct WrkRun {
    requests_per_sec: f64,
    non_2xx: u64,
}

/// `wrk` on core 1 with one thread, or with `two` on cores 0-1 with two threads (sharing them
/// with the two-worker server).
async fn wrk(extra: &[String], url: &str, seconds: u64, two: bool) -> Result<WrkRun, Error> {
    let (cores, threads) = if two { ("0,1", "-t2") } else { ("1", "-t1") };
    let output = tokio::process::Command::new("taskset")
        .args(["-c", cores, "wrk", threads, "-c32", &format!("-d{seconds}s")])
        .args(extra)
        .arg(url)
        .output()
        .await?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("wrk failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    let field = |prefix: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    Ok(WrkRun {
        requests_per_sec: field("Requests/sec:")
            .ok_or_else(|| format!("no Requests/sec in wrk output:\n{text}"))?,
        non_2xx: field("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64,
    })
}

/// wrk script: each request carries the next token of the file, round robin.
const CYCLE_LUA: &str = r#"
local tokens = {}
for line in io.lines("TOKENS_PATH") do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. tokens[i] })
end
"#;
