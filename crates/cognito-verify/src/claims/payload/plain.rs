//! The standard claims of a payload of the plain shape Cognito sends, read without the JSON
//! parser: the fast path of [`parse`](super::parse), taken on every fresh verification.
//!
//! "Plain" is a JSON object whose member names and string values have no escapes, whose numbers
//! are integers of at most 15 digits, and whose other members (at most 32) are strings, such
//! integers, `true`, `false`, `null` or arrays of those (no objects, no nested arrays). Anything else, and
//! every payload that is wrong in any way, returns `None` and takes the serde_json path, which
//! reads it and names what is wrong. For a plain payload both paths read the same claims
//! (`plain_payloads_read_as_the_json_parser_reads_them`, and the `payload` fuzz target), so
//! which path ran is never observable, and errors always come from the full parse.
//!
//! Why: serde_json reading a Cognito access token was most of the cost of verification beyond
//! the signature check (docs/performance.md, "Payload fast path").

use super::Standard;
use crate::claims::strings::{ListSpan, Span, TextBuilder};
use crate::jws::UnixTime;

/// Most members other than the standard claims a plain payload has (Cognito's ID tokens have
/// about a dozen): their names are kept on the stack to refuse a repeat.
const MAX_OTHER_MEMBERS: usize = 32;

/// Digits in the longest integer read: below 2^53 and 9e15, so every reading (`i64`, `u64`,
/// NumericDate) agrees with the full parse.
const MAX_DIGITS: usize = 15;

/// The standard claims of `json` and the builder holding their strings (spans of `json`), when
/// `json` is plain; `None` for any other payload, valid or not.
pub(super) fn standard_claims(json: &str) -> Option<(Standard, TextBuilder)> {
    let mut text = TextBuilder::over(json);
    let quote_ends_strings = without_escapes_or_controls(json.as_bytes());
    let mut scanner = Scanner { json, at: 0, quote_ends_strings };
    let standard = scanner.object(&mut text)?;
    scanner.skip_whitespace();
    (scanner.at == json.len()).then_some((standard, text))
}

/// A position in a payload, moving forward as values are read. Every method returns `None`
/// where the payload is not plain (or not JSON).
struct Scanner<'p> {
    json: &'p str,
    at: usize,
    /// The payload has no `\` and no control character anywhere (the common case): each string
    /// ends at the next quote. Otherwise each string is checked for them as it is read.
    quote_ends_strings: bool,
}

