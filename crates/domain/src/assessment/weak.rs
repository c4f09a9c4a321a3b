//! 软弱涣散 screening: the signals the platform already holds about an organization over the
//! past year, and which of them make it a candidate. The town proposes its list from the
//! candidates (5–10 % is the usual share: shown, never forced), the district decides.

use serde::{Deserialize, Serialize};

/// The thresholds, kept per year by the district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeakRules {
    /// A secretary post vacant longer than this many months.
    pub vacancy_months: i32,
    /// 三会一课 or 主题党日 below this share of those due is "not held" (percent).
    pub min_life_percent: i64,
    /// Villages and communities with no one recruited for this many years or more.
    pub years_without_recruit: i32,
    /// Residents' satisfaction below this (percent).
    pub min_satisfaction_percent: i64,
    /// The usual share of a town's organizations on its list (percent, from and to), shown
    /// as guidance.
    #[schema(value_type = Vec<i64>, min_items = 2, max_items = 2)]
    pub usual_share_percent: (i64, i64),
}

impl Default for WeakRules {
    fn default() -> Self {
        WeakRules {
            vacancy_months: 3,
            min_life_percent: 50,
            years_without_recruit: 2,
            min_satisfaction_percent: 60,
            usual_share_percent: (5, 10),
        }
    }
}

/// Held against due, for one kind of organizational life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HeldDue {
    pub held: i64,
    pub due: i64,
}

/// What the platform knows of one organization for the screening year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// Months the secretary post has been vacant; none while a secretary is in post.
    pub secretary_vacant_months: Option<i32>,
    pub meetings: HeldDue,
    pub theme_days: HeldDue,
    /// Whether the year's 民主评议党员 was held.
    pub review_held: bool,
    /// For villages and communities: years since someone was last recruited (none: never
    /// recorded); other organizations are not screened on recruitment.
    pub years_since_recruit: Option<Option<i32>>,
    /// Residents' satisfaction (percent), where residents rated it.
    pub satisfaction_percent: Option<i64>,
    /// Last in its town's star rating.
    pub last_in_stars: bool,
    /// Flags entered by departments (纪检, 信访, 政法…): source and note.
    pub flags: Vec<(String, String)>,
}

/// One reason an organization is a candidate, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    SecretaryVacant { months: i32 },
    MeetingsNotHeld { held: i64, due: i64 },
    ThemeDaysNotHeld { held: i64, due: i64 },
    ReviewNotHeld,
    NoRecruit { years: Option<i32> },
    LowSatisfaction { percent: i64 },
    LastInStars,
    Flagged { source: String, note: String },
}

impl Reason {
    /// The reason with its figure, in Chinese.
    pub fn describe(&self) -> String {
        match self {
            Reason::SecretaryVacant { months } => format!("书记岗位空缺 {months} 个月"),
            Reason::MeetingsNotHeld { held, due } => {
                format!("三会一课应开 {due} 次，实开 {held} 次")
            }
            Reason::ThemeDaysNotHeld { held, due } => {
                format!("主题党日应开 {due} 次，实开 {held} 次")
            }
            Reason::ReviewNotHeld => "本年度未开展民主评议党员".into(),
            Reason::NoRecruit { years: Some(y) } => format!("连续 {y} 年未发展党员"),
            Reason::NoRecruit { years: None } => "没有发展党员的记录".into(),
            Reason::LowSatisfaction { percent } => format!("群众满意度 {percent}%"),
            Reason::LastInStars => "星级评定排名末位".into(),
            Reason::Flagged { source, note } => format!("{source}：{note}"),
        }
    }
}

