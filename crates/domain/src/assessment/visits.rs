//! Visits to a leader's contact point: the year's expected visits spread evenly over its
//! quarters, so that a point falling behind is seen at a quarter's turn, not in December.

use time::Date;

/// The visits a point should have had in its year by `on`: the share of `expected_per_year`
/// for the quarters already over.
pub fn due_by(expected_per_year: i64, on: Date) -> i64 {
    let quarters_over = (i64::from(u8::from(on.month())) - 1) / 3;
    expected_per_year * quarters_over / 4
}

/// The quarter `on` falls in, 1 to 4.
pub fn quarter(on: Date) -> u8 {
    (u8::from(on.month()) - 1) / 3 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn nothing_is_due_in_the_first_quarter_and_a_share_after_each() {
        assert_eq!(due_by(4, date!(2026 - 01 - 01)), 0);
        assert_eq!(due_by(4, date!(2026 - 03 - 31)), 0);
        assert_eq!(due_by(4, date!(2026 - 04 - 01)), 1);
        assert_eq!(due_by(4, date!(2026 - 09 - 30)), 2);
        assert_eq!(due_by(4, date!(2026 - 12 - 31)), 3);
        assert_eq!(due_by(8, date!(2026 - 07 - 01)), 4);
        assert_eq!(quarter(date!(2026 - 03 - 31)), 1);
        assert_eq!(quarter(date!(2026 - 10 - 01)), 4);
    }
}
