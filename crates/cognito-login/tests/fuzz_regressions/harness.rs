//! The checks of the `login_store` fuzz target, shared by `fuzz/` (which includes this file)
//! and the regression tests next to it: a sequence of anonymous sign-in starts, finishes,
//! sign-outs and time passing, on a `LoginStore` over tower-sessions' `MemoryStore`, checked
//! against a model of the records.
//!
//! Input: byte 0 picks the bound on sign-ins in progress (1-8); each further byte is one
//! operation, by its top two bits: start a sign-in; finish a sign-in in progress (the low bits
//! pick which); sign out (a finished one, or with bit 5 one in progress); time passes by
//! `(low 6 bits + 1) × 20 s`.

use std::sync::LazyLock;
use std::time::Duration;

use cognito_login::SIGN_IN_TIMEOUT;
use cognito_login::fuzz::SignInStore;
use cognito_login::tower_sessions::session::Id;
use time::OffsetDateTime;

/// The session inactivity: a finished sign-in is kept this long.
const INACTIVITY: Duration = Duration::from_secs(12 * 3600);
/// How often, at most, the store looks for expired sign-in records while there is room.
const SWEEP_EVERY: time::Duration = time::Duration::seconds(60);

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
});

enum Kind {
    /// A sign-in in progress, which times out at this time.
    Pending(OffsetDateTime),
    SignedIn,
}

/// Target `login_store`. Never a panic; the sign-ins in progress never exceed the bound; a
/// sign-in start is refused exactly when the bound is reached by sign-ins that have not timed
/// out; a sign-in record expires with its sign-in (10 minutes), and the timed-out ones are gone
/// from the store within a minute of the next start; a finished sign-in is never refused, and
/// stays in the store, with its tokens, until it signs out, whatever the starts.
pub fn login_store(data: &[u8]) {
    let Some((&max, ops)) = data.split_first() else { return };
    let max = 1 + usize::from(max % 8);
    let store = SignInStore::new(max, INACTIVITY);
    let timeout = time::Duration::try_from(SIGN_IN_TIMEOUT).expect("10 minutes");
    let mut now = OffsetDateTime::now_utc();
    let mut records: Vec<(Id, Kind)> = Vec::new();
    RUNTIME.block_on(async {
        for &op in ops {
            let low = usize::from(op & 63);
            match op >> 6 {
                0 => {
                    let live = records
                        .iter()
                        .filter(|(_, kind)| matches!(kind, Kind::Pending(t) if *t > now))
                        .count();
                    match store.start_sign_in(now).await {
                        Ok(id) => {
                            assert!(live < max, "a sign-in started with {live} of {max} in progress");
                            let stored = store.load(id).await.expect("memory store").expect("just created");
                            assert!(
                                stored.expiry_date <= now + timeout,
                                "a sign-in record kept past its sign-in"
                            );
                            records.push((id, Kind::Pending(stored.expiry_date)));
                        }
                        Err(err) => {
                            assert!(live >= max, "a sign-in refused with {live} of {max} in progress: {err}")
                        }
                    }
                    // Timed out a minute ago or more: deleted from the store by now.
                    let mut gone = Vec::new();
                    for (index, (id, kind)) in records.iter().enumerate() {
                        if let Kind::Pending(expiry) = kind
                            && *expiry <= now - SWEEP_EVERY
                        {
                            assert!(
                                store.load(*id).await.expect("memory store").is_none(),
                                "a timed-out sign-in kept"
                            );
                            gone.push(index);
                        }
                    }
                    for index in gone.into_iter().rev() {
                        records.remove(index);
                    }
                }
                1 => {
                    let pending: Vec<usize> = records
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, kind))| matches!(kind, Kind::Pending(t) if *t > now))
                        .map(|(index, _)| index)
                        .collect();
                    if let Some(&index) = pending.get(low % pending.len().max(1)) {
                        let id = records[index].0;
                        store.finish_sign_in(id, now).await.expect("a finished sign-in is never refused");
                        records[index].1 = Kind::SignedIn;
                    }
                }
                2 => {
                    let want_pending = low & 32 == 32;
                    let candidates: Vec<usize> = records
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, kind))| matches!(kind, Kind::Pending(_)) == want_pending)
                        .map(|(index, _)| index)
                        .collect();
                    if let Some(&index) = candidates.get(low % candidates.len().max(1)) {
                        let (id, _) = records.remove(index);
                        store.sign_out(id).await.expect("memory store");
                        assert!(
                            store.load(id).await.expect("memory store").is_none(),
                            "signed out, still stored"
                        );
                    }
                }
                _ => now += time::Duration::seconds(20 * (low as i64 + 1)),
            }
            assert!(store.in_progress() <= max, "{} sign-ins in progress, bound {max}", store.in_progress());
            let live =
                records.iter().filter(|(_, kind)| matches!(kind, Kind::Pending(t) if *t > now)).count();
            assert!(store.in_progress() >= live, "{} counted, {live} live", store.in_progress());
            for (id, kind) in &records {
                if let Kind::SignedIn = kind {
                    let stored = store.load(*id).await.expect("memory store");
                    assert!(
                        stored.is_some_and(|r| SignInStore::is_signed_in(&r)),
                        "a finished sign-in was dropped"
                    );
                }
            }
        }
    });
}
