//! A sign-in in progress costs no more than its own lifetime: the session record of an
//! anonymous visitor sent to the hosted login expires with its sign-in (`SIGN_IN_TIMEOUT`), and
//! a process keeps at most `max_sign_ins_in_progress` of them; a real user's sign-in still
//! works, and a signed-in session lives the session inactivity.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use cognito_login::SIGN_IN_TIMEOUT;
use cognito_login::tower_sessions::session::{Id, Record};
use cognito_login::tower_sessions::session_store::Result;
use cognito_login::tower_sessions::{MemoryStore, SessionStore};
use cognito_testkit::TestBrowser;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use support::{ALICE, App};
use time::OffsetDateTime;

/// A memory store that remembers when each record it holds expires.
#[derive(Debug, Clone, Default)]
struct Recording {
    inner: MemoryStore,
    expiries: Arc<Mutex<HashMap<Id, OffsetDateTime>>>,
}

impl Recording {
    /// The expiry dates of the records that have not expired.
    fn live(&self) -> Vec<OffsetDateTime> {
        let now = OffsetDateTime::now_utc();
        self.expiries.lock().unwrap().values().copied().filter(|expiry| *expiry > now).collect()
    }
}

#[async_trait]
impl SessionStore for Recording {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.inner.create(record).await?;
        self.expiries.lock().unwrap().insert(record.id, record.expiry_date);
        Ok(())
    }
    async fn save(&self, record: &Record) -> Result<()> {
        self.inner.save(record).await?;
        self.expiries.lock().unwrap().insert(record.id, record.expiry_date);
        Ok(())
    }
    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.inner.load(id).await
    }
    async fn delete(&self, id: &Id) -> Result<()> {
        self.inner.delete(id).await?;
        self.expiries.lock().unwrap().remove(id);
        Ok(())
    }
}

/// A client that shows redirects instead of following them, with no cookie jar: every request
/// is a new anonymous visitor.
fn anonymous() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `Max-Age` of the session cookie a response sets.
fn cookie_max_age(response: &reqwest::Response) -> Option<i64> {
    let cookie = response.headers().get(SET_COOKIE)?.to_str().ok()?;
    cookie.split(';').find_map(|part| part.trim().strip_prefix("Max-Age=")).and_then(|age| age.parse().ok())
}

fn latest_allowed_expiry() -> OffsetDateTime {
    OffsetDateTime::now_utc() + SIGN_IN_TIMEOUT + Duration::from_secs(5)
}

#[tokio::test]
async fn anonymous_sign_in_starts_keep_their_records_no_longer_than_the_sign_in_timeout() {
    let store = Recording::default();
    let app = App::start_on(|builder| builder, store.clone()).await;
    let client = anonymous();
    for _ in 0..300 {
        let response = client.get(app.url("/auth/login")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert!(response.headers()[LOCATION].to_str().unwrap().starts_with(&app.issuer.authorize_endpoint()));
        let max_age = cookie_max_age(&response).expect("a session cookie with Max-Age");
        assert!(max_age <= SIGN_IN_TIMEOUT.as_secs() as i64, "cookie Max-Age {max_age}");
    }
    let live = store.live();
    assert_eq!(live.len(), 300);
    let latest = latest_allowed_expiry();
    assert!(live.iter().all(|expiry| *expiry <= latest), "records expire at {:?}", live.iter().max());
}

#[tokio::test]
async fn the_number_of_sign_ins_in_progress_is_bounded_and_the_next_start_gets_a_503_page() {
    let store = Recording::default();
    let app = App::start_on(|builder| builder.max_sign_ins_in_progress(50), store.clone()).await;
    let client = anonymous();
    let mut statuses = HashMap::new();
    for _ in 0..300 {
        let response = client.get(app.url("/auth/login")).send().await.unwrap();
        let status = response.status();
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(response.headers().contains_key(RETRY_AFTER));
            assert!(response.headers().get(SET_COOKIE).is_none(), "no session for a refused start");
            let body = response.text().await.unwrap();
            assert!(body.contains("Too many sign-ins are in progress"), "{body}");
        }
    }
    assert_eq!(statuses, HashMap::from([(302, 50), (503, 250)]));
    assert_eq!(store.live().len(), 50);
}

#[tokio::test]
async fn a_browser_that_started_a_sign_in_finishes_it_while_the_bound_refuses_newcomers() {
    let store = Recording::default();
    let app = App::start_on(|builder| builder.max_sign_ins_in_progress(1), store.clone()).await;
    let browser = TestBrowser::new();
    let form = browser.get(&app.url("/reports")).await;
    assert_eq!(form.status, 200, "the hosted login form");
    // The one place is taken: a newcomer waits.
    let newcomer = anonymous().get(app.url("/auth/login")).send().await.unwrap();
    assert_eq!(newcomer.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The browser that holds it starts again (another tab) and signs in.
    let again = browser.get(&app.url("/auth/login")).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let page = browser.sign_in(&again, ALICE.0, ALICE.1).await;
    assert_eq!((page.status.as_u16(), page.body.as_str()), (200, "hello alice groups=admin"));
    // Signed in, the session lives the inactivity (12 h), and the place is free again.
    let live = store.live();
    assert_eq!(live.len(), 1, "only the signed-in session");
    let twelve_hours = OffsetDateTime::now_utc() + Duration::from_secs(12 * 3600 - 60);
    assert!(live[0] > twelve_hours, "signed-in session expires at {}", live[0]);
    let next = anonymous().get(app.url("/auth/login")).send().await.unwrap();
    assert_eq!(next.status(), StatusCode::FOUND);
}
