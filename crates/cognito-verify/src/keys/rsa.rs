//! The limits an RSA public key must meet to be used: checked when the JWK is parsed, so a key
//! outside them is unusable from the start rather than failing each signature check.

/// Smallest modulus accepted, in bits (NIST SP 800-131A; Cognito's keys are 2048 bits).
const MIN_MODULUS_BITS: usize = 2048;
/// Largest modulus accepted, in bits: a bound on the cost of one signature check.
const MAX_MODULUS_BITS: usize = 8192;
/// Largest public exponent accepted (2^32): larger ones are no standard choice and slow.
const MAX_EXPONENT: u64 = 1 << 32;

/// The modulus `n` (big-endian) is 2048 to 8192 bits long, and odd (a product of two odd
/// primes): refused here with one reason whichever crypto backend would have refused it.
pub(super) fn check_modulus(n: &[u8]) -> Result<(), &'static str> {
    let bits = significant_bits(n);
    if bits < MIN_MODULUS_BITS {
        return Err("RSA modulus is below 2048 bits");
    }
    if bits > MAX_MODULUS_BITS {
        return Err("RSA modulus is above 8192 bits");
    }
    if n.last().is_none_or(|low| low % 2 == 0) {
        return Err("RSA modulus is even");
    }
    Ok(())
}

/// The public exponent `e` (big-endian) is odd, above 1 and at most 2^32. With `e = 1` every
/// message is its own signature; an even `e` is no RSA key.
pub(super) fn check_exponent(e: &[u8]) -> Result<(), &'static str> {
    let significant =
        e.iter().position(|&byte| byte != 0).and_then(|first| e.get(first..)).unwrap_or_default();
    if significant.len() > 8 {
        return Err("RSA exponent is above 2^32");
    }
    let value = significant.iter().fold(0u64, |value, &byte| (value << 8) | u64::from(byte));
    if value > MAX_EXPONENT {
        return Err("RSA exponent is above 2^32");
    }
    if value <= 1 {
        return Err("RSA exponent is 0 or 1");
    }
    if value % 2 == 0 {
        return Err("RSA exponent is even");
    }
    Ok(())
}

/// The length of a big-endian unsigned integer in bits, leading zeros not counted.
fn significant_bits(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&byte| byte != 0) {
        None => 0,
        Some(first) => {
            let leading = bytes.get(first).map_or(0, |byte| byte.leading_zeros() as usize);
            (bytes.len() - first) * 8 - leading
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modulus(bits: usize) -> Vec<u8> {
        let mut n = vec![0xff; bits.div_ceil(8)];
        if let Some(first) = n.first_mut() {
            *first >>= (8 - bits % 8) % 8;
        }
        n
    }

    #[test]
    fn modulus_sizes_from_2048_to_8192_bits_are_accepted() {
        assert_eq!(significant_bits(&modulus(2047)), 2047);
        assert_eq!(significant_bits(&[0, 0, 1]), 1);
        assert_eq!(check_modulus(&modulus(2047)), Err("RSA modulus is below 2048 bits"));
        assert_eq!(check_modulus(&modulus(2048)), Ok(()));
        assert_eq!(check_modulus(&modulus(8192)), Ok(()));
        assert_eq!(check_modulus(&modulus(8193)), Err("RSA modulus is above 8192 bits"));
        assert_eq!(check_modulus(&[]), Err("RSA modulus is below 2048 bits"));
        let mut even = modulus(2048);
        if let Some(low) = even.last_mut() {
            *low = 0xfe;
        }
        assert_eq!(check_modulus(&even), Err("RSA modulus is even"));
    }

    #[test]
    fn exponents_must_be_odd_above_one_and_at_most_two_to_the_32() {
        assert_eq!(check_exponent(&[1, 0, 1]), Ok(()));
        assert_eq!(check_exponent(&[3]), Ok(()));
        assert_eq!(check_exponent(&[0xff, 0xff, 0xff, 0xff]), Ok(()));
        assert_eq!(check_exponent(&[1]), Err("RSA exponent is 0 or 1"));
        assert_eq!(check_exponent(&[0, 1]), Err("RSA exponent is 0 or 1"));
        assert_eq!(check_exponent(&[]), Err("RSA exponent is 0 or 1"));
        assert_eq!(check_exponent(&[1, 0, 0]), Err("RSA exponent is even"));
        assert_eq!(check_exponent(&[1, 0, 0, 0, 0]), Err("RSA exponent is even"));
        assert_eq!(check_exponent(&[1, 0, 0, 0, 0x0f]), Err("RSA exponent is above 2^32"));
        assert_eq!(check_exponent(&[1; 9]), Err("RSA exponent is above 2^32"));
    }
}
