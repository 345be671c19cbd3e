//! BK-JOB's default job name (`快速执行脚本_yyyyMMddHHmmssSSS` / `Script Execution_…`) and
//! the calendar arithmetic behind it.
//!
//! Separate because it does not validate anything: the form's default-name button fills it
//! in, and the stand-in server names a job sent without `task_name` with it. It is the
//! crate's only date arithmetic (no clock, no time zone database).

use crate::lang::Lang;

/// BK-JOB's default job name: zh `快速执行脚本_yyyyMMddHHmmssSSS`, en
/// `Script Execution_yyyyMMddHHmmssSSS`. `now_ms_local` is milliseconds since the Unix epoch
/// *already shifted to local time* (the crate has no clock and no time zone database).
pub fn default_task_name(lang: Lang, now_ms_local: i64) -> String {
    let ms = now_ms_local.rem_euclid(1000);
    let secs = now_ms_local.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}_{y:04}{m:02}{d:02}{:02}{:02}{:02}{ms:03}",
        lang.pick("快速执行脚本", "Script Execution"),
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (era-based arithmetic).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        // 2025-01-01 12:00:00.123
        let ms = 1_735_732_800_123;
        assert_eq!(
            default_task_name(Lang::ZhCn, ms),
            "快速执行脚本_20250101120000123"
        );
        assert_eq!(
            default_task_name(Lang::En, ms),
            "Script Execution_20250101120000123"
        );
        assert_eq!(
            default_task_name(Lang::En, 0),
            "Script Execution_19700101000000000"
        );
        assert_eq!(
            default_task_name(Lang::En, -1),
            "Script Execution_19691231235959999"
        );
        // Leap day.
        assert_eq!(
            default_task_name(Lang::En, 951_782_400_000),
            "Script Execution_20000229000000000"
        );
    }
}
