//! The service structure: 街道党员联系集团 at a street, 社区党员联系队 at each of its
//! communities, 小区党员联系分队 and 楼栋党员联系小组 below, each with its members. Units are
//! seen and changed inside the subtree of the org they stand at.

use dangjian_domain::date;
use dangjian_domain::masses::ServiceTier;
use dangjian_domain::org::OrgKind;
use dangjian_domain::path;
use dangjian_store::StoreError;
use dangjian_store::masses::service_unit::{self as store, NewUnit};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::masses::ServiceUnit;
use crate::masses::UnitMember;
use crate::masses::community_checkin::is_community;
use crate::masses::visible_member;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// Units one structure page lists.
pub const MAX_UNITS: i64 = 2_000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UnitInput {
    pub org_id: i64,
    /// The unit above (none for a street's group).
    pub parent_id: Option<i64>,
    pub name: String,
    /// For an estate's squad: the grid of the community it lies in (its cells share it).
    pub grid_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    #[serde(flatten)]
    pub unit: ServiceUnit,
    pub members: Vec<UnitMember>,
    pub children: Vec<ServiceUnit>,
    #[serde(skip)]
    pub can_edit: bool,
}

fn unknown_parent() -> ServiceError {
    ServiceError::field(
        "parent_id",
        "unknown_unit",
        "上级服务单元不存在，或不在该组织之上",
    )
}

impl App {
    pub async fn service_units(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<(Org, Vec<ServiceUnit>)> {
        let root = match org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let units = store::under(&mut conn, &root.path, MAX_UNITS).await?;
        Ok((root, crate::model::all(units)))
    }

    async fn unit_row(&self, actor: &Actor, id: i64) -> ServiceResult<ServiceUnit> {
        let mut conn = self.db.conn().await?;
        let u = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&u.org_path)?;
        Ok(u.into())
    }

    pub async fn service_unit(&self, actor: &Actor, id: i64) -> ServiceResult<UnitView> {
        let unit = self.unit_row(actor, id).await?;
        let can_edit = actor.check_edit_members(&unit.org_path).is_ok();
        let mut conn = self.db.conn().await?;
        let members = store::members_of(&mut conn, id).await?;
        let children = store::children(&mut conn, id).await?;
        Ok(UnitView {
            unit,
            members: crate::model::all(members),
            children: crate::model::all(children),
            can_edit,
        })
    }

    /// Sets up a unit: a group at a street (or town) without a parent, or the tier below its
    /// parent at a village or community under the parent's org (squads and cells at their
    /// parent's own community).
    pub async fn create_service_unit(
        &self,
        actor: &Actor,
        input: &UnitInput,
    ) -> ServiceResult<ServiceUnit> {
        let o = self.org(actor, input.org_id).await?;
        actor.check_edit_members(&o.path)?;
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 30 {
            return Err(ServiceError::field(
                "name",
                "required",
                "请填写名称（不超过 30 个字）",
            ));
        }
        let mut conn = self.db.conn().await?;
        let (tier, parent) = match input.parent_id {
            None => (ServiceTier::Group, None),
            Some(pid) => {
                let p = store::get(&mut conn, pid)
                    .await?
                    .ok_or_else(unknown_parent)?;
                let tier = ServiceTier::parse(&p.tier)
                    .and_then(ServiceTier::below)
                    .ok_or_else(|| {
                        ServiceError::field(
                            "parent_id",
                            "lowest_tier",
                            "党员联系小组下不能再设下级",
                        )
                    })?;
                if !path::contains(&p.org_path, &o.path) {
                    return Err(unknown_parent());
                }
                (tier, Some(p))
            }
        };
        drop(conn);
        let fits = if tier.at_town() {
            o.kind == OrgKind::TownCommittee.as_str()
        } else if tier == ServiceTier::Team {
            is_community(&o)
        } else {
            parent.as_ref().is_some_and(|p| p.org_id == o.id)
        };
        if !fits {
            let message = match tier {
                ServiceTier::Group => "党员联系集团设在街道（镇）党（工）委",
                ServiceTier::Team => "党员联系队设在所属街道下的村（社区）",
                _ => "党员联系分队、小组与上级设在同一村（社区）",
            };
            return Err(ServiceError::field("org_id", "not_allowed_here", message));
        }
        let grid_id = self
            .unit_grid(
                tier,
                parent.clone().map(ServiceUnit::from).as_ref(),
                &o,
                input.grid_id,
            )
            .await?;
        let mut tx = self.begin_audited().await?;
        let id = store::insert(
            tx.conn(),
            &NewUnit {
                grid_id,
                parent_id: parent.as_ref().map(|p| p.id),
                tier: tier.as_str(),
                name,
                org_id: o.id,
                org_path: &o.path,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ServiceError::field(
                "name",
                "duplicate",
                format!("本组织已有同名{}", tier.label()),
            ),
            other => other.into(),
        })?;
        tx.commit(
            actor,
            Entry::ok("service_unit.create", "org", o.id)
                .detail(format!("{} {name}", tier.label())),
        )
        .await?;
        self.unit_row(actor, id).await
    }

