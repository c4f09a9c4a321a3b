//! The thresholds of cadre work, kept by the district as data (defaults from DOMAIN.md §9).

use serde::{Deserialize, Serialize};

use super::resident::ResidentRules;
use super::talent::TalentRules;
use crate::FieldError;

/// What the district may change; every field has its default, so a stored set written
/// before a field existed still reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CadreRules {
    /// A village committee's term (years); an election sets the end.
    pub term_years: i32,
    /// The coming end of a term is reminded this many months before.
    pub term_reminder_months: i32,
    /// Oldest a secretary or a committee director may be on the day of the vote.
    pub head_max_age: i32,
    /// Oldest any other member of the two committees may be.
    pub member_max_age: i32,
    /// Reserve cadres a village should have when it sets no target of its own.
    pub reserve_target: i64,
    /// Why the county's joint vetting (县级联审) may refuse a candidate: the list refusals
    /// choose from.
    pub vetting_reasons: Vec<String>,
    /// First secretaries and resident work teams.
    pub residents: ResidentRules,
    /// Talents: studios' minimums and share of 优秀, the programme's cycle, the work a
    /// promotion is recognised for.
    pub talents: TalentRules,
}

impl Default for CadreRules {
    fn default() -> Self {
        CadreRules {
            term_years: 5,
            term_reminder_months: 6,
            head_max_age: 60,
            member_max_age: 65,
            reserve_target: 3,
            vetting_reasons: [
                "受过刑事处罚",
                "存在村霸或涉黑涉恶问题",
                "参与邪教组织",
                "违法违纪正在接受调查",
                "被列为失信被执行人",
                "组织审查其他不宜人选情形",
            ]
            .map(String::from)
            .to_vec(),
            residents: ResidentRules::default(),
            talents: TalentRules::default(),
        }
    }
}

impl CadreRules {
    /// Checks values a district could mistype.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if !(1..=10).contains(&self.term_years) {
            errs.push(FieldError::new(
                "term_years",
                "out_of_range",
                "任期应为 1–10 年",
            ));
        }
        if !(1..=24).contains(&self.term_reminder_months) {
            errs.push(FieldError::new(
                "term_reminder_months",
                "out_of_range",
                "提前提醒月数应为 1–24",
            ));
        }
        for (field, age) in [
            ("head_max_age", self.head_max_age),
            ("member_max_age", self.member_max_age),
        ] {
            if !(30..=80).contains(&age) {
                errs.push(FieldError::new(
                    field,
                    "out_of_range",
                    "年龄上限应为 30–80 岁",
                ));
            }
        }
        if !(0..=50).contains(&self.reserve_target) {
            errs.push(FieldError::new(
                "reserve_target",
                "out_of_range",
                "后备力量目标应为 0–50 人",
            ));
        }
        let reasons: Vec<&str> = self.vetting_reasons.iter().map(|r| r.trim()).collect();
        if reasons.is_empty()
            || reasons
                .iter()
                .any(|r| r.is_empty() || r.chars().count() > 50)
            || (1..reasons.len()).any(|i| reasons[..i].contains(&reasons[i]))
        {
            errs.push(FieldError::new(
                "vetting_reasons",
                "invalid",
                "联审不通过原因至少一条，每条 1–50 字，不能重复",
            ));
        }
        errs.extend(self.residents.validate());
        errs.extend(self.talents.validate());
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// The oldest a holder of this post may be.
    pub fn max_age(&self, heads: bool) -> i32 {
        if heads {
            self.head_max_age
        } else {
            self.member_max_age
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_mistypes_are_named() {
        assert!(CadreRules::default().validate().is_ok());
        let bad = CadreRules {
            term_years: 0,
            head_max_age: 200,
            vetting_reasons: vec!["村霸".into(), "村霸".into()],
            ..Default::default()
        };
        let fields: Vec<&str> = bad
            .validate()
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["term_years", "head_max_age", "vetting_reasons"]);
    }

    #[test]
    fn a_stored_set_missing_fields_reads_with_defaults() {
        let r: CadreRules = serde_json::from_str(r#"{"term_years": 3}"#).unwrap();
        assert_eq!(r.term_years, 3);
        assert_eq!(r.reserve_target, 3);
    }
}
