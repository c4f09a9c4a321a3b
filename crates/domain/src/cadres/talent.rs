//! Talents (人才): the "百千万" programme's lines with three-year targets, talent records with
//! their category and line, promotions of cadres with the work they were recognised for, and
//! mentor studios (人才导师工作室) with their apprentices and yearly assessment
//! (DOMAIN.md §9; thresholds in [`TalentRules`]).

use serde::{Deserialize, Serialize};

use crate::FieldError;

crate::labelled_enum!(
    /// A line of the "百千万" programme.
    Line {
        Doctor = "doctor" / "博士",
        InnovationTeam = "innovation_team" / "创新团队",
        Master = "master" / "硕士",
        InnovationTalent = "innovation_talent" / "创新人才",
        IndustrySkill = "industry_skill" / "产业技能人才",
        RuralRevival = "rural_revival" / "乡村振兴人才",
    }
);

crate::labelled_enum!(
    /// What kind of talent a record is.
    Category {
        HighEnd = "high_end" / "高端人才",
        HighSkill = "high_skill" / "高技能人才",
        Professional = "professional" / "专业技术人才",
        Rural = "rural" / "乡村实用人才",
    }
);

crate::labelled_enum!(
    /// How the district came by a talent.
    Origin {
        Introduced = "introduced" / "引进",
        Cultivated = "cultivated" / "培育",
    }
);

crate::labelled_enum!(
    /// A studio's yearly grade.
    StudioGrade {
        Excellent = "excellent" / "优秀",
        Qualified = "qualified" / "合格",
        Failed = "failed" / "不合格",
    }
);

/// The district's thresholds for talent work, kept as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TalentRules {
    /// Apprentices a studio should train in a year.
    pub studio_min_apprentices: i64,
    /// Apprentices a studio should bring to high skill in a year.
    pub studio_min_graduates: i64,
    /// The largest share of studios graded 优秀 in a year, in percent.
    pub studio_excellent_percent: i64,
    /// A studio's cycle in years.
    pub studio_cycle_years: i32,
    /// Years a master whose studio failed may not open another.
    pub studio_barred_years: i32,
    /// The length of a programme cycle in years.
    pub programme_cycle_years: i32,
    /// The work cadres are promoted for, the list a promotion chooses from.
    pub recognised_work: Vec<String>,
}

impl Default for TalentRules {
    fn default() -> Self {
        TalentRules {
            studio_min_apprentices: 10,
            studio_min_graduates: 3,
            studio_excellent_percent: 20,
            studio_cycle_years: 3,
            studio_barred_years: 6,
            programme_cycle_years: 3,
            recognised_work: [
                "脱贫攻坚一线",
                "疫情防控一线",
                "乡村振兴一线",
                "重大项目一线",
                "基层治理一线",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// A studio's year as its records show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudioYear {
    pub apprentices: i64,
    pub graduates: i64,
}

impl TalentRules {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut check = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                errs.push(FieldError::new(field, "out_of_range", message));
            }
        };
        check(
            (1..=200).contains(&self.studio_min_apprentices),
            "talents.studio_min_apprentices",
            "每年带徒人数下限应为 1–200",
        );
        check(
            (0..=self.studio_min_apprentices).contains(&self.studio_min_graduates),
            "talents.studio_min_graduates",
            "每年培养高技能人才下限应为 0 至带徒下限",
        );
        check(
            (0..=100).contains(&self.studio_excellent_percent),
            "talents.studio_excellent_percent",
            "优秀比例应为 0–100%",
        );
        check(
            (1..=10).contains(&self.studio_cycle_years),
            "talents.studio_cycle_years",
            "工作室周期应为 1–10 年",
        );
        check(
            (0..=20).contains(&self.studio_barred_years),
            "talents.studio_barred_years",
            "不得再申报年限应为 0–20 年",
        );
        check(
            (1..=10).contains(&self.programme_cycle_years),
            "talents.programme_cycle_years",
            "计划周期应为 1–10 年",
        );
        let work: Vec<&str> = self.recognised_work.iter().map(|w| w.trim()).collect();
        if work.is_empty()
            || work.iter().any(|w| w.is_empty() || w.chars().count() > 30)
            || (1..work.len()).any(|i| work[..i].contains(&work[i]))
        {
            errs.push(FieldError::new(
                "talents.recognised_work",
                "invalid",
                "提拔所凭工作至少一项，每项 1–30 字，不能重复",
            ));
        }
        errs
    }

