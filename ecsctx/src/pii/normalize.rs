//! Normalization before tokenizing, matching the Python reference's `str` semantics.
//!
//! - `email`: `value.strip().lower()`
//! - `phone`: `re.sub(r'[^\d+]', '', value)`, then a `+` is put in front when the
//!   left-stripped input started with one and the result does not.
//! - anything else: `value.strip()`
//!
//! Python's `str.strip()` removes what `str.isspace()` calls whitespace: Unicode
//! `White_Space` plus U+001C..U+001F. `str.lower()` is the full Unicode lowercase mapping
//! (Rust's `str::to_lowercase` is the same mapping, final sigma included). `\d` is a Unicode
//! decimal digit (general category `Nd`), not Rust's broader `char::is_numeric`.

use std::borrow::Cow;

/// Python's `str.isspace()`.
#[inline]
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
#[inline]
pub(crate) fn py_strip(s: &str) -> &str {
    if !edges_may_be_space(s) {
        return s;
    }
    s.trim_matches(is_py_space)
}

/// Whether `s` is empty or may start or end with whitespace (Python's or Rust's): every
/// ASCII whitespace byte is at most `0x20`, and non-ASCII needs a look at its character.
#[inline]
pub(crate) fn edges_may_be_space(s: &str) -> bool {
    let b = s.as_bytes();
    let graphic = |c: Option<&u8>| c.is_some_and(|&c| (0x21..0x7f).contains(&c));
    !(graphic(b.first()) && graphic(b.last()))
}

/// Unicode general category `Nd` (what `\d` matches in a Python `str` pattern).
///
/// Ranges up to Unicode 16; each range is one script's ten digits (a few are longer).
static ND_RANGES: &[(u32, u32)] = &[
    (0x30, 0x39),
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19D9),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10D30, 0x10D39),
    (0x10D40, 0x10D49),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x116D0, 0x116E3),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11BF0, 0x11BF9),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x11F50, 0x11F59),
    (0x16130, 0x16139),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x16D70, 0x16D79),
    (0x1CCF0, 0x1CCF9),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E4F0, 0x1E4F9),
    (0x1E5F1, 0x1E5FA),
    (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

/// Whether `c` is a Unicode decimal digit (category `Nd`).
#[inline]
pub(crate) fn is_decimal_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    decimal_value(c).is_some()
}

/// The value of a Unicode decimal digit (every `Nd` range is made of 0..=9 blocks).
#[inline]
pub(crate) fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let c = c as u32;
    let i = ND_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .ok()?;
    Some((c - ND_RANGES[i].0) % 10)
}

/// Normalizes `value` for `field_type` exactly like the Python reference.
pub(crate) fn normalize<'a>(value: &'a str, field_type: &str) -> Cow<'a, str> {
    match field_type {
        "email" => {
            let s = py_strip(value);
            if s.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                Cow::Owned(s.to_lowercase())
            } else {
                Cow::Borrowed(s)
            }
        }
        "phone" => {
            let mut d = String::with_capacity(value.len() + 1);
            for c in value.chars() {
                if c == '+' || is_decimal_digit(c) {
                    d.push(c);
                }
            }
            if value.trim_start_matches(is_py_space).starts_with('+') && !d.starts_with('+') {
                d.insert(0, '+');
            }
            Cow::Owned(d)
        }
        _ => Cow::Borrowed(py_strip(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_semantics() {
        assert_eq!(normalize("\tMIXED@Case.Org\n", "email"), "mixed@case.org");
        assert_eq!(
            normalize("KELVIN\u{212a}@example.com", "email"),
            "kelvink@example.com"
        );
        assert_eq!(
            normalize("Stra\u{df}e@Example.DE", "email"),
            "stra\u{df}e@example.de"
        );
        assert_eq!(normalize("\u{200b}z@e.com", "email"), "\u{200b}z@e.com");
        assert_eq!(normalize("\u{1c}\u{1d}sep\u{1e}\u{1f}", "generic"), "sep");
        assert_eq!(normalize("  + 965 5555", "phone"), "+9655555");
        assert_eq!(
            normalize("ext 123: +1-555-0100 x42", "phone"),
            "123+1555010042"
        );
        assert_eq!(
            normalize("+\u{669}\u{666} \u{661}", "phone"),
            "+\u{669}\u{666}\u{661}"
        );
        assert_eq!(normalize("  Mixed@X.com ", "EMAIL"), "Mixed@X.com");
    }

    #[test]
    fn nd_table_is_sorted_and_disjoint() {
        for w in ND_RANGES.windows(2) {
            assert!(w[0].1 < w[1].0);
        }
        assert!(is_decimal_digit('\u{0663}'));
        assert!(!is_decimal_digit('\u{00b2}')); // superscript two is No, not Nd
        assert!(!is_decimal_digit('\u{2155}'));
    }
}
