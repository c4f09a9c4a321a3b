//! The period a work report covers: a year (`2026`), a quarter (`2026-Q1`) or a month
//! (`2026-03`), the months it spans, and the period before it to compare with.

/// A report's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

impl Period {
    /// `2026`, `2026-Q1` (or `2026-q1`) or `2026-03`; years 2000–2100.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| {
            y.parse::<i32>()
                .ok()
                .filter(|y| y.to_string().len() == 4 && (2000..=2100).contains(y))
        };
        if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Period::Quarter(year(y)?, q));
        }
        if let Some((y, m)) = s.split_once('-') {
            let m: u8 = m
                .parse()
                .ok()
                .filter(|m| (1..=12).contains(m) && s.len() == 7)?;
            return Some(Period::Month(year(y)?, m));
        }
        year(s).map(Period::Year)
    }

    /// The month before the one `today` lies in: the last whose figures are complete.
    pub fn last_ended_month(today: time::Date) -> Period {
        let m = u8::from(today.month());
        if m == 1 {
            Period::Month(today.year() - 1, 12)
        } else {
            Period::Month(today.year(), m - 1)
        }
    }

    /// The first and last month, `YYYY-MM`.
    pub fn months(self) -> (String, String) {
        let (y, first, last) = match self {
            Period::Year(y) => (y, 1, 12),
            Period::Quarter(y, q) => (y, q * 3 - 2, q * 3),
            Period::Month(y, m) => (y, m, m),
        };
        (format!("{y:04}-{first:02}"), format!("{y:04}-{last:02}"))
    }

    /// The first and last day, `YYYY-MM-DD`.
    pub fn days(self) -> (String, String) {
        let (from, to) = self.months();
        let last_day = crate::life::month_start(&to)
            .and_then(|d| crate::date::add_months(d, 1).previous_day())
            .map(crate::date::format)
            .unwrap_or_else(|| format!("{to}-31"));
        (format!("{from}-01"), last_day)
    }

    /// The period of the same length just before.
    pub fn previous(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
        }
    }

    /// As typed: `2026`, `2026-Q1`, `2026-03`.
    pub fn key(self) -> String {
        match self {
            Period::Year(y) => format!("{y:04}"),
            Period::Quarter(y, q) => format!("{y:04}-Q{q}"),
            Period::Month(y, m) => format!("{y:04}-{m:02}"),
        }
    }

    /// As a report names it: 2026 年, 2026 年第一季度, 2026 年 3 月.
    pub fn label(self) -> String {
        match self {
            Period::Year(y) => format!("{y} 年"),
            Period::Quarter(y, q) => {
                format!("{y} 年第{}季度", QUARTERS[usize::from(q - 1)])
            }
            Period::Month(y, m) => format!("{y} 年 {m} 月"),
        }
    }

    /// 月报, 季报 or 年报.
    pub fn report_name(self) -> &'static str {
        match self {
            Period::Year(_) => "年报",
            Period::Quarter(..) => "季报",
            Period::Month(..) => "月报",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_step_back() {
        assert_eq!(Period::parse("2026"), Some(Period::Year(2026)));
        assert_eq!(Period::parse(" 2026-Q1 "), Some(Period::Quarter(2026, 1)));
        assert_eq!(Period::parse("2026-03"), Some(Period::Month(2026, 3)));
        for bad in [
            "",
            "26",
            "2026-13",
            "2026-Q5",
            "2026-3",
            "1999",
            "二〇二六",
            "2026-00",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::Month(2026, 1).previous(), Period::Month(2025, 12));
        assert_eq!(
            Period::Quarter(2026, 1).previous(),
            Period::Quarter(2025, 4)
        );
        assert_eq!(Period::Year(2026).previous(), Period::Year(2025));
        assert_eq!(
            Period::Quarter(2026, 2).months(),
            ("2026-04".into(), "2026-06".into())
        );
        assert_eq!(
            Period::Month(2024, 2).days(),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            Period::Year(2026).days(),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        assert_eq!(Period::Quarter(2026, 3).label(), "2026 年第三季度");
        for p in [
            Period::Year(2026),
            Period::Quarter(2026, 4),
            Period::Month(2026, 11),
        ] {
            assert_eq!(Period::parse(&p.key()), Some(p));
        }
        let jan = time::Date::from_calendar_date(2027, time::Month::January, 5).expect("day");
        assert_eq!(Period::last_ended_month(jan), Period::Month(2026, 12));
    }
}
