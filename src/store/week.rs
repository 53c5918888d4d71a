//! ISO 8601 weeks and dates of Unix seconds (UTC), through the `jiff` date
//! library (the calendar is not ours to write).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

const DAY: i64 = 86_400;

pub const WEEK: i64 = 7 * DAY;

/// The UTC calendar day of a time (the epoch for a time out of range, which
/// the database never holds: its times are the scans' own clocks).
fn day(t: i64) -> Date {
    Timestamp::from_second(t)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(TimeZone::UTC)
        .date()
}

/// Monday 00:00 UTC of the week containing `t`.
pub fn week_start(t: i64) -> i64 {
    let days = t.div_euclid(DAY);
    let monday_offset = i64::from(day(t).weekday().to_monday_zero_offset());
    (days - monday_offset) * DAY
}

/// `2026-W07` for the week containing `t`.
pub fn iso_week(t: i64) -> String {
    let w = day(t).iso_week_date();
    format!("{}-W{:02}", w.year(), w.week())
}

/// `2026-02-09` for a time.
pub fn date(t: i64) -> String {
    day(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i16, m: i8, d: i8) -> i64 {
        jiff::civil::date(y, m, d)
            .to_zoned_datetime(TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second()
    }

    #[test]
    fn iso_weeks() {
        // 2021-01-03 (Sunday) belongs to 2020-W53; 2021-01-04 is 2021-W01.
        let t = at(2021, 1, 3);
        assert_eq!(iso_week(t), "2020-W53");
        assert_eq!(iso_week(t + DAY), "2021-W01");
        assert_eq!(date(week_start(t + DAY)), "2021-01-04");
        assert_eq!(date(week_start(t)), "2020-12-28");
        assert_eq!(iso_week(at(2026, 11, 23)), "2026-W48");
        // Times before 1970 and within a day.
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(at(2024, 2, 29) + DAY - 1), "2024-02-29");
    }
}
