//! Wall-clock values in the formats Asterisk prints them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn since_epoch(t: SystemTime) -> Duration {
    t.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// Whole seconds since the Unix epoch.
pub(crate) fn unix_secs(t: SystemTime) -> u64 {
    since_epoch(t).as_secs()
}

/// `1795385019.341631`: seconds and microseconds, as in `Ping`'s `Timestamp`.
pub(crate) fn timestamp(t: SystemTime) -> String {
    let d = since_epoch(t);
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

/// `2026-11-22T22:03:18.221+0000`, as in security events' `EventTV`.
pub(crate) fn event_tv(t: SystemTime) -> String {
    let d = since_epoch(t);
    let secs = d.as_secs();
    let (year, month, day) = civil_date(secs / 86_400);
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:03}+0000", d.subsec_millis())
}

/// Year, month and day of a count of days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `00:01:05`, as in `CoreShowChannel`'s `Duration`.
pub(crate) fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `1 minute, 5 seconds`, as the CLI prints an uptime.
pub(crate) fn uptime_text(secs: u64) -> String {
    let units = [(secs / 86_400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    let parts: Vec<String> =
        units.iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n} {unit}{}", plural(*n))).collect();
    if parts.is_empty() {
        "0 seconds".to_string()
    } else {
        parts.join(", ")
    }
}

/// `""` for one, `"s"` otherwise (Asterisk's `ESS()`).
pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_asterisk() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_385_019_341);
        assert_eq!(event_tv(t), "2026-11-22T22:03:39.341+0000");
        assert_eq!(timestamp(t), "1795385019.341000");
        assert_eq!(hms(3_725), "01:02:05");
        assert_eq!(uptime_text(30), "30 seconds");
        assert_eq!(uptime_text(61), "1 minute, 1 second");
        assert_eq!(uptime_text(0), "0 seconds");
    }
}
