//! [`SegmentBytes`]: a decoded segment, on the stack when it is small enough.

/// The bytes of a decoded segment: inline when they fit in `N` bytes (every header and every
/// signature of an accepted key size), else on the heap. Saves an allocation per segment on
/// every fresh verification.
pub(crate) enum SegmentBytes<const N: usize> {
    Inline { buf: [u8; N], len: usize },
    Heap(Vec<u8>),
}

impl<const N: usize> SegmentBytes<N> {
    /// Decode `unpadded` with `engine`; `None` when it is not valid for it.
    pub(crate) fn decode(engine: &base64_simd::Base64, unpadded: &[u8]) -> Option<Self> {
        let len = engine.decoded_length(unpadded).ok()?;
        if len > N {
            return engine.decode_to_vec(unpadded).ok().map(SegmentBytes::Heap);
        }
        let mut buf = [0u8; N];
        let out = buf.get_mut(..len)?;
        engine.decode(unpadded, base64_simd::Out::from_slice(out)).ok()?;
        Some(SegmentBytes::Inline { buf, len })
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            SegmentBytes::Inline { buf, len } => buf.get(..*len).unwrap_or_default(),
            SegmentBytes::Heap(bytes) => bytes,
        }
    }
}

impl<const N: usize> std::fmt::Debug for SegmentBytes<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentBytes").field("len", &self.as_slice().len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGINE: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

    #[test]
    fn small_segments_stay_inline_and_large_ones_move_to_the_heap() {
        let small = SegmentBytes::<8>::decode(&ENGINE, b"YWJjZA").unwrap();
        assert!(matches!(small, SegmentBytes::Inline { len: 4, .. }));
        assert_eq!(small.as_slice(), b"abcd");
        let large = SegmentBytes::<3>::decode(&ENGINE, b"YWJjZA").unwrap();
        assert!(matches!(large, SegmentBytes::Heap(_)));
        assert_eq!(large.as_slice(), b"abcd");
        assert_eq!(SegmentBytes::<4>::decode(&ENGINE, b"YWJj").unwrap().as_slice(), b"abc");
    }

    #[test]
    fn invalid_base64url_is_refused_inline_and_on_the_heap() {
        for bad in [&b"YWJjZB"[..], b"YWJjZA==", b"Y", b"ab+/"] {
            assert!(SegmentBytes::<64>::decode(&ENGINE, bad).is_none(), "{bad:?}");
            assert!(SegmentBytes::<0>::decode(&ENGINE, bad).is_none(), "{bad:?}");
        }
    }
}
