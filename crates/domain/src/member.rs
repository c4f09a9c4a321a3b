//! The member record: validation of what a person typed, and the values derived from it.

use serde::Deserialize;
use time::Date;

use crate::bands::{Category, ETHNICITIES, Education, Status};
use crate::date::{self, past_date, years_before, years_between};
use crate::error::Errors;
use crate::id_number::{Gender, IdNumber};
use crate::{FieldError, phone};

/// Thresholds of the member rules; defaults from DOMAIN.md, changeable per deployment.
#[derive(Debug, Clone, Copy)]
pub struct MemberRules {
    /// Minimum age on the day of joining.
    pub min_join_age: i32,
    /// Longest name accepted (some minority names are long).
    pub max_name_chars: usize,
}

impl Default for MemberRules {
    fn default() -> Self {
        Self {
            min_join_age: 18,
            max_name_chars: 30,
        }
    }
}

/// A member form as typed: every field is text, as a browser or a spreadsheet sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberInput {
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: String,
    pub education: String,
    pub category: String,
    pub join_date: String,
    pub confirm_date: String,
    pub status: String,
    pub flowing: bool,
}

/// A member that passed every rule that needs no database.
#[derive(Debug, Clone)]
pub struct MemberDraft {
    pub name: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub birth_date: Date,
    pub id_number: IdNumber,
    pub phone: Option<String>,
    pub education: Education,
    pub category: Category,
    pub join_date: Date,
    pub confirm_date: Option<Date>,
    pub status: Status,
    pub flowing: bool,
}

pub fn check_person_name(name: &str, rules: &MemberRules) -> Result<String, FieldError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(FieldError::new("name", "required", "请填写姓名"));
    }
    if len > rules.max_name_chars {
        return Err(FieldError::new(
            "name",
            "too_long",
            format!("姓名不能超过 {} 个字", rules.max_name_chars),
        ));
    }
    if name.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        return Err(FieldError::new(
            "name",
            "invalid_character",
            "姓名不能含数字或不可见字符",
        ));
    }
    Ok(name.to_string())
}

/// One of the 56 ethnic groups; blank is 汉族, as on most forms.
pub fn check_ethnicity(text: &str) -> Result<String, FieldError> {
    let ethnicity = text.trim();
    if ethnicity.is_empty() {
        Ok("汉族".to_string())
    } else if ETHNICITIES.contains(&ethnicity) {
        Ok(ethnicity.to_string())
    } else {
        Err(FieldError::new(
            "ethnicity",
            "invalid_choice",
            "民族应为 56 个民族之一，如“汉族”",
        ))
    }
}

pub(crate) fn pick<T>(
    field: &'static str,
    label: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, "required", format!("请选择{label}")));
    }
    parse(text)
        .ok_or_else(|| FieldError::new(field, "invalid_choice", format!("{label}不在可选范围内")))
}

impl MemberInput {
    /// Checks every field and their agreement with each other; reports all problems at once.
    pub fn validate(
        &self,
        today: Date,
        rules: &MemberRules,
    ) -> Result<MemberDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let name = errs.take(check_person_name(&self.name, rules));
        let id = errs.take(IdNumber::parse(&self.id_number, today));

        // Birth date and gender may be left blank: the ID number then supplies them.
        let birth_date = if self.birth_date.trim().is_empty() {
            id.as_ref().map(IdNumber::birth_date)
        } else {
            errs.take(past_date("birth_date", "出生日期", &self.birth_date, today))
        };
        let gender = if self.gender.trim().is_empty() {
            id.as_ref().map(IdNumber::gender)
        } else {
            errs.take(pick("gender", "性别", &self.gender, Gender::parse))
        };
        if let (Some(id), Some(b)) = (&id, birth_date)
            && id.birth_date() != b
        {
            errs.push(FieldError::new(
                "birth_date",
                "id_mismatch",
                "出生日期与身份证号码不一致",
            ));
        }
        if let (Some(id), Some(g)) = (&id, gender)
            && id.gender() != g
        {
            errs.push(FieldError::new(
                "gender",
                "id_mismatch",
                "性别与身份证号码不一致",
            ));
        }

        let ethnicity = errs.take(check_ethnicity(&self.ethnicity));
        let phone = if self.phone.trim().is_empty() {
            Some(None)
        } else {
            errs.take(phone::parse_mobile(&self.phone).map(Some))
        };
        let education = errs.take(pick("education", "学历", &self.education, Education::parse));
        let category = errs.take(pick(
            "category",
            "人员类别",
            &self.category,
            Category::parse,
        ));
        let status = errs.take(pick("status", "党员状态", &self.status, Status::parse));

        let join_date = errs.take(past_date("join_date", "入党日期", &self.join_date, today));
        if let (Some(j), Some(b)) = (join_date, birth_date)
            && j < years_before(b, -rules.min_join_age)
        {
            errs.push(FieldError::new(
                "join_date",
                "too_young",
                format!("入党时应年满 {} 周岁", rules.min_join_age),
            ));
        }
        let confirm_date = if self.confirm_date.trim().is_empty() {
            None
        } else {
            errs.take(past_date(
                "confirm_date",
                "转正日期",
                &self.confirm_date,
                today,
            ))
        };
        match (status, confirm_date) {
            (Some(Status::Full), None) if !errs.has("confirm_date") => errs.push(FieldError::new(
                "confirm_date",
                "required",
                "正式党员请填写转正日期",
            )),
            (Some(Status::Probationary), Some(_)) => errs.push(FieldError::new(
                "confirm_date",
                "not_confirmed",
                "预备党员尚未转正，转正日期应留空",
            )),
            _ => {}
        }
        if let (Some(j), Some(c)) = (join_date, confirm_date)
            && c < j
        {
            errs.push(FieldError::new(
                "confirm_date",
                "before_join",
                "转正日期不能早于入党日期",
            ));
        }

