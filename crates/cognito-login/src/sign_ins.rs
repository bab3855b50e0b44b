//! [`SignIns`]: the session records that hold nothing but sign-ins in progress (an anonymous
//! visitor sent to the hosted login), counted so that their number stays bounded.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};

use crate::config::SIGN_IN_TIMEOUT;
use crate::session_data::PENDING_KEY;

/// How often, at most, expired records are looked for while there is room.
const SWEEP_EVERY: time::Duration = time::Duration::seconds(60);

/// Whether `record` holds sign-ins in progress and nothing else: no tokens, nothing of the app.
pub(crate) fn is_sign_in_record(record: &Record) -> bool {
    record.data.len() == 1 && record.data.contains_key(PENDING_KEY)
}

/// The latest a sign-in record may expire: its sign-ins time out by then.
pub(crate) fn sign_in_expiry(now: OffsetDateTime) -> OffsetDateTime {
    let timeout = i64::try_from(SIGN_IN_TIMEOUT.as_secs()).unwrap_or(i64::MAX);
    now.saturating_add(time::Duration::seconds(timeout))
}

/// The sign-in records this process created and that have not expired, with a cap on their
/// number. Shared by the [`LoginCore`](crate::core::LoginCore) (which refuses a sign-in start
/// when there is no room, with a page) and the store wrapper (which enforces the cap on
/// `create`, and deletes the expired records a store such as tower-sessions' `MemoryStore`
/// would keep forever).
#[derive(Debug)]
pub(crate) struct SignIns {
    max: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Each record and when it expires.
    live: HashMap<Id, OffsetDateTime>,
    /// Creations admitted and not finished yet.
    reserved: usize,
    /// When expired records were last looked for.
    swept: OffsetDateTime,
}

/// A place for one more sign-in record, taken by [`SignIns::reserve`]; [`SignIns::created`] or
/// [`SignIns::cancel`] gives it back.
#[derive(Debug)]
#[must_use]
pub(crate) struct Reservation(());

impl SignIns {
    pub(crate) fn new(max: usize) -> Self {
        let state = State { live: HashMap::new(), reserved: 0, swept: OffsetDateTime::UNIX_EPOCH };
        SignIns { max, state: Mutex::new(state) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cap.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// How many sign-in records are live or being created.
    pub(crate) fn count(&self) -> usize {
        let state = self.state();
        state.live.len() + state.reserved
    }

    /// Whether one more sign-in record may be created now (after dropping the expired ones
    /// from the count; their deletion is the store wrapper's, on its next `create`).
    pub(crate) fn has_room(&self, now: OffsetDateTime) -> bool {
        let mut state = self.state();
        if state.live.len() + state.reserved >= self.max {
            state.live.retain(|_, expiry| *expiry > now);
        }
        state.live.len() + state.reserved < self.max
    }

    /// Takes a place for a new sign-in record, or `None` when the cap is reached. Returns the
    /// expired records to delete from the store with it: every one once the cap is reached,
    /// else at most once a minute.
    pub(crate) fn reserve(&self, now: OffsetDateTime) -> (Option<Reservation>, Vec<Id>) {
        let mut state = self.state();
        let mut expired = Vec::new();
        if state.live.len() + state.reserved >= self.max || now - state.swept >= SWEEP_EVERY {
            state.swept = now;
            state.live.retain(|id, expiry| {
                let live = *expiry > now;
                if !live {
                    expired.push(*id);
                }
                live
            });
        }
        if state.live.len() + state.reserved >= self.max {
            return (None, expired);
        }
        state.reserved += 1;
        (Some(Reservation(())), expired)
    }

    /// The reserved record was created as `id`, expiring at `expiry`.
    pub(crate) fn created(&self, reservation: Reservation, id: Id, expiry: OffsetDateTime) {
        let Reservation(()) = reservation;
        let mut state = self.state();
        state.reserved = state.reserved.saturating_sub(1);
        state.live.insert(id, expiry);
    }

    /// The reserved record was not created.
    pub(crate) fn cancel(&self, reservation: Reservation) {
        let Reservation(()) = reservation;
        let mut state = self.state();
        state.reserved = state.reserved.saturating_sub(1);
    }

    /// Record `id` was saved: as a sign-in record expiring at `expiry` (counted again if it is
    /// one this process had not seen, as long as there is room: it exists either way), or as
    /// something else (a signed-in session, which is not counted).
    pub(crate) fn saved(&self, id: Id, sign_in_expiry: Option<OffsetDateTime>) {
        let mut state = self.state();
        match sign_in_expiry {
            Some(expiry) => {
                if state.live.contains_key(&id) || state.live.len() + state.reserved < self.max {
                    state.live.insert(id, expiry);
                }
            }
            None => {
                state.live.remove(&id);
            }
        }
    }

    /// Record `id` was deleted.
    pub(crate) fn deleted(&self, id: &Id) {
        self.state().live.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_sign_in_records_free_their_place_and_are_handed_out_for_deletion() {
        let sign_ins = SignIns::new(2);
        let start = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let (first, second) = (Id(1), Id(2));
        for id in [first, second] {
            let (reservation, expired) = sign_ins.reserve(start);
            assert!(expired.is_empty());
            sign_ins.created(reservation.unwrap(), id, sign_in_expiry(start));
        }
        assert!(!sign_ins.has_room(start));
        assert!(sign_ins.reserve(start).0.is_none(), "the cap holds");
        let later = sign_in_expiry(start) + time::Duration::seconds(1);
        let (reservation, mut expired) = sign_ins.reserve(later);
        expired.sort_by_key(|id| id.0);
        assert_eq!(expired, vec![first, second]);
        assert!(reservation.is_some());
        assert_eq!(sign_ins.count(), 1);
    }

    #[test]
    fn a_record_that_signed_in_is_no_longer_counted() {
        let sign_ins = SignIns::new(1);
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let (reservation, _) = sign_ins.reserve(now);
        sign_ins.created(reservation.unwrap(), Id(7), sign_in_expiry(now));
        assert!(!sign_ins.has_room(now));
        sign_ins.saved(Id(7), None);
        assert!(sign_ins.has_room(now));
    }
}
