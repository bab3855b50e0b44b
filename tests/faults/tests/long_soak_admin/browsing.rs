//! The people and scripts of the admin soak: a user's loop of sign-in, pages and sign-out with
//! its own browser, and what it checks on each answer; a script calling the bearer-token API.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cognito_testkit::{Page, TestBrowser};
use faults::Samples;

/// How long after Redis is back its clients may still answer 503: they reconnect every 500 ms;
/// a request that started before can wait the store timeout (2 s).
pub(crate) const RECONNECT_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum AdminKind {
    /// `GET /` signed out: redirected to the hosted login form.
    LoginForm,
    /// The form posted: the hosted login, the callback, back at `/`.
    SignIn,
    /// `GET /audit` signed in.
    Page,
    /// `POST /auth/logout`: the hosted logout, to `/signed-out`.
    SignOut,
    /// `GET /api/admin/users` with an admin's bearer token.
    Bearer,
}

pub(crate) const ADMIN_KINDS: [AdminKind; 5] =
    [AdminKind::LoginForm, AdminKind::SignIn, AdminKind::Page, AdminKind::SignOut, AdminKind::Bearer];

/// What the run shares: its start, the Redis outage (ms from the start, `u64::MAX` until it
/// happens), and what went wrong.
pub(crate) struct Shared {
    pub(crate) started: Instant,
    pub(crate) stop: AtomicBool,
    pub(crate) redis_killed_ms: AtomicU64,
    pub(crate) redis_back_ms: AtomicU64,
    /// A description of every answer that breaks a check.
    pub(crate) wrong: Mutex<Vec<String>>,
}

impl Shared {
    pub(crate) fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Whether a request between `from` and `to` (ms) may get a 503: it overlapped the outage.
    fn in_outage(&self, from: u64, to: u64) -> bool {
        let killed = self.redis_killed_ms.load(Ordering::SeqCst);
        let back = self.redis_back_ms.load(Ordering::SeqCst);
        to >= killed && (back == u64::MAX || from <= back + RECONNECT_GRACE.as_millis() as u64)
    }

    fn wrong(&self, what: String) {
        self.wrong.lock().unwrap().push(what);
    }
}

/// What one user's loop counted.
#[derive(Default)]
pub(crate) struct UserCounts {
    pub(crate) samples: Samples<AdminKind>,
    pub(crate) sign_ins: u64,
    /// Signed in by the hosted login's own session, without the form (after a sign-in whose
    /// callback got a 503, or a session lost with Redis).
    pub(crate) silent_sign_ins: u64,
    pub(crate) sign_ins_after_redis_back: u64,
    pub(crate) sign_outs: u64,
    /// A sign-out followed by the login form on the next `GET /`.
    pub(crate) sign_outs_confirmed: u64,
    pub(crate) outage_503s: u64,
}

/// Where a navigation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landing {
    /// The hosted login form.
    Form,
    /// An app page, as this user should see it (200 with their own name, or the 403 page).
    App,
    SignedOut,
    /// 503, while Redis was away.
    Unavailable,
    /// Anything else (already reported).
    Wrong,
}

/// Whether `text` holds something shaped like a JWS: `eyJ` (base64url of `{"`), base64url
/// characters, a dot, `eyJ` again. (A bare `eyJ` turns up in random state and PKCE values.)
fn holds_a_jws(text: &str) -> bool {
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = text.get(at..).unwrap_or_default();
        let header = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        header.is_some_and(|end| rest.get(end..).is_some_and(|tail| tail.starts_with(".eyJ")))
    })
}

/// One user's browser and what it checks.
struct User {
    name: String,
    admin: bool,
    app: String,
    shared: Arc<Shared>,
    counts: UserCounts,
}

