//! The reserve pool (后备力量): each village's reserve cadres with their source, training,
//! yearly review and outcome, and the village's target against its pool.

use dangjian_domain::bands::Education;
use dangjian_domain::cadres::reserve::{Outcome, ReviewGrade, Source, shortfall};
use dangjian_domain::id_number::Gender;
use dangjian_store::StoreError;
use dangjian_store::cadres::reserve::{
    self as store, PoolFilter, PoolRow, ReserveFilter, ReserveRow, ReserveWrite,
};
use serde::{Deserialize, Serialize};

use super::person::{PersonChoice, age_on, resolve};
use super::policy;
use crate::audit::Entry;
use crate::model::placed;
use crate::model::{page_number, read_model};
use crate::orgs::committee::day;
use crate::orgs::places;
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const RESERVE_PER_PAGE: i64 = 50;
const TRAINING_CHARS: usize = 500;

read_model! {
    /// A reserve cadre.
    pub struct Reserve from ReserveRow {
        pub id: i64,
        pub org_id: i64,
        /// The village, named with its town below the reader's scope.
        pub org_name: String,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        /// `local_talent` | `returnee` | `graduate` | `veteran` | `other`.
        pub source: String,
        pub joined_on: String,
        pub training: String,
        /// Null while in the pool; `elected` | `left`.
        pub outcome: Option<String>,
        pub outcome_on: Option<String>,
        pub review_year: Option<i64>,
        pub review_grade: Option<String>,
    }
}

