//! The hosted login's side of [`TestIssuer`]: users, endpoint URLs, faults, counters and the
//! clock.
//!
//! ```
//! use cognito_testkit::{ClientRegistration, TestIssuer, TestUser};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let issuer = TestIssuer::builder()
//!     .client(
//!         ClientRegistration::public("web-client")
//!             .callback_urls(["http://127.0.0.1:3001/auth/callback"])
//!             .logout_urls(["http://127.0.0.1:3001/"]),
//!     )
//!     .user(TestUser::new("alice", "alice-password").groups(["admin"]))
//!     .start()
//!     .await;
//! assert_eq!(issuer.authorize_endpoint(), format!("{}/oauth2/authorize", issuer.base_url()));
//! assert_eq!(issuer.hosted_login_counts().sign_ins, 0);
//! # }
//! ```

use crate::clock::TestClock;
use crate::issuer::TestIssuer;
use crate::lock::lock;
use crate::login_state::HostedLoginCounts;
use crate::user::TestUser;

impl TestIssuer {
    /// Adds (or replaces, by user name) a user who can sign in through the hosted login.
    pub fn add_user(&self, user: TestUser) {
        lock(&self.shared().hosted).users.insert(user.username().to_owned(), user);
    }

    /// Removes a user: their hosted session, codes and refresh tokens stop working.
    pub fn remove_user(&self, username: &str) {
        lock(&self.shared().hosted).users.remove(username);
    }

    /// `{base_url}/oauth2/authorize`: the hosted login page.
    pub fn authorize_endpoint(&self) -> String {
        format!("{}/oauth2/authorize", self.shared().base_url)
    }

    /// `{base_url}/oauth2/revoke`.
    pub fn revoke_endpoint(&self) -> String {
        format!("{}/oauth2/revoke", self.shared().base_url)
    }

    /// `{base_url}/logout`.
    pub fn logout_endpoint(&self) -> String {
        format!("{}/logout", self.shared().base_url)
    }

    /// `{base_url}/oauth2/userInfo`.
    pub fn user_info_endpoint(&self) -> String {
        format!("{}/oauth2/userInfo", self.shared().base_url)
    }

    /// The clock the issuer mints tokens with and ages codes and refresh tokens by (shared: move
    /// it and the issuer follows).
    pub fn clock(&self) -> TestClock {
        self.shared().clock.clone()
    }

    /// Fault: while `true`, every `refresh_token` grant is refused with `invalid_grant`, as
    /// Cognito refuses a revoked or expired refresh token.
    pub fn refuse_refresh(&self, refused: bool) {
        lock(&self.shared().hosted).refresh_refused = refused;
    }

    /// Fault: while `true`, an authorization code can be exchanged more than once (an identity
    /// provider that does not enforce single use), so a test can show that the app refuses a
    /// replayed callback by itself.
    pub fn allow_code_reuse(&self, allowed: bool) {
        lock(&self.shared().hosted).code_reuse_allowed = allowed;
    }

    /// How many requests the hosted-login endpoints answered.
    pub fn hosted_login_counts(&self) -> HostedLoginCounts {
        lock(&self.shared().hosted).counts
    }
}
