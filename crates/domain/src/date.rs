//! Calendar dates as the store keeps them: `YYYY-MM-DD` text.

use time::{Date, Month, format_description::FormatItem, macros::format_description};

use crate::FieldError;

const FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

pub fn parse(text: &str) -> Option<Date> {
    Date::parse(text.trim(), FORMAT).ok()
}

pub fn format(d: Date) -> String {
    // The format has no fallible parts for dates in years 0..=9999.
    d.format(FORMAT).unwrap_or_default()
}

/// The local date in Chongqing (UTC+8) of an instant in milliseconds since 1970.
pub fn local_date_of_ms(ms: i64) -> Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(offset).date())
        .unwrap_or(Date::MIN)
}

/// `YYYY-MM-DD HH:MM:SS` of an instant in Chongqing (UTC+8), as a screen shows when its
/// figures were read.
pub fn local_time_of_ms(ms: i64) -> String {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(offset))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{} {:02}:{:02}:{:02}",
        format(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYY-MM` of an instant, in local time: the key monthly counters are kept under.
pub fn month_of_ms(ms: i64) -> String {
    let d = local_date_of_ms(ms);
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// A required date field that must not lie after `today`.
pub fn past_date(
    field: &'static str,
    label: &str,
    text: &str,
    today: Date,
) -> Result<Date, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required", format!("请填写{label}")));
    }
    let d = parse(text).ok_or_else(|| {
        FieldError::new(
            field,
            "invalid_date",
            format!("{label}格式应为 年-月-日，如 2021-07-01"),
        )
    })?;
    if d > today {
        return Err(FieldError::new(
            field,
            "future_date",
            format!("{label}不能晚于今天"),
        ));
    }
    if d.year() < 1900 {
        return Err(FieldError::new(
            field,
            "too_old",
            format!("{label}不能早于 1900 年"),
        ));
    }
    Ok(d)
}

/// Whole years from `from` to `on`, counting a year only once its anniversary is reached.
pub fn years_between(from: Date, on: Date) -> i32 {
    let mut years = on.year() - from.year();
    if (on.month() as u8, on.day()) < (from.month() as u8, from.day()) {
        years -= 1;
    }
    years.max(0)
}

/// The same day `months` months later (earlier when negative); a day the month lacks falls
/// back to its last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(d: Date, months: i32) -> Date {
    let index = d.year() * 12 + i32::from(d.month() as u8) - 1 + months;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(m).unwrap_or(1)).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, y);
    Date::from_calendar_date(y, month, d.day().min(last)).unwrap_or(d)
}

/// The date `years` years before `on`; 29 February falls back to the 28th.
pub fn years_before(on: Date, years: i32) -> Date {
    let y = on.year() - years;
    Date::from_calendar_date(y, on.month(), on.day())
        .or_else(|_| Date::from_calendar_date(y, Month::February, 28))
        .unwrap_or(on)
}

/// The instant (milliseconds since 1970) a local day begins in Chongqing (UTC+8).
pub fn start_ms(d: Date) -> i64 {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    d.midnight().assume_offset(offset).unix_timestamp() * 1000
}

/// Whole months from `from` to `on`, a month counted once its day is reached.
pub fn months_between(from: Date, on: Date) -> i32 {
    let mut months = (on.year() - from.year()) * 12 + i32::from(on.month() as u8)
        - i32::from(from.month() as u8);
    if on.day() < from.day() {
        months -= 1;
    }
    months.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_instant_reads_in_chongqing_time() {
        // 2026-12-07 16:30:05 UTC is half past midnight the next day in Chongqing.
        assert_eq!(local_time_of_ms(1_796_661_005_000), "2026-12-08 00:30:05");
    }

    #[test]
    fn months_are_added_with_month_ends_kept() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 15), 3), date!(2027 - 02 - 15));
        assert_eq!(add_months(date!(2026 - 03 - 31), -1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 05 - 10), 12), date!(2027 - 05 - 10));
    }

    #[test]
    fn years_between_counts_anniversaries() {
        assert_eq!(
            years_between(date!(2000 - 03 - 17), date!(2020 - 03 - 16)),
            19
        );
        assert_eq!(
            years_between(date!(2000 - 03 - 17), date!(2020 - 03 - 17)),
            20
        );
        assert_eq!(
            years_between(date!(2020 - 03 - 17), date!(2000 - 03 - 17)),
            0
        );
    }

    #[test]
    fn past_date_rejects_future_and_garbage() {
        let today = date!(2026 - 11 - 26);
        assert!(past_date("d", "日期", "2026-11-26", today).is_ok());
        assert_eq!(
            past_date("d", "日期", "2026-11-27", today)
                .unwrap_err()
                .code,
            "future_date"
        );
        assert_eq!(
            past_date("d", "日期", "2026-02-30", today)
                .unwrap_err()
                .code,
            "invalid_date"
        );
        assert_eq!(
            past_date("d", "日期", "", today).unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn leap_day_anniversary() {
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 1),
            date!(2023 - 02 - 28)
        );
    }

    #[test]
    fn instants_fall_on_local_dates() {
        // 2026-01-31 16:00 UTC is 2026-02-01 00:00 in Chongqing.
        let ms = 1_769_875_200_000;
        assert_eq!(format(local_date_of_ms(ms)), "2026-02-01");
        assert_eq!(month_of_ms(ms), "2026-02");
        assert_eq!(month_of_ms(ms - 1), "2026-01");
    }

    #[test]
    fn months_between_counts_whole_months() {
        let d = |s| parse(s).expect("date");
        assert_eq!(months_between(d("2026-08-15"), d("2026-12-06")), 3);
        assert_eq!(months_between(d("2026-08-06"), d("2026-12-06")), 4);
        assert_eq!(months_between(d("2025-12-31"), d("2026-01-30")), 0);
        assert_eq!(months_between(d("2026-12-06"), d("2026-01-01")), 0);
        assert_eq!(local_date_of_ms(start_ms(d("2026-03-01"))), d("2026-03-01"));
        assert_eq!(
            local_date_of_ms(start_ms(d("2026-03-01")) - 1),
            d("2026-02-28")
        );
    }
}
