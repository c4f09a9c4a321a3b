//! 书记抓基层党建述职评议考核 and 阵地建设: each level rates the secretaries of the level
//! below (the report, the meeting's votes, the grade) and follows the rectification it asks
//! for; service-centre projects with their budget and stages, and a level's totals.

use std::collections::HashMap;

use dangjian_domain::assessment::rating::{Grade, RatingWindow, Votes};
use dangjian_domain::date;
use dangjian_domain::org::OrgKind;
use dangjian_store::assessment::people::{self as store, ProjectWrite, RatingWrite};
use dangjian_store::org;
use serde::{Deserialize, Serialize};

use super::files::{AssessmentFile, Owner, files_by_owner};
use super::input::{day, text};
use super::policy;
use crate::audit::Entry;
use crate::model::{all, read_model};
use crate::orgs::{Org, places};
use crate::{Actor, App, ServiceError, ServiceResult, today};

const TEXT_CHARS: usize = 2000;

read_model! {
    /// A secretary's rating of a year: the report, the meeting's votes and the grade.
    pub struct SecretaryRating from store::RatingRow {
        pub id: i64,
        pub year: i64,
        pub org_id: i64,
        pub secretary_name: String,
        pub report: String,
        pub meeting_on: String,
        pub present: i64,
        pub good: i64,
        pub fairly_good: i64,
        pub average: i64,
        pub poor: i64,
        /// good, fairly_good, average, poor.
        pub grade: String,
        pub open_items: i64,
    }
}

read_model! {
    /// An item of the rectification ledger that follows a rating.
    pub struct RatingItem from store::ItemRow {
        pub id: i64,
        pub rating_id: i64,
        pub content: String,
        pub deadline: String,
        pub done_on: Option<String>,
    }
}

/// One organization of the level below with its secretary's rating of the year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RatingLine {
    pub org_id: i64,
    pub org_name: String,
    /// The secretary on record now.
    pub secretary: Option<String>,
    pub rating: Option<SecretaryRating>,
    pub items: Vec<RatingItem>,
    /// 好 and 较好 in tenths of a percent of those present.
    pub approval_permille: Option<i64>,
    /// The report and its materials.
    pub files: Vec<AssessmentFile>,
    /// The actor may add and remove the report's files.
    pub may_attach: bool,
}

/// A level's ratings of the secretaries below it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SecretaryRatings {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub window: RatingWindow,
    pub in_window: bool,
    pub lines: Vec<RatingLine>,
    /// The actor rates this level's secretaries.
    pub may_rate: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SecretaryRatingInput {
    pub year: Option<i64>,
    /// Default: the secretary on record.
    pub secretary_name: String,
    pub report: String,
    pub meeting_on: String,
    pub votes: Votes,
    /// good, fairly_good, average, poor (or 好, 较好, 一般, 差).
    pub grade: String,
}

/// A service-centre project.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceProject {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    /// In fen (0.01 yuan).
    pub budget_fen: i64,
    /// planned, building, completed.
    pub stage: String,
    pub stage_label: String,
    pub planned_on: String,
    pub started_on: Option<String>,
    pub completed_on: Option<String>,
    pub note: String,
    /// Photos and documents of the project.
    pub files: Vec<AssessmentFile>,
}

// Public only so that the service converts rows anywhere; outside it no row can be had.
#[allow(exported_private_dependencies)]
impl From<store::ProjectRow> for ServiceProject {
    fn from(r: store::ProjectRow) -> Self {
        ServiceProject {
            stage_label: stage_label(&r.stage).into(),
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name,
            name: r.name,
            budget_fen: r.budget_fen,
            stage: r.stage,
            planned_on: r.planned_on,
            started_on: r.started_on,
            completed_on: r.completed_on,
            note: r.note,
            files: Vec::new(),
        }
    }
}

/// Projects on a page of a level's list.
const PROJECTS_PER_PAGE: i64 = 50;

fn stage_label(s: &str) -> &'static str {
    match s {
        "planned" => "计划中",
        "building" => "建设中",
        "completed" => "已建成",
        _ => "",
    }
}

