//! Talents (人才): talent records with their category, the "百千万" line and how the district
//! came by them; the programme's three-year targets by organization and line against the
//! actuals counted from those records; promotions of cadres with the work they were
//! recognised for; mentor studios (人才导师工作室) with their apprentices (one studio at a
//! time), the yearly assessment checked against the records and the district's share of 优秀,
//! and the six years a failed studio's master waits before opening another.

use std::collections::BTreeMap;

use dangjian_domain::cadres::talent::{
    Category, Line, Origin, StudioGrade, StudioYear, TalentRules,
};
use dangjian_domain::{date, path};
use dangjian_store::Conn;
use dangjian_store::StoreError;
use dangjian_store::cadres::talent::{
    self as store, ApprenticeRow, AssessmentRow, PromotionFilter, PromotionRow, PromotionWrite,
    StudioFilter, StudioRow, StudioWrite, TalentFilter, TalentRow, TalentWrite,
};
use serde::{Deserialize, Serialize};

use super::person::{PersonChoice, age_on, resolve};
use super::policy;
use crate::audit::Entry;
use crate::model::{all, page_number, read_model};
use crate::model::{choice, optional, placed, required_text};
use crate::orgs::{Org, places};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const TALENTS_PER_PAGE: i64 = 50;

read_model! {
    /// A talent record.
    pub struct Talent from TalentRow {
        pub id: i64,
        pub org_id: i64,
        /// The organization keeping the record, named with its parents below the reader.
        pub org_name: String,
        pub person_id: i64,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        /// `high_end` | `high_skill` | `professional` | `rural`.
        pub category: String,
        /// The "百千万" line, if any.
        pub line: Option<String>,
        /// `introduced` | `cultivated`.
        pub origin: String,
        pub level: String,
        pub field: String,
        pub employer: String,
        pub recognised_year: i64,
    }
}

