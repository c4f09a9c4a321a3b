//! 党员联系群众: grids in villages and communities, their households, the member responsible
//! for each household (with history), the deeds members record, and coverage per level.
//! Households are seen by the staff of their grid's subtree and by the member who serves them.

mod model;
pub use model::*;
pub mod community_checkin;
pub mod evaluation;
mod photo;
pub mod policy;
pub mod service_unit;

use dangjian_domain::masses::{self, DeedInput, HouseholdInput};
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_domain::role::Role;
use dangjian_domain::{FieldError, date, mask, path};
use dangjian_store::masses::{self as store, DeedFilter, HouseholdFilter, NewDeed, NewHousehold};
use dangjian_store::member::{self, DEPARTED_PATH};
use dangjian_store::org;
use dangjian_store::{StoreError, rollup};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::export::MAX_EXPORT;
use crate::members::Member;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// Rows one page of a list shows.
pub const PAGE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GridInput {
    pub name: String,
    /// The grid party group that serves it (an org id), if any.
    pub group_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HouseholdQuery {
    pub org: Option<i64>,
    pub grid: Option<i64>,
    pub unpaired: bool,
    pub need: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HouseholdPage {
    pub org: Org,
    pub items: Vec<Household>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HouseholdView {
    #[serde(flatten)]
    pub row: Household,
    /// Newest first.
    pub pairings: Vec<Pairing>,
    /// The latest 50.
    pub deeds: Vec<DeedRecord>,
    /// Whether the actor may change it (pair, record deeds for its member).
    #[serde(skip)]
    pub can_edit: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DeedQuery {
    pub org: Option<i64>,
    pub member: Option<i64>,
    pub household: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub unconfirmed: bool,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeedPage {
    pub org: Org,
    pub items: Vec<Deed>,
    /// The deeds of this page that have a photo.
    pub with_photo: Vec<i64>,
    pub total: i64,
    pub minutes: i64,
    pub page: i64,
    pub pages: i64,
}

/// A deed with what the actor may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Deed {
    #[serde(flatten)]
    pub row: DeedRecord,
    #[serde(flatten)]
    pub actions: policy::DeedActions,
}

/// A deed as recorded: the form's fields and, optionally, the household served.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewDeedInput {
    #[serde(flatten)]
    pub deed: DeedInput,
    /// A household the member was responsible for on that day.
    pub household_id: Option<i64>,
    /// A task force the member served in on that day (422 `not_seconded` otherwise).
    pub task_force_id: Option<i64>,
}

/// Coverage and deeds of one org's subtree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageLine {
    pub org_id: i64,
    pub org_name: String,
    pub households: i64,
    pub paired: i64,
    /// Paired households per thousand.
    pub permille: i64,
    pub deeds: i64,
    pub minutes: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub year: i32,
    pub total: CoverageLine,
    pub children: Vec<CoverageLine>,
    /// Households by need, for the chart.
    pub needs: Vec<(String, i64)>,
}

/// An optional filter naming one of a list's choices (by code or label), as its code.
fn choice<T>(
    given: Option<&str>,
    parse: fn(&str) -> Option<T>,
    code: fn(T) -> &'static str,
    field: &'static str,
    message: &str,
) -> ServiceResult<Option<String>> {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        None => Ok(None),
        Some(g) => parse(g)
            .map(|v| Some(code(v).to_string()))
            .ok_or_else(|| ServiceError::field(field, "invalid_choice", message)),
    }
}

/// For a member's own account, the member whose rows alone they may list (residents' data is
/// not shared among a branch's members); none for staff.
fn own_only(actor: &Actor) -> ServiceResult<Option<i64>> {
    match (actor.role, actor.member_id) {
        (Role::Member, Some(me)) => Ok(Some(me)),
        (Role::Member, None) => Err(ServiceError::Forbidden("该账号未关联党员档案")),
        _ => Ok(None),
    }
}

fn pages(total: i64) -> i64 {
    ((total + PAGE - 1) / PAGE).max(1)
}

fn line(o: &Org, households: i64, paired: i64, deeds: i64, minutes: i64) -> CoverageLine {
    CoverageLine {
        org_id: o.id,
        org_name: o.name.clone(),
        households,
        paired,
        permille: masses::coverage_permille(paired, households),
        deeds,
        minutes,
    }
}

/// A member the actor may give a task to (a household, a unit): in the district and in
/// the actor's scope; anything else is one error, so that ids outside reveal nothing.
/// The reason given for seeing a phone in full: 4 to 200 characters.
pub(crate) fn checked_reason(reason: &str) -> ServiceResult<String> {
    dangjian_domain::text::reason(reason, "查看完整电话须填写事由（4–200 字）")
        .map_err(|e| ServiceError::Invalid(vec![e]))
}

pub(crate) async fn visible_member(
    conn: &mut dangjian_store::Conn,
    actor: &Actor,
    member_id: i64,
) -> ServiceResult<Member> {
    member::get(conn, member_id)
        .await?
        .filter(|m| m.org_path != DEPARTED_PATH && actor.check_visible(&m.org_path).is_ok())
        .map(Member::from)
        .ok_or_else(|| {
            ServiceError::field(
                "member_id",
                "unknown_member",
                "党员不存在或不在您的管辖范围内",
            )
        })
}

impl App {
    /// The retention job: households past their retention date lose name, address and phone
    /// (one audit row for the run); the figures stay as they were. Answers how many.
    pub async fn anonymise_expired_households(&self, on: time::Date) -> ServiceResult<u64> {
        let mut tx = self.begin_audited().await?;
        let n = store::anonymise_expired_households(tx.conn(), &date::format(on)).await?;
        if n == 0 {
            return Ok(0);
        }
        tx.commit(
            &Actor::system("retention"),
            Entry::ok("household.anonymise", "household", "*")
                .detail(format!("{n} 户超过保存期限，已删除姓名、地址和电话")),
        )
        .await?;
        Ok(n)
    }

    /// The org whose subtree a list covers: the one asked for, or the actor's home.
    pub(crate) async fn list_root(&self, actor: &Actor, org: Option<i64>) -> ServiceResult<Org> {
        match org {
            Some(id) => self.org(actor, id).await,
            None => self.home_org(actor).await,
        }
    }

    pub async fn grids(
        &self,
        actor: &Actor,
        org: Option<i64>,
        page: Option<i64>,
    ) -> ServiceResult<(Org, Vec<Grid>, i64)> {
        let root = self.list_root(actor, org).await?;
        let page = crate::model::page_number(page);
        let mut conn = self.db.conn().await?;
        let total = store::count_grids_under(&mut conn, &root.path).await?;
        let items = store::grids_under(&mut conn, &root.path, PAGE, (page - 1) * PAGE).await?;
        Ok((root, crate::model::all(items), total))
    }

    /// Every grid of a subtree with its coverage, for a spreadsheet; audited.
    pub async fn export_grids(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<(Org, Vec<Grid>)> {
        let root = self.list_root(actor, org).await?;
        let mut conn = self.db.conn().await?;
        let rows = store::grids_under(&mut conn, &root.path, MAX_EXPORT, 0).await?;
        drop(conn);
        self.audit_export(actor, "网格", root.id, rows.len(), None)
            .await?;
        Ok((root, crate::model::all(rows)))
    }

    /// The grid party groups under an org, to link a new grid to.
    pub async fn grid_groups(&self, actor: &Actor, org_id: i64) -> ServiceResult<Vec<Org>> {
        let o = self.org(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        Ok(
            org::in_subtree(&mut conn, &o.path, &[OrgKind::GridGroup.as_str()], 500)
                .await?
                .into_iter()
                .filter(|g| g.closed_on.is_none())
                .map(Into::into)
                .collect(),
        )
    }

    pub async fn grid(&self, actor: &Actor, id: i64) -> ServiceResult<Grid> {
        let mut conn = self.db.conn().await?;
        let g = store::grid(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&g.org_path)?;
        Ok(g.into())
    }

    /// Sets up a grid in a village or community, optionally served by one of its grid groups.
    pub async fn create_grid(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &GridInput,
    ) -> ServiceResult<Grid> {
        let o = self.org(actor, org_id).await?;
        actor.check_edit_members(&o.path)?;
        let owner = OrgOwner::parse(&o.owner);
        let kind = OrgKind::parse(&o.kind);
        if !matches!(owner, Some(OrgOwner::Village | OrgOwner::Community))
            || kind.is_some_and(OrgKind::is_group)
            || o.closed_on.is_some()
        {
            return Err(ServiceError::field(
                "org_id",
                "not_a_community",
                "网格只能设在未撤销的村、社区党组织下",
            ));
        }
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 30 {
            return Err(ServiceError::field(
                "name",
                "required",
                "请填写网格名称（不超过 30 个字）",
            ));
        }
        let mut conn = self.db.conn().await?;
        if let Some(g) = input.group_id {
            let group = org::get(&mut conn, g).await?;
            let fits = group.as_ref().is_some_and(|x| {
                x.kind == OrgKind::GridGroup.as_str()
                    && path::contains(&o.path, &x.path)
                    && x.closed_on.is_none()
            });
            if !fits {
                return Err(ServiceError::field(
                    "group_id",
                    "unknown_group",
                    "网格党小组须是本村（社区）下未撤销的网格党小组",
                ));
            }
        }
        drop(conn);
        let mut tx = self.begin_audited().await?;
        let id = store::insert_grid(tx.conn(), o.id, &o.path, name, input.group_id)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("name", "duplicate", "本村（社区）已有同名网格")
                }
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("grid.create", "grid", id).detail(format!("{} {name}", o.name)),
        )
        .await?;
        self.grid(actor, id).await
    }

    /// The list's root and filter for a query, checked.
    async fn household_filter(
        &self,
        actor: &Actor,
        q: &HouseholdQuery,
    ) -> ServiceResult<(Org, HouseholdFilter)> {
        let root = self.list_root(actor, q.org).await?;
        let need = choice(
            q.need.as_deref(),
            masses::Need::parse,
            masses::Need::as_str,
            "need",
            "关注类型不在可选范围内",
        )?;
        // A member sees the households they serve (wherever they are), not their
        // neighbours'.
        let own = own_only(actor)?;
        let f = HouseholdFilter {
            root: if own.is_some() {
                "/".to_string()
            } else {
                root.path.clone()
            },
            grid_id: q.grid,
            unpaired: q.unpaired,
            need,
            member_id: own,
            q: q.q
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| t.chars().take(40).collect()),
        };
        Ok((root, f))
    }

    pub async fn households(
        &self,
        actor: &Actor,
        q: &HouseholdQuery,
    ) -> ServiceResult<HouseholdPage> {
        let (root, f) = self.household_filter(actor, q).await?;
        let page = crate::model::page_number(q.page);
        let mut conn = self.db.conn().await?;
        // A whole subtree's count is a counter; filters count rows.
        let total =
            if f.grid_id.is_none() && f.need.is_none() && f.q.is_none() && f.member_id.is_none() {
                let all = rollup::get(&mut conn, root.id, rollup::HOUSEHOLD_TOTAL, "").await?;
                if f.unpaired {
                    all - rollup::get(&mut conn, root.id, rollup::HOUSEHOLD_PAIRED, "").await?
                } else {
                    all
                }
            } else {
                store::count_households(&mut conn, &f).await?
            };
        let items = store::households(&mut conn, &f, PAGE, (page - 1) * PAGE).await?;
        Ok(HouseholdPage {
            org: root,
            items: crate::model::all(items),
            total,
            page,
            pages: pages(total),
        })
    }

    /// The households a member serves now (their own list, on the phone).
    pub async fn my_households(&self, actor: &Actor) -> ServiceResult<Vec<Household>> {
        let Some(member_id) = actor.member_id else {
            return Ok(Vec::new());
        };
        let f = HouseholdFilter {
            root: "/".into(),
            member_id: Some(member_id),
            ..Default::default()
        };
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            store::households(&mut conn, &f, 200, 0).await?,
        ))
    }

    /// A household the actor may see: inside their scope, or served by them.
    async fn household_row(&self, actor: &Actor, id: i64) -> ServiceResult<Household> {
        let mut conn = self.db.conn().await?;
        let h = store::household(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read_household(actor, &h.org_path, h.member_id)?;
        Ok(h.into())
    }

    pub async fn household(&self, actor: &Actor, id: i64) -> ServiceResult<HouseholdView> {
        let row = self.household_row(actor, id).await?;
        let can_edit = actor.check_edit_members(&row.org_path).is_ok();
        let mut conn = self.db.conn().await?;
        let pairings = store::pairings_of(&mut conn, id).await?;
        let f = DeedFilter {
            root: "/".into(),
            household_id: Some(id),
            ..Default::default()
        };
        let deeds = store::deeds(&mut conn, &f, 50, 0).await?;
        Ok(HouseholdView {
            row,
            pairings: crate::model::all(pairings),
            deeds: crate::model::all(deeds),
            can_edit,
        })
    }

    /// The household's phone in full, for an editor who gives a reason; audited.
    pub async fn household_phone(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> ServiceResult<String> {
        let h = self.household_row(actor, id).await?;
        actor.check_edit_members(&h.org_path)?;
        let reason = checked_reason(reason)?;
        let mut conn = self.db.conn().await?;
        let cipher = store::phone_cipher(&mut conn, id).await?;
        drop(conn);
        self.reveal_phone(
            actor,
            cipher,
            Entry::ok("household.unmask", "household", id).detail(reason),
        )
        .await
    }

    /// A phone in full, from its cipher, after the audit row that says who asked and why.
    pub(crate) async fn reveal_phone(
        &self,
        actor: &Actor,
        cipher: Option<Vec<u8>>,
        entry: Entry<'_>,
    ) -> ServiceResult<String> {
        let phone = cipher
            .and_then(|c| self.crypto().decrypt(&c))
            .unwrap_or_default();
        self.audit_alone(actor, entry).await?;
        Ok(phone)
    }

    pub async fn add_household(
        &self,
        actor: &Actor,
        grid_id: i64,
        input: &HouseholdInput,
    ) -> ServiceResult<i64> {
        let g = self.grid(actor, grid_id).await?;
        actor.check_edit_members(&g.org_path)?;
        // The retention period is the security administrator's.
        let rules = masses::MassesRules {
            retention_years: u8::try_from(self.security_policy().household_retention_years)
                .unwrap_or(u8::MAX),
            ..self.config.masses_rules
        };
        let h = input
            .validate(today(), &rules)
            .map_err(ServiceError::Invalid)?;
        let needs = masses::needs_text(&h.needs);
        let new = NewHousehold {
            grid_id: g.id,
            org_path: &g.org_path,
            address: &h.address,
            head_name: &h.head_name,
            phone_cipher: h.phone.as_deref().map(|p| self.crypto().encrypt(p)),
            phone_masked: h.phone.as_deref().map(mask::phone),
            size: h.size,
            needs: &needs,
            legal_basis: h.legal_basis.as_str(),
            retain_until: &h.retain_until,
            created_by: actor.user_id,
        };
        let mut tx = self.begin_audited().await?;
        let id = store::insert_household(tx.conn(), &new).await?;
        rollup::apply(
            tx.conn(),
            &g.org_path,
            &rollup::household_facts(&needs, false),
            1,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("household.create", "household", id).detail(format!(
                "{} {}",
                g.name,
                masses::mask_name(&h.head_name)
            )),
        )
        .await?;
        Ok(id)
    }

    /// Makes `member_id` responsible for the household from `on` (default today), ending the
    /// pairing before it.
    pub async fn pair(
        &self,
        actor: &Actor,
        household_id: i64,
        member_id: i64,
        on: Option<&str>,
    ) -> ServiceResult<()> {
        let h = self.household_row(actor, household_id).await?;
        actor.check_edit_members(&h.org_path)?;
        let on = self.pairing_date(on)?;
        let mut tx = self.begin_audited().await?;
        let m = visible_member(tx.conn(), actor, member_id).await?;
        if h.member_id == Some(m.id) {
            return Err(ServiceError::field(
                "member_id",
                "already_paired",
                format!("{}已是该户的联系党员", m.name),
            ));
        }
        let max = self.config.masses_rules.max_households_per_member;
        if store::current_count(tx.conn(), m.id).await? >= max {
            return Err(ServiceError::field(
                "member_id",
                "too_many",
                format!("{}已联系 {max} 户，不能再增加", m.name),
            ));
        }
        if let Some(since) = &h.paired_on
            && since.as_str() > on.as_str()
        {
            return Err(ServiceError::field(
                "on",
                "before_previous",
                format!("开始日期不能早于上一位联系党员的开始日期（{since}）"),
            ));
        }
        let ended = store::end_pairing(tx.conn(), h.id, &on).await?;
        store::insert_pairing(tx.conn(), h.id, m.id, &on, actor.user_id)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => ServiceError::field(
                    "member_id",
                    "conflict",
                    "该户联系党员刚被他人调整，请刷新后重试",
                ),
                other => other.into(),
            })?;
        if !ended {
            rollup::apply(
                tx.conn(),
                &h.org_path,
                &[(rollup::HOUSEHOLD_PAIRED, String::new())],
                1,
            )
            .await?;
        }
        tx.commit(
            actor,
            Entry::ok("household.pair", "household", h.id).detail(format!(
                "{} → {}（{on} 起）",
                h.member_name.as_deref().unwrap_or("无"),
                m.name
            )),
        )
        .await?;
        Ok(())
    }

    /// Ends the household's pairing on `on` (default today); the history keeps it.
    pub async fn unpair(
        &self,
        actor: &Actor,
        household_id: i64,
        on: Option<&str>,
    ) -> ServiceResult<()> {
        let h = self.household_row(actor, household_id).await?;
        actor.check_edit_members(&h.org_path)?;
        let on = self.pairing_date(on)?;
        if let Some(since) = &h.paired_on
            && since.as_str() > on.as_str()
        {
            return Err(ServiceError::field(
                "on",
                "before_previous",
                format!("结束日期不能早于开始日期（{since}）"),
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::end_pairing(tx.conn(), h.id, &on).await? {
            return Err(ServiceError::field(
                "member_id",
                "not_paired",
                "该户目前没有联系党员",
            ));
        }
        rollup::apply(
            tx.conn(),
            &h.org_path,
            &[(rollup::HOUSEHOLD_PAIRED, String::new())],
            -1,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("household.unpair", "household", h.id)
                .detail(format!("{}（{on} 止）", h.member_name.unwrap_or_default())),
        )
        .await?;
        Ok(())
    }

    fn pairing_date(&self, on: Option<&str>) -> ServiceResult<String> {
        match on.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(date::format(today())),
            Some(t) => date::past_date("on", "日期", t, today())
                .map(date::format)
                .map_err(|e| ServiceError::Invalid(vec![e])),
        }
    }

    /// A deed of `member_id`. A member records their own (to be confirmed by the branch); a
    /// secretary or admin records for the members they manage, confirmed at once.
    pub async fn record_deed(
        &self,
        actor: &Actor,
        member_id: i64,
        input: &NewDeedInput,
    ) -> ServiceResult<i64> {
        let mut conn = self.db.conn().await?;
        let m: Member = (member::get(&mut conn, member_id)
            .await?
            .filter(|m| m.org_path != DEPARTED_PATH)
            .ok_or(ServiceError::NotFound)?)
        .into();
        let own = actor.member_id == Some(m.id);
        if !own {
            actor.check_visible(&m.org_path)?;
            actor.check_edit_members(&m.org_path)?;
        }
        let d = input
            .deed
            .validate(today(), &self.config.masses_rules)
            .map_err(ServiceError::Invalid)?;
        if let Some(hid) = input.household_id {
            let h = store::household(&mut conn, hid).await?;
            let served = store::pairings_of(&mut conn, hid).await?.iter().any(|p| {
                p.member_id == m.id
                    && p.from_on.as_str() <= d.done_on.as_str()
                    && p.to_on.as_deref().is_none_or(|t| t >= d.done_on.as_str())
            });
            if h.is_none() || !served {
                return Err(ServiceError::field(
                    "household_id",
                    "not_paired",
                    "只能为服务当日由该党员联系的住户登记好事实事",
                ));
            }
        }
        if let Some(team) = input.task_force_id {
            crate::task_forces::teams::check_deed(&mut conn, actor, team, m.id, &d.done_on).await?;
        }
        drop(conn);
        let new = NewDeed {
            member_id: m.id,
            org_path: &m.org_path,
            household_id: input.household_id,
            done_on: &d.done_on,
            kind: d.kind.as_str(),
            description: &d.description,
            minutes: d.minutes,
            confirmed: !own,
            confirmed_by: if own { None } else { actor.user_id },
            recorded_by: actor.user_id,
            task_force_id: input.task_force_id,
        };
        let mut tx = self.begin_audited().await?;
        let id = store::insert_deed(tx.conn(), &new).await?;
        let month = d.done_on.get(..7).unwrap_or_default().to_string();
        rollup::apply_deltas(
            tx.conn(),
            &m.org_path,
            &month,
            &[(rollup::DEED_COUNT, 1), (rollup::DEED_MINUTES, d.minutes)],
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("deed.create", "deed", id).detail(format!(
                "{} {} {}",
                m.name,
                d.done_on,
                d.kind.label()
            )),
        )
        .await?;
        Ok(id)
    }

    /// The branch confirms a deed a member recorded themselves.
    pub async fn confirm_deed(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        let d = store::deed(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        actor.check_visible(&d.org_path)?;
        policy::check_confirm_deed(actor, d.member_id, &d.org_path)?;
        let mut tx = self.begin_audited().await?;
        if !store::set_confirmed(tx.conn(), id, actor.user_id).await? {
            return Err(ServiceError::field(
                "id",
                "already_confirmed",
                "该记录已确认",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("deed.confirm", "deed", id).detail(d.member_name),
        )
        .await?;
        Ok(())
    }

    async fn deed_filter(&self, actor: &Actor, q: &DeedQuery) -> ServiceResult<(Org, DeedFilter)> {
        let root = self.list_root(actor, q.org).await?;
        let day = |field: &'static str, label: &str, t: &Option<String>| match t
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => Ok(None),
            Some(t) => date::parse(t)
                .map(|d| Some(date::format(d)))
                .ok_or_else(|| {
                    ServiceError::Invalid(vec![FieldError::new(
                        field,
                        "invalid_date",
                        format!("{label}应写作 2026-01-31"),
                    )])
                }),
        };
        let kind = choice(
            q.kind.as_deref(),
            masses::DeedKind::parse,
            masses::DeedKind::as_str,
            "kind",
            "服务类型不在可选范围内",
        )?;
        let f = DeedFilter {
            root: root.path.clone(),
            member_id: match own_only(actor)? {
                Some(me) => Some(me),
                None => q.member,
            },
            household_id: q.household,
            from: day("from", "开始日期", &q.from)?,
            to: day("to", "结束日期", &q.to)?,
            kind,
            unconfirmed: q.unconfirmed,
            by_date: false,
        };
        Ok((root, f))
    }

    pub async fn deeds(&self, actor: &Actor, q: &DeedQuery) -> ServiceResult<DeedPage> {
        let (root, f) = self.deed_filter(actor, q).await?;
        let page = crate::model::page_number(q.page);
        let mut conn = self.db.conn().await?;
        let unfiltered = f.member_id.is_none()
            && f.household_id.is_none()
            && f.from.is_none()
            && f.to.is_none()
            && f.kind.is_none()
            && !f.unconfirmed;
        let metrics = [rollup::DEED_COUNT, rollup::DEED_MINUTES];
        let (total, minutes) = if unfiltered {
            let sums = rollup::sum_range(&mut conn, root.id, &metrics, "0000", "9999").await?;
            let get = |m: &str| sums.get(m).copied().unwrap_or(0);
            (get(rollup::DEED_COUNT), get(rollup::DEED_MINUTES))
        } else {
            store::deed_totals(&mut conn, &f).await?
        };
        // A subtree with a fiftieth of the district's deeds or more finds its newest fifty
        // within a few thousand of the district's newest.
        let district = dangjian_domain::path::ids(&root.path)
            .first()
            .copied()
            .unwrap_or(root.id);
        let all = rollup::sum_range(&mut conn, district, &metrics[..1], "0000", "9999")
            .await?
            .get(rollup::DEED_COUNT)
            .copied()
            .unwrap_or(0);
        let f = DeedFilter {
            by_date: unfiltered && total * 50 >= all,
            ..f
        };
        let items = store::deeds(&mut conn, &f, PAGE, (page - 1) * PAGE).await?;
        let ids: Vec<i64> = items.iter().map(|d| d.id).collect();
        let with_photo = dangjian_store::masses::photo::owners_with(
            &mut conn,
            dangjian_store::masses::photo::DEED,
            &ids,
        )
        .await?;
        let items = items
            .into_iter()
            .map(|row| {
                let mut actions =
                    policy::deed_actions(actor, row.member_id, &row.org_path, row.confirmed);
                actions.can_open_household = row.household_path.as_deref().is_some_and(|p| {
                    policy::check_read_household(actor, p, row.household_member).is_ok()
                });
                Deed {
                    actions,
                    row: row.into(),
                }
            })
            .collect();
        Ok(DeedPage {
            org: root,
            items,
            with_photo,
            total,
            minutes,
            page,
            pages: pages(total),
        })
    }

    /// Households paired and deeds done in a year, for an org and each of its children.
    pub async fn coverage(
        &self,
        actor: &Actor,
        org: Option<i64>,
        year: Option<i32>,
    ) -> ServiceResult<Coverage> {
        let root = self.list_root(actor, org).await?;
        let year = year.unwrap_or_else(|| today().year());
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::field("year", "invalid_year", "年份不正确"));
        }
        let (from, to) = (format!("{year}-01"), format!("{year}-12"));
        let deed_metrics = [rollup::DEED_COUNT, rollup::DEED_MINUTES];
        let mut conn = self.db.conn().await?;
        let own = rollup::for_org(&mut conn, root.id).await?;
        let count = |metric: &str| {
            own.iter()
                .filter(|(m, _, _)| m == metric)
                .map(|(_, _, n)| n)
                .sum::<i64>()
        };
        let sums = rollup::sum_range(&mut conn, root.id, &deed_metrics, &from, &to).await?;
        let total = line(
            &root,
            count(rollup::HOUSEHOLD_TOTAL),
            count(rollup::HOUSEHOLD_PAIRED),
            sums.get(rollup::DEED_COUNT).copied().unwrap_or(0),
            sums.get(rollup::DEED_MINUTES).copied().unwrap_or(0),
        );
        let needs = masses::Need::ALL
            .iter()
            .map(|n| {
                let k = own
                    .iter()
                    .find(|(m, key, _)| m == rollup::HOUSEHOLD_NEED && key == n.as_str())
                    .map_or(0, |(_, _, v)| *v);
                (n.label().to_string(), k)
            })
            .collect();
        let children: Vec<Org> = crate::model::all(org::children(&mut conn, root.id).await?);
        let households = rollup::for_children(&mut conn, root.id, rollup::HOUSEHOLD_TOTAL).await?;
        let paired = rollup::for_children(&mut conn, root.id, rollup::HOUSEHOLD_PAIRED).await?;
        let deeds =
            rollup::sum_range_children(&mut conn, root.id, &deed_metrics, &from, &to).await?;
        let of = |rows: &[(i64, String, i64)], id: i64| {
            rows.iter()
                .filter(|(o, _, _)| *o == id)
                .map(|(_, _, n)| n)
                .sum::<i64>()
        };
        let children = children
            .iter()
            .filter(|c| c.closed_on.is_none())
            .map(|c| {
                let d = |m: &str| deeds.get(&(c.id, m.to_string())).copied().unwrap_or(0);
                line(
                    c,
                    of(&households, c.id),
                    of(&paired, c.id),
                    d(rollup::DEED_COUNT),
                    d(rollup::DEED_MINUTES),
                )
            })
            .filter(|l| l.households > 0 || l.deeds > 0)
            .collect();
        Ok(Coverage {
            year,
            total,
            children,
            needs,
        })
    }
}

/// A member's card as its editors see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CardView {
    pub member_id: i64,
    pub name: String,
    pub org_name: String,
    /// Absent until the card is first saved.
    pub code: Option<String>,
    pub duties: String,
    pub commitment: String,
    pub published: bool,
    /// The branch sets the duties; the member writes the commitment and publishes.
    pub can_set_duties: bool,
    pub can_edit: bool,
    /// Whether the card has a photo: GET /members/{id}/card/photo.
    pub has_photo: bool,
}

