//! The checks of the `alb_demand` fuzz target, shared by `fuzz/` (which includes this file) and
//! the regression tests next to it: the ALB key-fetch admission (demand sketch and fetch budget)
//! driven on tokio's paused clock by a flood of `kid`s while a genuine rotated `kid` is retried.
//!
//! Input: bytes 0-3 pick `fetch_burst` (1-12), `fetch_rate` (1-5 per second),
//! `max_fetches_in_flight` (1-6) and the tick (20-200 ms). Each further byte is one tick: the
//! clock advances a tick, the fetches admitted at the previous tick finish, then `(b & 31) × 4`
//! fresh `kid`s (each asked once, ever) and `b >> 5` asks for three decoy `kid`s (asked
//! repeatedly, round robin) need a fetch, then the genuine `kid` is asked once more than the
//! decoys together. A `kid` whose fetch was admitted is cached: never asked again.

use std::time::Duration;

use cognito_verify::fuzz::{AlbAdmission, AlbFetch, AlbRefusal};

const GENUINE: &str = "genuine-rotated-kid";
const DECOYS: usize = 3;

/// Target `alb_demand`. Never a panic; the fetches admitted never exceed the global budget
/// (`burst + rate × elapsed`) nor the in-flight cap; and with a reserve (burst and cap of 2 or
/// more), the genuine `kid`, asked for more than any other, is admitted within
/// 1 s + (decoys + 2) / rate + 3 ticks of its first request, whatever the flood.
pub fn alb_demand(data: &[u8]) {
    let [burst, rate, in_flight, tick, ticks @ ..] = data else { return };
    let burst = 1 + u32::from(*burst % 12);
    let rate = 1 + u32::from(*rate % 5);
    let cap = 1 + usize::from(*in_flight % 6);
    let tick = Duration::from_millis(20 + u64::from(*tick % 181));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a paused Tokio runtime");
    let _context = runtime.enter();
    let admission = AlbAdmission::new(burst, rate, cap).expect("valid options");
    let has_reserve = burst >= 2 && cap >= 2;
    let bound =
        Duration::from_secs(1) + Duration::from_secs_f64((DECOYS as f64 + 2.0) / f64::from(rate)) + tick * 3;

    let mut elapsed = Duration::ZERO;
    let mut admitted = 0u64;
    let mut fresh = 0u64;
    let mut cached = [false; DECOYS];
    let mut genuine_at: Option<Duration> = None;
    let mut genuine_fetched = false;
    let mut running: Vec<AlbFetch<'_>> = Vec::new();
    let limits = Limits { burst, rate, cap };
    for (n, byte) in ticks.iter().enumerate() {
        if n > 0 {
            runtime.block_on(tokio::time::advance(tick));
            elapsed += tick;
        }
        running.clear();
        for _ in 0..(byte & 31) * 4 {
            fresh += 1;
            ask(&admission, &format!("fresh-{fresh}"), &mut running, &mut admitted, elapsed, &limits);
        }
        let decoy_asks = usize::from(byte >> 5);
        for k in 0..decoy_asks {
            let decoy = (n + k) % DECOYS;
            if !cached[decoy]
                && ask(&admission, &format!("decoy-{decoy}"), &mut running, &mut admitted, elapsed, &limits)
            {
                cached[decoy] = true;
            }
        }
        if genuine_fetched {
            continue;
        }
        let first = *genuine_at.get_or_insert(elapsed);
        for _ in 0..=decoy_asks {
            if ask(&admission, GENUINE, &mut running, &mut admitted, elapsed, &limits) {
                genuine_fetched = true;
                break;
            }
        }
        if has_reserve && !genuine_fetched {
            assert!(
                elapsed - first <= bound,
                "the genuine kid still refused {:?} after its first request (bound {bound:?}; burst {burst}, \
                 rate {rate}, in flight {cap}, tick {tick:?})",
                elapsed - first
            );
        }
    }
}

struct Limits {
    burst: u32,
    rate: u32,
    cap: usize,
}

/// A fetch for `kid` is needed: ask, keep the admitted fetch running, check the bounds. `true`
/// when admitted.
fn ask<'a>(
    admission: &'a AlbAdmission,
    kid: &str,
    running: &mut Vec<AlbFetch<'a>>,
    admitted: &mut u64,
    elapsed: Duration,
    limits: &Limits,
) -> bool {
    let ok = match admission.ask(kid) {
        Ok(fetch) => {
            running.push(fetch);
            *admitted += 1;
            true
        }
        Err(AlbRefusal::RateLimited(wait)) => {
            assert!(wait <= Duration::from_secs(2), "a rate-limit wait of {wait:?} at rate {}", limits.rate);
            false
        }
        Err(AlbRefusal::InFlight) => false,
    };
    let budget = f64::from(limits.burst) + f64::from(limits.rate) * elapsed.as_secs_f64();
    assert!(
        *admitted as f64 <= budget + 1e-6,
        "{admitted} fetches admitted after {elapsed:?}, budget {budget}"
    );
    assert!(running.len() <= limits.cap, "{} fetches in flight, cap {}", running.len(), limits.cap);
    ok
}
