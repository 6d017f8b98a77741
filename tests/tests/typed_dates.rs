//! `chrono` and `time` values at ECS `date` fields (features `chrono`, `time`): written
//! as UTC RFC 3339 with milliseconds, whatever their offset, like a `SystemTime`.
#![cfg(feature = "dates")]

use std::time::{Duration, SystemTime};

use ecsctx::testing::capture;
use ecsctx::{bind, event};

#[test]
fn chrono_and_time_values_are_dates() {
    let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_796_540_400_123);
    let utc: chrono::DateTime<chrono::Utc> = at.into();
    let kuwait = utc.with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap());
    let odt = time::OffsetDateTime::from(at).to_offset(time::macros::offset!(+3));
    let lines = capture(|| {
        bind!(event.ingested = odt);
        event!(
            info,
            "settlement_received",
            event.created = kuwait,
            event.start = utc,
            event.end = at
        );
    });
    let e = &lines[0]["event"];
    let want = "2026-12-06T07:00:00.123Z";
    assert_eq!(e["created"], want, "{e}");
    assert_eq!(e["start"], want);
    assert_eq!(e["end"], want);
    assert_eq!(e["ingested"], want);
}