fn new_card_code() -> String {
    random_code(masses::CARD_CODE_LEN)
}

/// A random code of `len` letters that can be read out (cards, residents' tracking codes).
pub(crate) fn random_code(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..masses::CARD_CODE_ALPHABET.len());
            char::from(masses::CARD_CODE_ALPHABET[i])
        })
        .collect()
}

impl App {
    /// The member a card belongs to, with what the actor may do with it.
    pub(crate) async fn card_member(
        &self,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<(Member, bool)> {
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, member_id)
            .await?
            .filter(|m| m.org_path != DEPARTED_PATH)
            .ok_or(ServiceError::NotFound)?;
        // A colleague's card is read on its public page once published, not here.
        crate::members::policy::check_read_particulars(actor, &m.org_path, m.id)?;
        let edits = actor.check_edit_members(&m.org_path).is_ok();
        Ok((m.into(), edits))
    }

    pub async fn member_card(&self, actor: &Actor, member_id: i64) -> ServiceResult<CardView> {
        let (m, edits) = self.card_member(actor, member_id).await?;
        let own = actor.member_id == Some(m.id);
        let mut conn = self.db.conn().await?;
        let card = store::card_of(&mut conn, m.id).await?;
        let has_photo = !dangjian_store::masses::photo::owners_with(
            &mut conn,
            dangjian_store::masses::photo::CARD,
            &[m.id],
        )
        .await?
        .is_empty();
        Ok(CardView {
            has_photo,
            member_id: m.id,
            name: m.name,
            org_name: m.org_name,
            code: card.as_ref().map(|c| c.code.clone()),
            duties: card.as_ref().map(|c| c.duties.clone()).unwrap_or_default(),
            commitment: card
                .as_ref()
                .map(|c| c.commitment.clone())
                .unwrap_or_default(),
            published: card.as_ref().is_some_and(|c| c.published),
            can_set_duties: edits,
            can_edit: edits || own,
        })
    }

