//! A signed-in browser whose session store stops answering: the app says authentication is
//! temporarily unavailable (503, `Retry-After`), and does not blame the identity provider's
//! signing keys, which are fine.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use cognito_login::tower_sessions::session::{Id, Record};
use cognito_login::tower_sessions::session_store::{Error, Result};
use cognito_login::tower_sessions::{MemoryStore, SessionStore};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode};
use support::{ALICE, App};

/// A memory store that can be made to fail every call, as a store whose server went away.
#[derive(Debug, Clone, Default)]
struct Switchable {
    inner: MemoryStore,
    down: Arc<AtomicBool>,
}

impl Switchable {
    fn check(&self) -> Result<()> {
        if self.down.load(Ordering::SeqCst) {
            return Err(Error::Backend("connection refused".to_owned()));
        }
        Ok(())
    }
}

#[async_trait]
impl SessionStore for Switchable {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.check()?;
        self.inner.create(record).await
    }
    async fn save(&self, record: &Record) -> Result<()> {
        self.check()?;
        self.inner.save(record).await
    }
    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.check()?;
        self.inner.load(id).await
    }
    async fn delete(&self, id: &Id) -> Result<()> {
        self.check()?;
        self.inner.delete(id).await
    }
}

#[tokio::test]
async fn a_session_store_failure_is_reported_as_authentication_unavailable_not_as_signing_keys() {
    let store = Switchable::default();
    let app = App::start_on(|builder| builder, store.clone()).await;
    let (browser, page) = app.signed_in(ALICE, "/reports").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    store.down.store(true, Ordering::SeqCst);
    // A script's request gets the JSON error.
    let response = browser.fetch(Method::GET, &app.url("/reports")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key(RETRY_AFTER));
    let body = response.text().await.unwrap();
    assert!(body.contains("temporarily_unavailable"), "{body}");
    assert!(body.contains("authentication is temporarily unavailable"), "{body}");
    assert!(!body.contains("signing keys"), "the keys are fine, the store is not: {body}");
    // A page gets the 503 page.
    let page = browser.get(&app.url("/reports")).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);

    store.down.store(false, Ordering::SeqCst);
    let page = browser.get(&app.url("/reports")).await;
    assert_eq!(page.status, StatusCode::OK, "the session survives the outage: {}", page.body);
}
