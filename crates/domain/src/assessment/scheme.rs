//! A star-rating scheme as data: indicators, their items with points, and how each item is
//! scored: typed by the branch, computed from what the platform records (with the figure and
//! where it came from shown beside the score), or points less a deduction per unit. The
//! district keeps one per year; once scoring has started a change makes a new version.

use serde::{Deserialize, Serialize};

use super::stars::{Tiers, tenths};
use crate::FieldError;

/// Where a computed item takes its figure from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FigureSource)]
pub enum Source {
    /// 三会一课 held on time against due.
    Meetings,
    /// 主题党日 held against due.
    ThemeDays,
    /// 民主评议 held this year (1 of 1, or 0 of 1).
    Review,
    /// Members' dues paid on time against due.
    DuesOnTime,
    /// Someone recruited in the last two years (1 of 1, or 0 of 1).
    Recruitment,
    /// Residents' requests answered on time against due.
    RequestsOnTime,
    /// Households' evaluation average against the best rating.
    Evaluation,
    /// The secretary post held (1 of 1, or 0 of 1).
    SecretaryInPost,
    /// Households with a paired member against all households.
    HouseholdContact,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Meetings => "三会一课",
            Source::ThemeDays => "主题党日",
            Source::Review => "民主评议",
            Source::DuesOnTime => "按时交纳党费",
            Source::Recruitment => "近两年发展党员",
            Source::RequestsOnTime => "群众诉求按时办结",
            Source::Evaluation => "群众评价",
            Source::SecretaryInPost => "书记在岗",
            Source::HouseholdContact => "党员联系户",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schema(as = ItemRule)]
pub enum Rule {
    /// Scored by hand, 0 to the item's points.
    Manual,
    /// The item's points in proportion to a figure the platform computes.
    Computed { source: Source },
    /// The points less `per_unit_tenths` for each unit the scorer records, never below 0.
    Deduction { per_unit_tenths: i64, unit: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = SchemeItem)]
pub struct Item {
    /// Unique within the scheme, e.g. `3.2`.
    pub code: String,
    pub name: String,
    pub points_tenths: i64,
    pub rule: Rule,
    /// A bonus item (加分项目): scored above the base total; the innovation project is one.
    #[serde(default)]
    pub innovation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = SchemeIndicator)]
pub struct Indicator {
    pub name: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scheme {
    pub indicators: Vec<Indicator>,
    pub tiers: Tiers,
}

/// A figure the platform computed for an item: the part, the whole, and a sentence saying
/// where it came from ("组织生活：应开 24 次，按时开 22 次").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figure {
    pub part: i64,
    pub whole: i64,
    pub text: String,
}

impl Figure {
    /// Held against due, said the way the ledgers say it.
    pub fn held(source: Source, part: i64, whole: i64, unit: &str) -> Figure {
        Figure {
            part,
            whole,
            text: format!(
                "{}：应{unit} {whole} 次，按时{unit} {part} 次",
                source.label()
            ),
        }
    }

    /// A yes-or-no fact.
    pub fn fact(source: Source, yes: bool, said: &str) -> Figure {
        Figure {
            part: i64::from(yes),
            whole: 1,
            text: format!("{}：{said}", source.label()),
        }
    }

    /// The item's points in proportion, rounded down to a tenth; full points when nothing
    /// was due (an organization is not marked down for what it was never asked).
    pub fn score(&self, points_tenths: i64) -> i64 {
        if self.whole <= 0 {
            return points_tenths;
        }
        points_tenths * self.part.clamp(0, self.whole) / self.whole
    }
}

impl Scheme {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.indicators.iter().flat_map(|i| i.items.iter())
    }

    /// The base total (bonus items left out), in tenths.
    pub fn base_points(&self) -> i64 {
        self.items()
            .filter(|i| !i.innovation)
            .map(|i| i.points_tenths)
            .sum()
    }

    /// A scheme the district may keep: every indicator with items, item codes unique and
    /// non-empty, points above 0, deductions positive, tiers sound.
    pub fn check(&self) -> Result<(), FieldError> {
        let bad = |field: &'static str, msg: String| Err(FieldError::new(field, "invalid", msg));
        if self.indicators.is_empty() {
            return bad("indicators", "方案至少要有一个指标".into());
        }
        let mut codes = std::collections::HashSet::new();
        for ind in &self.indicators {
            if ind.name.trim().is_empty() || ind.items.is_empty() {
                return bad("indicators", format!("指标“{}”须有名称和评分项", ind.name));
            }
            for item in &ind.items {
                if item.code.trim().is_empty() || !codes.insert(item.code.trim()) {
                    return bad("items", format!("评分项编号“{}”为空或重复", item.code));
                }
                if item.points_tenths <= 0 {
                    return bad("items", format!("评分项 {} 的分值应大于 0", item.code));
                }
                if let Rule::Deduction {
                    per_unit_tenths, ..
                } = item.rule
                    && per_unit_tenths <= 0
                {
                    return bad("items", format!("评分项 {} 的每次扣分应大于 0", item.code));
                }
            }
        }
        self.tiers.check()
    }
}