impl Talent {
    pub fn category_label(&self) -> &'static str {
        Category::parse(&self.category).map_or("", Category::label)
    }
    pub fn line_label(&self) -> &'static str {
        self.line
            .as_deref()
            .and_then(Line::parse)
            .map_or("", Line::label)
    }
    pub fn origin_label(&self) -> &'static str {
        Origin::parse(&self.origin).map_or("", Origin::label)
    }
    pub fn age(&self) -> i32 {
        age_on(&self.birth_date, today())
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalentList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Talent>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether the caller records talents below the level.
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TalentQuery {
    pub org: Option<i64>,
    /// `high_end` | `high_skill` | `professional` | `rural`.
    pub category: Option<String>,
    /// A "百千万" line.
    pub line: Option<String>,
    /// `introduced` | `cultivated`.
    pub origin: Option<String>,
    pub year: Option<i64>,
    /// The start of a name.
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TalentInput {
    /// The organization keeping the record (a town, a department): in the caller's scope.
    pub org_id: i64,
    #[serde(flatten)]
    pub who: PersonChoice,
    /// 高端人才 / 高技能人才 / 专业技术人才 / 乡村实用人才 (code or label).
    pub category: String,
    /// A "百千万" line (博士, 创新团队, 硕士, 创新人才, 产业技能人才, 乡村振兴人才), or empty.
    pub line: String,
    /// 引进 / 培育.
    pub origin: String,
    pub level: String,
    pub field: String,
    pub employer: String,
    /// The year recognised or introduced (default this year).
    pub recognised_year: Option<i64>,
}

/// One line of the programme under one child of the level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineProgress {
    /// `doctor` …
    pub line: String,
    pub label: String,
    /// The cycle's target: the sum of the targets set below.
    pub target: i64,
    /// Talents of the line recognised each year of the cycle.
    pub actual_by_year: Vec<i64>,
    pub actual: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildProgress {
    pub org_id: i64,
    pub name: String,
    pub lines: Vec<LineProgress>,
}

/// Talents introduced or newly recognised in a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalentYear {
    pub year: i64,
    pub high_end_introduced: i64,
    pub high_skill_new: i64,
    pub all: i64,
}

/// The "百千万" programme below a level for one cycle.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Programme {
    pub org_id: i64,
    pub org_name: String,
    pub cycle_start: i64,
    pub years: Vec<i64>,
    /// The level as a whole.
    pub lines: Vec<LineProgress>,
    /// Each child of the level with talents or targets.
    pub children: Vec<ChildProgress>,
    /// Every year on record, latest first.
    pub by_year: Vec<TalentYear>,
    /// Whether the caller sets targets (the district).
    pub may_set_targets: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    pub org: Option<i64>,
    /// The cycle's first year (default: the cycle holding this year, counted from 2021).
    pub cycle: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgrammeTargetInput {
    pub org_id: i64,
    pub line: String,
    pub cycle_start: i64,
    /// None clears it.
    pub target: Option<i64>,
}

read_model! {
    pub struct Promotion from PromotionRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub person_id: i64,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub promoted_on: String,
        pub from_post: String,
        pub to_post: String,
        /// From the district's list (e.g. 脱贫攻坚一线).
        pub recognised_work: String,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PromotionCount {
    pub year: i64,
    pub recognised_work: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PromotionList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Promotion>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// By year and work, below the level.
    pub counts: Vec<PromotionCount>,
    pub works: Vec<String>,
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromotionQuery {
    pub org: Option<i64>,
    pub year: Option<i64>,
    pub work: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PromotionInput {
    pub org_id: i64,
    #[serde(flatten)]
    pub who: PersonChoice,
    /// 提拔日期 (default today).
    pub promoted_on: String,
    pub from_post: String,
    pub to_post: String,
    /// One of the district's list.
    pub recognised_work: String,
}

read_model! {
    pub struct Studio from StudioRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub name: String,
        pub master_person_id: i64,
        pub master: String,
        pub field: String,
        pub host_unit: String,
        pub opened_on: String,
        pub cycle_ends_on: String,
        pub closed_on: Option<String>,
        pub closed_reason: Option<String>,
        pub apprentices_now: i64,
        pub apprentices_total: i64,
        pub graduates_total: i64,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StudioList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Studio>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Open studios, apprentices training now and ever, below the level.
    pub open: i64,
    pub apprentices_now: i64,
    pub apprentices_ever: i64,
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudioQuery {
    pub org: Option<i64>,
    pub open: Option<bool>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

read_model! {
    pub struct Apprentice from ApprenticeRow {
        pub id: i64,
        pub studio_id: i64,
        pub person_id: i64,
        pub name: String,
        pub started_on: String,
        pub finished_on: Option<String>,
        /// Finished as a high-skill graduate.
        pub graduated: bool,
    }
}

read_model! {
    pub struct StudioAssessment from AssessmentRow {
        pub studio_id: i64,
        pub year: i64,
        pub apprentices: i64,
        pub graduates: i64,
        /// `excellent` | `qualified` | `failed`.
        pub grade: String,
    }
}

/// A studio with its apprentices, assessments and this year as the records show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StudioDetail {
    pub studio: Studio,
    pub apprentices: Vec<Apprentice>,
    pub assessments: Vec<StudioAssessment>,
    pub year: i64,
    pub year_apprentices: i64,
    pub year_graduates: i64,
    /// Against the minimums: apprentices and graduates still short.
    pub short_apprentices: i64,
    pub short_graduates: i64,
    /// The best grade the year's records allow.
    pub best_grade: String,
    pub rules: TalentRules,
    pub may_keep: bool,
    pub may_assess: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StudioInput {
    pub org_id: i64,
    pub name: String,
    /// The master (导师).
    #[serde(flatten)]
    pub master: PersonChoice,
    pub field: String,
    pub host_unit: String,
    /// 命名日期 (default today); the cycle runs 3 years (data).
    pub opened_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApprenticeInput {
    #[serde(flatten)]
    pub who: PersonChoice,
    pub started_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FinishInput {
    pub on: String,
    /// Finished as a high-skill graduate.
    pub graduated: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StudioGradeInput {
    pub year: i64,
    /// 优秀 / 合格 / 不合格 (code or label); 不合格 closes the studio.
    pub grade: String,
}

fn year_in(field: &'static str, year: i64) -> ServiceResult<i64> {
    if !(1990..=i64::from(today().year())).contains(&year) {
        return Err(ServiceError::field(
            field,
            "out_of_range",
            "年度应在 1990 年至今年之间",
        ));
    }
    Ok(year)
}

/// The programme cycle holding `year`, cycles counted from 2021.
fn cycle_of(year: i64, length: i32) -> i64 {
    let length = i64::from(length.max(1));
    2021 + (year - 2021).div_euclid(length) * length
}

/// The first year of the programme's cycle holding `year`, and the cycle's years.
fn cycle_years(rules: &TalentRules, year: i64) -> (i64, Vec<i64>) {
    let start = cycle_of(year, rules.programme_cycle_years);
    (
        start,
        (start..start + i64::from(rules.programme_cycle_years.max(1))).collect(),
    )
}

/// This cycle of the programme below a level, as the 云中心 shows it: its years, the
/// talents recognised on a line in those years, and the targets set for it.
pub(super) async fn programme_totals(
    conn: &mut Conn,
    root_path: &str,
    rules: &TalentRules,
) -> ServiceResult<(Vec<i64>, i64, i64)> {
    let this_year = i64::from(today().year());
    let (start, years) = cycle_years(rules, this_year);
    let end = years.last().copied().unwrap_or(start);
    let actual = store::talent_counts(conn, root_path, start, end.min(this_year))
        .await?
        .iter()
        .filter(|(_, _, _, line, _, _)| line.is_some())
        .map(|(.., n)| n)
        .sum();
    let target = store::targets(conn, root_path, start)
        .await?
        .iter()
        .map(|(.., t)| t)
        .sum();
    Ok((years, actual, target))
}

impl App {
    /// The district's rules of talent work (a part of the cadre rules).
    async fn talent_rules(&self) -> ServiceResult<TalentRules> {
        Ok(self.cadre_rules().await?.talents)
    }

    /// An organization the caller keeps talent records for: its own subtree, town or district.
    async fn talent_org(&self, actor: &Actor, org_id: i64) -> ServiceResult<Org> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        if !policy::may_manage(actor, &o.path) {
            return Err(ServiceError::Forbidden("人才信息由镇街或区委组织部登记"));
        }
        Ok(o)
    }

    pub async fn talents(&self, actor: &Actor, q: &TalentQuery) -> ServiceResult<TalentList> {
        self.talent_list(actor, q, Some(page_number(q.page))).await
    }

    pub async fn export_talents(
        &self,
        actor: &Actor,
        q: &TalentQuery,
    ) -> ServiceResult<TalentList> {
        self.talent_list(actor, q, None).await
    }

    async fn talent_list(
        &self,
        actor: &Actor,
        q: &TalentQuery,
        page: Option<i64>,
    ) -> ServiceResult<TalentList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = TalentFilter {
            root_path: o.path.clone(),
            category: optional(
                "category",
                Category::parse,
                q.category.as_deref(),
                "人才类别不正确",
            )?
            .map(|c| c.as_str().into()),
            line: optional("line", Line::parse, q.line.as_deref(), "计划类别不正确")?
                .map(|l| l.as_str().into()),
            origin: optional(
                "origin",
                Origin::parse,
                q.origin.as_deref(),
                "来源应为引进或培育",
            )?
            .map(|x| x.as_str().into()),
            year: q.year,
            q: q.q.clone().map(|s| s.trim().to_string()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, TALENTS_PER_PAGE);
        let (total, rows) = store::talents(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "名人才")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(TalentList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| TALENTS_PER_PAGE),
            may_keep: policy::may_manage(actor, &o.path),
        })
    }

    pub async fn talent(&self, actor: &Actor, id: i64) -> ServiceResult<Talent> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        let t = store::talent(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if actor.check_visible(&t.org_path).is_err() {
            return Err(ServiceError::NotFound);
        }
        Ok(t.into())
    }

    pub async fn add_talent(&self, actor: &Actor, input: &TalentInput) -> ServiceResult<Talent> {
        let o = self.talent_org(actor, input.org_id).await?;
        let category = choice(
            "category",
            Category::parse,
            &input.category,
            "请选择人才类别",
        )?;
        let line = optional(
            "line",
            Line::parse,
            Some(&input.line),
            "请选择“百千万”计划类别",
        )?;
        let origin = choice("origin", Origin::parse, &input.origin, "请选择引进或培育")?;
        let year = year_in(
            "recognised_year",
            input.recognised_year.unwrap_or(i64::from(today().year())),
        )?;
        let w = TalentWrite {
            org_id: o.id,
            person_id: 0,
            category: category.as_str(),
            line: line.map(Line::as_str),
            origin: origin.as_str(),
            level: input.level.trim().chars().take(50).collect(),
            field: required_text("field", "专业领域", &input.field, 50)?,
            employer: required_text("employer", "工作单位", &input.employer, 100)?,
            recognised_year: year,
        };
        let mut tx = self.begin_audited().await?;
        let p = resolve(self, tx.conn(), actor, &input.who, actor.read_root()?).await?;
        let id = store::insert_talent(
            tx.conn(),
            &TalentWrite {
                person_id: p.id,
                ..w
            },
            actor.user_id,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ServiceError::field("category", "duplicate", "此人已登记为该类人才")
            }
            other => other.into(),
        })?;
        tx.commit(
            actor,
            Entry::ok("talent.add", "talent", id).detail(format!(
                "{} {}",
                p.name,
                category.label()
            )),
        )
        .await?;
        self.talent(actor, id).await
    }

    /// The "百千万" programme below a level for a cycle: targets against the talents counted.
    pub async fn talent_programme(
        &self,
        actor: &Actor,
        q: &ProgrammeQuery,
    ) -> ServiceResult<Programme> {
        let o = self.cadre_level(actor, q.org).await?;
        let rules = self.talent_rules().await?;
        let this_year = i64::from(today().year());
        let (start, years) = cycle_years(
            &rules,
            q.cycle.unwrap_or(this_year).clamp(2000, this_year + 10),
        );
        let end = years.last().copied().unwrap_or(start);
        let mut conn = self.db.conn().await?;
        let targets = store::targets(&mut conn, &o.path, start).await?;
        let counts = store::talent_counts(&mut conn, &o.path, 1990, this_year).await?;
        let depth = (path::depth(&o.path) + 1) as usize;
        let child = |p: &str| {
            if (path::depth(p) as usize) < depth {
                o.path.clone()
            } else {
                path::ancestor(p, depth)
            }
        };
        // (child path, line) → (target, actual by year)
        let mut cells: BTreeMap<(String, String), (i64, Vec<i64>)> = BTreeMap::new();
        let blank = || (0, vec![0; years.len()]);
        for (_, p, line, target) in &targets {
            cells
                .entry((child(p), line.clone()))
                .or_insert_with(blank)
                .0 += target;
        }
        let mut by_year: BTreeMap<i64, TalentYear> = BTreeMap::new();
        for (p, category, origin, line, year, n) in &counts {
            let y = by_year.entry(*year).or_insert(TalentYear {
                year: *year,
                high_end_introduced: 0,
                high_skill_new: 0,
                all: 0,
            });
            y.all += n;
            if category == Category::HighEnd.as_str() && origin == Origin::Introduced.as_str() {
                y.high_end_introduced += n;
            }
            if category == Category::HighSkill.as_str() {
                y.high_skill_new += n;
            }
            if let Some(line) = line
                && (start..=end).contains(year)
            {
                let c = cells.entry((child(p), line.clone())).or_insert_with(blank);
                c.1[(year - start) as usize] += n;
            }
        }
        let progress = |line: Line, target: i64, actual_by_year: Vec<i64>| LineProgress {
            line: line.as_str().into(),
            label: line.label().into(),
            target,
            actual: actual_by_year.iter().sum(),
            actual_by_year,
        };
        let lines = Line::ALL
            .iter()
            .map(|l| {
                let mut target = 0;
                let mut actual = vec![0; years.len()];
                for ((_, line), (t, a)) in &cells {
                    if line == l.as_str() {
                        target += t;
                        for (x, y) in actual.iter_mut().zip(a) {
                            *x += y;
                        }
                    }
                }
                progress(*l, target, actual)
            })
            .collect();
        let mut child_paths: Vec<String> = cells.keys().map(|(p, _)| p.clone()).collect();
        child_paths.dedup();
        let refs: Vec<&str> = child_paths.iter().map(String::as_str).collect();
        let names = places(&mut conn, &o.path, &refs).await?;
        let children = child_paths
            .iter()
            .map(|p| ChildProgress {
                org_id: path::ids(p).last().copied().unwrap_or_default(),
                name: names
                    .get(p)
                    .cloned()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| o.name.clone()),
                lines: Line::ALL
                    .iter()
                    .map(|l| {
                        let (t, a) = cells
                            .get(&(p.clone(), l.as_str().to_string()))
                            .cloned()
                            .unwrap_or_else(blank);
                        progress(*l, t, a)
                    })
                    .collect(),
            })
            .collect();
        Ok(Programme {
            org_id: o.id,
            org_name: o.name.clone(),
            cycle_start: start,
            years,
            lines,
            children,
            by_year: by_year.into_values().rev().collect(),
            may_set_targets: policy::is_district(actor),
        })
    }

    /// Sets an organization's target for a line and cycle (the district).
    pub async fn set_programme_target(
        &self,
        actor: &Actor,
        input: &ProgrammeTargetInput,
    ) -> ServiceResult<Programme> {
        policy::check_district(actor)?;
        let o = self.org(actor, input.org_id).await?;
        let line = choice("line", Line::parse, &input.line, "请选择“百千万”计划类别")?;
        let rules = self.talent_rules().await?;
        if !(2000..=2100).contains(&input.cycle_start)
            || cycle_of(input.cycle_start, rules.programme_cycle_years) != input.cycle_start
        {
            return Err(ServiceError::field(
                "cycle_start",
                "invalid",
                format!(
                    "计划周期自 2021 年起每 {} 年一期",
                    rules.programme_cycle_years
                ),
            ));
        }
        if input.target.is_some_and(|t| !(0..=10_000).contains(&t)) {
            return Err(ServiceError::field(
                "target",
                "out_of_range",
                "目标应为 0–10000 人",
            ));
        }
        let mut tx = self.begin_audited().await?;
        store::set_target(
            tx.conn(),
            o.id,
            line.as_str(),
            input.cycle_start,
            input.target,
            actor.user_id,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("talent.target", "org", o.id).detail(format!(
                "{} {} {} {}",
                o.name,
                input.cycle_start,
                line.label(),
                input
                    .target
                    .map_or_else(|| "清除".into(), |t| t.to_string())
            )),
        )
        .await?;
        let parent = path::ids(&o.path)
            .get(path::depth(&o.path).saturating_sub(2) as usize)
            .copied();
        self.talent_programme(
            actor,
            &ProgrammeQuery {
                org: parent.or(Some(o.id)),
                cycle: Some(input.cycle_start),
            },
        )
        .await
    }

    pub async fn promotions(
        &self,
        actor: &Actor,
        q: &PromotionQuery,
    ) -> ServiceResult<PromotionList> {
        self.promotion_list(actor, q, Some(page_number(q.page)))
            .await
    }

    pub async fn export_promotions(
        &self,
        actor: &Actor,
        q: &PromotionQuery,
    ) -> ServiceResult<PromotionList> {
        self.promotion_list(actor, q, None).await
    }

    async fn promotion_list(
        &self,
        actor: &Actor,
        q: &PromotionQuery,
        page: Option<i64>,
    ) -> ServiceResult<PromotionList> {
        let o = self.cadre_level(actor, q.org).await?;
        let rules = self.talent_rules().await?;
        let f = PromotionFilter {
            root_path: o.path.clone(),
            year: q.year,
            work: q
                .work
                .clone()
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, TALENTS_PER_PAGE);
        let (total, rows) = store::promotions(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "条提拔记录")?;
        }
        let counts = store::promotion_counts(&mut conn, &o.path)
            .await?
            .into_iter()
            .map(|(year, recognised_work, count)| PromotionCount {
                year,
                recognised_work,
                count,
            })
            .collect();
        let items = placed(&mut conn, actor, rows).await?;
        Ok(PromotionList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| TALENTS_PER_PAGE),
            counts,
            works: rules.recognised_work,
            may_keep: policy::may_manage(actor, &o.path),
        })
    }

    pub async fn add_promotion(
        &self,
        actor: &Actor,
        input: &PromotionInput,
    ) -> ServiceResult<Promotion> {
        let o = self.talent_org(actor, input.org_id).await?;
        let rules = self.talent_rules().await?;
        let work = input.recognised_work.trim();
        if !rules.recognised_work.iter().any(|w| w == work) {
            return Err(ServiceError::field(
                "recognised_work",
                "invalid_choice",
                format!("提拔所凭工作应为：{}", rules.recognised_work.join("、")),
            ));
        }
        let on = crate::orgs::committee::day("promoted_on", "提拔日期", &input.promoted_on)?;
        let w = PromotionWrite {
            org_id: o.id,
            person_id: 0,
            promoted_on: on,
            from_post: required_text("from_post", "原职务", &input.from_post, 50)?,
            to_post: required_text("to_post", "提拔职务", &input.to_post, 50)?,
            recognised_work: work.to_string(),
        };
        let mut tx = self.begin_audited().await?;
        let p = resolve(self, tx.conn(), actor, &input.who, actor.read_root()?).await?;
        let id = store::insert_promotion(
            tx.conn(),
            &PromotionWrite {
                person_id: p.id,
                ..w
            },
            actor.user_id,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("talent.promotion", "promotion", id).detail(format!("{} {}", p.name, work)),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::promotion(&mut conn, id)
            .await?
            .map(Promotion::from)
            .ok_or(ServiceError::NotFound)
    }

    pub async fn studios(&self, actor: &Actor, q: &StudioQuery) -> ServiceResult<StudioList> {
        self.studio_list(actor, q, Some(page_number(q.page))).await
    }

    pub async fn export_studios(
        &self,
        actor: &Actor,
        q: &StudioQuery,
    ) -> ServiceResult<StudioList> {
        self.studio_list(actor, q, None).await
    }

    async fn studio_list(
        &self,
        actor: &Actor,
        q: &StudioQuery,
        page: Option<i64>,
    ) -> ServiceResult<StudioList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = StudioFilter {
            root_path: o.path.clone(),
            open: q.open,
            q: q.q.clone().map(|s| s.trim().to_string()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, TALENTS_PER_PAGE);
        let (total, rows) = store::studios(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "个人才导师工作室")?;
        }
        let (open, apprentices_now, apprentices_ever) =
            store::studio_totals(&mut conn, &o.path).await?;
        let items = placed(&mut conn, actor, rows).await?;
        Ok(StudioList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| TALENTS_PER_PAGE),
            open,
            apprentices_now,
            apprentices_ever,
            may_keep: policy::may_manage(actor, &o.path),
        })
    }

    async fn studio_row(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<StudioRow> {
        policy::check_staff(actor)?;
        let s = store::studio(conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if actor.check_visible(&s.org_path).is_err() {
            return Err(ServiceError::NotFound);
        }
        Ok(s)
    }

    /// A studio with its apprentices and assessments, and `year` (default this year) as its
    /// records show it.
    pub async fn studio(
        &self,
        actor: &Actor,
        id: i64,
        year: Option<i64>,
    ) -> ServiceResult<StudioDetail> {
        let rules = self.talent_rules().await?;
        let mut conn = self.db.conn().await?;
        let s = self.studio_row(&mut conn, actor, id).await?;
        let year = year.unwrap_or(i64::from(today().year()));
        let (a, g) = store::studio_year(&mut conn, id, year).await?;
        let y = StudioYear {
            apprentices: a,
            graduates: g,
        };
        let (short_a, short_g) = rules.shortfall(y);
        let path = s.org_path.clone();
        Ok(StudioDetail {
            apprentices: all(store::apprentices(&mut conn, id).await?),
            assessments: all(store::assessments(&mut conn, id).await?),
            year,
            year_apprentices: a,
            year_graduates: g,
            short_apprentices: short_a,
            short_graduates: short_g,
            best_grade: rules.best_grade(y).as_str().into(),
            may_keep: policy::may_manage(actor, &path) && s.closed_on.is_none(),
            may_assess: policy::is_district(actor),
            rules,
            studio: s.into(),
        })
    }

    /// Names a studio with its master for a cycle; a master whose studio failed within the
    /// barred years, or who has one open, is refused.
    pub async fn open_studio(
        &self,
        actor: &Actor,
        input: &StudioInput,
    ) -> ServiceResult<StudioDetail> {
        let o = self.talent_org(actor, input.org_id).await?;
        let rules = self.talent_rules().await?;
        let name = required_text("name", "工作室名称", &input.name, 50)?;
        let field = required_text("field", "专业领域", &input.field, 50)?;
        let host = required_text("host_unit", "依托单位", &input.host_unit, 100)?;
        let opened = crate::orgs::committee::day("opened_on", "命名日期", &input.opened_on)?;
        let opened_day = date::parse(&opened).unwrap_or(today());
        let ends = date::format(date::add_months(opened_day, rules.studio_cycle_years * 12));
        let mut tx = self.begin_audited().await?;
        let p = resolve(self, tx.conn(), actor, &input.master, actor.read_root()?).await?;
        if let Some(failed) = store::last_failed(tx.conn(), p.id).await?
            && let Some(d) = date::parse(&failed)
        {
            let until = date::add_months(d, rules.studio_barred_years * 12);
            if opened_day < until {
                return Err(ServiceError::field(
                    "id_number",
                    "barred",
                    format!(
                        "该导师的工作室于 {failed} 因考核不合格撤销，{} 前不得再申报",
                        date::format(until)
                    ),
                ));
            }
        }
        let id = store::insert_studio(
            tx.conn(),
            &StudioWrite {
                org_id: o.id,
                name: name.clone(),
                master_person_id: p.id,
                field,
                host_unit: host,
                opened_on: opened,
                cycle_ends_on: ends,
            },
            actor.user_id,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ServiceError::field("id_number", "duplicate", "该导师已领办一个工作室")
            }
            other => other.into(),
        })?;
        tx.commit(
            actor,
            Entry::ok("studio.open", "studio", id).detail(format!("{name}（{}）", p.name)),
        )
        .await?;
        self.studio(actor, id, None).await
    }

    /// Takes on an apprentice, who trains in one studio at a time.
    pub async fn add_apprentice(
        &self,
        actor: &Actor,
        studio_id: i64,
        input: &ApprenticeInput,
    ) -> ServiceResult<StudioDetail> {
        let mut tx = self.begin_audited().await?;
        let s = self.studio_row(tx.conn(), actor, studio_id).await?;
        self.talent_org(actor, s.org_id).await?;
        if s.closed_on.is_some() {
            return Err(ServiceError::field("studio", "closed", "工作室已撤销"));
        }
        let on = crate::orgs::committee::day("started_on", "拜师日期", &input.started_on)?;
        if on < s.opened_on {
            return Err(ServiceError::field(
                "started_on",
                "before_start",
                "拜师日期不能早于工作室命名日期",
            ));
        }
        let p = resolve(self, tx.conn(), actor, &input.who, actor.read_root()?).await?;
        if p.id == s.master_person_id {
            return Err(ServiceError::field(
                "id_number",
                "master",
                "导师不能是本工作室的学徒",
            ));
        }
        let id = store::insert_apprentice(tx.conn(), s.id, p.id, &on)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => ServiceError::field(
                    if input.who.member_id.is_some() {
                        "member_id"
                    } else {
                        "id_number"
                    },
                    "duplicate",
                    "此人正在另一个工作室学习（一人同时只在一个工作室）",
                ),
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("studio.apprentice", "apprentice", id)
                .detail(format!("{} → {}", p.name, s.name)),
        )
        .await?;
        self.studio(actor, s.id, None).await
    }

    pub async fn finish_apprentice(
        &self,
        actor: &Actor,
        apprentice_id: i64,
        input: &FinishInput,
    ) -> ServiceResult<StudioDetail> {
        policy::check_staff(actor)?;
        let mut tx = self.begin_audited().await?;
        let a = store::apprentice(tx.conn(), apprentice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let s = self.studio_row(tx.conn(), actor, a.studio_id).await?;
        self.talent_org(actor, s.org_id).await?;
        let on = crate::orgs::committee::day("on", "出师日期", &input.on)?;
        if on < a.started_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "出师日期不能早于拜师日期",
            ));
        }
        if !store::finish_apprentice(tx.conn(), a.id, &on, input.graduated).await? {
            return Err(ServiceError::field(
                "apprentice",
                "finished",
                "该学徒已出师",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("studio.finish", "apprentice", a.id).detail(format!(
                "{} {}",
                a.name,
                if input.graduated {
                    "高技能出师"
                } else {
                    "结业"
                }
            )),
        )
        .await?;
        self.studio(actor, s.id, None).await
    }

    /// The yearly assessment (the district): no better than the records allow, 优秀 within
    /// the district's share; 不合格 closes the studio.
    pub async fn assess_studio(
        &self,
        actor: &Actor,
        studio_id: i64,
        input: &StudioGradeInput,
    ) -> ServiceResult<StudioDetail> {
        let rules = self.talent_rules().await?;
        let mut tx = self.begin_audited().await?;
        let s = self.studio_row(tx.conn(), actor, studio_id).await?;
        policy::check_district(actor)?;
        if s.closed_on.is_some() {
            return Err(ServiceError::field(
                "studio",
                "closed",
                "工作室已撤销，不再考核",
            ));
        }
        let grade = choice(
            "grade",
            StudioGrade::parse,
            &input.grade,
            "请选择优秀、合格或不合格",
        )?;
        let year = year_in("year", input.year)?;
        if year
            < s.opened_on
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(year)
        {
            return Err(ServiceError::field(
                "year",
                "before_start",
                "考核年度不能早于工作室命名年度",
            ));
        }
        let (a, g) = store::studio_year(tx.conn(), s.id, year).await?;
        let y = StudioYear {
            apprentices: a,
            graduates: g,
        };
        rules
            .check_grade(grade, y)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        if grade == StudioGrade::Excellent {
            let (excellent, open) = store::excellent_share(tx.conn(), year, s.id).await?;
            rules
                .check_excellent_share(excellent, open)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
        }
        store::set_assessment(
            tx.conn(),
            &AssessmentRow {
                studio_id: s.id,
                year,
                apprentices: a,
                graduates: g,
                grade: grade.as_str().into(),
            },
            actor.user_id,
        )
        .await?;
        if grade == StudioGrade::Failed {
            store::close_studio(tx.conn(), s.id, &date::format(today()), "年度考核不合格").await?;
        }
        tx.commit(
            actor,
            Entry::ok("studio.assess", "studio", s.id).detail(format!(
                "{} {year} {}",
                s.name,
                grade.label()
            )),
        )
        .await?;
        self.studio(actor, s.id, Some(year)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_run_three_years_from_2021() {
        assert_eq!(cycle_of(2021, 3), 2021);
        assert_eq!(cycle_of(2023, 3), 2021);
        assert_eq!(cycle_of(2024, 3), 2024);
        assert_eq!(cycle_of(2026, 3), 2024);
        assert_eq!(cycle_of(2020, 3), 2018);
    }
}
