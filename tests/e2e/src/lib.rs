//! End-to-end tests of cognito-rs, in `tests/`: the `api`, `admin` and `grpc` examples served on
//! loopback and called over real HTTP (reqwest) and gRPC (a tonic client), with tokens from the
//! `cognito-testkit` issuer. This library is empty; see the test files.