    /// Saves a card. The member writes the commitment and publishes; the duties are the
    /// branch's to set (a member's own save keeps them as they are).
    pub async fn set_member_card(
        &self,
        actor: &Actor,
        member_id: i64,
        input: &masses::CardInput,
    ) -> ServiceResult<CardView> {
        let (m, edits) = self.card_member(actor, member_id).await?;
        let own = actor.member_id == Some(m.id);
        if !edits && !own {
            return Err(ServiceError::Forbidden(
                "只能编辑本人或所管理党员的亮牌信息",
            ));
        }
        let mut conn = self.db.conn().await?;
        let old = store::card_of(&mut conn, m.id).await?;
        drop(conn);
        let mut input = input.clone();
        if !edits {
            input.duties = old.as_ref().map(|c| c.duties.clone()).unwrap_or_default();
        }
        let (duties, commitment) = masses::check_card(&input).map_err(ServiceError::Invalid)?;
        let row = store::CardRow {
            member_id: m.id,
            code: old.map_or_else(new_card_code, |c| c.code),
            duties,
            commitment,
            published: input.published,
        };
        let mut tx = self.begin_audited().await?;
        store::save_card(tx.conn(), &row, actor.user_id)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("code", "conflict", "亮牌编号冲突，请重试")
                }
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("card.save", "member", m.id).detail(format!(
                "{}{}",
                m.name,
                if row.published {
                    "（公开）"
                } else {
                    "（不公开）"
                }
            )),
        )
        .await?;
        self.member_card(actor, m.id).await
    }

    /// A published card by its code, for anyone; nothing else about the member.
    pub async fn public_card(&self, code: &str) -> ServiceResult<PublicCard> {
        if !masses::is_card_code(code) {
            return Err(ServiceError::NotFound);
        }
        let mut conn = self.db.conn().await?;
        let mut c = store::public_card(&mut conn, code)
            .await?
            .ok_or(ServiceError::NotFound)?;
        c.has_photo = !dangjian_store::masses::photo::owners_with(
            &mut conn,
            dangjian_store::masses::photo::CARD,
            &[c.member_id],
        )
        .await?
        .is_empty();
        c.org_name = crate::orgs::public_place(&mut conn, &c.org_path).await?;
        Ok(c.into())
    }
}

