//! 星级评定: the district keeps a scheme per year; each grassroots organization scores itself
//! in its window with the computed items pre-filled from the records, its town reviews and
//! adjusts with reasons, the district confirms and publishes for objections. The figure a
//! computed item rests on is stored with the score, so that a later correction of a record
//! never silently changes a rating already scored.

use std::collections::{HashMap, HashSet};

use dangjian_domain::assessment::records::Records;
use dangjian_domain::assessment::scheme::{Rule, Scheme};
use dangjian_domain::assessment::stars::{
    self as domain, RatingState, Stage, StarAction, after_deduction, check_item_score, tenths,
};
use dangjian_domain::date;
use dangjian_domain::org::OrgKind;
use dangjian_store::assessment::stars::{
    self as store, Move, RatingRow, SchemeRow, SchemeWrite, ScoreRow,
};
use dangjian_store::{Conn, StoreError, org};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::figures::{self, rated_kinds};
use super::input::text;
use super::policy;
use super::{
    BoardLine, ScoreInput, ScoreLine, StarBoard, StarInput, StarRating, StarScheme, StarShare,
    StarSheet, StarYear, StateCount,
};
use crate::audit::Entry;
use crate::orgs::Org;
use crate::orgs::places;
use crate::{Actor, App, ServiceError, ServiceResult, today};

const PER_PAGE: i64 = 50;
const REASON_CHARS: usize = 500;
const OBJECTION_CHARS: usize = 1000;

fn scheme_of(r: SchemeRow) -> ServiceResult<StarScheme> {
    let scheme: Scheme = serde_json::from_str(&r.body)
        .map_err(|e| ServiceError::Internal(format!("星级评定方案 #{} 无法读取：{e}", r.id)))?;
    let opens = date::parse(&r.self_opens_on)
        .ok_or_else(|| ServiceError::Internal(format!("方案 #{} 的自评日期无效", r.id)))?;
    Ok(StarScheme {
        id: r.id,
        year: r.year,
        version: r.version,
        base_points_tenths: scheme.base_points(),
        scheme,
        self_closes_on: date::format(opens + Duration::days(r.self_days - 1)),
        self_opens_on: r.self_opens_on,
        self_days: r.self_days,
        publish_days: r.publish_days,
        fixed: r.fixed_at.is_some(),
    })
}

fn window_open(s: &StarScheme, on: Date) -> bool {
    let d = date::format(on);
    s.self_opens_on <= d && d <= s.self_closes_on
}

fn state_of(r: Option<&RatingRow>) -> ServiceResult<RatingState> {
    match r {
        None => Ok(RatingState::SelfScoring),
        Some(r) => RatingState::parse(&r.state)
            .ok_or_else(|| ServiceError::Internal(format!("评定 #{} 状态未知：{}", r.id, r.state))),
    }
}

/// The rows of a rating with every computed item's figure taken from `records`.
fn refreshed(scheme: &Scheme, stored: &[ScoreRow], records: &Records) -> Vec<ScoreRow> {
    scheme
        .items()
        .map(|item| {
            let mut row = stored
                .iter()
                .find(|s| s.item_code == item.code)
                .cloned()
                .unwrap_or_else(|| ScoreRow {
                    item_code: item.code.clone(),
                    ..ScoreRow::default()
                });
            if let Rule::Computed { source } = item.rule {
                // A score that only repeated the platform's value keeps following it.
                if row.self_tenths.is_some() && row.self_tenths == row.computed_tenths {
                    row.self_tenths = None;
                }
                let f = records.figure(source);
                row.computed_tenths = Some(f.score(item.points_tenths));
                row.figure = f.text;
            }
            row
        })
        .collect()
}

/// An item's score as it stands: the latest stage's, else what the records give.
fn effective(r: &ScoreRow) -> Option<i64> {
    domain::effective(r.self_tenths, r.town_tenths, r.district_tenths).or(r.computed_tenths)
}

/// The total and the stars the scores give.
fn tally(scheme: &Scheme, rows: &[ScoreRow]) -> (i64, i64) {
    let mut total = 0;
    let mut innovation = false;
    for item in scheme.items() {
        let s = rows
            .iter()
            .find(|r| r.item_code == item.code)
            .and_then(effective)
            .unwrap_or(0);
        total += s;
        innovation |= item.innovation && s > 0;
    }
    (total, i64::from(scheme.tiers.stars_for(total, innovation)))
}

