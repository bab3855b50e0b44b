//! Test-only crate: see `tests/` and this crate's `Cargo.toml`.
