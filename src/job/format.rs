//! Times and durations as the job view shows them (plain, tested natively).

/// Unix ms as local-agnostic `YYYY-MM-DD HH:MM:SS` (UTC offset `offset_min` applied).
pub fn format_time(ms: Option<i64>, offset_min: i32) -> String {
    let Some(ms) = ms.filter(|m| *m > 0) else {
        return "--".to_owned();
    };
    let secs = ms.div_euclid(1000) + i64::from(offset_min) * 60;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A duration in ms as `1h 2m 3.4s` / `3.4s`.
pub fn format_duration(ms: Option<i64>) -> String {
    let Some(ms) = ms.filter(|m| *m >= 0) else {
        return "--".to_owned();
    };
    let h = ms / 3_600_000;
    let m = ms % 3_600_000 / 60_000;
    let s = super::hosts::format_seconds(Some(ms % 60_000));
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(format_time(Some(0), 0), "--");
        assert_eq!(
            format_time(Some(1_700_000_000_123), 0),
            "2023-11-14 22:13:20"
        );
        assert_eq!(
            format_time(Some(1_700_000_000_123), 480),
            "2023-11-15 06:13:20"
        );
        assert_eq!(format_duration(Some(3_400)), "3.4s");
        assert_eq!(format_duration(Some(3_723_000)), "1h 2m 3s");
        assert_eq!(format_duration(None), "--");
    }
}
