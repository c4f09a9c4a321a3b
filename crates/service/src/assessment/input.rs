//! The checks of free text and dates every assessment form shares, each refusal naming its
//! field in Chinese.

use dangjian_domain::date;
use time::Date;

use crate::{ServiceError, ServiceResult};

/// Required text, trimmed, at most `max` characters.
pub(crate) fn text(
    value: &str,
    field: &'static str,
    what: &str,
    max: usize,
) -> ServiceResult<String> {
    let t = value.trim();
    if t.is_empty() {
        return Err(ServiceError::field(
            field,
            "required",
            format!("请填写{what}"),
        ));
    }
    if t.chars().count() > max {
        return Err(ServiceError::field(
            field,
            "too_long",
            format!("{what}不能超过 {max} 字"),
        ));
    }
    Ok(t.to_string())
}

/// A required date, `YYYY-MM-DD`.
pub(crate) fn day(value: &str, field: &'static str, what: &str) -> ServiceResult<Date> {
    if value.trim().is_empty() {
        return Err(ServiceError::field(
            field,
            "required",
            format!("请填写{what}"),
        ));
    }
    date::parse(value)
        .ok_or_else(|| ServiceError::field(field, "invalid_date", format!("{what}应为 YYYY-MM-DD")))
}
