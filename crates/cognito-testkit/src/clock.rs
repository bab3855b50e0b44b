//! [`TestClock`]: the issuer's notion of "now", which can be frozen and moved, and the
//! verifier's too.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_verify::Clock;

/// Nanoseconds in a second.
const NANOS: i128 = 1_000_000_000;

/// The clock a [`TestIssuer`](crate::TestIssuer) mints tokens with (`iat`, `exp`,
/// `auth_time`) and ages authorization codes and refresh tokens by; and, being a
/// [`cognito_verify::Clock`], the clock of the verifiers the issuer's presets build
/// ([`TestIssuer::verifier`](crate::TestIssuer::verifier) and the others), so one clock drives
/// both sides.
///
/// It follows the system clock until told otherwise. Moving it changes what the issuer does
/// from then on: tokens minted after [`set`](Self::set)`(now - 7200)` are already expired, an
/// authorization code is refused once the clock has [`advance`](Self::advance)d past its
/// lifetime, and so is a refresh token; and a verifier on the same clock refuses a token as
/// soon as the clock passes its `exp`, without waiting. It keeps sub-second precision
/// ([`set_time`](Self::set_time), [`advance`](Self::advance) by milliseconds); [`now`](Self::now)
/// shows whole seconds.
///
/// Cloning shares the clock.
///
/// ```
/// use std::time::Duration;
/// use cognito_testkit::TestClock;
///
/// let clock = TestClock::system();
/// clock.set(1_700_000_000);
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now(), 1_700_000_060);
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(clock.time(), std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_061_500));
/// clock.resume();
/// assert!(clock.now() > 1_700_000_060);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TestClock {
    state: Arc<Mutex<ClockState>>,
}

#[derive(Debug, Default, Clone, Copy)]
enum ClockState {
    /// The system clock.
    #[default]
    Running,
    /// The system clock plus this many nanoseconds.
    Offset(i128),
    /// Stopped at this many nanoseconds since the Unix epoch.
    Frozen(i128),
}

/// Nanoseconds since the Unix epoch (negative before it).
fn nanos_since_epoch(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
        Err(before) => i128::try_from(before.duration().as_nanos()).map_or(i128::MIN, |nanos| -nanos),
    }
}

/// The instant `nanos` after the Unix epoch (before it when negative).
fn time_at(nanos: i128) -> SystemTime {
    let magnitude = Duration::new(
        u64::try_from((nanos / NANOS).unsigned_abs()).unwrap_or(u64::MAX),
        u32::try_from((nanos % NANOS).unsigned_abs()).unwrap_or(0),
    );
    if nanos >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

/// The state is a single `Copy` value: a panic elsewhere cannot leave it half-written.
fn lock(state: &Mutex<ClockState>) -> MutexGuard<'_, ClockState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn nanos(d: Duration) -> i128 {
    i128::try_from(d.as_nanos()).unwrap_or(i128::MAX)
}

impl TestClock {
    /// A clock that follows the system clock.
    pub fn system() -> TestClock {
        TestClock::default()
    }

    /// A clock stopped at `unix_secs`: [`system`](Self::system) then [`set`](Self::set).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    /// use cognito_testkit::{TestClock, TestIssuer};
    /// use cognito_verify::VerifyError;
    ///
    /// let clock = TestClock::frozen_at(1_900_000_000);
    /// let issuer = TestIssuer::builder().clock(clock.clone()).start().await;
    /// let verifier = issuer.access_verifier().build().unwrap(); // on the same clock
    /// let token = issuer.access_token().lifetime(Duration::from_secs(60)).sign();
    /// verifier.verify(&token).await.unwrap();
    /// clock.advance(Duration::from_secs(60));
    /// assert!(matches!(verifier.verify(&token).await, Err(VerifyError::Expired { .. })));
    /// # }
    /// ```
    pub fn frozen_at(unix_secs: i64) -> TestClock {
        let clock = TestClock::system();
        clock.set(unix_secs);
        clock
    }

    /// Nanoseconds since the Unix epoch.
    fn now_nanos(&self) -> i128 {
        match *lock(&self.state) {
            ClockState::Running => nanos_since_epoch(SystemTime::now()),
            ClockState::Offset(offset) => nanos_since_epoch(SystemTime::now()).saturating_add(offset),
            ClockState::Frozen(at) => at,
        }
    }

    /// Now, in whole seconds since the Unix epoch (rounded down), as token time claims count
    /// them.
    pub fn now(&self) -> i64 {
        i64::try_from(self.now_nanos().div_euclid(NANOS)).unwrap_or(i64::MAX)
    }

    /// Now, with sub-second precision: what a verifier on this clock reads.
    pub fn time(&self) -> SystemTime {
        time_at(self.now_nanos())
    }

    /// Stops the clock at its current reading.
    pub fn freeze(&self) {
        let now = self.now_nanos();
        *lock(&self.state) = ClockState::Frozen(now);
    }

    /// Stops the clock at `unix_secs`.
    pub fn set(&self, unix_secs: i64) {
        *lock(&self.state) = ClockState::Frozen(i128::from(unix_secs) * NANOS);
    }

    /// Stops the clock at `time`, to the nanosecond.
    pub fn set_time(&self, time: SystemTime) {
        *lock(&self.state) = ClockState::Frozen(nanos_since_epoch(time));
    }

    /// Moves the clock forward by `by`: a frozen clock stays frozen at the later time, a running
    /// one keeps running that much ahead of the system clock.
    pub fn advance(&self, by: Duration) {
        let mut state = lock(&self.state);
        *state = match *state {
            ClockState::Running => ClockState::Offset(nanos(by)),
            ClockState::Offset(offset) => ClockState::Offset(offset.saturating_add(nanos(by))),
            ClockState::Frozen(at) => ClockState::Frozen(at.saturating_add(nanos(by))),
        };
    }

    /// Runs this far behind (negative) or ahead of the system clock from now on.
    pub fn set_offset(&self, seconds: i64) {
        *lock(&self.state) = ClockState::Offset(i128::from(seconds) * NANOS);
    }

    /// Follows the system clock again.
    pub fn resume(&self) {
        *lock(&self.state) = ClockState::Running;
    }
}

/// A verifier reads [`TestClock::time`].
impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        self.time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system_now() -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    }

    #[test]
    fn advance_moves_a_frozen_clock_and_keeps_it_frozen() {
        let clock = TestClock::system();
        clock.set(100);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), 105);
    }

    #[test]
    fn advance_on_a_running_clock_keeps_it_running_ahead() {
        let clock = TestClock::system();
        clock.advance(Duration::from_secs(3600));
        let ahead = clock.now() - system_now();
        assert!((3599..=3600).contains(&ahead), "{ahead}");
    }

    #[test]
    fn clones_share_the_clock() {
        let clock = TestClock::system();
        let other = clock.clone();
        other.set(42);
        assert_eq!(clock.now(), 42);
    }

    #[test]
    fn sub_second_moves_are_kept_and_seconds_round_down() {
        let clock = TestClock::frozen_at(100);
        clock.advance(Duration::from_millis(999));
        assert_eq!(clock.now(), 100);
        assert_eq!(Clock::now(&clock), UNIX_EPOCH + Duration::from_millis(100_999));
        clock.set_time(UNIX_EPOCH - Duration::from_millis(500));
        assert_eq!(clock.now(), -1);
        assert_eq!(clock.time(), UNIX_EPOCH - Duration::from_millis(500));
    }
}
