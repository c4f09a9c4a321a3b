//! A person who is not (yet) a member: a cadre, a reserve cadre, a talent. The same identity
//! rules as members, and the least data: name, ID number (which gives birth date and
//! gender), ethnic group, education, an optional mobile.

use serde::Deserialize;
use time::Date;

use crate::bands::Education;
use crate::error::Errors;
use crate::id_number::{Gender, IdNumber};
use crate::member::{MemberRules, check_ethnicity, check_person_name, pick};
use crate::{FieldError, phone};

/// A person as a form gives them.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonInput {
    pub name: String,
    /// 18 characters, check character verified; birth date and gender are read from it.
    pub id_number: String,
    /// Optional mainland mobile.
    pub phone: String,
    /// Code or label of the education band (小学及以下 … 研究生).
    pub education: String,
    /// Blank is 汉族.
    pub ethnicity: String,
}

/// A person that passed every rule needing no database.
#[derive(Debug, Clone)]
pub struct PersonDraft {
    pub name: String,
    pub id_number: IdNumber,
    pub gender: Gender,
    pub birth_date: Date,
    pub ethnicity: String,
    pub education: Education,
    pub phone: Option<String>,
}

impl PersonInput {
    /// Checks every field; reports all problems at once.
    pub fn validate(
        &self,
        today: Date,
        rules: &MemberRules,
    ) -> Result<PersonDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let name = errs.take(check_person_name(&self.name, rules));
        let id = errs.take(IdNumber::parse(&self.id_number, today));
        let ethnicity = errs.take(check_ethnicity(&self.ethnicity));
        let education = errs.take(pick("education", "学历", &self.education, Education::parse));
        let phone = if self.phone.trim().is_empty() {
            Some(None)
        } else {
            errs.take(phone::parse_mobile(&self.phone).map(Some))
        };
        errs.into_result()?;
        match (name, id, ethnicity, education, phone) {
            (Some(name), Some(id), Some(ethnicity), Some(education), Some(phone)) => {
                Ok(PersonDraft {
                    name,
                    gender: id.gender(),
                    birth_date: id.birth_date(),
                    id_number: id,
                    ethnicity,
                    education,
                    phone,
                })
            }
            _ => Err(vec![FieldError::new("name", "invalid", "人员信息不完整")]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn birth_and_gender_come_from_the_id_number() {
        let p = PersonInput {
            name: "张三".into(),
            id_number: "500102198503170013".into(),
            education: "本科".into(),
            ..Default::default()
        };
        let d = p
            .validate(date!(2026 - 12 - 07), &MemberRules::default())
            .unwrap();
        assert_eq!(d.birth_date, date!(1985 - 03 - 17));
        assert_eq!(d.gender, Gender::Male);
        assert_eq!(d.ethnicity, "汉族");
        assert_eq!(d.phone, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let p = PersonInput {
            name: "".into(),
            id_number: "500102198503170012".into(),
            phone: "12345".into(),
            education: "博士后".into(),
            ethnicity: "火星族".into(),
        };
        let errs = p
            .validate(date!(2026 - 12 - 07), &MemberRules::default())
            .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        for f in ["name", "id_number", "phone", "education", "ethnicity"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }
}
