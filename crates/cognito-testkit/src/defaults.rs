//! The values an issuer and the tokens it mints have unless a test says otherwise.

use std::time::Duration;

/// The pool id of an issuer started with [`TestIssuer::start`](crate::TestIssuer::start).
pub const DEFAULT_POOL_ID: &str = "local-1_TestPool1";
/// The app client id user tokens carry unless told otherwise (26 lowercase alphanumerics, like
/// Cognito's).
pub const DEFAULT_CLIENT_ID: &str = "3testkitdefaultappclient00";
/// The `username` of user tokens unless told otherwise.
pub const DEFAULT_USERNAME: &str = "test-user";
/// Default lifetime of minted tokens, as in Cognito.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
