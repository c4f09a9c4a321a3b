//! A volunteer activity: its category, its start and length, and the minutes a volunteer
//! may be credited for it (never more than it lasted).

use crate::FieldError;

crate::labelled_enum! {
    /// What an activity serves.
    Category {
        Civic = "civic" / "文明城区创建",
        Epidemic = "epidemic" / "疫情防控",
        Elderly = "elderly" / "助老",
        Children = "children" / "关爱未成年人",
        Environment = "environment" / "生态环保",
        Emergency = "emergency" / "应急救援",
        Other = "other" / "其他",
    }
}

crate::labelled_enum! {
    /// Where an activity stands: taking sign-ups, its hours confirmed, or called off.
    ActivityState {
        Open = "open" / "报名中",
        Closed = "closed" / "已确认时长",
        Cancelled = "cancelled" / "已取消",
    }
}

/// The longest activity credited in one record: a day.
pub const MAX_MINUTES: i64 = 24 * 60;

/// A start time typed `HH:MM`.
pub fn parse_start(text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    let ok = t.len() == 5
        && t.as_bytes()[2] == b':'
        && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && t[3..].parse::<u8>().is_ok_and(|m| m < 60)
        && t.bytes().filter(u8::is_ascii_digit).count() == 4;
    if ok {
        Ok(t.to_string())
    } else {
        Err(FieldError::new(
            "starts_at",
            "invalid_time",
            "开始时间格式应为 时:分，如 09:00",
        ))
    }
}

/// An activity's length in minutes: at least a quarter of an hour, at most a day.
pub fn check_length(minutes: i64) -> Result<i64, FieldError> {
    if (15..=MAX_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(FieldError::new(
            "minutes",
            "out_of_range",
            "活动时长应为 15 分钟至 24 小时",
        ))
    }
}

/// Minutes credited to one volunteer: none (absent) up to the activity's length.
pub fn check_served(minutes: i64, activity_minutes: i64) -> Result<i64, FieldError> {
    if minutes < 0 {
        return Err(FieldError::new(
            "minutes",
            "out_of_range",
            "服务时长不能为负数",
        ));
    }
    if minutes > activity_minutes {
        return Err(FieldError::new(
            "minutes",
            "longer_than_activity",
            format!(
                "服务时长不能超过活动时长（{}）",
                hours_text(activity_minutes)
            ),
        ));
    }
    Ok(minutes)
}

/// Minutes as people read them: "2 小时 30 分钟", "3 小时", "45 分钟".
pub fn hours_text(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} 分钟"),
        (h, 0) => format!("{h} 小时"),
        (h, m) => format!("{h} 小时 {m} 分钟"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_are_hours_and_minutes() {
        assert_eq!(parse_start(" 09:30 ").as_deref(), Ok("09:30"));
        for bad in ["9:30", "24:00", "09:60", "0930", "ab:cd", "09:3x", ""] {
            assert!(parse_start(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn served_minutes_stay_within_the_activity() {
        assert_eq!(check_served(120, 120), Ok(120));
        assert_eq!(check_served(0, 120), Ok(0));
        let e = check_served(121, 120).expect_err("longer");
        assert_eq!((e.field, e.code), ("minutes", "longer_than_activity"));
        assert!(e.message.contains("2 小时"), "{}", e.message);
        assert!(check_served(-1, 120).is_err());
    }

    #[test]
    fn lengths_are_bounded_and_read_as_hours() {
        assert!(check_length(14).is_err());
        assert!(check_length(MAX_MINUTES + 1).is_err());
        assert_eq!(check_length(90), Ok(90));
        assert_eq!(hours_text(150), "2 小时 30 分钟");
        assert_eq!(hours_text(180), "3 小时");
        assert_eq!(hours_text(45), "45 分钟");
        assert_eq!(Category::parse("疫情防控"), Some(Category::Epidemic));
    }
}