fn lines(scheme: &Scheme, rows: &[ScoreRow]) -> Vec<ScoreLine> {
    scheme
        .indicators
        .iter()
        .flat_map(|ind| ind.items.iter().map(move |item| (ind, item)))
        .map(|(ind, item)| {
            let r = rows
                .iter()
                .find(|r| r.item_code == item.code)
                .cloned()
                .unwrap_or_default();
            let (rule, unit, per_unit) = match &item.rule {
                Rule::Manual => ("manual", None, None),
                Rule::Computed { .. } => ("computed", None, None),
                Rule::Deduction {
                    per_unit_tenths,
                    unit,
                } => ("deduction", Some(unit.clone()), Some(*per_unit_tenths)),
            };
            let overridden = rule == "computed"
                && [r.self_tenths, r.town_tenths, r.district_tenths]
                    .into_iter()
                    .flatten()
                    .any(|s| Some(s) != r.computed_tenths);
            ScoreLine {
                indicator: ind.name.clone(),
                code: item.code.clone(),
                name: item.name.clone(),
                points_tenths: item.points_tenths,
                rule: rule.into(),
                unit,
                per_unit_tenths: per_unit,
                innovation: item.innovation,
                figure: (rule == "computed").then(|| r.figure.clone()),
                computed_tenths: r.computed_tenths,
                units: r.units,
                score_tenths: effective(&r),
                own_tenths: r.self_tenths,
                own_reason: r.self_reason,
                town_tenths: r.town_tenths,
                town_reason: r.town_reason,
                district_tenths: r.district_tenths,
                district_reason: r.district_reason,
                overridden,
            }
        })
        .collect()
}

/// Writes the scores sent at `stage` into `rows`, checking each against its item.
fn apply(
    scheme: &Scheme,
    rows: &mut [ScoreRow],
    stage: Stage,
    inputs: &[ScoreInput],
) -> ServiceResult<()> {
    let mut seen = HashSet::new();
    for input in inputs {
        let code = input.code.trim();
        let item = scheme.items().find(|i| i.code == code).ok_or_else(|| {
            ServiceError::field(
                "scores",
                "unknown_item",
                format!("评分项 {code} 不在本年度方案中"),
            )
        })?;
        if !seen.insert(code) {
            return Err(ServiceError::field(
                "scores",
                "duplicate",
                format!("评分项 {code} 出现了两次"),
            ));
        }
        let reason = input.reason.trim();
        if reason.chars().count() > REASON_CHARS {
            return Err(ServiceError::field(
                "reason",
                "too_long",
                format!("评分项 {code} 的理由不能超过 {REASON_CHARS} 字"),
            ));
        }
        let Some(row) = rows.iter_mut().find(|r| r.item_code == code) else {
            continue;
        };
        let score = match &item.rule {
            Rule::Deduction {
                per_unit_tenths, ..
            } => match input.units {
                None => None,
                Some(u) if u < 0 => {
                    return Err(ServiceError::field(
                        "units",
                        "out_of_range",
                        format!("评分项 {code} 的扣分次数不能为负"),
                    ));
                }
                Some(u) => {
                    row.units = Some(u);
                    Some(after_deduction(item.points_tenths, *per_unit_tenths, u))
                }
            },
            _ => input.score_tenths,
        };
        let Some(score) = score else {
            continue;
        };
        check_item_score(score, item.points_tenths).map_err(|e| {
            ServiceError::field(e.field, e.code, format!("评分项 {code}：{}", e.message))
        })?;
        // What this stage changes: the platform's figure at the organization's own stage,
        // the stage before at the town and the district.
        let before = match stage {
            Stage::Own => row.computed_tenths,
            Stage::Town => row.self_tenths.or(row.computed_tenths),
            Stage::District => row.town_tenths.or(row.self_tenths).or(row.computed_tenths),
        };
        if before.is_some_and(|b| b != score) && reason.is_empty() {
            let was = before.map(tenths).unwrap_or_default();
            return Err(ServiceError::field(
                "reason",
                "reason_required",
                match stage {
                    Stage::Own => {
                        format!("评分项 {code} 的得分与平台根据记录计算的 {was} 分不同，请说明理由")
                    }
                    _ => format!("评分项 {code} 的得分与上一环节的 {was} 分不同，请说明调整理由"),
                },
            ));
        }
        let (slot, why) = match stage {
            Stage::Own => (&mut row.self_tenths, &mut row.self_reason),
            Stage::Town => (&mut row.town_tenths, &mut row.town_reason),
            Stage::District => (&mut row.district_tenths, &mut row.district_reason),
        };
        *slot = Some(score);
        *why = reason.to_string();
    }
    Ok(())
}

/// Before the organization submits: every item typed by hand has its score.
fn check_complete(scheme: &Scheme, rows: &[ScoreRow]) -> ServiceResult<()> {
    let missing: Vec<&str> = scheme
        .items()
        .filter(|i| !i.innovation && !matches!(i.rule, Rule::Computed { .. }))
        .filter(|i| {
            rows.iter()
                .find(|r| r.item_code == i.code)
                .is_none_or(|r| r.self_tenths.is_none())
        })
        .map(|i| i.code.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::field(
            "scores",
            "incomplete",
            format!("提交前请为以下评分项评分：{}", missing.join("、")),
        ))
    }
}

