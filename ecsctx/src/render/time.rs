//! `@timestamp`: UTC RFC 3339 with milliseconds, `2025-01-13T10:30:00.123Z`.
//!
//! The `YYYY-MM-DDTHH:MM:SS.` prefix is cached per thread and rebuilt once a second.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    static PREFIX: Cell<(u64, [u8; 20])> = const { Cell::new((u64::MAX, [0; 20])) };
}

/// Writes the quoted timestamp of `t` (times before 1970 are written as the epoch).
#[inline]
pub(crate) fn write_timestamp(out: &mut Vec<u8>, t: SystemTime) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (cached, mut prefix) = PREFIX.get();
    if cached != secs {
        prefix = format_prefix(secs);
        PREFIX.set((secs, prefix));
    }
    let mut ts = [b'"'; 26];
    ts[1..25].copy_from_slice(&stamp(&prefix, d.subsec_millis()));
    out.extend_from_slice(&ts);
}

/// `t` as UTC RFC 3339 with milliseconds, unquoted (times before 1970 as the epoch).
pub(crate) fn rfc3339(t: SystemTime) -> [u8; 24] {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    stamp(&format_prefix(d.as_secs()), d.subsec_millis())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` from its prefix and the milliseconds.
#[inline]
fn stamp(prefix: &[u8; 20], millis: u32) -> [u8; 24] {
    let mut ts = [0u8; 24];
    ts[..20].copy_from_slice(prefix);
    ts[20] = b'0' + (millis / 100) as u8;
    ts[21] = b'0' + (millis / 10 % 10) as u8;
    ts[22] = b'0' + (millis % 10) as u8;
    ts[23] = b'Z';
    ts
}

/// `YYYY-MM-DDTHH:MM:SS.` for `secs` since the epoch.
pub(crate) fn format_prefix(secs: u64) -> [u8; 20] {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem / 60 % 60, rem % 60);
    let mut p = [0u8; 20];
    let y = y.clamp(0, 9999) as u64;
    put(&mut p[0..4], y, 4);
    p[4] = b'-';
    put(&mut p[5..7], m as u64, 2);
    p[7] = b'-';
    put(&mut p[8..10], d as u64, 2);
    p[10] = b'T';
    put(&mut p[11..13], hh, 2);
    p[13] = b':';
    put(&mut p[14..16], mm, 2);
    p[16] = b':';
    put(&mut p[17..19], ss, 2);
    p[19] = b'.';
    p
}

fn put(dst: &mut [u8], mut v: u64, width: usize) {
    for i in (0..width).rev() {
        dst[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ts(secs: u64, millis: u32) -> String {
        let mut o = Vec::new();
        write_timestamp(
            &mut o,
            UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis as u64),
        );
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn known_instants() {
        assert_eq!(ts(0, 0), "\"1970-01-01T00:00:00.000Z\"");
        assert_eq!(ts(1_736_764_200, 123), "\"2025-01-13T10:30:00.123Z\"");
        // Leap day and end of a leap year.
        assert_eq!(ts(951_782_400, 7), "\"2000-02-29T00:00:00.007Z\"");
        assert_eq!(ts(1_735_689_599, 999), "\"2024-12-31T23:59:59.999Z\"");
        // The per-thread cache must not leak the previous second.
        assert_eq!(ts(1_735_689_600, 1), "\"2025-01-01T00:00:00.001Z\"");
    }
}