    /// The grid of a new unit: a squad names one of its community's grids (or none); a cell
    /// lies in its squad's; the tiers above stand in no grid.
    async fn unit_grid(
        &self,
        tier: ServiceTier,
        parent: Option<&ServiceUnit>,
        o: &Org,
        grid_id: Option<i64>,
    ) -> ServiceResult<Option<i64>> {
        let refuse =
            |msg: &str| ServiceError::field("grid_id", "not_allowed_here", msg.to_string());
        match tier {
            ServiceTier::Squad => match grid_id {
                None => Ok(None),
                Some(g) => {
                    let mut conn = self.db.conn().await?;
                    let grid = dangjian_store::masses::grid(&mut conn, g).await?;
                    match grid {
                        Some(grid) if grid.org_id == o.id => Ok(Some(grid.id)),
                        _ => Err(refuse("请选择本村（社区）的网格")),
                    }
                }
            },
            ServiceTier::Cell => {
                let inherited = parent.and_then(|p| p.grid_id);
                match grid_id {
                    Some(g) if Some(g) != inherited => {
                        Err(refuse("党员联系小组与所属分队在同一网格"))
                    }
                    _ => Ok(inherited),
                }
            }
            _ if grid_id.is_some() => Err(refuse("只有分队、小组设在网格内")),
            _ => Ok(None),
        }
    }

    pub async fn add_unit_member(
        &self,
        actor: &Actor,
        unit_id: i64,
        member_id: i64,
        leader: bool,
    ) -> ServiceResult<()> {
        let u = self.unit_row(actor, unit_id).await?;
        actor.check_edit_members(&u.org_path)?;
        let mut tx = self.begin_audited().await?;
        let m = visible_member(tx.conn(), actor, member_id).await?;
        store::add_member(tx.conn(), u.id, m.id, leader, &date::format(today()))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => ServiceError::field(
                    "member_id",
                    "duplicate",
                    format!("{}已在{}中", m.name, u.name),
                ),
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("service_unit.join", "member", m.id)
                .detail(format!("{} → {}", m.name, u.name)),
        )
        .await?;
        Ok(())
    }

    pub async fn remove_unit_member(
        &self,
        actor: &Actor,
        unit_id: i64,
        member_id: i64,
    ) -> ServiceResult<()> {
        let u = self.unit_row(actor, unit_id).await?;
        actor.check_edit_members(&u.org_path)?;
        let mut tx = self.begin_audited().await?;
        if !store::remove_member(tx.conn(), u.id, member_id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit(
            actor,
            Entry::ok("service_unit.leave", "member", member_id).detail(u.name),
        )
        .await?;
        Ok(())
    }
}