fn check_rated(o: &Org) -> ServiceResult<()> {
    if OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots) {
        Ok(())
    } else {
        Err(ServiceError::field(
            "org_id",
            "not_rated",
            "星级评定以基层党组织（党委、党总支、党支部）为单位",
        ))
    }
}

/// A board's filter and page.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BoardQuery {
    pub org: Option<i64>,
    pub year: Option<i64>,
    /// A rating state, `none` for organizations not started, or empty for all.
    pub state: String,
    pub page: Option<i64>,
}

/// One organization of an export: its scores, or what the records give before it scored.
#[derive(Debug, Clone)]
pub struct ExportLine {
    pub place: String,
    pub state_label: &'static str,
    pub total_tenths: i64,
    pub stars: i64,
    /// Per item of the scheme, in its order: the score and, for computed items, the figure.
    pub items: Vec<(Option<i64>, String)>,
}

/// Every rated organization of a level with its scores, for the xlsx export.
#[derive(Debug, Clone)]
pub struct StarExport {
    pub org_name: String,
    pub year: i64,
    pub scheme: StarScheme,
    pub lines: Vec<ExportLine>,
}

impl App {
    /// Every scheme, newest year and version first.
    pub async fn star_schemes(&self, actor: &Actor) -> ServiceResult<Vec<StarScheme>> {
        actor.read_root()?;
        let mut conn = self.db.conn().await?;
        store::schemes(&mut conn)
            .await?
            .into_iter()
            .map(scheme_of)
            .collect()
    }

    /// The scheme new ratings of `year` are scored against, if the district made one.
    pub async fn star_scheme(&self, actor: &Actor, year: i64) -> ServiceResult<Option<StarScheme>> {
        actor.read_root()?;
        let mut conn = self.db.conn().await?;
        store::current_scheme(&mut conn, year)
            .await?
            .map(scheme_of)
            .transpose()
    }

    fn check_scheme_input(
        &self,
        year: i64,
        input: &super::SchemeInput,
        base: Option<&StarScheme>,
    ) -> ServiceResult<(Scheme, String, i64, i64)> {
        let this_year = i64::from(today().year());
        if !(2000..=this_year + 1).contains(&year) {
            return Err(ServiceError::field(
                "year",
                "invalid_year",
                "评定年度应在 2000 年至明年之间",
            ));
        }
        let scheme = input
            .scheme
            .clone()
            .or_else(|| base.map(|b| b.scheme.clone()))
            .unwrap_or_default();
        scheme.check().map_err(|e| ServiceError::Invalid(vec![e]))?;
        let opens = match input.self_opens_on.trim() {
            "" => base.map_or_else(|| format!("{:04}-12-01", year), |b| b.self_opens_on.clone()),
            s => s.to_string(),
        };
        let opens_on = date::parse(&opens).ok_or_else(|| {
            ServiceError::field(
                "self_opens_on",
                "invalid_date",
                "自评开始日期应为 YYYY-MM-DD",
            )
        })?;
        let y = i64::from(opens_on.year());
        if y != year && y != year + 1 {
            return Err(ServiceError::field(
                "self_opens_on",
                "out_of_range",
                format!("{year} 年度的自评应在 {year} 年或 {} 年开始", year + 1),
            ));
        }
        let self_days = input
            .self_days
            .or(base.map(|b| b.self_days))
            .unwrap_or(domain::DEFAULT_SELF_DAYS);
        if !(1..=60).contains(&self_days) {
            return Err(ServiceError::field(
                "self_days",
                "out_of_range",
                "自评期应为 1–60 天",
            ));
        }
        let publish_days = input
            .publish_days
            .or(base.map(|b| b.publish_days))
            .unwrap_or(domain::DEFAULT_PUBLISH_DAYS);
        if !(1..=30).contains(&publish_days) {
            return Err(ServiceError::field(
                "publish_days",
                "out_of_range",
                "公示期应为 1–30 天",
            ));
        }
        Ok((scheme, date::format(opens_on), self_days, publish_days))
    }

