//! The date format of a REST API Cognito authorizer's `exp` and `iat` claims: Java's
//! `Date.toString()`, `EEE MMM dd HH:mm:ss zzz yyyy` (e.g. `Mon Apr 17 23:12:49 UTC 2017`).

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/// Weekdays from Thursday, the weekday of 1970-01-01.
const WEEKDAYS_FROM_EPOCH: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// Seconds since the Unix epoch of a date in that format, in UTC (`UTC` or `GMT`). `None` for
/// anything else, including another zone, an impossible date or a weekday that does not match.
pub(super) fn parse(value: &str) -> Option<i64> {
    let mut parts = value.split(' ');
    let (weekday, month, day, time, zone, year) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !matches!(zone, "UTC" | "GMT") {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)?;
    let year: i64 = digits(year, 4)?;
    let day: i64 = digits(day, 2)?;
    let mut hms = time.split(':');
    let (hour, minute, second) = (digits(hms.next()?, 2)?, digits(hms.next()?, 2)?, digits(hms.next()?, 2)?);
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let month = i64::try_from(month).ok()? + 1;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let weekday_index = usize::try_from(days.rem_euclid(7)).ok()?;
    if WEEKDAYS_FROM_EPOCH.get(weekday_index) != Some(&weekday) {
        return None;
    }
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<i64> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) { text.parse().ok() } else { None }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_rest_api_authorizer_claims_are_read_as_unix_seconds() {
        // From a REST API Cognito authorizer's claims (`exp` and `iat` of the same token).
        assert_eq!(parse("Thu May 04 03:50:06 UTC 2023"), Some(1_683_172_206));
        assert_eq!(parse("Wed May 03 03:50:06 UTC 2023"), Some(1_683_085_806));
        assert_eq!(parse("Thu Jan 01 00:00:00 UTC 1970"), Some(0));
        assert_eq!(parse("Tue Feb 29 12:00:00 GMT 2028"), Some(1_835_438_400));
    }

    #[test]
    fn anything_but_that_exact_format_in_utc_is_refused() {
        for value in [
            "",
            "1683172206",
            "Thu May 04 03:50:06 CEST 2023",
            "Fri May 04 03:50:06 UTC 2023",
            "Thu May 4 03:50:06 UTC 2023",
            "Thu May 04 03:50:06 UTC 2023 ",
            "Thu May 04 24:00:00 UTC 2023",
            "Thu Feb 30 03:50:06 UTC 2023",
            "Thu Mai 04 03:50:06 UTC 2023",
            "Thu May 04 03:50 UTC 2023",
            "Thu May 04 +3:50:06 UTC 2023",
        ] {
            assert_eq!(parse(value), None, "{value:?}");
        }
    }
}