/// A level's projects and their totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<ServiceProject>,
    /// Projects of the level (all pages), and by stage.
    pub total: i64,
    pub planned: i64,
    pub building: i64,
    pub page: i64,
    pub per_page: i64,
    pub completed: i64,
    pub budget_fen: i64,
    pub may_create: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProjectInput {
    pub org_id: i64,
    pub name: String,
    /// Yuan, up to two decimals ("35000" or "35000.50").
    pub budget: String,
    pub planned_on: String,
    pub note: String,
}

/// Yuan as typed to fen; `None` when it is not an amount.
fn fen(yuan: &str) -> Option<i64> {
    let t = yuan.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(frac.parse().ok()?)
}

impl App {
    /// A level's ratings of the secretaries of the organizations directly below it.
    pub async fn secretary_ratings(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: i64,
    ) -> ServiceResult<SecretaryRatings> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let children: Vec<org::OrgRow> = org::children(&mut conn, o.id)
            .await?
            .into_iter()
            .filter(|c| c.closed_on.is_none())
            .filter(|c| {
                OrgKind::parse(&c.kind)
                    .is_some_and(|k| k == OrgKind::TownCommittee || k.is_grassroots())
            })
            .collect();
        let mut ratings = store::ratings_of_children(&mut conn, o.id, year).await?;
        let mut items_of: HashMap<i64, Vec<store::ItemRow>> = HashMap::new();
        for item in store::items_of_children(&mut conn, o.id, year).await? {
            items_of.entry(item.rating_id).or_default().push(item);
        }
        let owners: Vec<Owner> = ratings.iter().map(|r| Owner::Report(r.id)).collect();
        let mut files = files_by_owner(&mut conn, &owners).await?;
        let mut lines = Vec::with_capacity(children.len());
        for c in children {
            let rating = ratings
                .iter()
                .position(|r| r.org_id == c.id)
                .map(|i| ratings.swap_remove(i));
            let items = match &rating {
                Some(r) => all(items_of.remove(&r.id).unwrap_or_default()),
                None => Vec::new(),
            };
            lines.push(RatingLine {
                approval_permille: rating.as_ref().map(|r| {
                    Votes {
                        present: r.present,
                        good: r.good,
                        fairly_good: r.fairly_good,
                        average: r.average,
                        poor: r.poor,
                    }
                    .approval_permille()
                }),
                files: rating
                    .as_ref()
                    .and_then(|r| files.remove(&r.id))
                    .unwrap_or_default(),
                may_attach: rating.is_some() && policy::check_keep_report(actor, &c.path).is_ok(),
                org_id: c.id,
                org_name: c.name,
                secretary: c.secretary,
                rating: rating.map(SecretaryRating::from),
                items,
            });
        }
        let window = RatingWindow::default();
        Ok(SecretaryRatings {
            in_window: window.contains(today()) && year == i64::from(today().year()),
            may_rate: policy::may_rate_below(actor, &o.path),
            org_id: o.id,
            org_name: o.name,
            year,
            window,
            lines,
        })
    }

    async fn rated_child(&self, actor: &Actor, org_id: i64) -> ServiceResult<(Org, Org)> {
        let o = self.org(actor, org_id).await?;
        let parent = o.parent_id.ok_or_else(|| {
            ServiceError::field("org_id", "no_parent", "区委书记的述职不在本平台评议")
        })?;
        let above = self.org(actor, parent).await?;
        policy::check_rate_below(actor, &above.path)?;
        Ok((o, above))
    }

    /// The level above's rating of a secretary for a year, entered (or corrected) from the
    /// meeting's count.
    pub async fn rate_secretary(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &SecretaryRatingInput,
    ) -> ServiceResult<SecretaryRatings> {
        let (o, above) = self.rated_child(actor, org_id).await?;
        let year = input.year.unwrap_or_else(|| i64::from(today().year()));
        if year > i64::from(today().year()) {
            return Err(ServiceError::field(
                "year",
                "future",
                "不能评议尚未到来的年度",
            ));
        }
        let name = match input.secretary_name.trim() {
            "" => o.secretary.clone().ok_or_else(|| {
                ServiceError::field(
                    "secretary_name",
                    "required",
                    "该组织没有书记记录，请填写书记姓名",
                )
            })?,
            n => text(n, "secretary_name", "书记姓名", 20)?,
        };
        let report = text(&input.report, "report", "述职报告要点", TEXT_CHARS)?;
        let meeting = day(&input.meeting_on, "meeting_on", "述职评议会日期")?;
        if meeting > today() {
            return Err(ServiceError::field(
                "meeting_on",
                "future",
                "评议会日期不能晚于今天",
            ));
        }
        let window = RatingWindow::default();
        let year_i32 = i32::try_from(year).unwrap_or(i32::MAX);
        if !window.meeting_fits(year_i32, meeting) {
            return Err(ServiceError::field(
                "meeting_on",
                "outside_window",
                format!(
                    "{year} 年度的述职评议会应在 {} 之后召开",
                    window
                        .opens(year_i32)
                        .map_or_else(String::new, date::format)
                ),
            ));
        }
        input
            .votes
            .check()
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let grade = Grade::parse(input.grade.trim()).ok_or_else(|| {
            ServiceError::field("grade", "invalid_choice", "等次应为 好、较好、一般 或 差")
        })?;
        let v = input.votes;
        let mut tx = self.begin_audited().await?;
        let id = store::put_rating(
            tx.conn(),
            &RatingWrite {
                year,
                org: (o.id, &o.path),
                secretary_name: &name,
                report: &report,
                meeting_on: &date::format(meeting),
                votes: [v.present, v.good, v.fairly_good, v.average, v.poor],
                grade: grade.as_str(),
                by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("secretary.rate", "secretary_rating", id).detail(format!(
                "{} {name} {year} 年度 {}",
                o.name,
                grade.label()
            )),
        )
        .await?;
        self.secretary_ratings(actor, Some(above.id), year).await
    }

    /// An item of the rectification ledger after a rating, with its deadline.
    pub async fn add_rating_item(
        &self,
        actor: &Actor,
        rating_id: i64,
        content: &str,
        deadline: &str,
    ) -> ServiceResult<SecretaryRatings> {
        let mut conn = self.db.conn().await?;
        let r = store::rating(&mut conn, rating_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        let (_, above) = self.rated_child(actor, r.org_id).await?;
        let content = text(content, "content", "整改事项", 500)?;
        let deadline = day(deadline, "deadline", "整改时限")?;
        let meeting = date::parse(&r.meeting_on).unwrap_or_else(today);
        if deadline < meeting {
            return Err(ServiceError::field(
                "deadline",
                "before_start",
                "整改时限不能早于述职评议会",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let id = store::insert_item(tx.conn(), r.id, &content, &date::format(deadline)).await?;
        tx.commit(
            actor,
            Entry::ok("secretary.item", "secretary_rectification", id),
        )
        .await?;
        self.secretary_ratings(actor, Some(above.id), r.year).await
    }

    /// Marks an item of the ledger done today.
    pub async fn finish_rating_item(
        &self,
        actor: &Actor,
        item_id: i64,
    ) -> ServiceResult<SecretaryRatings> {
        let mut conn = self.db.conn().await?;
        let i = store::item(&mut conn, item_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let r = store::rating(&mut conn, i.rating_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        let (_, above) = self.rated_child(actor, r.org_id).await?;
        let mut tx = self.begin_audited().await?;
        if !store::finish_item(tx.conn(), i.id, &date::format(today())).await? {
            return Err(ServiceError::field("item_id", "done", "该事项已完成"));
        }
        tx.commit(
            actor,
            Entry::ok("secretary.item_done", "secretary_rectification", i.id),
        )
        .await?;
        self.secretary_ratings(actor, Some(above.id), r.year).await
    }

    /// A level's service-centre projects with their totals, a page at a time.
    pub async fn service_projects(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        page: Option<i64>,
    ) -> ServiceResult<ProjectList> {
        let page = crate::model::page_number(page);
        self.project_list(actor, org_id, Some(page)).await
    }

    /// Every project of a level, for its export.
    pub async fn export_service_projects(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
    ) -> ServiceResult<ProjectList> {
        self.project_list(actor, org_id, None).await
    }

    async fn project_list(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        page: Option<i64>,
    ) -> ServiceResult<ProjectList> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let totals = store::project_totals(&mut conn, &o.path).await?;
        if page.is_none() {
            crate::export::check_size(totals.total, "个项目")?;
        }
        let rows = store::projects(
            &mut conn,
            &o.path,
            page.map(|p| (PROJECTS_PER_PAGE, (p - 1) * PROJECTS_PER_PAGE)),
        )
        .await?;
        let paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let owners: Vec<Owner> = rows.iter().map(|p| Owner::Project(p.id)).collect();
        let mut files = files_by_owner(&mut conn, &owners).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let place = names.remove(&r.org_path);
                let mut p = ServiceProject::from(r);
                if let Some(place) = place.filter(|x| !x.is_empty()) {
                    p.org_name = place;
                }
                p.files = files.remove(&p.id).unwrap_or_default();
                p
            })
            .collect();
        Ok(ProjectList {
            total: totals.total,
            planned: totals.planned,
            building: totals.building,
            completed: totals.completed,
            budget_fen: totals.budget_fen,
            page: page.unwrap_or(1),
            per_page: page.map_or(totals.total, |_| PROJECTS_PER_PAGE),
            may_create: policy::may_keep_projects(actor, &o.path),
            org_id: o.id,
            org_name: o.name,
            items,
        })
    }

    /// A planned project of an organization.
    pub async fn create_service_project(
        &self,
        actor: &Actor,
        input: &ProjectInput,
    ) -> ServiceResult<ServiceProject> {
        let o = self.org(actor, input.org_id).await?;
        policy::check_keep_projects(actor, &o.path)?;
        let name = text(&input.name, "name", "项目名称", 60)?;
        let budget = fen(&input.budget).filter(|f| *f > 0).ok_or_else(|| {
            ServiceError::field(
                "budget",
                "invalid_amount",
                "预算应为大于 0 的金额（元，最多两位小数）",
            )
        })?;
        let planned = day(&input.planned_on, "planned_on", "计划开工日期")?;
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::field(
                "note",
                "too_long",
                "说明不能超过 500 字",
            ));
        }
        let mut tx = self.begin_audited().await?;
        store::insert_projects(
            tx.conn(),
            &[ProjectWrite {
                org: (o.id, &o.path),
                name: &name,
                budget_fen: budget,
                stage: "planned",
                planned_on: &date::format(planned),
                started_on: None,
                completed_on: None,
                note,
                by: actor.user_id,
            }],
        )
        .await?;
        let id = store::last_project(tx.conn(), o.id, &name)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("project.create", "service_project", id).detail(name),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::project(&mut conn, id)
            .await?
            .map(ServiceProject::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Moves a project on: planned → building (started on) → completed (completed on).
    pub async fn advance_service_project(
        &self,
        actor: &Actor,
        id: i64,
        on: &str,
    ) -> ServiceResult<ServiceProject> {
        let mut conn = self.db.conn().await?;
        let p = store::project(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        actor.check_visible(&p.org_path)?;
        policy::check_keep_projects(actor, &p.org_path)?;
        let to = match p.stage.as_str() {
            "planned" => "building",
            "building" => "completed",
            _ => return Err(ServiceError::field("stage", "completed", "项目已建成")),
        };
        let on = day(on, "on", "日期")?;
        if on > today() {
            return Err(ServiceError::field("on", "future", "日期不能晚于今天"));
        }
        let since = p.started_on.as_deref().unwrap_or(&p.planned_on);
        if to == "completed" && date::format(on).as_str() < since {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "建成日期不能早于开工日期",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::advance(tx.conn(), p.id, (&p.stage, to), &date::format(on)).await? {
            return Err(ServiceError::field(
                "stage",
                "conflict",
                "项目刚被他人更新，请刷新后查看",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("project.advance", "service_project", p.id).detail(stage_label(to)),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::project(&mut conn, p.id)
            .await?
            .map(ServiceProject::from)
            .ok_or(ServiceError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_read_as_yuan_to_the_fen() {
        assert_eq!(fen("35000"), Some(3_500_000));
        assert_eq!(fen("35000.5"), Some(3_500_050));
        assert_eq!(fen(" 0.05 "), Some(5));
        for bad in ["", "-3", "1.234", "1,000", "壹万", ".5", "1e5"] {
            assert_eq!(fen(bad), None, "{bad}");
        }
    }
}
