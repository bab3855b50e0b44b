//! Sign-out with a revocation store: the session's tokens (its `origin_jti`) are revoked there,
//! so the app's bearer-token verifiers refuse them at once.

mod support;

use std::sync::Arc;

use cognito_verify::{MemoryRevocations, RevocationEntry};
use support::{ALICE, App};

#[tokio::test]
async fn sign_out_revokes_the_sessions_origin_jti_in_the_revocation_store() {
    let store = Arc::new(MemoryRevocations::new());
    let shared = store.clone();
    let app = App::start_with(move |builder| builder.revocations(shared)).await;
    let (browser, _) = app.signed_in(ALICE, "/").await;
    assert!(store.is_empty(), "nothing revoked while signed in");
    browser.post_form(&app.url("/auth/logout"), &[], Some(&app.base)).await;
    let entries = store.entries();
    assert!(
        matches!(entries.as_slice(), [RevocationEntry::Session { origin_jti, .. }] if !origin_jti.is_empty()),
        "{entries:?}"
    );
    assert_eq!(
        app.issuer.hosted_login_counts().revocations,
        1,
        "the refresh token is revoked at Cognito too"
    );
}
