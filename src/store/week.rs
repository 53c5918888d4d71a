//! ISO 8601 weeks from Unix seconds (UTC), without a date library.

const DAY: i64 = 86_400;

/// (year, month, day) of a day number since 1970-01-01 (H. Hinnant's algorithm).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
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

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Monday 00:00 UTC of the week containing `t`.
pub fn week_start(t: i64) -> i64 {
    let days = t.div_euclid(DAY);
    let weekday = (days + 3).rem_euclid(7); // Monday = 0; 1970-01-01 was a Thursday
    (days - weekday) * DAY
}

/// `2026-W07` for the week containing `t`.
pub fn iso_week(t: i64) -> String {
    let days = t.div_euclid(DAY);
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let (year, _, _) = civil(thursday);
    let jan1 = days_from_civil(year, 1, 1);
    let week = (thursday - jan1) / 7 + 1;
    format!("{year}-W{week:02}")
}

/// `2026-02-09` for a time.
pub fn date(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

pub const WEEK: i64 = 7 * DAY;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        // 2021-01-03 (Sunday) belongs to 2020-W53; 2021-01-04 is 2021-W01.
        let t = days_from_civil(2021, 1, 3) * DAY;
        assert_eq!(iso_week(t), "2020-W53");
        assert_eq!(iso_week(t + DAY), "2021-W01");
        assert_eq!(date(week_start(t + DAY)), "2021-01-04");
        assert_eq!(iso_week(days_from_civil(2026, 11, 23) * DAY), "2026-W48");
    }
}