    /// What a studio's year falls short of: apprentices, graduates (each at least 0).
    pub fn shortfall(&self, y: StudioYear) -> (i64, i64) {
        (
            (self.studio_min_apprentices - y.apprentices).max(0),
            (self.studio_min_graduates - y.graduates).max(0),
        )
    }

    /// The best grade a studio's year allows: 优秀 only with no shortfall; 不合格 when it
    /// trained fewer than half the apprentices it should.
    pub fn best_grade(&self, y: StudioYear) -> StudioGrade {
        let (a, g) = self.shortfall(y);
        if y.apprentices * 2 < self.studio_min_apprentices {
            StudioGrade::Failed
        } else if a == 0 && g == 0 {
            StudioGrade::Excellent
        } else {
            StudioGrade::Qualified
        }
    }

    /// A grade for a studio's year: none better than the records allow.
    pub fn check_grade(&self, grade: StudioGrade, y: StudioYear) -> Result<(), FieldError> {
        let best = self.best_grade(y);
        if grade < best {
            return Err(FieldError::new(
                "grade",
                "records",
                format!(
                    "本年度带徒 {} 人、培养高技能人才 {} 人，等次最高为“{}”",
                    y.apprentices,
                    y.graduates,
                    best.label()
                ),
            ));
        }
        Ok(())
    }

    /// The most studios of the `assessed` (those open in the year) that may be graded 优秀.
    pub fn excellent_cap(&self, assessed: i64) -> i64 {
        assessed * self.studio_excellent_percent / 100
    }

    /// Whether one more 优秀 fits, with `excellent` given already among `assessed` studios.
    pub fn check_excellent_share(&self, excellent: i64, assessed: i64) -> Result<(), FieldError> {
        let cap = self.excellent_cap(assessed);
        if excellent + 1 > cap {
            return Err(FieldError::new(
                "grade",
                "excellent_share",
                format!(
                    "优秀不超过当年运行工作室的 {}%：本年度运行 {assessed} 个，最多 {cap} 个优秀，已评 {excellent} 个",
                    self.studio_excellent_percent
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(apprentices: i64, graduates: i64) -> StudioYear {
        StudioYear {
            apprentices,
            graduates,
        }
    }

    #[test]
    fn a_studio_year_is_graded_by_its_records() {
        let r = TalentRules::default();
        assert_eq!(r.best_grade(y(12, 3)), StudioGrade::Excellent);
        assert_eq!(r.best_grade(y(10, 3)), StudioGrade::Excellent);
        assert_eq!(r.best_grade(y(9, 3)), StudioGrade::Qualified);
        assert_eq!(r.best_grade(y(12, 2)), StudioGrade::Qualified);
        assert_eq!(r.best_grade(y(4, 3)), StudioGrade::Failed);
        assert_eq!(r.best_grade(y(12, 0)), StudioGrade::Qualified);
        assert_eq!(r.shortfall(y(8, 1)), (2, 2));
        assert!(r.check_grade(StudioGrade::Qualified, y(12, 3)).is_ok());
        assert_eq!(
            r.check_grade(StudioGrade::Excellent, y(9, 3))
                .unwrap_err()
                .code,
            "records"
        );
    }

    #[test]
    fn at_most_a_fifth_of_studios_are_excellent() {
        let r = TalentRules::default();
        assert_eq!(r.excellent_cap(104), 20);
        assert_eq!(r.excellent_cap(4), 0);
        assert!(r.check_excellent_share(19, 104).is_ok());
        assert_eq!(
            r.check_excellent_share(20, 104).unwrap_err().code,
            "excellent_share"
        );
    }

    #[test]
    fn mistyped_rules_are_named() {
        assert!(TalentRules::default().validate().is_empty());
        let bad = TalentRules {
            studio_min_graduates: 50,
            recognised_work: vec![],
            ..TalentRules::default()
        };
        let fields: Vec<&str> = bad.validate().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["talents.studio_min_graduates", "talents.recognised_work"]
        );
    }
}
