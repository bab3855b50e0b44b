//! [`Backoff`]: how long to wait after a failure, doubling up to a maximum, with jitter so that
//! many instances failing together do not retry together.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::out_of_range::OutOfRange;

/// Exponential backoff with jitter: the wait after failure `n` (1-based) is
/// `initial × 2^(n-1)`, capped at `max`, less a random share of at most
/// [`jitter`](Self::jitter).
///
/// ```
/// use std::time::Duration;
///
/// use cognito_http::Backoff;
///
/// let exact = Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(30), jitter: 0.0, below_initial: false };
/// assert_eq!(exact.delay(1), Duration::from_secs(1));
/// assert_eq!(exact.delay(3), Duration::from_secs(4));
/// assert_eq!(exact.delay(10), Duration::from_secs(30)); // capped
///
/// let jittered = Backoff { jitter: 0.5, ..exact };
/// let wait = jittered.delay(3);
/// assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_secs(4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The wait after the first failure, before jitter.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// The largest share of a wait that jitter takes off, from 0 to 1.
    pub jitter: f64,
    /// Whether jitter may shorten a wait below `initial`. When not, the first wait is exactly
    /// `initial` and no wait is shorter.
    pub below_initial: bool,
}

impl Backoff {
    /// The wait after `failures` consecutive failures (at least 1).
    pub fn delay(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(20);
        let base = self.initial.saturating_mul(1 << exponent).min(self.max);
        let jittered = base.mul_f64(1.0 - self.jitter.clamp(0.0, 1.0) * random_fraction());
        if self.below_initial { jittered } else { jittered.max(self.initial.min(base)) }
    }

    /// `initial` above zero and `max` at least `initial` (option `backoff`).
    pub fn validate(&self) -> Result<(), OutOfRange> {
        OutOfRange::check(!self.initial.is_zero(), "backoff", "initial backoff must be above zero")?;
        OutOfRange::check(self.max >= self.initial, "backoff", "max must be at least initial")
    }
}

/// A number in [0, 1), from the standard library's randomly keyed hasher: jitter needs no more.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn backoff(jitter: f64, below_initial: bool) -> Backoff {
        Backoff { initial: ms(100), max: ms(1000), jitter, below_initial }
    }

    #[test]
    fn waits_double_up_to_the_maximum_less_the_jitter() {
        let b = backoff(0.5, true);
        for _ in 0..50 {
            let first = b.delay(1);
            assert!(first >= ms(50) && first <= ms(100), "{first:?}");
            let third = b.delay(3);
            assert!(third >= ms(200) && third <= ms(400), "{third:?}");
            let late = b.delay(30);
            assert!(late >= ms(500) && late <= ms(1000), "{late:?}");
        }
    }

    #[test]
    fn without_going_below_initial_the_first_wait_is_exactly_initial() {
        let b = backoff(0.25, false);
        for _ in 0..50 {
            assert_eq!(b.delay(1), ms(100));
            let second = b.delay(2);
            assert!(second >= ms(150) && second <= ms(200), "{second:?}");
        }
    }

    #[test]
    fn jitter_varies() {
        let b = backoff(0.5, true);
        let delays: std::collections::HashSet<_> = (0..20).map(|_| b.delay(4)).collect();
        assert!(delays.len() > 1);
    }

    #[test]
    fn zero_initial_and_max_below_initial_are_out_of_range() {
        let zero = Backoff { initial: Duration::ZERO, ..backoff(0.5, true) };
        assert_eq!(zero.validate().map_err(|e| e.reason), Err("initial backoff must be above zero"));
        let inverted = Backoff { max: ms(50), ..backoff(0.5, true) };
        assert_eq!(inverted.validate().map_err(|e| e.reason), Err("max must be at least initial"));
    }
}
