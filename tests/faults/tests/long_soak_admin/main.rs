//! Issue 21 §4 in full: the long soak of `tests/long_soak.rs` (the API's traffic under a key
//! rotation every minute, a JWKS outage of 30 s and the JWKS quota, `faults::long_soak`), and
//! in the same run, against the same issuer, people signing in and out of `examples/admin`,
//! whose sessions are in a real `redis-server` on loopback (started here; the Debian package
//! `redis-server`; missing, the test skips unless `COGNITO_RS_REQUIRE_SYSTEM_TESTS=1`), killed
//! at 55 % of the run and started again (empty) 10 s later. `#[ignore]`d: 10 minutes, run by
//! hand, figures in docs/testing.md.
//!
//! Each of [`USERS`] users (even ones in the `admin` group, odd ones not) loops with their own
//! browser (a cookie jar): `GET /` (the hosted login form), sign in (back at `/`: 200 with
//! their own name for an admin, the 403 page for the others), three `GET /audit`, sign out
//! (`POST /auth/logout`, to `/signed-out`); the next `GET /` must show the login form again.
//! Scripts call the admin's bearer-token API (`/api/admin/users`) all along.
//!
//! Checked: no 500, no answer but 503 from the pages while Redis is away (and its reconnection),
//! and 503s only then; the bearer API answers 200 throughout, outage included; every page shows
//! the signed-in user's own name (no session crossing) and no token; a signed-out user must sign
//! in again; every user signs in again after Redis returns; no panic (a request without an
//! answer panics the browser, and the test); and the API's checks.
//!
//! ```text
//! cargo test -p faults --release --test long_soak_admin -- --ignored --nocapture
//! SOAK_SECONDS=60 cargo test -p faults --release --test long_soak_admin -- --ignored --nocapture
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cognito_testkit::{TestApp, TestIssuer, TestUser};
use cognito_verify::MemoryRevocations;
use faults::Api;
use faults::Samples;
use faults::long_soak::{
    ApiKind, ApiTraffic, Timeline, api_jwks_options, check_api, soak_length, start_issuer,
};
use faults::proc_stats::{CpuTimes, load_average, mib, rss_kib};
use test_support::RedisServer;

mod browsing;

use browsing::{ADMIN_KINDS, AdminKind, Shared, UserCounts, bearer_loop, user_loop};