        errs.into_result()?;
        match (
            name, id, birth_date, gender, ethnicity, phone, education, category, status, join_date,
        ) {
            (
                Some(name),
                Some(id_number),
                Some(birth_date),
                Some(gender),
                Some(ethnicity),
                Some(phone),
                Some(education),
                Some(category),
                Some(status),
                Some(join_date),
            ) => Ok(MemberDraft {
                name,
                gender,
                ethnicity,
                birth_date,
                id_number,
                phone,
                education,
                category,
                join_date,
                confirm_date,
                status,
                flowing: self.flowing,
            }),
            // Every `None` above recorded an error, so this arm is unreachable in practice;
            // answering with a generic error keeps it honest rather than panicking.
            _ => Err(vec![FieldError::new("name", "invalid", "表单内容不完整")]),
        }
    }
}

/// 党龄: whole years since confirmation as a full member; a probationary member has none yet.
pub fn party_age(confirm_date: Option<Date>, today: Date) -> Option<i32> {
    confirm_date.map(|c| years_between(c, today))
}

pub fn age(birth_date: Date, today: Date) -> i32 {
    years_between(birth_date, today)
}

/// The days of the years in which people reach `min_years` to `max_years` this year: the
/// bounds of a band counted by year, as the statistics count it (age or party age reached
/// in `this_year`), so that a list filtered by a band counts what the chart showed.
pub fn year_range(
    min_years: i32,
    max_years: Option<i32>,
    this_year: i32,
) -> (Option<String>, String) {
    let from = max_years.map(|m| format!("{:04}-01-01", this_year - m));
    let to = format!("{:04}-12-31", this_year - min_years);
    (from, to)
}

pub fn format_date(d: Date) -> String {
    date::format(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn good() -> MemberInput {
        MemberInput {
            name: "王建国".into(),
            gender: "male".into(),
            ethnicity: "汉族".into(),
            birth_date: "1985-03-17".into(),
            id_number: "500102198503170013".into(),
            phone: "13800138000".into(),
            education: "bachelor".into(),
            category: "in_service".into(),
            join_date: "2008-07-01".into(),
            confirm_date: "2009-07-01".into(),
            status: "full".into(),
            flowing: false,
        }
    }

    fn codes(input: MemberInput) -> Vec<(&'static str, &'static str)> {
        input
            .validate(TODAY, &MemberRules::default())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_member_passes() {
        let d = good().validate(TODAY, &MemberRules::default()).unwrap();
        assert_eq!(d.gender, Gender::Male);
        assert_eq!(party_age(d.confirm_date, TODAY), Some(17));
    }

    #[test]
    fn blank_birth_date_and_gender_come_from_the_id() {
        let d = MemberInput {
            birth_date: "".into(),
            gender: "".into(),
            ..good()
        }
        .validate(TODAY, &MemberRules::default())
        .unwrap();
        assert_eq!(d.birth_date, date!(1985 - 03 - 17));
    }

    #[test]
    fn disagreements_with_the_id_are_reported() {
        let errs = codes(MemberInput {
            gender: "female".into(),
            birth_date: "1985-03-18".into(),
            ..good()
        });
        assert!(errs.contains(&("gender", "id_mismatch")));
        assert!(errs.contains(&("birth_date", "id_mismatch")));
    }

    #[test]
    fn too_young_to_join() {
        let errs = codes(MemberInput {
            join_date: "2003-03-16".into(),
            ..good()
        });
        assert_eq!(errs, vec![("join_date", "too_young")]);
        assert!(
            MemberInput {
                join_date: "2003-03-17".into(),
                ..good()
            }
            .validate(TODAY, &MemberRules::default())
            .is_ok()
        );
    }

    #[test]
    fn status_and_confirmation_agree() {
        assert_eq!(
            codes(MemberInput {
                confirm_date: "".into(),
                ..good()
            }),
            vec![("confirm_date", "required")]
        );
        assert_eq!(
            codes(MemberInput {
                status: "probationary".into(),
                ..good()
            }),
            vec![("confirm_date", "not_confirmed")]
        );
        assert_eq!(
            codes(MemberInput {
                confirm_date: "2007-01-01".into(),
                ..good()
            }),
            vec![("confirm_date", "before_join")]
        );
    }

    #[test]
    fn names_empty_or_huge_fail() {
        assert_eq!(
            codes(MemberInput {
                name: "".into(),
                ..good()
            }),
            vec![("name", "required")]
        );
        assert_eq!(
            codes(MemberInput {
                name: "王".repeat(10_000),
                ..good()
            }),
            vec![("name", "too_long")]
        );
    }

    #[test]
    fn year_range_counts_by_year() {
        assert_eq!(
            year_range(31, Some(40), 2026),
            (Some("1986-01-01".into()), "1995-12-31".into())
        );
        assert_eq!(year_range(71, None, 2026), (None, "1955-12-31".into()));
    }
}
