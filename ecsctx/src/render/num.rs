//! Numbers on stack buffers (`itoa`, `ryu`); values JSON cannot hold become strings.

#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn write_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn write_u128(out: &mut Vec<u8>, v: u128) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn write_i128(out: &mut Vec<u8>, v: i128) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Finite floats as shortest round-trip numbers; NaN and infinities as the strings
/// `"NaN"`, `"inf"`, `"-inf"` (serde_json would write `null`, losing the information).
#[inline]
pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
    } else if v.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
    } else if v > 0.0 {
        out.extend_from_slice(b"\"inf\"");
    } else {
        out.extend_from_slice(b"\"-inf\"");
    }
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
    }
}