/// People signing in and out at once; even ones are in the `admin` group.
const USERS: usize = 8;
/// Scripts calling the admin's bearer-token API.
const BEARER_CLIENTS: usize = 2;
/// When Redis is killed, as a share of the run, and for how long.
const REDIS_DOWN_AT: f64 = 0.55;
const REDIS_DOWN: Duration = Duration::from_secs(10);
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "10 minutes; run by hand (SOAK_SECONDS to change), figures in docs/testing.md"]
async fn ten_minutes_of_api_traffic_and_admin_sign_ins_with_rotations_a_jwks_outage_and_a_redis_restart() {
    let Some(mut redis) = RedisServer::start("long_soak_admin").await else { return };
    let length = soak_length();
    let mut builder = TestIssuer::builder();
    for i in 0..USERS {
        let group = if i.is_multiple_of(2) { admin::ADMIN_GROUP } else { "staff" };
        builder =
            builder.user(TestUser::new(format!("user{i}"), format!("user{i}-password")).groups([group]));
    }
    let issuer = start_issuer(builder).await;
    let api = Api::start(&issuer, api_jwks_options(), 1024).await;
    let port = TestApp::bind().await;
    let app_url = port.base_url().trim_end_matches('/').to_owned();
    let revocations = Arc::new(MemoryRevocations::new());
    let setup = admin::Setup::with_issuer(issuer.clone(), &app_url, revocations).unwrap();
    let store = admin::redis_session_store(&redis.url()).await.unwrap();
    let _admin = port.serve(admin::app(&setup.login, setup.verifier, setup.revocations, store)).await;

    let shared = Arc::new(Shared {
        started: Instant::now(),
        stop: AtomicBool::new(false),
        redis_killed_ms: AtomicU64::new(u64::MAX),
        redis_back_ms: AtomicU64::new(u64::MAX),
        wrong: Mutex::new(Vec::new()),
    });
    let (rss_start, redis_rss_start, cpu_start) = (rss_kib(None), rss_kib(redis.pid()), CpuTimes::now());
    let api_stop = Arc::new(AtomicBool::new(false));
    let traffic = ApiTraffic::start(&issuer, &api.url, &api_stop);
    let users: Vec<_> =
        (0..USERS).map(|i| tokio::spawn(user_loop(i, app_url.clone(), Arc::clone(&shared)))).collect();
    let scripts: Vec<_> = (0..BEARER_CLIENTS)
        .map(|i| {
            let token =
                issuer.access_token().username(format!("script{i}")).groups([admin::ADMIN_GROUP]).sign();
            tokio::spawn(bearer_loop(format!("{app_url}/api/admin/users"), token, Arc::clone(&shared)))
        })
        .collect();

    // The timeline: rotations and the JWKS outage (`Timeline`), and Redis killed, then back.
    let mut timeline = Timeline::new(&issuer, shared.started, length);
    let (mut rss_peak, mut redis_rss_before_kill) = (rss_start, redis_rss_start);
    let (mut loads, mut rss_each_minute) = (Vec::new(), Vec::new());
    let redis_down_at = length.mul_f64(REDIS_DOWN_AT);
    let mut ticks = tokio::time::interval(Duration::from_millis(200));
    while shared.started.elapsed() < length {
        ticks.tick().await;
        rss_peak = rss_peak.max(rss_kib(None));
        timeline.step(&issuer);
        let elapsed = shared.started.elapsed();
        let killed = shared.redis_killed_ms.load(Ordering::SeqCst) != u64::MAX;
        if !killed && elapsed >= redis_down_at {
            redis_rss_before_kill = rss_kib(redis.pid());
            redis.kill();
            shared.redis_killed_ms.store(shared.now_ms(), Ordering::SeqCst);
        }
        if killed && redis.pid().is_none() && elapsed >= redis_down_at + REDIS_DOWN {
            redis.restart().await;
            shared.redis_back_ms.store(shared.now_ms(), Ordering::SeqCst);
        }
        if loads.len() < (elapsed.as_secs() / 60) as usize {
            loads.push(load_average());
            rss_each_minute.push(mib(rss_kib(None)));
        }
    }
    let redis_rss_end = rss_kib(redis.pid());
    shared.stop.store(true, Ordering::Relaxed);
    api_stop.store(true, Ordering::Relaxed);
    let mut api_samples = traffic.finish().await;
    let (mut admin_samples, mut totals, mut per_user) =
        (Samples::default(), UserCounts::default(), Vec::new());
    for user in users {
        let counts = user.await.expect("a user's loop panicked (a request without an answer?)");
        per_user.push(counts.sign_ins_after_redis_back);
        admin_samples.merge(counts.samples);
        totals.sign_ins += counts.sign_ins;
        totals.silent_sign_ins += counts.silent_sign_ins;
        totals.sign_ins_after_redis_back += counts.sign_ins_after_redis_back;
        totals.sign_outs += counts.sign_outs;
        totals.sign_outs_confirmed += counts.sign_outs_confirmed;
        totals.outage_503s += counts.outage_503s;
    }
    let mut bearer_during_outage = 0;
    for script in scripts {
        let (samples, during) = script.await.unwrap();
        admin_samples.merge(samples);
        bearer_during_outage += during;
    }
    let elapsed = shared.started.elapsed();
    let rss_end = rss_kib(None);

    // The figures, then the checks.
    let (killed, back) =
        (shared.redis_killed_ms.load(Ordering::SeqCst), shared.redis_back_ms.load(Ordering::SeqCst));
    let (jwks_from, jwks_to) = timeline.jwks_outage();
    let (api_total, admin_total) = (api_samples.total(), admin_samples.total());
    println!(
        "long soak with admin: {:.0} s; API {api_total} requests ({:.0}/s) from 16 clients, admin {admin_total} \
         navigations and calls ({:.0}/s) from {USERS} users and {BEARER_CLIENTS} scripts; transport errors {} + {}",
        elapsed.as_secs_f64(),
        api_total as f64 / elapsed.as_secs_f64(),
        admin_total as f64 / elapsed.as_secs_f64(),
        api_samples.transport_errors,
        admin_samples.transport_errors,
    );
    println!("| kind | requests | statuses | p50 | p99 | max |\n|---|---|---|---|---|---|");
    for row in api_samples.table_rows(&ApiKind::ALL).into_iter().chain(admin_samples.table_rows(&ADMIN_KINDS))
    {
        println!("{row}");
    }
    println!(
        "sign-ins {} (of which {} by the hosted login's session alone, {} after Redis returned; per user {per_user:?}), \
         sign-outs {} ({} followed by the login form), page 503s {}, bearer API answers while Redis was away {}",
        totals.sign_ins,
        totals.silent_sign_ins,
        totals.sign_ins_after_redis_back,
        totals.sign_outs,
        totals.sign_outs_confirmed,
        totals.outage_503s,
        bearer_during_outage,
    );
    println!(
        "timeline: rotations {}, JWKS outage {:.0}-{:.0} s, Redis killed at {:.1} s, back at {:.1} s",
        timeline.rotations,
        jwks_from.as_secs_f64(),
        jwks_to.as_secs_f64(),
        killed as f64 / 1000.0,
        back as f64 / 1000.0
    );
    println!(
        "VmRSS of the test process (issuer, api, admin, clients): start {}, end {}, peak {}; redis-server {} at \
         start, {} before the kill, {} at the end (restarted empty); test process each minute {rss_each_minute:?}",
        mib(rss_start),
        mib(rss_end),
        mib(rss_peak.max(rss_end)),
        mib(redis_rss_start),
        mib(redis_rss_before_kill),
        mib(redis_rss_end),
    );
    println!(
        "JWKS requests {}, refused by the quota {}; steal {:.1} % of the CPU time; load average each minute {loads:?}",
        issuer.jwks_requests(),
        issuer.jwks_refused(),
        CpuTimes::now().steal_since(cpu_start),
    );
    let wrong = shared.wrong.lock().unwrap().clone();
    for line in wrong.iter().take(20) {
        println!("WRONG: {line}");
    }

    check_api(&api_samples);
    assert!(wrong.is_empty(), "{} answers broke a check (above)", wrong.len());
    assert_eq!(admin_samples.transport_errors, 0, "every bearer API call is answered");
    assert_eq!(admin_samples.statuses_of(AdminKind::Bearer), vec![200], "the bearer API never needs Redis");
    assert!(bearer_during_outage > 0, "bearer API calls ran while Redis was away");
    for kind in ADMIN_KINDS {
        let statuses = admin_samples.statuses_of(kind);
        assert!(statuses.iter().all(|&s| s != 500), "{kind:?}: {}", admin_samples.describe(kind));
    }
    assert!(totals.outage_503s > 0, "the pages answered 503 while Redis was away");
    assert!(totals.sign_outs_confirmed > 0 && totals.sign_ins > 0);
    assert!(per_user.iter().all(|&n| n > 0), "every user signed in again after Redis returned: {per_user:?}");
}
