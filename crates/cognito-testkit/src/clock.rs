//! [`TestClock`]: the issuer's notion of "now", which can be frozen and moved.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The clock a [`TestIssuer`](crate::TestIssuer) mints tokens with (`iat`, `exp`,
/// `auth_time`) and ages authorization codes and refresh tokens by.
///
/// It follows the system clock until told otherwise. Moving it changes what the issuer does
/// from then on: tokens minted after [`set`](Self::set)`(now - 7200)` are already expired, an
/// authorization code is refused once the clock has [`advance`](Self::advance)d past its
/// lifetime, and so is a refresh token.
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
    /// The system clock plus this many seconds.
    Offset(i64),
    /// Stopped at this time.
    Frozen(i64),
}

/// Seconds since the Unix epoch by the system clock; a clock set before 1970 reads as 0.
fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The state is a single `Copy` value: a panic elsewhere cannot leave it half-written.
fn lock(state: &Mutex<ClockState>) -> MutexGuard<'_, ClockState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl TestClock {
    /// A clock that follows the system clock.
    pub fn system() -> TestClock {
        TestClock::default()
    }

    /// Now, in seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        match *lock(&self.state) {
            ClockState::Running => system_now(),
            ClockState::Offset(offset) => system_now().saturating_add(offset),
            ClockState::Frozen(at) => at,
        }
    }

    /// Stops the clock at its current reading.
    pub fn freeze(&self) {
        let now = self.now();
        *lock(&self.state) = ClockState::Frozen(now);
    }

    /// Stops the clock at `unix_secs`.
    pub fn set(&self, unix_secs: i64) {
        *lock(&self.state) = ClockState::Frozen(unix_secs);
    }

    /// Moves the clock forward by `by`: a frozen clock stays frozen at the later time, a running
    /// one keeps running that much ahead of the system clock.
    pub fn advance(&self, by: Duration) {
        let mut state = lock(&self.state);
        *state = match *state {
            ClockState::Running => ClockState::Offset(secs(by)),
            ClockState::Offset(offset) => ClockState::Offset(offset.saturating_add(secs(by))),
            ClockState::Frozen(at) => ClockState::Frozen(at.saturating_add(secs(by))),
        };
    }

    /// Runs this far behind (negative) or ahead of the system clock from now on.
    pub fn set_offset(&self, seconds: i64) {
        *lock(&self.state) = ClockState::Offset(seconds);
    }

    /// Follows the system clock again.
    pub fn resume(&self) {
        *lock(&self.state) = ClockState::Running;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
