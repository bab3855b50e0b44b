//! Time in tokens: NumericDate claims and header members, and the clock they are compared with.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A JSON number of seconds since the Unix epoch (RFC 7519 NumericDate). Fractions are
/// truncated; values beyond the `i64` range are refused.
pub(crate) struct NumericDate(pub(crate) i64);

impl From<NumericDate> for i64 {
    fn from(date: NumericDate) -> i64 {
        date.0
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
                Ok(NumericDate(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                i64::try_from(v).map(NumericDate).map_err(|_| E::custom("date out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                // `as` saturates; refuse what does not fit instead of silently clamping. In
                // range, the conversion is exact after truncation.
                if v.is_finite() && v.abs() < 9.0e15 {
                    Ok(NumericDate(v.trunc() as i64))
                } else {
                    Err(E::custom("date out of range"))
                }
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

/// The verifier's clock: seconds since the Unix epoch; a clock set before 1970 reads as 0.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(json: serde_json::Value) -> Option<i64> {
        NumericDate::deserialize(&json).ok().map(i64::from)
    }

    #[test]
    fn numeric_dates_are_integers_or_truncated_floats() {
        assert_eq!(date(serde_json::json!(1_700_000_000)), Some(1_700_000_000));
        assert_eq!(date(serde_json::json!(1.9)), Some(1));
        assert_eq!(date(serde_json::json!(-1.9)), Some(-1));
        assert_eq!(date(serde_json::json!(1e300)), None);
        assert_eq!(date(serde_json::json!(u64::MAX)), None);
        assert_eq!(date(serde_json::json!("1")), None);
        assert_eq!(date(serde_json::json!(null)), None);
    }
}