impl Reserve {
    pub fn source_label(&self) -> &'static str {
        Source::parse(&self.source).map_or("", Source::label)
    }

    pub fn outcome_label(&self) -> &'static str {
        self.outcome
            .as_deref()
            .and_then(Outcome::parse)
            .map_or("在库", Outcome::label)
    }

    pub fn grade_label(&self) -> &'static str {
        self.review_grade
            .as_deref()
            .and_then(ReviewGrade::parse)
            .map_or("", ReviewGrade::label)
    }

    pub fn gender_label(&self) -> &'static str {
        Gender::parse(&self.gender).map_or("", Gender::label)
    }

    pub fn education_label(&self) -> &'static str {
        Education::parse(&self.education).map_or("", Education::label)
    }

    pub fn age(&self) -> i32 {
        age_on(&self.birth_date, today())
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReserveList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Reserve>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether the caller adds to the pools below the level.
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReserveQuery {
    /// The level (default: the caller's scope).
    pub org: Option<i64>,
    /// `local_talent` | `returnee` | `graduate` | `veteran` | `other`.
    pub source: Option<String>,
    /// `pool` (in the pool) | `elected` | `left`; default all.
    pub state: Option<String>,
    /// The start of a name.
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReserveInput {
    /// The village whose pool: 422 `not_a_village`.
    pub org_id: i64,
    #[serde(flatten)]
    pub who: PersonChoice,
    /// 本土人才 / 返乡回引人员 / 高校毕业生 / 退役军人 / 其他 (code or label).
    pub source: String,
    /// 入库日期 (default today).
    pub joined_on: String,
    /// Training received, free text (at most 500 characters).
    pub training: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReserveUpdate {
    pub source: String,
    pub training: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OutcomeInput {
    /// `elected` | `left` (已当选 / 已退出).
    pub outcome: String,
    /// Default today.
    pub on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewInput {
    /// The year reviewed: not after this one.
    pub year: i64,
    /// 优秀 / 合格 / 基本合格 / 不合格 (code or label).
    pub grade: String,
    pub note: String,
}

/// A village's pool against its target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pool {
    pub org_id: i64,
    /// Named with its town.
    pub name: String,
    /// The village's own target, or the district's default.
    pub target: i64,
    /// Whether the target is the village's own.
    pub own_target: bool,
    pub in_pool: i64,
    pub shortfall: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PoolList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Pool>,
    /// Villages listed over all pages, and the sums over them.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub target_sum: i64,
    pub in_pool_sum: i64,
    /// Villages below their target.
    pub villages_short: i64,
    pub default_target: i64,
    pub may_set_targets: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PoolQuery {
    pub org: Option<i64>,
    /// Only villages below their target.
    pub short: Option<bool>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TargetInput {
    /// 0–50, or null to follow the district's default again.
    pub target: Option<i64>,
}

fn source(text: &str) -> ServiceResult<Source> {
    Source::parse(text).ok_or_else(|| {
        ServiceError::field(
            "source",
            "invalid_choice",
            "请选择来源：本土人才、返乡回引人员、高校毕业生、退役军人或其他",
        )
    })
}

fn training(text: &str) -> ServiceResult<String> {
    let t = text.trim();
    if t.chars().count() > TRAINING_CHARS {
        return Err(ServiceError::field(
            "training",
            "too_long",
            "培养情况不能超过 500 字",
        ));
    }
    Ok(t.to_string())
}

impl App {
    /// The reserve cadres below a level, in the tree's order.
    pub async fn reserves(&self, actor: &Actor, q: &ReserveQuery) -> ServiceResult<ReserveList> {
        self.reserve_list(actor, q, Some(page_number(q.page))).await
    }

    /// Every reserve cadre below a level, for the export.
    pub async fn export_reserves(
        &self,
        actor: &Actor,
        q: &ReserveQuery,
    ) -> ServiceResult<ReserveList> {
        self.reserve_list(actor, q, None).await
    }

    async fn reserve_list(
        &self,
        actor: &Actor,
        q: &ReserveQuery,
        page: Option<i64>,
    ) -> ServiceResult<ReserveList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = ReserveFilter {
            root_path: o.path.clone(),
            source: q
                .source
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(source)
                .transpose()?
                .map(|s| s.as_str().into()),
            state: match q.state.as_deref().map(str::trim) {
                None | Some("") => None,
                Some("pool") => Some("pool".into()),
                Some(s) => Some(
                    Outcome::parse(s)
                        .ok_or_else(|| {
                            ServiceError::field(
                                "state",
                                "invalid_choice",
                                "状态应为在库、已当选或已退出",
                            )
                        })?
                        .as_str()
                        .into(),
                ),
            },
            q: q.q.clone().map(|s| s.trim().to_string()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, RESERVE_PER_PAGE);
        let (total, rows) = store::page(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "名后备力量")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(ReserveList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| RESERVE_PER_PAGE),
            may_keep: policy::may_keep_reserve(actor, &o.path),
        })
    }

    pub async fn reserve(&self, actor: &Actor, id: i64) -> ServiceResult<Reserve> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        let r = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &r.org_path)?;
        Ok(placed::<_, Reserve>(&mut conn, actor, vec![r])
            .await?
            .remove(0))
    }

    /// Adds a person to a village's pool.
    pub async fn add_reserve(&self, actor: &Actor, input: &ReserveInput) -> ServiceResult<Reserve> {
        let o = self.village(actor, input.org_id).await?;
        policy::check_keep_reserve(actor, &o.path)?;
        let src = source(&input.source)?;
        let joined = day("joined_on", "入库日期", &input.joined_on)?;
        let training = training(&input.training)?;
        let mut tx = self.begin_audited().await?;
        let person = resolve(self, tx.conn(), actor, &input.who, &o.path).await?;
        let w = ReserveWrite {
            org_id: o.id,
            person_id: person.id,
            source: src.as_str().into(),
            joined_on: joined,
            training,
        };
        let id = store::insert(tx.conn(), &w, actor.user_id)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => ServiceError::field(
                    if input.who.member_id.is_some() {
                        "member_id"
                    } else {
                        "id_number"
                    },
                    "duplicate",
                    "此人已在后备力量库中（一人只在一个村(社区)入库）",
                ),
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("reserve.add", "reserve", id).detail(format!("{} → {}", person.name, o.name)),
        )
        .await?;
        self.reserve(actor, id).await
    }

    pub async fn update_reserve(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReserveUpdate,
    ) -> ServiceResult<Reserve> {
        let r = self.reserve(actor, id).await?;
        let o = self.village(actor, r.org_id).await?;
        policy::check_keep_reserve(actor, &o.path)?;
        let src = source(&input.source)?;
        let training = training(&input.training)?;
        let mut tx = self.begin_audited().await?;
        store::update(tx.conn(), id, src.as_str(), &training).await?;
        tx.commit(
            actor,
            Entry::ok("reserve.update", "reserve", id).detail(r.name.clone()),
        )
        .await?;
        self.reserve(actor, id).await
    }

    /// Records what became of a reserve cadre (elections record their elected themselves).
    pub async fn reserve_outcome(
        &self,
        actor: &Actor,
        id: i64,
        input: &OutcomeInput,
    ) -> ServiceResult<Reserve> {
        let r = self.reserve(actor, id).await?;
        let o = self.village(actor, r.org_id).await?;
        policy::check_keep_reserve(actor, &o.path)?;
        let outcome = Outcome::parse(&input.outcome).ok_or_else(|| {
            ServiceError::field("outcome", "invalid_choice", "请选择已当选或已退出")
        })?;
        let on = day("on", "日期", &input.on)?;
        if on < r.joined_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "日期不能早于入库日期",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::set_outcome(tx.conn(), id, outcome.as_str(), &on).await? {
            return Err(ServiceError::field("outcome", "already_set", "此人已出库"));
        }
        tx.commit(
            actor,
            Entry::ok("reserve.outcome", "reserve", id).detail(format!(
                "{} {}",
                r.name,
                outcome.label()
            )),
        )
        .await?;
        self.reserve(actor, id).await
    }

    /// Records a year's review of a reserve cadre (the town or the district).
    pub async fn review_reserve(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReviewInput,
    ) -> ServiceResult<Reserve> {
        let r = self.reserve(actor, id).await?;
        policy::check_manage(actor, &r_path(self, actor, &r).await?)?;
        let grade = ReviewGrade::parse(&input.grade).ok_or_else(|| {
            ServiceError::field(
                "grade",
                "invalid_choice",
                "请选择优秀、合格、基本合格或不合格",
            )
        })?;
        let joined_year = r
            .joined_on
            .get(..4)
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(0);
        if input.year < joined_year || input.year > i64::from(today().year()) {
            return Err(ServiceError::field(
                "year",
                "out_of_range",
                "考核年度应在入库年度至今年之间",
            ));
        }
        let note = input.note.trim();
        if note.chars().count() > 200 {
            return Err(ServiceError::field(
                "note",
                "too_long",
                "考核说明不能超过 200 字",
            ));
        }
        let mut tx = self.begin_audited().await?;
        store::review(
            tx.conn(),
            id,
            input.year,
            grade.as_str(),
            note,
            actor.user_id,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("reserve.review", "reserve", id).detail(format!(
                "{} {} {}",
                r.name,
                input.year,
                grade.label()
            )),
        )
        .await?;
        self.reserve(actor, id).await
    }

    /// Each village's pool against its target below a level, 50 a page.
    pub async fn reserve_pools(&self, actor: &Actor, q: &PoolQuery) -> ServiceResult<PoolList> {
        self.pool_list(actor, q, Some(page_number(q.page))).await
    }

    /// Every village's pool below a level, for the export and the villages a form offers.
    pub async fn all_reserve_pools(&self, actor: &Actor, q: &PoolQuery) -> ServiceResult<PoolList> {
        self.pool_list(actor, q, None).await
    }

    async fn pool_list(
        &self,
        actor: &Actor,
        q: &PoolQuery,
        page: Option<i64>,
    ) -> ServiceResult<PoolList> {
        let o = self.cadre_level(actor, q.org).await?;
        let mut conn = self.db.conn().await?;
        let default_target = self.cadre_rules().await?.reserve_target;
        let f = PoolFilter {
            root_path: &o.path,
            default_target,
            short: q.short.unwrap_or(false),
        };
        let totals = store::pool_totals(&mut conn, &f).await?;
        let total = totals.villages;
        if page.is_none() {
            crate::export::check_size(total, "个村(社区)")?;
        }
        let (limit, offset) = crate::model::window(page, RESERVE_PER_PAGE);
        let shown: Vec<(PoolRow, i64)> = store::pools(&mut conn, &f, limit, offset)
            .await?
            .into_iter()
            .map(|r| {
                let t = r.target.unwrap_or(default_target);
                (r, t)
            })
            .collect();
        let paths: Vec<&str> = shown.iter().map(|(r, _)| r.path.as_str()).collect();
        let names = places(&mut conn, actor.read_root()?, &paths).await?;
        let items = shown
            .iter()
            .map(|(r, t)| Pool {
                org_id: r.id,
                name: names
                    .get(&r.path)
                    .filter(|n| !n.is_empty())
                    .cloned()
                    .unwrap_or_else(|| r.name.clone()),
                target: *t,
                own_target: r.target.is_some(),
                in_pool: r.in_pool,
                shortfall: shortfall(*t, r.in_pool),
            })
            .collect();
        Ok(PoolList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| RESERVE_PER_PAGE),
            target_sum: totals.target_sum,
            in_pool_sum: totals.in_pool_sum,
            villages_short: totals.villages_short,
            default_target,
            may_set_targets: policy::may_manage(actor, &o.path),
        })
    }

    /// Sets a village's own target, or returns it to the default.
    pub async fn set_reserve_target(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &TargetInput,
    ) -> ServiceResult<()> {
        let o = self.village(actor, org_id).await?;
        policy::check_manage(actor, &o.path)?;
        if let Some(t) = input.target
            && !(0..=50).contains(&t)
        {
            return Err(ServiceError::field(
                "target",
                "out_of_range",
                "后备力量目标应为 0–50 人",
            ));
        }
        let mut tx = self.begin_audited().await?;
        store::set_target(tx.conn(), o.id, input.target, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("reserve.target", "org", o.id).detail(
                input
                    .target
                    .map_or_else(|| "恢复默认".to_string(), |t| t.to_string()),
            ),
        )
        .await?;
        Ok(())
    }
}

async fn r_path(app: &App, actor: &Actor, r: &Reserve) -> ServiceResult<String> {
    Ok(app.village(actor, r.org_id).await?.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_training_are_checked() {
        assert!(source("本土人才").is_ok());
        assert_eq!(
            match source("外星人") {
                Err(ServiceError::Invalid(e)) => e[0].field,
                _ => "",
            },
            "source"
        );
        assert!(training(&"字".repeat(501)).is_err());
    }
}
