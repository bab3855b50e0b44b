//! [`decode_into`]: a segment decoded into the caller's stack buffer when it is small enough.

/// Decode `unpadded` with `engine` into `inline` when the bytes fit (every header of a real
/// token), else into `heap`; the decoded bytes, or `None` when `unpadded` is not valid for
/// `engine`. The buffers are the caller's, so nothing is moved: saves an allocation per token,
/// and a copy of the buffer on every call.
pub(crate) fn decode_into<'b>(
    engine: &base64_simd::Base64,
    unpadded: &[u8],
    inline: &'b mut [u8],
    heap: &'b mut Vec<u8>,
) -> Option<&'b [u8]> {
    let len = engine.decoded_length(unpadded).ok()?;
    match inline.get_mut(..len) {
        Some(out) => engine.decode(unpadded, base64_simd::Out::from_slice(out)).ok().map(|decoded| &*decoded),
        None => {
            *heap = engine.decode_to_vec(unpadded).ok()?;
            Some(heap.as_slice())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGINE: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

    fn decode<const N: usize>(unpadded: &[u8]) -> Option<(Vec<u8>, bool)> {
        let (mut inline, mut heap) = ([0u8; N], Vec::new());
        let decoded = decode_into(&ENGINE, unpadded, &mut inline, &mut heap)?.to_vec();
        Some((decoded, !heap.is_empty()))
    }

    #[test]
    fn small_segments_stay_inline_and_large_ones_move_to_the_heap() {
        assert_eq!(decode::<8>(b"YWJjZA"), Some((b"abcd".to_vec(), false)));
        assert_eq!(decode::<3>(b"YWJjZA"), Some((b"abcd".to_vec(), true)));
        assert_eq!(decode::<4>(b"YWJj"), Some((b"abc".to_vec(), false)));
    }

    #[test]
    fn invalid_base64url_is_refused_inline_and_on_the_heap() {
        for bad in [&b"YWJjZB"[..], b"YWJjZA==", b"Y", b"ab+/"] {
            assert!(decode::<64>(bad).is_none(), "{bad:?}");
            assert!(decode::<0>(bad).is_none(), "{bad:?}");
        }
    }
}