impl User {
    /// Counts a navigation of `kind` that started at `from` (ms), and says where it ended.
    fn land(&mut self, kind: AdminKind, page: &Page, from: u64) -> Landing {
        let (shared, user) = (&self.shared, &self.name);
        let to = shared.now_ms();
        self.counts.samples.record(kind, Some(page.status.as_u16()), Duration::from_millis(to - from));
        if holds_a_jws(&page.body) {
            shared.wrong(format!("{user} {kind:?}: a token in the page at {}: {}", page.url, page.body));
        }
        if page.status == 503 {
            self.counts.outage_503s += 1;
            if !shared.in_outage(from, to) {
                shared.wrong(format!("{user} {kind:?}: 503 outside the Redis outage at {to} ms"));
                return Landing::Wrong;
            }
            return Landing::Unavailable;
        }
        if page.status == 200 && page.body.contains("action=\"/login\"") {
            return Landing::Form;
        }
        if page.url.as_str().starts_with(&self.app) {
            if page.status == 200 && page.url.path() == "/signed-out" {
                return Landing::SignedOut;
            }
            let names: Vec<&str> = page.body.split("<strong id=\"user-name\">").skip(1).collect();
            if !names.iter().all(|rest| rest.starts_with(&format!("{user}</strong>"))) {
                shared.wrong(format!("{user} {kind:?}: another user's name in {}", page.body));
                return Landing::Wrong;
            }
            let as_expected = if self.admin {
                page.status == 200 && names.len() == 1
            } else {
                page.status == 403 && page.body.contains("Access denied")
            };
            if as_expected {
                return Landing::App;
            }
        }
        shared.wrong(format!("{user} {kind:?} at {to} ms: {} at {}", page.status, page.url));
        Landing::Wrong
    }

    /// Reports a landing other than `wanted` (or 503, or an already reported one).
    fn expect(&self, kind: AdminKind, landing: Landing, wanted: Landing) -> bool {
        if landing != wanted && !matches!(landing, Landing::Unavailable | Landing::Wrong) {
            self.shared.wrong(format!("{} {kind:?}: {landing:?} instead of {wanted:?}", self.name));
        }
        landing == wanted
    }
}

/// One user signing in, opening pages and signing out until told to stop.
pub(crate) async fn user_loop(i: usize, app: String, shared: Arc<Shared>) -> UserCounts {
    let password = format!("user{i}-password");
    let mut user = User {
        name: format!("user{i}"),
        admin: i.is_multiple_of(2),
        app,
        shared,
        counts: UserCounts::default(),
    };
    let browser = TestBrowser::new();
    let mut just_signed_out = false;
    while !user.shared.stop.load(Ordering::Relaxed) {
        let from = user.shared.now_ms();
        let start = browser.get(&format!("{}/", user.app)).await;
        let signed_in = match user.land(AdminKind::LoginForm, &start, from) {
            Landing::Form => {
                user.counts.sign_outs_confirmed += u64::from(just_signed_out);
                let from = user.shared.now_ms();
                let page = browser.sign_in(&start, &user.name, &password).await;
                let landing = user.land(AdminKind::SignIn, &page, from);
                user.expect(AdminKind::SignIn, landing, Landing::App)
            }
            Landing::App if just_signed_out => {
                user.shared.wrong(format!("{}: signed in without the form after signing out", user.name));
                false
            }
            Landing::App => {
                user.counts.silent_sign_ins += 1;
                true
            }
            landing => user.expect(AdminKind::LoginForm, landing, Landing::Form),
        };
        just_signed_out = false;
        if !signed_in {
            continue;
        }
        user.counts.sign_ins += 1;
        if from > user.shared.redis_back_ms.load(Ordering::SeqCst) {
            user.counts.sign_ins_after_redis_back += 1;
        }
        for _ in 0..3 {
            let from = user.shared.now_ms();
            let page = browser.get(&format!("{}/audit", user.app)).await;
            let landing = user.land(AdminKind::Page, &page, from);
            user.expect(AdminKind::Page, landing, Landing::App);
        }
        let from = user.shared.now_ms();
        let out = browser.post_form(&format!("{}/auth/logout", user.app), &[], Some(&user.app)).await;
        let landing = user.land(AdminKind::SignOut, &out, from);
        if user.expect(AdminKind::SignOut, landing, Landing::SignedOut) {
            user.counts.sign_outs += 1;
            just_signed_out = true;
        }
    }
    user.counts
}

/// A script calling the admin's bearer-token API: what it got, and how many answers it had
/// while Redis was away.
pub(crate) async fn bearer_loop(
    url: String,
    token: String,
    shared: Arc<Shared>,
) -> (Samples<AdminKind>, u64) {
    let http = reqwest::Client::new();
    let (mut samples, mut during_outage) = (Samples::default(), 0);
    while !shared.stop.load(Ordering::Relaxed) {
        let from = shared.now_ms();
        let status = match http.get(&url).bearer_auth(&token).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.ok().map(|_| status)
            }
            Err(_) => None,
        };
        let to = shared.now_ms();
        samples.record(AdminKind::Bearer, status, Duration::from_millis(to - from));
        let killed = shared.redis_killed_ms.load(Ordering::SeqCst);
        let back = shared.redis_back_ms.load(Ordering::SeqCst);
        if from >= killed && to <= back {
            during_outage += 1;
        }
    }
    (samples, during_outage)
}