impl<'p> Scanner<'p> {
    fn peek(&self) -> Option<u8> {
        self.json.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next byte, after whitespace, consumed.
    fn next_token(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// The next byte after whitespace, not consumed.
    fn peek_token(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.peek()
    }

    /// The top-level object: the standard claims, the other members checked and skipped.
    fn object(&mut self, text: &mut TextBuilder) -> Option<Standard> {
        let mut out = Standard::default();
        let mut seen = 0u32;
        // The other members' names, to refuse a repeat: on the stack, and a payload with more
        // of them is left to the full parse.
        let mut others = [""; MAX_OTHER_MEMBERS];
        let mut other_count = 0;
        if self.next_token()? != b'{' {
            return None;
        }
        if self.peek_token()? == b'}' {
            self.at += 1;
            return Some(out);
        }
        loop {
            let key = self.string()?;
            if self.next_token()? != b':' {
                return None;
            }
            // Each standard claim once (a repeat is refused by the full parse), into its slot.
            macro_rules! once {
                ($bit:literal, $slot:expr, $value:expr) => {{
                    if seen & (1 << $bit) != 0 {
                        return None;
                    }
                    seen |= 1 << $bit;
                    $slot = $value;
                }};
            }
            // The same slots, in the same order of pushes to `text`, as the full parse.
            match key {
                "sub" => once!(0, out.sub, Some(self.text(text)?)),
                "iss" => once!(1, out.iss, Some(self.text(text)?)),
                "token_use" => once!(2, out.token_use, Some(self.text(text)?)),
                "exp" => once!(3, out.exp, Some(self.date()?)),
                "client_id" => once!(4, out.client_id, self.nullable_text(text)?),
                "aud" => once!(5, out.aud, self.nullable_list(text, true)?),
                "scope" => once!(6, out.scope, self.nullable_text(text)?.unwrap_or_default()),
                "cognito:groups" => once!(7, out.groups, self.nullable_list(text, false)?),
                "username" => once!(8, out.username, self.nullable_text(text)?),
                "cognito:username" => once!(9, out.cognito_username, self.nullable_text(text)?),
                "email" => once!(10, out.email, self.nullable_text(text)?),
                "auth_time" => once!(11, out.auth_time, self.nullable_date()?.map(UnixTime::secs)),
                "iat" => once!(12, out.iat, self.nullable_date()?),
                "nbf" => once!(13, out.nbf, self.nullable_date()?),
                "jti" => once!(14, out.jti, self.nullable_text(text)?),
                "origin_jti" => once!(15, out.origin_jti, self.nullable_text(text)?),
                "event_id" => once!(16, out.event_id, self.nullable_text(text)?),
                "version" => once!(17, out.version, if self.null()? { None } else { Some(self.integer()?) }),
                _ => {
                    let repeated = others.get(..other_count)?.contains(&key);
                    let slot = others.get_mut(other_count)?;
                    if repeated {
                        return None;
                    }
                    *slot = key;
                    other_count += 1;
                    self.skip_value()?;
                }
            }
            match self.next_token()? {
                b',' => {}
                b'}' => return Some(out),
                _ => return None,
            }
        }
    }

    /// Whether the next value is `null` (then read); `None` for a value starting with `n` that
    /// is not `null`.
    fn null(&mut self) -> Option<bool> {
        if self.peek_token()? != b'n' {
            return Some(false);
        }
        self.literal("null")?;
        Some(true)
    }

    /// A string kept in `text`, or `null`.
    fn nullable_text(&mut self, text: &mut TextBuilder) -> Option<Option<Span>> {
        if self.null()? { Some(None) } else { self.text(text).map(Some) }
    }

    /// A list as [`list`](Self::list) reads it, or `null` (the empty list).
    fn nullable_list(&mut self, text: &mut TextBuilder, single_string: bool) -> Option<ListSpan> {
        if self.null()? { Some(ListSpan::default()) } else { self.list(text, single_string) }
    }

    /// A date as [`date`](Self::date) reads it, or `null`.
    fn nullable_date(&mut self) -> Option<Option<UnixTime>> {
        if self.null()? { Some(None) } else { self.date().map(Some) }
    }

    /// A string, kept in `text`.
    fn text(&mut self, text: &mut TextBuilder) -> Option<Span> {
        let value = self.string()?;
        text.push(value).ok()
    }

    /// An array of strings, kept in `text`; also a single string when `single_string` (`aud`).
    fn list(&mut self, text: &mut TextBuilder, single_string: bool) -> Option<ListSpan> {
        let start = text.start_list().ok()?;
        match self.peek_token()? {
            b'"' if single_string => {
                let member = self.string()?;
                text.push_member(member).ok()?;
            }
            b'[' => {
                self.at += 1;
                if self.peek_token()? == b']' {
                    self.at += 1;
                } else {
                    loop {
                        let member = self.string()?;
                        text.push_member(member).ok()?;
                        match self.next_token()? {
                            b',' => {}
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
            }
            _ => return None,
        }
        text.end_list(start).ok()
    }

    /// A string without escapes or control characters: its contents, between the quotes.
    fn string(&mut self) -> Option<&'p str> {
        if self.next_token()? != b'"' {
            return None;
        }
        let start = self.at;
        let rest = self.json.as_bytes().get(start..)?;
        let len = if self.quote_ends_strings { quote_position(rest)? } else { plain_string_len(rest) };
        let end = start + len;
        if self.json.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        // Both ends are next to a quote, so on character boundaries of the checked UTF-8.
        self.json.get(start..end)
    }

    /// A non-negative integer of at most [`MAX_DIGITS`] digits, without a fraction or exponent.
    fn integer(&mut self) -> Option<i64> {
        self.skip_whitespace();
        let digits = self.json.as_bytes().get(self.at..)?;
        let len = digits.iter().take(MAX_DIGITS + 1).take_while(|b| b.is_ascii_digit()).count();
        // JSON has no leading zeros; a longer number, a fraction or an exponent is not plain.
        if len == 0 || len > MAX_DIGITS || (len > 1 && digits.first() == Some(&b'0')) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = digits.get(len) {
            return None;
        }
        let value = digits.get(..len)?.iter().fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
        self.at += len;
        Some(value)
    }

    /// An integer number of seconds (a NumericDate as Cognito writes it).
    fn date(&mut self) -> Option<UnixTime> {
        self.integer().map(UnixTime::from_secs)
    }

    /// `true`, `false` or `null`.
    fn literal(&mut self, word: &str) -> Option<()> {
        self.skip_whitespace();
        let rest = self.json.get(self.at..)?;
        if !rest.starts_with(word) {
            return None;
        }
        self.at += word.len();
        Some(())
    }

    /// A scalar (string, integer, `true`, `false`, `null`), not kept.
    fn skip_scalar(&mut self) -> Option<()> {
        match self.peek_token()? {
            b'"' => self.string().map(drop),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' => {
                self.at += 1;
                // `-` then the digits, as close as JSON allows: no whitespace between.
                match self.peek() {
                    Some(b'0'..=b'9') => self.integer().map(drop),
                    _ => None,
                }
            }
            _ => self.integer().map(drop),
        }
    }

    /// The value of a member that is not a standard claim: a scalar or an array of scalars.
    fn skip_value(&mut self) -> Option<()> {
        if self.peek_token()? != b'[' {
            return self.skip_scalar();
        }
        self.at += 1;
        if self.peek_token()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            if let b'[' | b'{' = self.peek_token()? {
                return None;
            }
            self.skip_scalar()?;
            match self.next_token()? {
                b',' => {}
                b']' => return Some(()),
                _ => return None,
            }
        }
    }
}

/// Whether `bytes` has no `\` and no control character (below 0x20): then no string in it has
/// an escape or a character JSON forbids, and each one ends at its next quote.
fn without_escapes_or_controls(bytes: &[u8]) -> bool {
    if memchr::memchr(b'\\', bytes).is_some() {
        return false;
    }
    let mut chunks = bytes.chunks_exact(8);
    // The high bit of bytes below 0x20 (see `plain_string_len`): a word with none of them sets
    // no bit, so the union over all words is zero exactly when the payload has none.
    let mut control = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        control |= word.wrapping_sub(ONES * 0x20) & !word;
    }
    control & HIGH_BITS == 0 && chunks.remainder().iter().all(|&b| b >= 0x20)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte that is zero in `word`, and maybe of bytes above the lowest such (a
/// borrow carries only upwards): the lowest one set is exact.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH_BITS
}

/// The eight bytes at `at`, if there are eight.
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?))
}

