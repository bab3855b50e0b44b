//! Fault-injection and soak tests of cognito-rs; this library is empty, see `tests/`.
//!
//! - `tests/jwks.rs`: the JWKS endpoint failing (500, 404, 429, hang, closed connection,
//!   garbage, oversized body, a key set without the needed `kid`, flapping) at start-up and while
//!   serving 50 concurrent clients through `CognitoLayer`: statuses, fetch counts against the
//!   configured rate limit and backoff, recovery.
//! - `tests/token_endpoint.rs`: the `/oauth2/token` endpoint failing under `cognito-client`,
//!   before a token was cached and while one is being refreshed: what `access_token()` returns
//!   and how many requests are made.
//! - `tests/soak.rs`: concurrent clients mixing valid, expired, forged, wrong-scope and
//!   unknown-kid tokens across a key rotation; no wrong answer, bounded memory, no task leak.
//!   `SOAK_SECONDS=60 cargo test -p faults --release --test soak -- --nocapture` for a long run.
//!
//! `docs/testing.md` has the fault table and how to run all of it.
#![forbid(unsafe_code)]
