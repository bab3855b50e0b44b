//! Where the string claims live: the token's payload JSON itself, and the spans of each claim in
//! it.
//!
//! A string without escapes is the very bytes of the payload between its quotes, so its claim
//! is a span of the payload, kept whole as the claims' text: reading a Cognito payload copies no
//! string and allocates nothing for them. A string whose JSON has escapes is unescaped and
//! appended after the payload. (Copying each string into a buffer of its own, then into one
//! buffer for all, were both a visible part of the cost of a verification.)

use std::fmt;
use std::iter::FusedIterator;
use std::slice;

/// A range of [`Text`]: one string claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

/// A range of [`Text::lists`]: the members of one array claim (`aud`, `cognito:groups`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ListSpan {
    start: u32,
    end: u32,
}

/// The payload JSON of one token followed by its unescaped strings, and the members of its array
/// claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Text {
    text: String,
    lists: Box<[Span]>,
}

impl Text {
    /// The string of `span` (empty for a span of another buffer: never the case, spans come
    /// from the builder that made this buffer).
    pub(crate) fn get(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or_default()
    }

    /// The members of an array claim.
    pub(crate) fn list(&self, span: ListSpan) -> ClaimStrings<'_> {
        let spans = self.lists.get(span.start as usize..span.end as usize).unwrap_or_default();
        ClaimStrings { text: self, spans: spans.iter() }
    }
}

/// Builds a [`Text`] while a payload is parsed: a string that is a slice of the payload becomes
/// a span of it; any other (unescaped by the JSON parser) is appended after it.
pub(crate) struct TextBuilder {
    /// Address and length of the payload that strings are spans of.
    payload_at: usize,
    payload_len: usize,
    /// Strings that are not slices of the payload, back to back.
    appended: String,
    lists: Vec<Span>,
}

/// More string bytes than a span can address (never for a token under the size limit).
#[derive(Debug)]
pub(crate) struct TooLong;

impl TextBuilder {
    /// A builder for the claims of `payload`: [`finish`](Self::finish) takes `payload` as the
    /// start of the text.
    pub(crate) fn over(payload: &str) -> Self {
        TextBuilder {
            payload_at: payload.as_ptr() as usize,
            payload_len: payload.len(),
            appended: String::new(),
            lists: Vec::new(),
        }
    }

    /// Keep `s`: a span of the payload when it is a slice of it, else appended.
    pub(crate) fn push(&mut self, s: &str) -> Result<Span, TooLong> {
        // Address arithmetic only, never dereferenced: whether `s` lies inside the payload.
        let offset = (s.as_ptr() as usize).wrapping_sub(self.payload_at);
        let (start, end) = if offset <= self.payload_len && s.len() <= self.payload_len - offset {
            (offset, offset + s.len())
        } else {
            let start = self.payload_len + self.appended.len();
            self.appended.push_str(s);
            (start, start + s.len())
        };
        let start = u32::try_from(start).map_err(|_| TooLong)?;
        let end = u32::try_from(end).map_err(|_| TooLong)?;
        Ok(Span { start, end })
    }

    /// Where the next list member goes: call before pushing the members with
    /// [`push_member`](Self::push_member), and [`end_list`](Self::end_list) after.
    pub(crate) fn start_list(&self) -> Result<u32, TooLong> {
        u32::try_from(self.lists.len()).map_err(|_| TooLong)
    }

    /// Keep `s` as the next member of the list being read.
    pub(crate) fn push_member(&mut self, s: &str) -> Result<(), TooLong> {
        let span = self.push(s)?;
        self.lists.push(span);
        Ok(())
    }

    /// The list that started at `start`.
    pub(crate) fn end_list(&self, start: u32) -> Result<ListSpan, TooLong> {
        Ok(ListSpan { start, end: u32::try_from(self.lists.len()).map_err(|_| TooLong)? })
    }

    /// The text: `payload`, the one this builder was made [`over`](Self::over) or an equal
    /// copy, then the appended strings.
    pub(crate) fn finish(self, payload: String) -> Text {
        debug_assert_eq!(
            payload.len(),
            self.payload_len,
            "finish takes the payload the builder was made over"
        );
        let mut text = payload;
        text.push_str(&self.appended);
        Text { text, lists: self.lists.into_boxed_slice() }
    }
}

/// The members of an array claim of [`CognitoClaims`](crate::CognitoClaims) (`aud`,
/// `cognito:groups`), in the token's order.
///
/// ```no_run
/// # fn show(claims: &cognito_verify::CognitoClaims) {
/// for group in claims.groups() {
///     println!("member of {group}");
/// }
/// let groups: Vec<&str> = claims.groups().collect();
/// # let _ = groups;
/// # }
/// ```
#[derive(Clone)]
pub struct ClaimStrings<'a> {
    text: &'a Text,
    spans: slice::Iter<'a, Span>,
}

impl<'a> ClaimStrings<'a> {
    /// Whether `value` is one of the members.
    pub fn contains(&self, value: &str) -> bool {
        self.clone().any(|member| member == value)
    }

    /// The first member, if any.
    pub fn first(&self) -> Option<&'a str> {
        self.clone().next()
    }

    /// Whether there are no members (the claim absent, `null` or `[]`).
    pub fn is_empty(&self) -> bool {
        self.spans.len() == 0
    }

    /// The members, from the first (a copy of this iterator).
    pub fn iter(&self) -> Self {
        self.clone()
    }
}

/// Compares the members in order: `claims.groups() == ["admin"]`.
impl<S: AsRef<str>> PartialEq<[S]> for ClaimStrings<'_> {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.clone().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for ClaimStrings<'_> {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for ClaimStrings<'_> {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl PartialEq for ClaimStrings<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.clone().eq(other.clone())
    }
}

impl Eq for ClaimStrings<'_> {}

/// Serialized as a JSON array of strings, as in the token.
impl serde::Serialize for ClaimStrings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.clone())
    }
}

impl<'a> Iterator for ClaimStrings<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|span| self.text.get(*span))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for ClaimStrings<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back().map(|span| self.text.get(*span))
    }
}

impl ExactSizeIterator for ClaimStrings<'_> {}
impl FusedIterator for ClaimStrings<'_> {}

impl fmt::Debug for ClaimStrings<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_of_the_payload_is_a_span_of_it_and_anything_else_is_appended() {
        let payload = r#"{"sub":"alice","x":"a\"b"}"#;
        let mut builder = TextBuilder::over(payload);
        let sub = builder.push(&payload[8..13]).unwrap();
        let unescaped = builder.push("a\"b").unwrap();
        let empty_in_place = builder.push(&payload[8..8]).unwrap();
        let text = builder.finish(payload.to_owned());
        assert_eq!((sub.start, sub.end), (8, 13), "no copy: the span is where the string is");
        assert_eq!(text.get(sub), "alice");
        assert_eq!(text.get(unescaped), "a\"b");
        assert_eq!(text.get(empty_in_place), "");
        assert_eq!(text.text, format!("{payload}a\"b"), "the payload, then what was appended");
    }

    #[test]
    fn a_string_that_only_overlaps_the_payload_is_copied() {
        let buffer = String::from("0123456789");
        let (payload, after) = buffer.split_at(5);
        let mut builder = TextBuilder::over(payload);
        let across = builder.push(&buffer[3..7]).unwrap();
        let beyond = builder.push(after).unwrap();
        let text = builder.finish(payload.to_owned());
        assert_eq!((text.get(across), text.get(beyond)), ("3456", "56789"));
        assert_eq!(across.start, 5, "appended after the payload");
    }
}