impl App {
    /// Every household matching a list's filters (phones masked), audited.
    pub async fn export_households(
        &self,
        actor: &Actor,
        q: &HouseholdQuery,
    ) -> ServiceResult<(Org, Vec<Household>)> {
        let (root, f) = self.household_filter(actor, q).await?;
        let mut conn = self.db.conn().await?;
        crate::export::check_size(store::count_households(&mut conn, &f).await?, "户")?;
        let rows = store::households(&mut conn, &f, MAX_EXPORT, 0).await?;
        drop(conn);
        self.audit_export(actor, "住户名单", root.id, rows.len(), None)
            .await?;
        Ok((root, crate::model::all(rows)))
    }

    /// Every deed matching a list's filters, audited.
    pub async fn export_deeds(
        &self,
        actor: &Actor,
        q: &DeedQuery,
    ) -> ServiceResult<(Org, Vec<DeedRecord>)> {
        let (root, f) = self.deed_filter(actor, q).await?;
        let mut conn = self.db.conn().await?;
        crate::export::check_size(store::deed_totals(&mut conn, &f).await?.0, "条好事实事")?;
        let rows = store::deeds(&mut conn, &f, MAX_EXPORT, 0).await?;
        drop(conn);
        self.audit_export(actor, "好事实事", root.id, rows.len(), None)
            .await?;
        Ok((root, crate::model::all(rows)))
    }
}
