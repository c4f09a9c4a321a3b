//! Non-public enterprises and social organizations (非公企业和社会组织): the register with its
//! credit codes, the two coverages, and the thresholds of the people who reach them
//! (instructors, leaders who look after enterprises, factory liaisons), kept as data
//! (defaults from DOMAIN.md §9).

pub mod coverage;
pub mod credit_code;
pub mod helpers;

use serde::{Deserialize, Serialize};

use crate::FieldError;

crate::labelled_enum! {
    /// What a registered unit is.
    UnitKind {
        Enterprise = "enterprise" / "非公企业",
        SocialOrg = "social_org" / "社会组织",
    }
}

crate::labelled_enum! {
    /// Size by the national statistics classification.
    Size {
        Large = "large" / "大型",
        Medium = "medium" / "中型",
        Small = "small" / "小型",
        Micro = "micro" / "微型",
    }
}

crate::labelled_enum! {
    /// How a unit's party organization is set up: its own (单独组建), a joint one shared with
    /// other units (联合组建), or none yet.
    OrgSetup {
        Own = "own" / "单独组建",
        Joint = "joint" / "联合组建",
        None = "none" / "未建立",
    }
}

/// What the district may change; every field has its default, so a stored set written
/// before a field existed still reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EnterpriseRules {
    /// Units one joint organization may cover.
    pub joint_max: i64,
    /// Enterprises an instructor looks after, about.
    pub instructor_units: i64,
    /// An instructor's term (years).
    pub instructor_term_years: i64,
    /// Days a month an instructor should spend on site.
    pub instructor_min_days: i64,
    /// Visits a quarter a leader who looks after an enterprise should make.
    pub leader_visits_per_quarter: i64,
    /// The industries a unit is registered under.
    pub industries: Vec<String>,
}

impl Default for EnterpriseRules {
    fn default() -> Self {
        EnterpriseRules {
            joint_max: 10,
            instructor_units: 3,
            instructor_term_years: 2,
            instructor_min_days: 10,
            leader_visits_per_quarter: 1,
            industries: [
                "农林牧渔业",
                "制造业",
                "建筑业",
                "批发和零售业",
                "交通运输、仓储和邮政业",
                "住宿和餐饮业",
                "信息传输、软件和信息技术服务业",
                "租赁和商务服务业",
                "居民服务和其他服务业",
                "教育、卫生和社会工作",
                "文化、体育和娱乐业",
                "其他",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl EnterpriseRules {
    /// Checks values a district could mistype.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut check = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                errs.push(FieldError::new(field, "out_of_range", message));
            }
        };
        check(
            (2..=50).contains(&self.joint_max),
            "joint_max",
            "联合党组织覆盖单位数应为 2–50 个",
        );
        check(
            (1..=50).contains(&self.instructor_units),
            "instructor_units",
            "每名指导员联系的单位数应为 1–50 个",
        );
        check(
            (1..=10).contains(&self.instructor_term_years),
            "instructor_term_years",
            "指导员任期应为 1–10 年",
        );
        check(
            (0..=31).contains(&self.instructor_min_days),
            "instructor_min_days",
            "指导员每月驻企天数应为 0–31 天",
        );
        check(
            (0..=13).contains(&self.leader_visits_per_quarter),
            "leader_visits_per_quarter",
            "包企业领导每季度走访次数应为 0–13 次",
        );
        check(
            !self.industries.is_empty() && self.industries.iter().all(|i| !i.trim().is_empty()),
            "industries",
            "行业列表不能为空，也不能有空项",
        );
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// A joint organization already covering `covered` units may take one more.
    pub fn check_joint(&self, covered: i64) -> Result<(), FieldError> {
        if covered >= self.joint_max {
            return Err(FieldError::new(
                "party_org_id",
                "joint_full",
                format!(
                    "该联合党组织已覆盖 {covered} 个单位，最多 {} 个",
                    self.joint_max
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_mistakes_are_named() {
        assert_eq!(EnterpriseRules::default().validate(), Ok(()));
        let bad = EnterpriseRules {
            joint_max: 1,
            industries: vec![" ".into()],
            ..EnterpriseRules::default()
        };
        let fields: Vec<&str> = bad
            .validate()
            .expect_err("two mistakes")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["joint_max", "industries"]);
    }

    #[test]
    fn a_joint_organization_takes_up_to_its_maximum() {
        let r = EnterpriseRules::default();
        assert!(r.check_joint(9).is_ok());
        let e = r.check_joint(10).expect_err("full");
        assert_eq!((e.field, e.code), ("party_org_id", "joint_full"));
    }

    #[test]
    fn choices_read_codes_and_labels() {
        assert_eq!(UnitKind::parse("社会组织"), Some(UnitKind::SocialOrg));
        assert_eq!(Size::parse("micro"), Some(Size::Micro));
        assert_eq!(OrgSetup::parse("联合组建"), Some(OrgSetup::Joint));
        assert_eq!(OrgSetup::parse("其他"), None);
    }
}
