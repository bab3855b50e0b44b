//! The checks of the `retry_after` fuzz target, shared by `fuzz/` (which includes this file) and
//! the regression tests next to it: a JWKS endpoint's answer (status and `Retry-After` value)
//! read and turned into a wait exactly as a fetch does.
//!
//! Input: byte 0 picks the status (429 mostly, 503, or another), byte 1 whether a
//! `Retry-After` is sent, byte 2 the `max_retry_after` cap (from 1 ms to `Duration::MAX`), byte 3
//! the failure backoff in seconds; the rest is the `Retry-After` value.

use std::time::Duration;

use cognito_verify::fuzz::jwks_throttled_wait;

/// The wait without a `Retry-After` (`min_refetch_interval`).
const FALLBACK: Duration = Duration::from_secs(10);
/// About a century: a wait the clock can always schedule.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Caps worth trying: tiny, the default, a day, and none in practice.
const CAPS: [Duration; 6] = [
    Duration::from_millis(1),
    Duration::from_secs(300),
    Duration::from_secs(86_400),
    Duration::from_secs(u64::MAX),
    Duration::MAX,
    Duration::from_secs(7),
];

/// RFC 9110 §10.2.3, the model: `Retry-After = HTTP-date / delay-seconds`, `delay-seconds =
/// 1*DIGIT`, after the field value's surrounding whitespace (SP, HTAB) is dropped. A field value
/// holds only HTAB, SP and visible ASCII as text (`obs-text` bytes are not read as text; control
/// characters cannot be sent). The library reads the delta-seconds form only (digits beyond
/// 2^64 - 1 saturate, a very long wait that the cap bounds); a well-formed HTTP-date counts as
/// no `Retry-After` (documented: Cognito sends seconds), as does anything else.
fn model_retry_after(value: &[u8]) -> Option<Duration> {
    if !value.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        return None;
    }
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !is_ows(b))?;
    let end = value.iter().rposition(|b| !is_ows(b))? + 1;
    let field = &value[start..end];
    if field.iter().all(u8::is_ascii_digit) {
        let secs =
            field.iter().try_fold(0u64, |acc, d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')));
        return Some(Duration::from_secs(secs.unwrap_or(u64::MAX)));
    }
    // An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form a sender must use for dates:
    // recognised here only to say so; the outcome is the same as for no value.
    let _ = is_imf_fixdate(field);
    None
}

/// `day-name "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"`.
fn is_imf_fixdate(field: &[u8]) -> bool {
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    field.len() == 29
        && DAYS.contains(&&field[0..3])
        && &field[3..5] == b", "
        && digits(&field[5..7])
        && field[7] == b' '
        && MONTHS.contains(&&field[8..11])
        && field[11] == b' '
        && digits(&field[12..16])
        && field[16] == b' '
        && digits(&field[17..19])
        && field[19] == b':'
        && digits(&field[20..22])
        && field[22] == b':'
        && digits(&field[23..25])
        && &field[25..29] == b" GMT"
}

/// Target `retry_after`. Never a panic; only a 429 is the quota (a 503 and the rest are
/// ordinary failures); a 429's `Retry-After` is what the model reads; the wait is at least what
/// was asked (or the fallback), at most that plus the backoff, and never above the cap; and the
/// next fetch is scheduled that far ahead (or, past the end of the clock, as far as it goes).
pub fn retry_after(data: &[u8]) {
    let [selector, present, cap, backoff, value @ ..] = data else { return };
    let status: u16 = match selector % 4 {
        0 | 1 => 429,
        2 => 503,
        _ => 100 + u16::from(*selector) * 2,
    };
    let header = (present % 2 == 1).then_some(value);
    let max = CAPS[usize::from(*cap) % CAPS.len()];
    let backoff = Duration::from_secs(u64::from(*backoff));
    let outcome = jwks_throttled_wait(status, header, FALLBACK, backoff, max);
    if status != 429 {
        assert_eq!(outcome, None, "HTTP {status} is not the quota");
        return;
    }
    let Some(throttled) = outcome else { panic!("a 429 is the quota") };
    let expected = header.and_then(model_retry_after);
    assert_eq!(throttled.retry_after, expected, "Retry-After {:?}", header.map(String::from_utf8_lossy));
    let asked = expected.unwrap_or(FALLBACK);
    assert!(throttled.wait <= max, "{throttled:?} above the cap {max:?}");
    assert!(throttled.wait >= asked.min(max), "{throttled:?} shorter than asked ({asked:?})");
    assert!(throttled.wait <= asked.saturating_add(backoff), "{throttled:?} beyond {asked:?} + {backoff:?}");
    assert!(throttled.scheduled_in <= throttled.wait, "{throttled:?}");
    if throttled.wait <= CENTURY {
        assert_eq!(throttled.scheduled_in, throttled.wait, "{throttled:?}");
    } else {
        assert!(throttled.scheduled_in >= Duration::from_secs(365 * 86_400), "{throttled:?}");
    }
}
