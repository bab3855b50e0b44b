//! Where the string claims live: one buffer per token, and the spans of each claim in it.
//!
//! Parsing copies every string claim it keeps into one buffer sized for the payload, instead of
//! one `String` each: a Cognito access token has a dozen string claims, and their allocations
//! (and frees when the claims are dropped) were a visible part of the cost of a verification.

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

/// The string claims of one token, back to back, and the members of its array claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Text {
    text: Box<str>,
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

/// Builds a [`Text`] while a payload is parsed.
pub(crate) struct TextBuilder {
    text: String,
    lists: Vec<Span>,
}

/// More string bytes than a span can address (never for a token under the size limit).
#[derive(Debug)]
pub(crate) struct TooLong;

impl TextBuilder {
    /// A builder for the string claims of a payload of `payload_len` bytes: their unescaped
    /// strings together never take more, so the buffer is allocated once.
    pub(crate) fn for_payload(payload_len: usize) -> Self {
        TextBuilder { text: String::with_capacity(payload_len), lists: Vec::new() }
    }

    /// Keep `s`.
    pub(crate) fn push(&mut self, s: &str) -> Result<Span, TooLong> {
        let start = u32::try_from(self.text.len()).map_err(|_| TooLong)?;
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).map_err(|_| TooLong)?;
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

    pub(crate) fn finish(self) -> Text {
        Text { text: self.text.into_boxed_str(), lists: self.lists.into_boxed_slice() }
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
