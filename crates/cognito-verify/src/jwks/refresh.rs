//! The background refresher of a [`JwksCache`]: one task per cache, sleeping until the next
//! fetch is due (or it is woken), exiting once the cache is dropped.

use std::sync::{Arc, Weak};

use tokio::sync::Notify;
use tokio::time::Instant;

use super::JwksCache;

/// Refetch the set whenever it is due, until the cache is dropped.
pub(super) async fn refresh_loop(cache: Weak<JwksCache>, wake: Arc<Notify>) {
    loop {
        let due = {
            let Some(cache) = cache.upgrade() else { return };

            cache.lock().next_refresh
        };
        match due {
            Some(due) if due <= Instant::now() => {
                let Some(cache) = cache.upgrade() else { return };
                // A refusal means a backoff is running; the next due time is already set.
                let _ = cache.fetch_shared(true).await;
                let mut state = cache.lock();
                if state.next_refresh.is_some_and(|next| next <= Instant::now()) {
                    state.next_refresh =
                        state.backoff_until.or(Some(Instant::now() + cache.options.min_refetch_interval));
                }
            }
            Some(due) => {
                tokio::select! {
                    () = tokio::time::sleep_until(due) => {}
                    () = wake.notified() => {}
                }
            }
            None => wake.notified().await,
        }
    }
}
