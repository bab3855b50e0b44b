//! Differential test of `cognito-verify` against AWS's aws-jwt-verify.
//!
//! `generator/` (Node.js) mints a corpus of tokens, keys and configurations and records
//! aws-jwt-verify's verdict on each with a frozen clock (`corpus.json`); `tests/replay.rs`
//! replays it against our verifier. Every difference must be listed, with its reason, in
//! [`differences::DIFFERENCES`] and in `docs/differential.md`. See `README.md`.

pub mod class;
pub mod compare;
pub mod corpus;
pub mod differences;
pub mod docs;
pub mod replay;
