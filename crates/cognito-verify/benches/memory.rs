//! Memory of the verified-token cache at its default capacity, and proof that it stays bounded
//! under a flood of distinct tokens.
//!
//! Run with `cargo bench -p cognito-verify --bench memory`. Reads the process's resident set
//! size (Linux `/proc/self/status`) before and after filling the cache.

use cognito_testkit::TestIssuer;
use cognito_verify::{DEFAULT_TOKEN_CACHE_CAPACITY, TokenUse};
use serde_json::json;

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:")?.trim().strip_suffix("kB")?.trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let issuer = runtime.block_on(TestIssuer::start());
    let capacity = DEFAULT_TOKEN_CACHE_CAPACITY;
    let flood = capacity * 3;
    eprintln!("minting {flood} distinct Cognito-shaped access tokens...");
    let tokens: Vec<String> = (0..flood)
        .map(|i| {
            issuer
                .access_token()
                .client_id("bench-client")
                .scopes(["aws.cognito.signin.user.admin", "openid", "transactions/get", "transactions/post"])
                .groups(["admin", "finance"])
                .claim("jti", json!(format!("{i:08}-0a4b-4c5d-9e6f-7a8b9c0d1e2f")))
                .sign()
        })
        .collect();
    let average_len = tokens.iter().map(String::len).sum::<usize>() / tokens.len();
    let verifier =
        issuer.verifier().token_use(TokenUse::Access).client_ids(["bench-client"]).build().unwrap();
    runtime.block_on(async {
        verifier.hydrate().await.unwrap();
        let before = resident_kib();
        for token in &tokens[..capacity] {
            verifier.verify(token).await.unwrap();
        }
        let full = resident_kib();
        let entries = verifier.cached_tokens();
        for token in &tokens[capacity..] {
            verifier.verify(token).await.unwrap();
        }
        let after_flood = resident_kib();
        println!("verified-token cache, default capacity {capacity}, tokens of {average_len} bytes:");
        println!("  entries after {capacity} distinct tokens: {entries}");
        println!(
            "  resident memory: +{} KiB when full (≈ {} bytes per entry)",
            full.saturating_sub(before),
            full.saturating_sub(before) * 1024 / entries.max(1) as u64
        );
        println!(
            "  after {flood} distinct tokens: {} entries, +{} KiB since full (bounded)",
            verifier.cached_tokens(),
            after_flood.saturating_sub(full)
        );
    });
}
