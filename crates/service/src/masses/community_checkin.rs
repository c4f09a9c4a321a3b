//! 双报到: members of agencies, institutions and enterprises report to the community where
//! they live, log the service they do there, and the community rates them once a year. The
//! community's staff see who reported to them; the member's branch sees its members' reports.

use dangjian_domain::date;
use dangjian_domain::masses::{self, CheckinRating, DeedInput};
use dangjian_domain::org::{OrgKind, OrgOwner, place_name};
use dangjian_store::StoreError;
use dangjian_store::masses::community_checkin::{self as store, NewCommunityCheckin, NewService};
use dangjian_store::member::{self, DEPARTED_PATH};
use dangjian_store::org;
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::masses::CommunityCheckin;
use crate::masses::CommunityService;
use crate::masses::PAGE;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// A village or community as residents and members pick it: by place name, under its town,
/// in the administrative order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Community {
    pub id: i64,
    /// 音观社区 (not the party committee's name).
    pub name: String,
    /// 白涛街道.
    pub town: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunityCheckinView {
    #[serde(flatten)]
    pub report: CommunityCheckin,
    pub services: Vec<CommunityService>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunityCheckinPage {
    pub org: Org,
    pub year: i32,
    pub items: Vec<CommunityCheckin>,
    pub total: i64,
    pub page: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RatingInput {
    pub year: Option<i32>,
    pub rating: String,
    pub comment: String,
}

pub(crate) fn is_community(o: &Org) -> bool {
    matches!(
        OrgOwner::parse(&o.owner),
        Some(OrgOwner::Village | OrgOwner::Community)
    ) && !OrgKind::parse(&o.kind).is_some_and(OrgKind::is_group)
        && o.closed_on.is_none()
}

fn this_year() -> i32 {
    today().year()
}

impl App {
    /// The villages and communities a member may report to or a resident writes from: every
    /// open one of the district, by place name under its town.
    pub async fn communities(&self) -> ServiceResult<Vec<Community>> {
        let mut conn = self.db.conn().await?;
        Ok(org::communities(&mut conn)
            .await?
            .into_iter()
            .map(|(id, name, town)| Community {
                id,
                name: place_name(&name).to_string(),
                town: place_name(&town).to_string(),
            })
            .collect())
    }

    /// A report the actor may see: its member, the member's branch, or the community's staff.
    async fn report(&self, actor: &Actor, id: i64) -> ServiceResult<CommunityCheckin> {
        let mut conn = self.db.conn().await?;
        let r = store::get(&mut conn, id, this_year())
            .await?
            .ok_or(ServiceError::NotFound)?;
        let own = actor.member_id == Some(r.member_id);
        if !own
            && actor.check_visible(&r.community_path).is_err()
            && actor.check_visible(&r.member_path).is_err()
        {
            return Err(ServiceError::NotFound);
        }
        Ok(r.into())
    }

    pub async fn report_view(&self, actor: &Actor, id: i64) -> ServiceResult<CommunityCheckinView> {
        let report = self.report(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let services = store::services_of(&mut conn, id).await?;
        Ok(CommunityCheckinView {
            report,
            services: crate::model::all(services),
        })
    }

    /// The actor's own current report, if they are a member with one.
    pub async fn my_community_checkin(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Option<CommunityCheckinView>> {
        let Some(member_id) = actor.member_id else {
            return Ok(None);
        };
        let mut conn = self.db.conn().await?;
        let Some(report) = store::current_of(&mut conn, member_id, this_year()).await? else {
            return Ok(None);
        };
        let services = store::services_of(&mut conn, report.id).await?;
        Ok(Some(CommunityCheckinView {
            report: report.into(),
            services: crate::model::all(services),
        }))
    }

    /// Registers a member with the community where they live, ending an earlier report.
    pub async fn register_community_checkin(
        &self,
        actor: &Actor,
        member_id: i64,
        community_id: i64,
    ) -> ServiceResult<i64> {
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, member_id)
            .await?
            .filter(|m| m.org_path != DEPARTED_PATH)
            .ok_or(ServiceError::NotFound)?;
        if actor.member_id != Some(m.id) {
            actor.check_edit_members(&m.org_path)?;
        }
        // The branch and its ancestors: a member of a village or community has no unit to
        // come from.
        let village_member = org::ancestors(&mut conn, &m.org_path)
            .await?
            .into_iter()
            .map(Org::from)
            .any(|o| is_community(&o));
        if village_member {
            return Err(ServiceError::field(
                "member_id",
                "not_in_service",
                "村（社区）党员在本村（社区）参加组织生活，无需报到",
            ));
        }
        let community = org::get(&mut conn, community_id)
            .await?
            .map(Org::from)
            .filter(is_community)
            .ok_or_else(|| {
                ServiceError::field(
                    "community_id",
                    "not_a_community",
                    "请选择居住地所在的村（社区）",
                )
            })?;
        let current = store::current_of(&mut conn, m.id, this_year()).await?;
        drop(conn);
        if current
            .as_ref()
            .is_some_and(|r| r.community_id == community.id)
        {
            return Err(ServiceError::field(
                "community_id",
                "already_reported",
                format!("已向{}报到", community.name),
            ));
        }
        let on = date::format(today());
        let mut tx = self.begin_audited().await?;
        if let Some(r) = &current {
            store::end(tx.conn(), r.id, &on).await?;
        }
        let id = store::insert(
            tx.conn(),
            &NewCommunityCheckin {
                member_id: m.id,
                member_path: &m.org_path,
                community_id: community.id,
                community_path: &community.path,
                registered_on: &on,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ServiceError::field("community_id", "conflict", "报到信息刚被修改，请刷新后重试")
            }
            other => other.into(),
        })?;
        tx.commit(
            actor,
            Entry::ok("report.register", "member", m.id)
                .detail(format!("{} → {}", m.name, community.name)),
        )
        .await?;
        Ok(id)
    }

    /// Ends a report (the member moved, or left the unit): by the member or the community.
    pub async fn end_community_checkin(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let r = self.report(actor, id).await?;
        let own = actor.member_id == Some(r.member_id);
        if !own {
            actor.check_edit_members(&r.community_path)?;
        }
        let mut tx = self.begin_audited().await?;
        if !store::end(tx.conn(), id, &date::format(today())).await? {
            return Err(ServiceError::field("id", "ended", "该报到已结束"));
        }
        tx.commit(
            actor,
            Entry::ok("report.end", "member", r.member_id).detail(r.community_name),
        )
        .await?;
        Ok(())
    }

    /// Service done in the community: logged by the member (to be confirmed) or by the
    /// community's staff (confirmed).
    pub async fn log_community_service(
        &self,
        actor: &Actor,
        id: i64,
        input: &DeedInput,
    ) -> ServiceResult<i64> {
        let r = self.report(actor, id).await?;
        let own = actor.member_id == Some(r.member_id);
        let staff = actor.check_edit_members(&r.community_path).is_ok();
        if !own && !staff {
            return Err(ServiceError::Forbidden("只有本人或报到社区可以登记服务"));
        }
        if r.ended_on.is_some() {
            return Err(ServiceError::field("id", "ended", "该报到已结束"));
        }
        let d = input
            .validate(today(), &self.config.masses_rules)
            .map_err(ServiceError::Invalid)?;
        if d.done_on < r.registered_on {
            return Err(ServiceError::field(
                "done_on",
                "before_registered",
                format!("服务日期不能早于报到日期（{}）", r.registered_on),
            ));
        }
        let mut tx = self.begin_audited().await?;
        let sid = store::insert_service(
            tx.conn(),
            &NewService {
                report_id: r.id,
                done_on: &d.done_on,
                kind: d.kind.as_str(),
                description: &d.description,
                minutes: d.minutes,
                confirmed: staff && !own,
                confirmed_by: if staff && !own { actor.user_id } else { None },
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("report.service", "member", r.member_id).detail(format!(
                "{} {} {}",
                r.community_name,
                d.done_on,
                d.kind.label()
            )),
        )
        .await?;
        Ok(sid)
    }

    /// The community rates a member once a year.
    pub async fn rate_community_checkin(
        &self,
        actor: &Actor,
        id: i64,
        input: &RatingInput,
    ) -> ServiceResult<()> {
        let r = self.report(actor, id).await?;
        actor.check_edit_members(&r.community_path)?;
        if actor.member_id == Some(r.member_id) {
            return Err(ServiceError::Forbidden("不能评价自己"));
        }
        let year = input.year.unwrap_or_else(this_year);
        let registered: i32 = r
            .registered_on
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(year);
        if year > this_year() || year < registered {
            return Err(ServiceError::field(
                "year",
                "invalid_year",
                format!("只能评价 {registered}–{} 年", this_year()),
            ));
        }
        let rating = CheckinRating::parse(&input.rating).ok_or_else(|| {
            ServiceError::field("rating", "invalid_choice", "请选择优秀、良好、一般或较差")
        })?;
        let comment = input.comment.trim();
        if comment.chars().count() > 200 {
            return Err(ServiceError::field(
                "comment",
                "too_long",
                "评语不能超过 200 个字",
            ));
        }
        let mut tx = self.begin_audited().await?;
        store::rate(
            tx.conn(),
            r.id,
            year,
            rating.as_str(),
            comment,
            actor.user_id,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ServiceError::field(
                "year",
                "already_rated",
                format!("{}{year} 年已评价", r.member_name),
            ),
            other => other.into(),
        })?;
        tx.commit(
            actor,
            Entry::ok("report.rate", "member", r.member_id).detail(format!(
                "{} {year} {}",
                r.member_name,
                rating.label()
            )),
        )
        .await?;
        Ok(())
    }

    /// The members who report to the communities of a subtree now, with the year's service
    /// and rating.
    pub async fn community_checkins(
        &self,
        actor: &Actor,
        org: Option<i64>,
        year: Option<i32>,
        page: Option<i64>,
    ) -> ServiceResult<CommunityCheckinPage> {
        let root = match org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let year = year.unwrap_or_else(this_year);
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::field("year", "invalid_year", "年份不正确"));
        }
        let page = crate::model::page_number(page);
        let mut conn = self.db.conn().await?;
        let total = store::count_to_communities(&mut conn, &root.path).await?;
        let items =
            store::to_communities(&mut conn, &root.path, year, PAGE, (page - 1) * PAGE).await?;
        Ok(CommunityCheckinPage {
            org: root,
            year,
            items: crate::model::all(items),
            total,
            page,
        })
    }
}

impl App {
    /// Every current report to the communities of a subtree, for a spreadsheet; audited.
    pub async fn export_community_checkins(
        &self,
        actor: &Actor,
        org: Option<i64>,
        year: Option<i32>,
    ) -> ServiceResult<(Org, i32, Vec<CommunityCheckin>)> {
        let p = self.community_checkins(actor, org, year, None).await?;
        let mut conn = self.db.conn().await?;
        let rows =
            store::to_communities(&mut conn, &p.org.path, p.year, crate::export::MAX_EXPORT, 0)
                .await?;
        drop(conn);
        self.audit_export(actor, "在职党员报到", p.org.id, rows.len(), None)
            .await?;
        Ok((p.org, p.year, crate::model::all(rows)))
    }
}

/// The label of a stored rating.
pub fn rating_label(code: &str) -> &'static str {
    masses::CheckinRating::parse(code).map_or("", masses::CheckinRating::label)
}
