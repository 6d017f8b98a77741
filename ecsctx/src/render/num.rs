//! Numbers on stack buffers (`itoa`, `ryu`); values JSON cannot hold become strings.

/// Any integer, in decimal.
#[inline]
pub(crate) fn write_int<I: itoa::Integer>(out: &mut Vec<u8>, v: I) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Finite floats as shortest round-trip numbers; NaN and infinities as the strings
/// `"NaN"`, `"inf"`, `"-inf"` (serde_json would write `null`, losing the information).
#[inline]
pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        if !write_short_decimal(out, v) {
            out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
        }
    } else if v.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
    } else if v > 0.0 {
        out.extend_from_slice(b"\"inf\"");
    } else {
        out.extend_from_slice(b"\"-inf\"");
    }
}

/// Writes `v` as `int.frac` with at most three decimals when that text reads back as
/// exactly `v` (latencies, amounts, rates — most logged floats); `false` otherwise, and for
/// magnitudes where `ryu` would choose an exponent. Several times cheaper than `ryu`.
///
/// Exactness: `n / 10^k` computed in `f64` is the correctly rounded quotient, and so is
/// parsing the text `n·10^-k`; when the quotient equals `v`, the text reads back as `v`.
/// The smallest such `k` is tried first, so the text is as short as `ryu`'s.
#[inline]
fn write_short_decimal(out: &mut Vec<u8>, v: f64) -> bool {
    const POW: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
    // Below 1e9 every `n` stays far under 2^53; -0.0 and tiny values go to `ryu`.
    if !(v.abs() < 1e9 && v.abs() >= 1e-3) {
        return false;
    }
    for (k, &p) in POW.iter().enumerate() {
        let scaled = v * p;
        // |scaled| < 1e12: the cast is exact for integers (and cheaper than `trunc`, a
        // libm call on baseline x86-64).
        let n = scaled as i64;
        if n as f64 != scaled {
            continue;
        }
        if n as f64 / p != v {
            return false;
        }
        let mut digits = itoa::Buffer::new();
        let text = digits.format(n.unsigned_abs()).as_bytes();
        if n < 0 {
            out.push(b'-');
        }
        if k == 0 {
            out.extend_from_slice(text);
            out.extend_from_slice(b".0");
        } else {
            // `586.330` (found at k = 3 because 586.33 × 100 is not exact) is `586.33`.
            let zeros = text
                .iter()
                .rev()
                .take(k)
                .take_while(|&&b| b == b'0')
                .count();
            let (text, k) = (&text[..text.len() - zeros], k - zeros);
            if text.len() > k {
                let (int, frac) = text.split_at(text.len() - k);
                out.extend_from_slice(int);
                out.push(b'.');
                out.extend_from_slice(frac);
            } else {
                out.extend_from_slice(b"0.");
                out.extend(std::iter::repeat(b'0').take(k - text.len()));
                out.extend_from_slice(text);
            }
        }
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut o = Vec::new();
        write_f64(&mut o, v);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn floats() {
        assert_eq!(f(12.5), "12.5");
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(f64::NAN), "\"NaN\"");
        assert_eq!(f(f64::INFINITY), "\"inf\"");
        assert_eq!(f(f64::NEG_INFINITY), "\"-inf\"");
        assert_eq!(serde_json::from_str::<f64>(&f(1e300)).unwrap(), 1e300);
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(0.05), "0.05");
        assert_eq!(f(-12.125), "-12.125");
    }

    /// The short-decimal path writes what `ryu` writes, wherever it applies.
    #[test]
    fn short_decimals_equal_ryu() {
        let mut rng = crate::render::test_support::Rng(0x2545_f491_4f6c_dd1d);
        let mut rnd = || rng.next();
        let mut taken = 0;
        for i in 0..200_000u64 {
            let v = match i % 4 {
                // Decimals with up to 4 places (4 places must fall back to ryu).
                0 => {
                    (rnd() % 2_000_000_000) as f64
                        / [1.0, 10.0, 100.0, 1000.0, 10000.0][(rnd() % 5) as usize]
                }
                1 => -((rnd() % 100_000) as f64) / 100.0,
                // Arbitrary bit patterns (mostly not short).
                2 => f64::from_bits(rnd()),
                _ => (rnd() % 1000) as f64 * 0.1,
            };
            if !v.is_finite() {
                continue;
            }
            let mut ours = Vec::new();
            if write_short_decimal(&mut ours, v) {
                taken += 1;
                assert_eq!(
                    std::str::from_utf8(&ours).unwrap(),
                    ryu::Buffer::new().format_finite(v),
                    "{v:e}"
                );
            }
        }
        assert!(
            taken > 100_000,
            "the fast path applies to short decimals ({taken})"
        );
    }
}
