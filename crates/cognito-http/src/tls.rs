//! Which TLS stack the clients built here use, chosen by cargo features (the library crates
//! forward theirs to these):
//!
//! - `rustls-aws-lc`: reqwest's `rustls` feature, rustls with the aws-lc-rs provider and the
//!   platform's certificate verifier. The default of every library crate.
//! - `rustls-no-provider`: reqwest's `rustls-no-provider`: rustls with the process-level
//!   `CryptoProvider` the application installs (ring, aws-lc-rs, ...). Building a client before
//!   one is installed fails with an error (reqwest itself would panic).
//! - `native-tls`: reqwest's `native-tls` (OpenSSL on Linux, the system's TLS elsewhere).
//! - none: the crates add no TLS to reqwest. `https` then works only when the application's own
//!   reqwest features bring TLS in, or through a client the application passes
//!   (`http_client(..)` on every builder that fetches).

/// Fails when the default client could not be built without a panic: with
/// `rustls-no-provider` as the only TLS choice (no `rustls-aws-lc`, no `native-tls`, which
/// reqwest prefers when present) and no process-level rustls `CryptoProvider` installed.
pub(crate) fn check_provider() -> Result<(), String> {
    #[cfg(all(feature = "rustls-no-provider", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err("no process-level rustls CryptoProvider is installed (feature rustls-no-provider): \
                    call e.g. rustls::crypto::ring::default_provider().install_default() before \
                    building, or pass your own client with http_client(..)"
            .to_owned());
    }
    Ok(())
}
