//! Time in tokens: NumericDate claims and header members, and the instants they are compared
//! with.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::clock::SharedClock;

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// An instant as seconds since the Unix epoch, with sub-second precision: the whole seconds
/// (rounded down, so negative before 1970) and the nanoseconds past them. Ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct UnixTime {
    secs: i64,
    /// Below one second.
    nanos: u32,
}

impl UnixTime {
    /// Exactly `secs` seconds after the epoch.
    pub(crate) const fn from_secs(secs: i64) -> Self {
        UnixTime { secs, nanos: 0 }
    }

    /// `clock`'s reading, to the nanosecond.
    pub(crate) fn now(clock: &SharedClock) -> Self {
        Self::from_system_time(clock.now())
    }

    /// `time`, to the nanosecond; saturating far beyond the `i64` range of seconds.
    pub(crate) fn from_system_time(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => UnixTime {
                secs: i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                nanos: after.subsec_nanos(),
            },
            Err(before) => UnixTime::from_secs(0).saturating_sub(before.duration()),
        }
    }

    /// The whole seconds, rounded down: what errors and the public claim fields show.
    pub(crate) const fn secs(self) -> i64 {
        self.secs
    }

    pub(crate) fn saturating_add(self, by: Duration) -> Self {
        let nanos = self.nanos + by.subsec_nanos();
        let carry = i64::from(nanos >= NANOS_PER_SEC);
        let secs =
            self.secs.saturating_add(i64::try_from(by.as_secs()).unwrap_or(i64::MAX)).saturating_add(carry);
        UnixTime { secs, nanos: nanos % NANOS_PER_SEC }
    }

    pub(crate) fn saturating_sub(self, by: Duration) -> Self {
        let (nanos, borrow) = match self.nanos.checked_sub(by.subsec_nanos()) {
            Some(nanos) => (nanos, 0),
            None => (self.nanos + NANOS_PER_SEC - by.subsec_nanos(), 1),
        };
        let secs =
            self.secs.saturating_sub(i64::try_from(by.as_secs()).unwrap_or(i64::MAX)).saturating_sub(borrow);
        UnixTime { secs, nanos }
    }

    /// A finite JSON number of seconds (the double a JSON parser reads), fraction kept: rounded
    /// up to the next nanosecond, so it is never read earlier than that double. `None` beyond
    /// ±9e15 seconds.
    fn from_f64(v: f64) -> Option<Self> {
        if !(v.is_finite() && v.abs() < 9.0e15) {
            return None;
        }
        let whole = v.floor();
        // Exact: `v` and its floor are within one unit of each other, at the same magnitude.
        let fraction = v - whole;
        // In range, both conversions are exact (an integer below 2^53, a fraction below 1e9 + 1).
        let nanos = (fraction * f64::from(NANOS_PER_SEC)).ceil() as u32;
        Some(UnixTime::from_secs(whole as i64).saturating_add(Duration::from_nanos(u64::from(nanos))))
    }
}

/// A JSON number of seconds since the Unix epoch (RFC 7519 NumericDate), fraction included
/// (RFC 7519 §2: "can represent non-integer values"); values beyond the `i64` range of seconds
/// are refused.
pub(crate) struct NumericDate(pub(crate) UnixTime);

impl From<NumericDate> for UnixTime {
    fn from(date: NumericDate) -> UnixTime {
        date.0
    }
}

/// The whole seconds, rounded down (claims that are shown, never compared, such as `auth_time`).
impl From<NumericDate> for i64 {
    fn from(date: NumericDate) -> i64 {
        date.0.secs()
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate(UnixTime::from_secs(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                i64::try_from(v)
                    .map(|v| NumericDate(UnixTime::from_secs(v)))
                    .map_err(|_| E::custom("date out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                // `as` saturates; refuse what does not fit instead of silently clamping.
                UnixTime::from_f64(v).map(NumericDate).ok_or_else(|| E::custom("date out of range"))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(json: serde_json::Value) -> Option<UnixTime> {
        NumericDate::deserialize(&json).ok().map(UnixTime::from)
    }

    fn at(secs: i64, nanos: u32) -> UnixTime {
        UnixTime { secs, nanos }
    }

    #[test]
    fn numeric_dates_are_integers_or_fractions_kept_to_the_nanosecond() {
        assert_eq!(date(serde_json::json!(1_700_000_000)), Some(at(1_700_000_000, 0)));
        assert_eq!(date(serde_json::json!(1.5)), Some(at(1, 500_000_000)));
        assert_eq!(date(serde_json::json!(-1.5)), Some(at(-2, 500_000_000)));
        assert_eq!(date(serde_json::json!(1e300)), None);
        assert_eq!(date(serde_json::json!(u64::MAX)), None);
        assert_eq!(date(serde_json::json!("1")), None);
        assert_eq!(date(serde_json::json!(null)), None);
    }

    #[test]
    fn a_fraction_is_rounded_up_to_the_nanosecond() {
        assert_eq!(date(serde_json::json!(1_700_000_000.25)), Some(at(1_700_000_000, 250_000_000)));
        // 0.000_000_000_1 s is below a nanosecond: it still counts as after 0.
        assert_eq!(date(serde_json::json!(1e-10)), Some(at(0, 1)));
        assert_eq!(date(serde_json::json!(0.999_999_999_9)), Some(at(1, 0)));
        // 1_700_000_000.1 has no exact binary form: JSON parsers read the nearest double,
        // 95 ns below; the fraction of that double is kept.
        let read = date(serde_json::json!(1_700_000_000.1)).unwrap();
        assert!(at(1_700_000_000, 99_999_900) < read && read < at(1_700_000_000, 100_000_000), "{read:?}");
    }

    #[test]
    fn whole_seconds_round_down() {
        assert_eq!(i64::from(NumericDate(at(1, 999_999_999))), 1);
        assert_eq!(i64::from(NumericDate(at(-2, 500_000_000))), -2);
    }

    #[test]
    fn arithmetic_carries_and_borrows_nanoseconds() {
        assert_eq!(at(1, 600_000_000).saturating_add(Duration::from_millis(500)), at(2, 100_000_000));
        assert_eq!(at(1, 200_000_000).saturating_sub(Duration::from_millis(500)), at(0, 700_000_000));
        assert_eq!(at(i64::MAX, 0).saturating_add(Duration::from_secs(5)).secs(), i64::MAX);
        assert_eq!(at(i64::MIN, 0).saturating_sub(Duration::from_secs(5)).secs(), i64::MIN);
    }

    #[test]
    fn a_clock_before_the_epoch_reads_negative() {
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(UnixTime::from_system_time(before), at(-2, 500_000_000));
    }
}