/// Where the first `"` of `bytes` is. Eight bytes at a time, inline: strings in tokens are 3 to
/// 100 bytes, too short for a call to `memchr` to pay for itself (it cost more than this search,
/// measured in time).
fn quote_position(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = word_at(bytes, at) {
        let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
        if quote != 0 {
            return Some(at + (quote.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    Some(at + bytes.get(at..)?.iter().position(|&b| b == b'"')?)
}

/// Bytes of `bytes` before the first `"`, `\`, or control character (below 0x20), or all of them:
/// the plain part of a JSON string. Eight bytes at a time, as [`quote_position`].
fn plain_string_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    while let Some(word) = word_at(bytes, len) {
        let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
        let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
        // A byte below 0x20 borrows when 0x20 is taken from it; a byte of 0x80 or more has its
        // high bit set in `word`, so is never counted. Exact for the lowest one, as above.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS;
        let special = quote | backslash | control;
        if special != 0 {
            return len + (special.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    let rest = bytes.get(len..).unwrap_or_default();
    len + rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    use super::*;

    #[test]
    fn the_plain_part_of_a_string_ends_at_the_first_quote_backslash_or_control_character() {
        assert_eq!(plain_string_len(b""), 0);
        assert_eq!(plain_string_len(b"abc"), 3);
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 24];
                // Bytes that sit next to the special ones in the alphabet, and non-ASCII.
                bytes[(at + 3) % 24] = 0x20;
                bytes[(at + 5) % 24] = 0xff;
                bytes[(at + 7) % 24] = b'#';
                bytes[at] = special;
                let expected = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap();
                assert_eq!(plain_string_len(&bytes), expected, "{special:#x} at {at}");
            }
        }
        assert_eq!(plain_string_len("é ü 東京 ~ #".as_bytes()), "é ü 東京 ~ #".len());
    }

    fn full_parse(json: &str, nested_unique: bool) -> (Standard, TextBuilder) {
        super::super::full_parse(json.as_bytes(), nested_unique, TextBuilder::over(json)).unwrap()
    }

    #[test]
    fn the_quote_found_is_the_first_one_wherever_it_is() {
        assert_eq!(quote_position(b""), None);
        assert_eq!(quote_position(b"no quote at all, sixteen+"), None);
        for len in 0..24 {
            for at in 0..len {
                let mut bytes = vec![b'!'; len];
                // Bytes next to a quote in value, and non-ASCII, around it.
                bytes[(at + 1) % len] = b'#';
                bytes[(at + 2) % len] = 0xa2;
                bytes[at] = b'"';
                if at + 3 < len {
                    bytes[at + 3] = b'"';
                }
                assert_eq!(quote_position(&bytes), Some(at), "len {len}, quote at {at}");
            }
        }
    }

    /// Every standard claim, each with a different value: a claim read into the wrong slot, or
    /// its string pushed out of order, shows here whatever the generator below draws.
    #[test]
    fn every_standard_claim_is_read_as_the_full_parse_reads_it() {
        let json = r#"{"sub":"s","iss":"i","token_use":"access","exp":5,"client_id":"c","aud":["a1","a2"],"scope":"x y","cognito:groups":["g1","g2"],"username":"u","cognito:username":"cu","email":"e","auth_time":1,"iat":2,"nbf":3,"jti":"j","origin_jti":"o","event_id":"ev","version":4,"other":"z"}"#;
        let (standard, text) = standard_claims(json).unwrap();
        let (full, full_text) = full_parse(json, false);
        assert_eq!((&standard, text.finish(json.to_owned())), (&full, full_text.finish(json.to_owned())));
        let single_aud = r#"{"aud":"a","client_id":null,"scope":null,"cognito:groups":null,"iat":null}"#;
        let (standard, text) = standard_claims(single_aud).unwrap();
        let (full, full_text) = full_parse(single_aud, true);
        assert_eq!(
            (&standard, text.finish(single_aud.to_owned())),
            (&full, full_text.finish(single_aud.to_owned()))
        );
    }

    #[test]
    fn a_payload_is_free_of_escapes_and_controls_only_when_every_byte_is() {
        let clean = "{\"sub\":\"é 東京 ~\",\"n\":1}".as_bytes().to_vec();
        assert!(without_escapes_or_controls(&clean));
        assert!(without_escapes_or_controls(b""));
        for at in 0..clean.len() {
            for bad in [b'\\', 0x00, b'\n', 0x1f] {
                let mut bytes = clean.clone();
                bytes[at] = bad;
                assert!(!without_escapes_or_controls(&bytes), "{bad:#x} at {at}");
            }
        }
    }

    fn plain(json: &str) -> bool {
        standard_claims(json).is_some()
    }

    #[test]
    fn cognito_shaped_payloads_are_plain() {
        assert!(plain(
            r#"{"sub":"s","cognito:groups":["a","b"],"iss":"https://x","version":2,"client_id":"c","token_use":"access","scope":"a b","auth_time":1700000000,"exp":1700003600,"iat":1700000000,"jti":"j","username":"u","email_verified":true,"identities":[],"amr":["pwd",1,null,false]}"#
        ));
        assert!(plain(" {\n \"sub\" : \"s\" ,\t\"aud\" : [ ] , \"x\":-12 } \r\n"));
        let others = |n: usize| {
            format!("{{{}}}", (0..n).map(|i| format!("\"m{i}\":{i}")).collect::<Vec<_>>().join(","))
        };
        assert!(plain(&others(MAX_OTHER_MEMBERS)));
        assert!(!plain(&others(MAX_OTHER_MEMBERS + 1)), "more names than the stack holds: the full parse");
        assert!(plain("{}"));
    }

    #[test]
    fn anything_else_takes_the_full_parse() {
        for json in [
            r#"{"sub":"a\"b"}"#,
            r#"{"s\u0075b":"a"}"#,
            "{\"sub\":\"a\tb\"}",
            r#"{"exp":1.5}"#,
            r#"{"exp":1e9}"#,
            r#"{"exp":-1}"#,
            r#"{"exp":0123}"#,
            r#"{"exp":1234567890123456}"#,
            r#"{"version":- 1}"#,
            r#"{"address":{"street":"x"}}"#,
            r#"{"x":[[1]]}"#,
            r#"{"x":[{}]}"#,
            r#"{"x":1.0}"#,
            r#"{"sub":"a","sub":"a"}"#,
            r#"{"x":1,"x":1}"#,
            r#"{"sub":null}"#,
            r#"{"cognito:groups":"admin"}"#,
            r#"{"aud":["a",1]}"#,
            r#"{"a":1,}"#,
            r#"{"a":1}x"#,
            r#"{"a":1}{}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"["a"]"#,
            r#"{"a" 1}"#,
            r#"{"a":1"#,
            "",
        ] {
            assert!(!plain(json), "{json}");
        }
    }

    /// A JSON value of a kind a token might carry, plain or not.
    fn value() -> impl Strategy<Value = String> {
        let string = prop_oneof![
            4 => r"[ !#-\[\]-~é]{0,8}",
            1 => r#"[ -~é\\"\t]{0,8}"#,
        ]
        .prop_map(|s| format!("\"{s}\""));
        let integer = r"-?(0|[1-9][0-9]{0,16})|0[0-9]";
        let scalar = prop_oneof![
            4 => string.clone(),
            2 => integer.prop_map(String::from),
            1 => r"(null|true|false|nul|1\.5|1e3|-|\[\[1\]\]|\{\}|\{.a.:1,.a.:2\})".prop_map(|s| s.replace('.', "\"")),
        ];
        prop_oneof![
            6 => scalar.clone(),
            2 => (proptest::collection::vec(scalar, 0..4), "( |)").prop_map(|(members, ws)| format!("[{ws}{}]", members.join(","))),
        ]
    }

    /// A payload: members named as claims or not, some repeated, with or without whitespace,
    /// and sometimes bytes after the object.
    fn payload() -> impl Strategy<Value = String> {
        let name = r"(sub|iss|token_use|exp|client_id|aud|scope|cognito:groups|username|cognito:username|email|auth_time|iat|nbf|jti|origin_jti|event_id|version|amr|custom:tier|s\\u0075b)";
        let member =
            (name, "( |\n|)", value()).prop_map(|(name, ws, value)| format!("\"{name}\"{ws}:{ws}{value}"));
        (
            proptest::collection::vec(member, 0..8),
            "( |)",
            prop_oneof![4 => Just(String::new()), 1 => r"(\n| x|,)".prop_map(String::from)],
        )
            .prop_map(|(members, ws, end)| format!("{{{ws}{}{ws}}}{end}", members.join(",")))
    }

    /// Whatever the scanner reads, the full parse reads the same, with and without the check for
    /// repeated members at depth (custom claims or not); a payload it leaves goes to the full
    /// parse, so `parse` answers as serde_json alone would. The generator must reach the scanner
    /// often, or this would prove nothing: a tenth of the payloads at least.
    #[test]
    fn plain_payloads_read_as_the_json_parser_reads_them() {
        let plain_count = std::cell::Cell::new(0u32);
        let config = proptest::test_runner::Config { cases: 2048, ..Default::default() };
        let mut runner = proptest::test_runner::TestRunner::new(config);
        runner
            .run(&payload(), |json| {
                let plain = super::super::compare_readers(json.as_bytes()).map_err(TestCaseError::fail)?;
                if plain {
                    plain_count.set(plain_count.get() + 1);
                    // An independent reading: valid JSON, an object.
                    let object = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&json);
                    prop_assert!(object.is_ok(), "{}", json);
                }
                Ok(())
            })
            .unwrap();
        assert!(plain_count.get() > 205, "only {} of 2048 payloads were plain", plain_count.get());
    }
}