impl WeakRules {
    /// The reasons that make an organization a candidate; none, and it is not one.
    pub fn reasons(&self, s: &Signals) -> Vec<Reason> {
        let mut out = Vec::new();
        if let Some(months) = s.secretary_vacant_months
            && months > self.vacancy_months
        {
            out.push(Reason::SecretaryVacant { months });
        }
        let short = |h: &HeldDue| h.due > 0 && h.held * 100 < h.due * self.min_life_percent;
        if short(&s.meetings) {
            out.push(Reason::MeetingsNotHeld {
                held: s.meetings.held,
                due: s.meetings.due,
            });
        }
        if short(&s.theme_days) {
            out.push(Reason::ThemeDaysNotHeld {
                held: s.theme_days.held,
                due: s.theme_days.due,
            });
        }
        if !s.review_held {
            out.push(Reason::ReviewNotHeld);
        }
        if let Some(years) = s.years_since_recruit
            && years.is_none_or(|y| y >= self.years_without_recruit)
        {
            out.push(Reason::NoRecruit { years });
        }
        if let Some(percent) = s.satisfaction_percent
            && percent < self.min_satisfaction_percent
        {
            out.push(Reason::LowSatisfaction { percent });
        }
        if s.last_in_stars {
            out.push(Reason::LastInStars);
        }
        out.extend(s.flags.iter().map(|(source, note)| Reason::Flagged {
            source: source.clone(),
            note: note.clone(),
        }));
        out
    }
}

crate::labelled_enum!(
    /// Where an organization stands on a year's list: proposed by its town, listed or not by
    /// the district, signed off after its rectification was accepted.
    ListingState {
        Proposed = "proposed" / "镇街已推荐",
        Listed = "listed" / "已列入、整改中",
        NotListed = "not_listed" / "未列入",
        SignedOff = "signed_off" / "已验收销号",
    }
);

crate::labelled_enum!(
    /// The three lists of a rectification plan (一村一策).
    PlanList {
        Problem = "problem" / "问题清单",
        Measure = "measure" / "措施清单",
        Duty = "duty" / "责任清单",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn sound() -> Signals {
        Signals {
            secretary_vacant_months: None,
            meetings: HeldDue { held: 22, due: 24 },
            theme_days: HeldDue { held: 12, due: 12 },
            review_held: true,
            years_since_recruit: Some(Some(1)),
            satisfaction_percent: Some(92),
            last_in_stars: false,
            flags: vec![],
        }
    }

    #[test]
    fn a_sound_organization_is_no_candidate() {
        assert_eq!(WeakRules::default().reasons(&sound()), vec![]);
    }

    #[test]
    fn each_signal_at_its_threshold() {
        let r = WeakRules::default();
        let with = |f: &dyn Fn(&mut Signals)| {
            let mut s = sound();
            f(&mut s);
            r.reasons(&s)
        };
        assert_eq!(with(&|s| s.secretary_vacant_months = Some(3)), vec![]);
        assert_eq!(
            with(&|s| s.secretary_vacant_months = Some(4)),
            vec![Reason::SecretaryVacant { months: 4 }]
        );
        assert_eq!(
            with(&|s| s.meetings = HeldDue { held: 12, due: 24 }),
            vec![]
        );
        assert_eq!(
            with(&|s| s.meetings = HeldDue { held: 11, due: 24 }),
            vec![Reason::MeetingsNotHeld { held: 11, due: 24 }]
        );
        assert_eq!(
            with(&|s| s.theme_days = HeldDue::default()),
            vec![],
            "nothing due"
        );
        assert_eq!(
            with(&|s| s.review_held = false),
            vec![Reason::ReviewNotHeld]
        );
        assert_eq!(
            with(&|s| s.years_since_recruit = Some(Some(2))),
            vec![Reason::NoRecruit { years: Some(2) }]
        );
        assert_eq!(
            with(&|s| s.years_since_recruit = Some(None)),
            vec![Reason::NoRecruit { years: None }]
        );
        assert_eq!(
            with(&|s| s.years_since_recruit = None),
            vec![],
            "not a village"
        );
        assert_eq!(with(&|s| s.satisfaction_percent = Some(60)), vec![]);
        assert_eq!(
            with(&|s| s.satisfaction_percent = Some(59)),
            vec![Reason::LowSatisfaction { percent: 59 }]
        );
        let flagged = with(&|s| s.flags = vec![("信访".into(), "重复信访 3 件".into())]);
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0].describe(), "信访：重复信访 3 件");
        assert_eq!(
            Reason::MeetingsNotHeld { held: 22, due: 24 }.describe(),
            "三会一课应开 24 次，实开 22 次"
        );
    }
}