    /// Writes the year's scheme: the first version, or changes to the current one while no
    /// one has scored against it. A fixed scheme is refused: `new_version` makes the next.
    pub async fn save_star_scheme(
        &self,
        actor: &Actor,
        year: i64,
        input: &super::SchemeInput,
        new_version: bool,
    ) -> ServiceResult<StarScheme> {
        policy::check_district(actor)?;
        let current = self.star_scheme(actor, year).await?;
        let (scheme, opens, self_days, publish_days) =
            self.check_scheme_input(year, input, current.as_ref())?;
        let body = serde_json::to_string(&scheme)
            .map_err(|e| ServiceError::Internal(format!("方案无法保存：{e}")))?;
        let w = SchemeWrite {
            body: &body,
            self_opens_on: &opens,
            self_days,
            publish_days,
        };
        let mut tx = self.begin_audited().await?;
        let id = match &current {
            Some(c) if !new_version => {
                if !store::update_scheme(tx.conn(), c.id, &w).await? {
                    return Err(ServiceError::field(
                        "scheme",
                        "fixed",
                        format!("{year} 年度方案已开始评分，不能再修改；如需调整，请另建新版本"),
                    ));
                }
                c.id
            }
            _ => store::insert_scheme(tx.conn(), year, &w, actor.user_id).await?,
        };
        tx.commit(
            actor,
            Entry::ok("star.scheme", "star_scheme", id).detail(format!(
                "{year} 年度{}",
                if current.is_some() && new_version {
                    "新版本"
                } else {
                    ""
                }
            )),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        scheme_of(
            store::scheme(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?,
        )
    }

    async fn rating_scheme(
        &self,
        conn: &mut Conn,
        rating: Option<&RatingRow>,
        year: i64,
    ) -> ServiceResult<StarScheme> {
        let row = match rating {
            Some(r) => store::scheme(conn, r.scheme_id).await?,
            None => store::current_scheme(conn, year).await?,
        };
        row.map(scheme_of).transpose()?.ok_or_else(|| {
            ServiceError::field(
                "year",
                "no_scheme",
                format!("区委组织部尚未制定 {year} 年度的星级评定方案"),
            )
        })
    }

    /// An organization's sheet for a year: its stored rating, or the preview its records give.
    pub async fn star_sheet(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
    ) -> ServiceResult<StarSheet> {
        let o = self.org(actor, org_id).await?;
        check_rated(&o)?;
        let mut conn = self.db.conn().await?;
        let rating = store::rating_of(&mut conn, o.id, year).await?;
        let scheme = self.rating_scheme(&mut conn, rating.as_ref(), year).await?;
        let state = state_of(rating.as_ref())?;
        let stored = match &rating {
            Some(r) => store::scores(&mut conn, r.id).await?,
            None => Vec::new(),
        };
        // While the organization scores itself the figures follow the records; from its
        // submission on they are the ones it submitted.
        let rows = if state == RatingState::SelfScoring {
            let records = figures::records_of(&mut conn, &o.path, year, today()).await?;
            refreshed(&scheme.scheme, &stored, &records)
        } else {
            refreshed_keep(&scheme.scheme, &stored)
        };
        let (total, stars) = tally(&scheme.scheme, &rows);
        let open = window_open(&scheme, today());
        let mut actions = policy::actions(actor, &o.path, state);
        if state == RatingState::SelfScoring && !open {
            actions.clear();
        }
        let stage = actions
            .contains(&StarAction::Save)
            .then(|| state.scoring_stage())
            .flatten()
            .map(|s| match s {
                Stage::Own => "own",
                Stage::Town => "town",
                Stage::District => "district",
            });
        let history = history(store::history(&mut conn, o.id).await?);
        let objections = match &rating {
            Some(r) => crate::model::all(store::objections(&mut conn, r.id).await?),
            None => Vec::new(),
        };
        let in_publication = state == RatingState::Published
            && rating
                .as_ref()
                .and_then(|r| r.publish_until.as_deref())
                .is_some_and(|until| date::format(today()).as_str() <= until);
        let place = places(&mut conn, actor.read_root()?, &[o.path.as_str()])
            .await?
            .remove(&o.path)
            .unwrap_or_else(|| o.name.clone());
        Ok(StarSheet {
            org_id: o.id,
            place,
            year,
            state: state.as_str().into(),
            state_label: state.label().into(),
            lines: lines(&scheme.scheme, &rows),
            total_tenths: total,
            stars,
            stage: stage.map(String::from),
            actions: actions.iter().map(|a| a.as_str().to_string()).collect(),
            window_open: open,
            may_object: in_publication && actor.user_id.is_some(),
            may_answer: policy::is_district(actor),
            rating: rating.map(StarRating::from),
            scheme,
            history,
            objections,
        })
    }

    /// One move of an organization's rating with the scores of the current stage.
    pub async fn act_on_stars(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
        input: &StarInput,
    ) -> ServiceResult<StarSheet> {
        let action = StarAction::parse(input.action.trim())
            .filter(|a| *a != StarAction::Publish)
            .ok_or_else(|| {
                ServiceError::field(
                    "action",
                    "invalid_choice",
                    "操作应为 save、submit、review、return 或 confirm",
                )
            })?;
        let o = self.org(actor, org_id).await?;
        check_rated(&o)?;
        let mut conn = self.db.conn().await?;
        let rating = store::rating_of(&mut conn, o.id, year).await?;
        let scheme = self.rating_scheme(&mut conn, rating.as_ref(), year).await?;
        let state = state_of(rating.as_ref())?;
        policy::check_act(actor, &o.path, state, action)?;
        if state == RatingState::SelfScoring && !window_open(&scheme, today()) {
            return Err(ServiceError::field(
                "action",
                "window_closed",
                format!(
                    "自评时间为 {} 至 {}，现在不能自评",
                    scheme.self_opens_on, scheme.self_closes_on
                ),
            ));
        }
        let returned = if action == StarAction::Return {
            text(&input.reason, "reason", "退回理由", REASON_CHARS)?
        } else {
            String::new()
        };
        let stored = match &rating {
            Some(r) => store::scores(&mut conn, r.id).await?,
            None => Vec::new(),
        };
        let mut rows = if state == RatingState::SelfScoring {
            let records = figures::records_of(&mut conn, &o.path, year, today()).await?;
            refreshed(&scheme.scheme, &stored, &records)
        } else {
            refreshed_keep(&scheme.scheme, &stored)
        };
        drop(conn);
        if let Some(stage) = state.scoring_stage()
            && action != StarAction::Return
        {
            apply(&scheme.scheme, &mut rows, stage, &input.scores)?;
        }
        if action == StarAction::Submit {
            check_complete(&scheme.scheme, &rows)?;
        }
        let (total, stars) = tally(&scheme.scheme, &rows);
        let to = action
            .next(state)
            .ok_or_else(|| ServiceError::field("action", "not_now", "当前环节不能办理该操作"))?;
        let mut tx = self.begin_audited().await?;
        let id = match &rating {
            Some(r) => r.id,
            None => {
                store::fix_scheme(tx.conn(), scheme.id).await?;
                store::insert_rating(tx.conn(), scheme.id, year, o.id, &o.path)
                    .await
                    .map_err(|e| match e {
                        StoreError::Duplicate(_) => conflict(),
                        other => other.into(),
                    })?
            }
        };
        store::put_scores(tx.conn(), id, &rows).await?;
        let moved = store::move_rating(
            tx.conn(),
            id,
            &Move {
                from: state.as_str(),
                to: to.as_str(),
                total_tenths: total,
                stars,
                stamp: match action {
                    StarAction::Submit => Some("submitted_at"),
                    StarAction::Review => Some("reviewed_at"),
                    StarAction::Confirm => Some("confirmed_at"),
                    _ => None,
                },
                publish_until: None,
                returned_reason: &returned,
            },
        )
        .await?;
        if !moved {
            return Err(conflict());
        }
        tx.commit(
            actor,
            Entry::ok(star_audit(action), "star_rating", id).detail(format!(
                "{} {year} 年度 {} 分 {} 星{}",
                o.name,
                tenths(total),
                stars,
                if returned.is_empty() {
                    String::new()
                } else {
                    format!("，退回：{returned}")
                }
            )),
        )
        .await?;
        self.star_sheet(actor, o.id, year).await
    }

    /// Publishes every confirmed rating of a year inside the level: shown for objections for
    /// the scheme's days. Answers how many were published.
    pub async fn publish_stars(&self, actor: &Actor, org_id: i64, year: i64) -> ServiceResult<i64> {
        policy::check_district(actor)?;
        let o = self.org(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        let confirmed: Vec<RatingRow> = store::ratings_under(&mut conn, &o.path, year)
            .await?
            .into_iter()
            .filter(|r| r.state == RatingState::Confirmed.as_str())
            .collect();
        if confirmed.is_empty() {
            return Err(ServiceError::field(
                "year",
                "nothing_to_publish",
                "没有已确认、待公示的评定结果",
            ));
        }
        let scheme = self
            .rating_scheme(&mut conn, Some(&confirmed[0]), year)
            .await?;
        drop(conn);
        let until = date::format(today() + Duration::days(scheme.publish_days - 1));
        let mut tx = self.begin_audited().await?;
        let mut n = 0;
        for r in &confirmed {
            let m = Move {
                from: RatingState::Confirmed.as_str(),
                to: RatingState::Published.as_str(),
                total_tenths: r.total_tenths,
                stars: r.stars,
                stamp: Some("published_at"),
                publish_until: Some(&until),
                returned_reason: "",
            };
            if store::move_rating(tx.conn(), r.id, &m).await? {
                n += 1;
            }
        }
        tx.commit(
            actor,
            Entry::ok("star.publish", "org", o.id)
                .detail(format!("{} {year} 年度 {n} 个组织，公示至 {until}", o.name)),
        )
        .await?;
        Ok(n)
    }

    /// An objection to a published rating, while it is shown.
    pub async fn object_to_stars(
        &self,
        actor: &Actor,
        rating_id: i64,
        content: &str,
    ) -> ServiceResult<StarSheet> {
        let mut conn = self.db.conn().await?;
        let r = store::rating(&mut conn, rating_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &r.org_path)?;
        let showing = r.state == RatingState::Published.as_str()
            && r.publish_until
                .as_deref()
                .is_some_and(|u| date::format(today()).as_str() <= u);
        if !showing || actor.user_id.is_none() {
            return Err(ServiceError::field(
                "content",
                "not_in_publication",
                "只能在公示期内对已公示的评定结果提出异议",
            ));
        }
        let content = text(content, "content", "异议内容", OBJECTION_CHARS)?;
        drop(conn);
        let mut tx = self.begin_audited().await?;
        let id = store::insert_objection(
            tx.conn(),
            r.id,
            &content,
            actor.user_id,
            &actor.display_name,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("star.object", "star_objection", id)
                .detail(format!("{} {}", r.org_name, r.year)),
        )
        .await?;
        self.star_sheet(actor, r.org_id, r.year).await
    }

    /// The district's answer to an objection; once.
    pub async fn answer_star_objection(
        &self,
        actor: &Actor,
        objection_id: i64,
        answer: &str,
    ) -> ServiceResult<StarSheet> {
        let mut conn = self.db.conn().await?;
        let j = store::objection(&mut conn, objection_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let r = store::rating(&mut conn, j.rating_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &r.org_path)?;
        policy::check_district(actor)?;
        let answer = text(answer, "answer", "答复内容", OBJECTION_CHARS)?;
        drop(conn);
        let mut tx = self.begin_audited().await?;
        if !store::answer_objection(tx.conn(), j.id, &answer, actor.user_id).await? {
            return Err(ServiceError::field("answer", "answered", "该异议已经答复"));
        }
        tx.commit(actor, Entry::ok("star.answer", "star_objection", j.id))
            .await?;
        self.star_sheet(actor, r.org_id, r.year).await
    }

    /// The rated organizations of a level and where each rating stands, paged.
    pub async fn star_board(&self, actor: &Actor, q: &BoardQuery) -> ServiceResult<StarBoard> {
        let o = match q.org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let year = q.year.unwrap_or_else(|| i64::from(today().year()));
        let mut conn = self.db.conn().await?;
        let scheme = store::current_scheme(&mut conn, year)
            .await?
            .map(scheme_of)
            .transpose()?;
        let kinds = rated_kinds();
        let states = store::board_states(&mut conn, &o.path, &kinds, year).await?;
        let count_of = |state: &str| {
            states
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n)
        };
        let mut by_state: Vec<StateCount> = std::iter::once(("none", "未开始"))
            .chain(RatingState::ALL.iter().map(|s| (s.as_str(), s.label())))
            .map(|(state, label)| StateCount {
                state: state.into(),
                label: label.into(),
                count: count_of(state),
            })
            .collect();
        by_state.retain(|s| s.count > 0 || s.state == "none");
        let done = store::star_counts(
            &mut conn,
            &o.path,
            year,
            &[
                RatingState::Confirmed.as_str(),
                RatingState::Published.as_str(),
            ],
        )
        .await?;
        let done_total: i64 = done.iter().map(|(_, n)| n).sum();
        let by_stars = match &scheme {
            Some(s) => s
                .scheme
                .tiers
                .0
                .iter()
                .map(|t| {
                    let stars = i64::from(t.stars);
                    let count = done
                        .iter()
                        .find(|(x, _)| *x == stars)
                        .map_or(0, |(_, n)| *n);
                    StarShare {
                        stars,
                        count,
                        percent: if done_total == 0 {
                            0
                        } else {
                            count * 100 / done_total
                        },
                        expected_percent: i64::from(t.expected_percent),
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let filter = (!q.state.is_empty()).then_some(q.state.as_str());
        let total = match filter {
            Some(state) => count_of(state),
            None => states.iter().map(|(_, n)| n).sum(),
        };
        let page = crate::model::page_number(q.page);
        let shown = store::board_page(
            &mut conn,
            &o.path,
            &kinds,
            year,
            filter,
            ((page - 1) * PER_PAGE, PER_PAGE),
        )
        .await?;
        let ids: Vec<i64> = shown.iter().map(|r| r.id).collect();
        let mut ratings: HashMap<i64, RatingRow> = store::ratings_of(&mut conn, &ids, year)
            .await?
            .into_iter()
            .map(|r| (r.org_id, r))
            .collect();
        let last_year: HashMap<i64, i64> = store::ratings_of(&mut conn, &ids, year - 1)
            .await?
            .into_iter()
            .filter(|r| r.state == RatingState::Published.as_str())
            .map(|r| (r.org_id, r.stars))
            .collect();
        let paths: Vec<&str> = shown.iter().map(|r| r.path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let items = shown
            .iter()
            .map(|r| BoardLine {
                org_id: r.id,
                place: names.remove(&r.path).unwrap_or_else(|| r.name.clone()),
                org_kind: r.kind.clone(),
                rating: ratings.remove(&r.id).map(StarRating::from),
                last_year_stars: last_year.get(&r.id).copied(),
            })
            .collect();
        let open_objections = store::open_objections(&mut conn, &o.path, year).await?;
        let may_publish = if policy::is_district(actor) {
            by_state
                .iter()
                .find(|s| s.state == RatingState::Confirmed.as_str())
                .map_or(0, |s| s.count)
        } else {
            0
        };
        Ok(StarBoard {
            org_id: o.id,
            org_name: o.name,
            year,
            scheme,
            items,
            total,
            page,
            per_page: PER_PAGE,
            by_state,
            by_stars,
            open_objections,
            may_publish,
        })
    }

    /// Every rated organization of a level with its scores; those not yet scored with what
    /// their records give, computed for the whole level in one pass.
    pub async fn export_stars(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
    ) -> ServiceResult<StarExport> {
        let o = self.org(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        let scheme = self.rating_scheme(&mut conn, None, year).await?;
        let rated = org::in_subtree(&mut conn, &o.path, &rated_kinds(), i64::MAX).await?;
        crate::export::check_size(rated.len() as i64, "个组织")?;
        let ratings: HashMap<i64, RatingRow> = store::ratings_under(&mut conn, &o.path, year)
            .await?
            .into_iter()
            .map(|r| (r.org_id, r))
            .collect();
        let branches: Vec<String> = rated
            .iter()
            .filter(|r| OrgKind::parse(&r.kind).is_some_and(OrgKind::holds_members))
            .map(|r| r.path.clone())
            .collect();
        let records = figures::records(&mut conn, &o.path, &branches, year, today()).await?;
        let mut scores: HashMap<i64, Vec<ScoreRow>> = HashMap::new();
        for (rating_id, score) in store::scores_under(&mut conn, &o.path, year).await? {
            scores.entry(rating_id).or_default().push(score);
        }
        let stored = |id: i64| scores.get(&id).map_or(&[][..], Vec::as_slice);
        let paths: Vec<&str> = rated.iter().map(|r| r.path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let mut lines = Vec::with_capacity(rated.len());
        for r in &rated {
            let rating = ratings.get(&r.id);
            let rows = match rating {
                Some(x) if x.state != RatingState::SelfScoring.as_str() => {
                    refreshed_keep(&scheme.scheme, stored(x.id))
                }
                Some(x) => refreshed(
                    &scheme.scheme,
                    stored(x.id),
                    records.get(&r.path).unwrap_or(&Records::default()),
                ),
                None => refreshed(
                    &scheme.scheme,
                    &[],
                    records.get(&r.path).unwrap_or(&Records::default()),
                ),
            };
            let (total, stars) = tally(&scheme.scheme, &rows);
            let state = state_of(rating)?;
            lines.push(ExportLine {
                place: names.remove(&r.path).unwrap_or_else(|| r.name.clone()),
                state_label: if rating.is_some() {
                    state.label()
                } else {
                    "未开始"
                },
                total_tenths: total,
                stars,
                items: scheme
                    .scheme
                    .items()
                    .map(|i| {
                        let row = rows.iter().find(|x| x.item_code == i.code);
                        (
                            row.and_then(effective),
                            row.map(|x| x.figure.clone()).unwrap_or_default(),
                        )
                    })
                    .collect(),
            });
        }
        drop(conn);
        self.audit_export(actor, "星级评定", o.id, lines.len(), None)
            .await?;
        Ok(StarExport {
            org_name: o.name,
            year,
            scheme,
            lines,
        })
    }
}

/// The stored rows in the scheme's order, an empty row for an item never scored.
fn refreshed_keep(scheme: &Scheme, stored: &[ScoreRow]) -> Vec<ScoreRow> {
    scheme
        .items()
        .map(|item| {
            stored
                .iter()
                .find(|s| s.item_code == item.code)
                .cloned()
                .unwrap_or_else(|| ScoreRow {
                    item_code: item.code.clone(),
                    ..ScoreRow::default()
                })
        })
        .collect()
}

fn conflict() -> ServiceError {
    ServiceError::field("action", "conflict", "该评定刚被他人处理，请刷新后查看")
}

fn star_audit(a: StarAction) -> &'static str {
    match a {
        StarAction::Save => "star.save",
        StarAction::Submit => "star.submit",
        StarAction::Review => "star.review",
        StarAction::Return => "star.return",
        StarAction::Confirm => "star.confirm",
        StarAction::Publish => "star.publish",
    }
}

/// An organization's years, newest first, each with its move against the year before.
fn history(rows: Vec<RatingRow>) -> Vec<StarYear> {
    let published: Vec<&RatingRow> = rows
        .iter()
        .filter(|r| r.state == RatingState::Published.as_str())
        .collect();
    published
        .iter()
        .enumerate()
        .map(|(i, r)| StarYear {
            year: r.year,
            stars: r.stars,
            total_tenths: r.total_tenths,
            state: r.state.clone(),
            trend: published
                .get(i + 1)
                .filter(|prev| prev.year == r.year - 1)
                .map_or(0, |prev| (r.stars - prev.stars).signum()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_for(s: &Scheme) -> Vec<ScoreRow> {
        refreshed(s, &[], &Records::default())
    }

    #[test]
    fn scores_are_checked_against_their_item_and_overrides_need_a_reason() {
        let s = Scheme::default();
        let mut rows = rows_for(&s);
        let manual = |code: &str, t| ScoreInput {
            code: code.into(),
            score_tenths: Some(t),
            ..ScoreInput::default()
        };
        let err = |r: ServiceResult<()>| match r {
            Err(ServiceError::Invalid(e)) => (e[0].field, e[0].code),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            err(apply(&s, &mut rows, Stage::Own, &[manual("1.2", 101)])),
            ("score", "out_of_range")
        );
        assert_eq!(
            err(apply(&s, &mut rows, Stage::Own, &[manual("9.9", 1)])),
            ("scores", "unknown_item")
        );
        assert_eq!(
            err(apply(
                &s,
                &mut rows,
                Stage::Own,
                &[manual("1.2", 1), manual("1.2", 2)]
            )),
            ("scores", "duplicate")
        );
        let units = ScoreInput {
            code: "4.4".into(),
            units: Some(-1),
            ..ScoreInput::default()
        };
        assert_eq!(
            err(apply(&s, &mut rows, Stage::Own, &[units])),
            ("units", "out_of_range")
        );
        // 4.1 is computed: the records (none due) give the full 10 points.
        assert_eq!(
            err(apply(&s, &mut rows, Stage::Own, &[manual("4.1", 80)])),
            ("reason", "reason_required")
        );
        let mut why = manual("4.1", 80);
        why.reason = "两次会议记录未上传".into();
        let units = ScoreInput {
            code: "4.4".into(),
            units: Some(2),
            ..ScoreInput::default()
        };
        apply(&s, &mut rows, Stage::Own, &[why, manual("1.2", 90), units]).expect("scored");
        let line = |rows: &[ScoreRow], code: &str| {
            rows.iter()
                .find(|r| r.item_code == code)
                .cloned()
                .expect("row")
        };
        assert_eq!(
            line(&rows, "4.4").self_tenths,
            Some(30),
            "5 points less 2 × 1"
        );
        assert!(
            lines(&s, &rows)
                .iter()
                .any(|l| l.code == "4.1" && l.overridden)
        );
        // The town changes what the branch gave only with a reason.
        assert_eq!(
            err(apply(&s, &mut rows, Stage::Town, &[manual("1.2", 70)])),
            ("reason", "reason_required")
        );
        apply(&s, &mut rows, Stage::Town, &[manual("1.2", 90)]).expect("same score, no reason");
        assert_eq!(effective(&line(&rows, "1.2")), Some(90));
    }

    #[test]
    fn submission_needs_every_manual_item_and_the_total_decides_the_stars() {
        let s = Scheme::default();
        let mut rows = rows_for(&s);
        assert!(matches!(
            check_complete(&s, &rows),
            Err(ServiceError::Invalid(_))
        ));
        let all: Vec<ScoreInput> = s
            .items()
            .filter(|i| !i.innovation && !matches!(i.rule, Rule::Computed { .. }))
            .map(|i| ScoreInput {
                code: i.code.clone(),
                score_tenths: Some(i.points_tenths),
                units: Some(0),
                reason: String::new(),
            })
            .collect();
        assert!(!all.is_empty());
        apply(&s, &mut rows, Stage::Own, &all).expect("scored");
        check_complete(&s, &rows).expect("complete");
        // Computed items with nothing due keep their points; no secretary on record and no
        // one recruited lose theirs: 90 without innovation is 4 stars.
        assert_eq!(tally(&s, &rows), (900, 4));
        let bonus = ScoreInput {
            code: "8.1".into(),
            score_tenths: Some(50),
            ..ScoreInput::default()
        };
        apply(&s, &mut rows, Stage::Own, &[bonus]).expect("innovation");
        assert_eq!(tally(&s, &rows), (950, 5));
    }

    #[test]
    fn history_shows_stars_going_up_and_down() {
        let row = |year, stars| RatingRow {
            id: year,
            scheme_id: 1,
            year,
            org_id: 1,
            org_path: "/1/".into(),
            org_name: String::new(),
            org_kind: String::new(),
            state: "published".into(),
            total_tenths: 0,
            stars,
            submitted_at: None,
            reviewed_at: None,
            confirmed_at: None,
            published_at: None,
            publish_until: None,
            returned_reason: String::new(),
            updated_at: 0,
        };
        let h = history(vec![row(2026, 3), row(2025, 4), row(2024, 4)]);
        assert_eq!(
            h.iter().map(|y| (y.year, y.trend)).collect::<Vec<_>>(),
            vec![(2026, -1), (2025, 0), (2024, 0)]
        );
    }
}