impl Default for Scheme {
    /// One scheme seen in practice (DOMAIN.md §8): 8 indicators, 100 base points and 10 bonus
    /// points, the figures the platform keeps computed.
    fn default() -> Self {
        let item = |code: &str, name: &str, points: i64, rule: Rule| Item {
            code: code.into(),
            name: name.into(),
            points_tenths: points * 10,
            rule,
            innovation: false,
        };
        let computed = |source| Rule::Computed { source };
        let ind = |name: &str, items: Vec<Item>| Indicator {
            name: name.into(),
            items,
        };
        let mut bonus = item("8.1", "创新项目（获评五星须有）", 10, Rule::Manual);
        bonus.innovation = true;
        Scheme {
            indicators: vec![
                ind(
                    "领导班子",
                    vec![
                        item("1.1", "书记在岗", 5, computed(Source::SecretaryInPost)),
                        item("1.2", "班子团结、分工明确", 10, Rule::Manual),
                    ],
                ),
                ind(
                    "骨干队伍",
                    vec![
                        item("2.1", "近两年发展党员", 5, computed(Source::Recruitment)),
                        item(
                            "2.2",
                            "后备力量",
                            5,
                            Rule::Deduction {
                                per_unit_tenths: 30,
                                unit: "缺少 35 岁以下后备干部".into(),
                            },
                        ),
                    ],
                ),
                ind(
                    "活动阵地",
                    vec![item("3.1", "活动场所“七有”", 10, Rule::Manual)],
                ),
                ind(
                    "工作制度",
                    vec![
                        item("4.1", "三会一课", 10, computed(Source::Meetings)),
                        item("4.2", "主题党日", 5, computed(Source::ThemeDays)),
                        item("4.3", "民主评议党员", 5, computed(Source::Review)),
                        item(
                            "4.4",
                            "党务公开",
                            5,
                            Rule::Deduction {
                                per_unit_tenths: 10,
                                unit: "少公开一个季度".into(),
                            },
                        ),
                    ],
                ),
                ind(
                    "保障机制",
                    vec![item(
                        "5.1",
                        "按时交纳党费",
                        10,
                        computed(Source::DuesOnTime),
                    )],
                ),
                ind(
                    "工作业绩",
                    vec![
                        item(
                            "6.1",
                            "群众诉求按时办结",
                            10,
                            computed(Source::RequestsOnTime),
                        ),
                        item("6.2", "党员联系户", 5, computed(Source::HouseholdContact)),
                    ],
                ),
                ind(
                    "群众评价",
                    vec![item("7.1", "群众评价", 15, computed(Source::Evaluation))],
                ),
                ind("加分项目", vec![bonus]),
            ],
            tiers: Tiers::default(),
        }
    }
}

/// A score as the table shows it: "8.5 / 10".
pub fn shown(score_tenths: i64, points_tenths: i64) -> String {
    format!("{} / {}", tenths(score_tenths), tenths(points_tenths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scheme_is_sound_and_scores_100_plus_10() {
        let s = Scheme::default();
        assert_eq!(s.check(), Ok(()));
        assert_eq!(s.base_points(), 1000);
        assert_eq!(s.items().map(|i| i.points_tenths).sum::<i64>(), 1100);
        assert!(
            s.items()
                .filter(|i| matches!(i.rule, Rule::Computed { .. }))
                .count()
                >= 8,
            "what the platform records is computed, not typed"
        );
    }

    #[test]
    fn computed_items_carry_their_figure() {
        let f = Figure::held(Source::Meetings, 22, 24, "开");
        assert_eq!(f.text, "三会一课：应开 24 次，按时开 22 次");
        assert_eq!(f.score(100), 91, "22/24 of 10 points, rounded down to 9.1");
        assert_eq!(shown(f.score(100), 100), "9.1 / 10");
        assert_eq!(Figure::held(Source::Meetings, 0, 0, "开").score(100), 100);
        assert_eq!(Figure::held(Source::Meetings, 30, 24, "开").score(100), 100);
        let vacant = Figure::fact(Source::SecretaryInPost, false, "书记岗位空缺 4 个月");
        assert_eq!(vacant.score(50), 0);
        assert_eq!(vacant.text, "书记在岗：书记岗位空缺 4 个月");
    }

    #[test]
    fn unsound_schemes_are_refused_naming_the_field() {
        let mut s = Scheme::default();
        s.indicators[0].items[1].code = "1.1".into();
        assert_eq!(s.check().expect_err("duplicate").field, "items");
        let mut s = Scheme::default();
        s.indicators[2].items.clear();
        assert_eq!(s.check().expect_err("empty").field, "indicators");
        let mut s = Scheme::default();
        s.indicators[1].items[1].rule = Rule::Deduction {
            per_unit_tenths: 0,
            unit: "x".into(),
        };
        assert_eq!(s.check().expect_err("deduction").field, "items");
        let mut s = Scheme::default();
        s.tiers.0.clear();
        assert_eq!(s.check().expect_err("tiers").field, "tiers");
    }
}
