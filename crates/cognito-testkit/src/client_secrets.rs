//! Client secret rotation on a running issuer: Cognito allows two secrets per app client
//! (`AddUserPoolClientSecret`, `DeleteUserPoolClientSecret` in the Cognito API reference), and
//! either authenticates it.
//!
//! ```
//! use cognito_testkit::{ClientRegistration, TestIssuer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let issuer = TestIssuer::builder()
//!     .client(ClientRegistration::new("m2m", "old-secret").scopes(["api/read"]))
//!     .start()
//!     .await;
//! assert!(issuer.add_client_secret("m2m", "new-secret")); // both work now
//! assert!(issuer.remove_client_secret("m2m", "old-secret")); // only the new one
//! assert_eq!(issuer.client_secrets("m2m"), ["new-secret"]);
//! # }
//! ```

use crate::issuer::TestIssuer;
use crate::lock::lock;

impl TestIssuer {
    /// Adds a secret to a registered confidential client, which then authenticates with either.
    /// `false` (and nothing changes) for an unknown or public client, one that has two secrets
    /// already (Cognito's maximum), or one that has this secret.
    pub fn add_client_secret(&self, client_id: &str, secret: &str) -> bool {
        lock(&self.shared().clients).get_mut(client_id).is_some_and(|c| c.add_secret(secret.to_owned()))
    }

    /// Removes a secret of a registered client: requests that authenticate with it get
    /// `invalid_client` from now on. `false` (and nothing changes) if the client does not have
    /// it, or it is the client's last secret: as `DeleteUserPoolClientSecret`, which cannot
    /// delete the last remaining secret of an app client.
    pub fn remove_client_secret(&self, client_id: &str, secret: &str) -> bool {
        lock(&self.shared().clients).get_mut(client_id).is_some_and(|c| c.remove_secret(secret))
    }

    /// The secrets of a registered client (empty for an unknown or public one).
    pub fn client_secrets(&self, client_id: &str) -> Vec<String> {
        lock(&self.shared().clients).get(client_id).map(|c| c.client_secrets().to_vec()).unwrap_or_default()
    }
}
