//! The organization tree: reading inside the scope, and dated changes (create, rename,
//! move, close) that keep their history.

mod model;
pub use model::*;
pub mod committee;
pub mod list;
mod place;
pub mod to_do;
pub use place::Place;
pub(crate) use place::{places, places_below_towns, public_place};
pub mod policy;

use dangjian_domain::org::{OrgKind, OrgOwner, check_code, check_name};
use dangjian_domain::{FieldError, date, path};
use dangjian_store::org::{self, NewOrg, OrgEvent as EventRow};
use dangjian_store::{Conn, StoreError, rollup};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms, today};

/// A child of an org with the counts of its subtree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildSummary {
    #[serde(flatten)]
    pub org: Org,
    pub members: i64,
    pub orgs: i64,
    pub grid_groups: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrgInput {
    pub kind: String,
    pub owner: String,
    pub name: String,
    pub code: String,
    pub secretary: String,
    pub opened_on: String,
}

/// A change to an existing org; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrgChange {
    /// New name, trimmed, 1–60 characters (422 `required` | `too_long` | `invalid_character`).
    pub name: Option<String>,
    /// New secretary's name (at most 30 characters); the empty string removes the secretary.
    pub secretary: Option<String>,
    /// Move the organization with its subtree under this parent. 422 on `parent_id`:
    /// `not_movable` (the caller's scope root or the tree root), `unknown_org` (missing, out of
    /// scope or not editable), `cycle` (into its own subtree), `not_allowed_here` (kind not
    /// allowed there, or target closed).
    pub parent_id: Option<i64>,
    /// Close the organization on this date: A calendar date `YYYY-MM-DD`, not after today, not
    /// before 1900. 422 on `closed_on`: `not_closable` (the caller's scope root),
    /// `invalid_date` | `future_date` | `too_old` | `required` (empty), `already_closed`,
    /// `not_empty` (open children or members remain). There is no reopening.
    pub closed_on: Option<String>,
    /// The date the change takes effect (defaults to today).
    pub effective_on: Option<String>,
}

fn kind_of(o: &Org) -> ServiceResult<OrgKind> {
    OrgKind::parse(&o.kind)
        .ok_or_else(|| ServiceError::Internal(format!("unknown org kind {}", o.kind)))
}

fn secretary(s: &str) -> Result<Option<String>, FieldError> {
    let s = s.trim();
    if s.chars().count() > 30 {
        return Err(FieldError::new(
            "secretary",
            "too_long",
            "书记姓名不能超过 30 个字",
        ));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// A new org's fields, checked.
#[derive(Debug, Clone)]
pub struct ValidOrg {
    pub kind: OrgKind,
    pub owner: OrgOwner,
    pub name: String,
    pub code: String,
    pub secretary: Option<String>,
    pub opened_on: String,
}

/// Checks a new org's fields, and with its parent (kind, closed) whether it may go there.
pub fn check_org(
    input: &OrgInput,
    parent: Option<(OrgKind, bool)>,
) -> Result<ValidOrg, Vec<FieldError>> {
    let mut errs = dangjian_domain::error::Errors::default();
    let kind = errs.take(
        OrgKind::parse(input.kind.trim())
            .ok_or_else(|| FieldError::new("kind", "invalid_choice", "请选择组织类型")),
    );
    let owner_text = if input.owner.trim().is_empty() {
        "none"
    } else {
        input.owner.trim()
    };
    let owner =
        errs.take(OrgOwner::parse(owner_text).ok_or_else(|| {
            FieldError::new("owner", "invalid_choice", "所属单位类型不在可选范围内")
        }));
    let name = errs.take(check_name(&input.name));
    let code = errs.take(check_code(&input.code));
    let secretary = errs.take(secretary(&input.secretary));
    let opened_on = if input.opened_on.trim().is_empty() {
        Some(today())
    } else {
        errs.take(date::past_date(
            "opened_on",
            "成立日期",
            &input.opened_on,
            today(),
        ))
    };
    if let (Some(k), Some((parent_kind, closed))) = (kind, parent) {
        if !parent_kind.may_contain(k) {
            errs.push(FieldError::new(
                "kind",
                "not_allowed_here",
                format!("{}下不能设立{}", parent_kind.label(), k.label()),
            ));
        }
        if closed {
            errs.push(FieldError::new("parent_id", "closed", "上级组织已撤销"));
        }
    }
    errs.into_result()?;
    match (kind, owner, name, code, secretary, opened_on) {
        (Some(kind), Some(owner), Some(name), Some(code), Some(secretary), Some(opened_on)) => {
            Ok(ValidOrg {
                kind,
                owner,
                name,
                code,
                secretary,
                opened_on: date::format(opened_on),
            })
        }
        _ => Err(vec![FieldError::new("kind", "invalid", "组织信息不完整")]),
    }
}

fn effective(text: Option<&str>) -> ServiceResult<String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(date::format(today())),
        Some(t) => date::past_date("effective_on", "生效日期", t, today())
            .map(date::format)
            .map_err(|e| ServiceError::Invalid(vec![e])),
    }
}

fn duplicate_code(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate(_) => ServiceError::field("code", "duplicate", "该组织代码已被使用"),
        other => other.into(),
    }
}

impl App {
    /// An org the actor may see; anything else is NotFound.
    pub async fn org(&self, actor: &Actor, id: i64) -> ServiceResult<Org> {
        let mut conn = self.db.conn().await?;
        let o = org::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&o.path)?;
        Ok(o.into())
    }

    /// An org the actor may restructure: create under, rename, move, close.
    pub async fn org_to_edit(&self, actor: &Actor, id: i64) -> ServiceResult<Org> {
        let o = self.org(actor, id).await?;
        policy::check_edit(actor, &o.path)?;
        Ok(o)
    }

    /// The org (default: the actor's home) under which the actor may register members.
    pub async fn org_for_members(&self, actor: &Actor, id: Option<i64>) -> ServiceResult<Org> {
        let o = match id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        actor.check_edit_members(&o.path)?;
        Ok(o)
    }

    /// An org by its code, if the actor may see it.
    pub async fn org_by_code(&self, actor: &Actor, code: &str) -> ServiceResult<Org> {
        let mut conn = self.db.conn().await?;
        let o = org::get_by_code(&mut conn, code.trim())
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&o.path)?;
        Ok(o.into())
    }

    /// The org at the root of what the actor may read.
    pub async fn home_org(&self, actor: &Actor) -> ServiceResult<Org> {
        let root = actor.read_root()?;
        let id = path::ids(root)
            .last()
            .copied()
            .ok_or(ServiceError::NotFound)?;
        self.org(actor, id).await
    }

    /// `o` named with its parents below the district, whatever the reader's scope (a branch
    /// knows its town), for the title block of a printed page.
    pub async fn org_title(&self, actor: &Actor, o: &Org) -> ServiceResult<String> {
        actor.check_visible(&o.path)?;
        let root = path::ids(&o.path)
            .first()
            .map_or_else(String::new, |id| path::child(None, *id));
        let mut conn = self.db.conn().await?;
        let mut named = place::places_each(&mut conn, &[(root.as_str(), o.path.as_str())]).await?;
        Ok(named.pop().map_or_else(|| o.name.clone(), |(_, p)| p))
    }

    /// From the actor's scope root down to `o`, for breadcrumbs.
    pub async fn org_trail(&self, actor: &Actor, o: &Org) -> ServiceResult<Vec<Org>> {
        let root = actor.read_root()?.to_string();
        let mut conn = self.db.conn().await?;
        let all = org::ancestors(&mut conn, &o.path).await?;
        Ok(all
            .into_iter()
            .filter(|a| path::contains(&root, &a.path))
            .map(Into::into)
            .collect())
    }

    pub async fn org_children(&self, actor: &Actor, id: i64) -> ServiceResult<Vec<ChildSummary>> {
        let parent = self.org(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let children = org::children(&mut conn, parent.id).await?;
        let members = rollup::for_children(&mut conn, parent.id, rollup::MEMBER_TOTAL).await?;
        let kinds = rollup::for_children(&mut conn, parent.id, rollup::ORG_KIND).await?;
        Ok(children
            .into_iter()
            .map(|c| {
                let members = members
                    .iter()
                    .filter(|(o, _, _)| *o == c.id)
                    .map(|(_, _, n)| n)
                    .sum();
                let count = |pred: &dyn Fn(OrgKind) -> bool| -> i64 {
                    kinds
                        .iter()
                        .filter(|(o, k, _)| *o == c.id && OrgKind::parse(k).is_some_and(pred))
                        .map(|(_, _, n)| n)
                        .sum()
                };
                ChildSummary {
                    members,
                    orgs: count(&|k| k.is_grassroots()),
                    grid_groups: count(&|k| k == OrgKind::GridGroup),
                    org: c.into(),
                }
            })
            .collect())
    }

    pub async fn org_search(&self, actor: &Actor, q: &str, limit: i64) -> ServiceResult<Vec<Org>> {
        let root = actor.read_root()?.to_string();
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let q: String = q.chars().take(60).collect();
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            org::search(&mut conn, &root, &q, limit.clamp(1, 200)).await?,
        ))
    }

    pub async fn org_events(&self, actor: &Actor, id: i64) -> ServiceResult<Vec<OrgEvent>> {
        let o = self.org(actor, id).await?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(org::events(&mut conn, o.id).await?))
    }

    /// Branches (which hold members) inside `under`, for choosing a member's org.
    pub async fn member_orgs(
        &self,
        actor: &Actor,
        under: i64,
        limit: i64,
    ) -> ServiceResult<Vec<Org>> {
        let o = self.org(actor, under).await?;
        let mut conn = self.db.conn().await?;
        let kinds: Vec<&str> = OrgKind::ALL
            .iter()
            .filter(|k| k.holds_members())
            .map(|k| k.as_str())
            .collect();
        Ok(crate::model::all(
            org::in_subtree(&mut conn, &o.path, &kinds, limit).await?,
        ))
    }

    pub async fn create_org(
        &self,
        actor: &Actor,
        parent_id: i64,
        input: &OrgInput,
    ) -> ServiceResult<Org> {
        let parent = self.org(actor, parent_id).await?;
        policy::check_edit(actor, &parent.path)?;
        let valid = check_org(input, Some((kind_of(&parent)?, parent.closed_on.is_some())))
            .map_err(ServiceError::Invalid)?;
        let mut tx = self.begin_audited().await?;
        let row = self.insert_org(tx.conn(), actor, &parent, &valid).await?;
        tx.commit(
            actor,
            Entry::ok("org.create", "org", row.id).detail(format!("{} {}", valid.code, valid.name)),
        )
        .await?;
        Ok(row)
    }

    /// Writes a checked org under its parent with its history, counts and (for a branch)
    /// its compliance rows; the caller's transaction holds it all.
    pub(crate) async fn insert_org(
        &self,
        conn: &mut dangjian_store::Conn,
        actor: &Actor,
        parent: &Org,
        o: &ValidOrg,
    ) -> ServiceResult<Org> {
        let new = NewOrg {
            parent: Some(parent.place()),
            kind: o.kind.as_str(),
            owner: o.owner.as_str(),
            name: &o.name,
            code: &o.code,
            secretary: o.secretary.as_deref(),
            opened_on: &o.opened_on,
        };
        let row = org::insert(conn, &new).await.map_err(duplicate_code)?;
        let event = EventRow {
            kind: "created".into(),
            effective_on: o.opened_on.clone(),
            old_value: None,
            new_value: Some(o.name.clone()),
            actor_id: actor.user_id,
            at: now_ms(),
        };
        org::add_event(conn, row.id, &event).await?;
        rollup::apply(
            conn,
            &row.path,
            &rollup::org_facts(o.kind.as_str(), o.owner.as_str(), o.kind.is_grassroots()),
            1,
        )
        .await?;
        let row = Org::from(row);
        self.refresh_branch_all(conn, &row).await?;
        Ok(row)
    }

    /// Creates the root of an empty tree: the district committee a new deployment starts from.
    pub async fn create_root(&self, actor: &Actor, name: &str, code: &str) -> ServiceResult<Org> {
        let name = check_name(name).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let code = check_code(code).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let mut tx = self.begin_audited().await?;
        if dangjian_store::setting::has_data(tx.conn()).await? {
            return Err(ServiceError::field(
                "code",
                "already_initialised",
                "数据库中已有组织，不能再建根组织",
            ));
        }
        let opened = date::format(today());
        let kind = OrgKind::DistrictCommittee;
        let new = NewOrg {
            parent: None,
            kind: kind.as_str(),
            owner: OrgOwner::None.as_str(),
            name: &name,
            code: &code,
            secretary: None,
            opened_on: &opened,
        };
        let row = org::insert(tx.conn(), &new).await.map_err(duplicate_code)?;
        let event = EventRow {
            kind: "created".into(),
            effective_on: opened,
            old_value: None,
            new_value: Some(name.clone()),
            actor_id: actor.user_id,
            at: now_ms(),
        };
        org::add_event(tx.conn(), row.id, &event).await?;
        rollup::apply(
            tx.conn(),
            &row.path,
            &rollup::org_facts(kind.as_str(), OrgOwner::None.as_str(), false),
            1,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("org.create_root", "org", row.id).detail(format!("{code} {name}")),
        )
        .await?;
        Ok(row.into())
    }

    /// Applies a rename, a change of secretary, a move or a closure, each as a dated event.
    pub async fn change_org(
        &self,
        actor: &Actor,
        id: i64,
        change: &OrgChange,
    ) -> ServiceResult<Org> {
        let node = self.org(actor, id).await?;
        policy::check_edit(actor, &node.path)?;
        let on = effective(change.effective_on.as_deref())?;
        let is_scope_root = node.path == actor.read_root()?;
        let mut tx = self.begin_audited().await?;
        let mut events = Vec::new();
        let mut details = Vec::new();

        if let Some(name) = &change.name {
            let name = check_name(name).map_err(|e| ServiceError::Invalid(vec![e]))?;
            if name != node.name {
                org::rename(tx.conn(), node.id, &name).await?;
                events.push(("renamed", Some(node.name.clone()), Some(name.clone())));
                details.push(format!("名称 {} → {}", node.name, name));
            }
        }
        if let Some(s) = &change.secretary {
            let s = secretary(s).map_err(|e| ServiceError::Invalid(vec![e]))?;
            if s != node.secretary {
                org::set_secretary(tx.conn(), node.id, s.as_deref()).await?;
                events.push(("secretary", node.secretary.clone(), s.clone()));
                details.push("书记变更".to_string());
            }
        }
        if let Some(parent_id) = change.parent_id
            && Some(parent_id) != node.parent_id
        {
            if is_scope_root || node.parent_id.is_none() {
                return Err(ServiceError::field(
                    "parent_id",
                    "not_movable",
                    "不能移动您管辖范围的根组织",
                ));
            }
            let new_parent = Self::move_org(tx.conn(), actor, &node, parent_id).await?;
            events.push((
                "moved",
                node.parent_id.map(|p| p.to_string()),
                Some(new_parent.id.to_string()),
            ));
            details.push(format!("迁至 {}", new_parent.name));
        }
        if let Some(closed) = &change.closed_on {
            if is_scope_root {
                return Err(ServiceError::field(
                    "closed_on",
                    "not_closable",
                    "不能撤销您管辖范围的根组织",
                ));
            }
            let closed_text = self.close_org(tx.conn(), &node, closed).await?;
            events.push(("closed", None, Some(closed_text)));
            details.push("撤销".to_string());
        }
        if events.is_empty() {
            return Ok(node);
        }
        for (kind, old_value, new_value) in events {
            let e = EventRow {
                kind: kind.into(),
                effective_on: on.clone(),
                old_value,
                new_value,
                actor_id: actor.user_id,
                at: now_ms(),
            };
            org::add_event(tx.conn(), node.id, &e).await?;
        }
        let updated = org::get(tx.conn(), node.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("org.update", "org", node.id).detail(details.join("；")),
        )
        .await?;
        Ok(updated.into())
    }

    /// Moves `node` and its subtree under `parent_id`, which must be open, inside the actor's
    /// editing scope, outside the subtree and allowed to hold such an org; answers the new
    /// parent.
    async fn move_org(
        conn: &mut Conn,
        actor: &Actor,
        node: &Org,
        parent_id: i64,
    ) -> ServiceResult<Org> {
        let unknown = || {
            ServiceError::field(
                "parent_id",
                "unknown_org",
                "目标上级组织不存在或不在您的管辖范围内",
            )
        };
        let new_parent = org::get(conn, parent_id)
            .await?
            .map(Org::from)
            .ok_or_else(unknown)?;
        if policy::check_edit(actor, &new_parent.path).is_err() {
            return Err(unknown());
        }
        if path::contains(&node.path, &new_parent.path) {
            return Err(ServiceError::field(
                "parent_id",
                "cycle",
                "不能把组织移到它自己的下级组织之下",
            ));
        }
        if !kind_of(&new_parent)?.may_contain(kind_of(node)?) || new_parent.closed_on.is_some() {
            return Err(ServiceError::field(
                "parent_id",
                "not_allowed_here",
                "目标组织下不能设立该类型的组织",
            ));
        }
        let new_path = org::move_subtree(conn, node.place(), new_parent.place()).await?;
        rollup::move_subtree(conn, node.id, &node.path, &new_path).await?;
        dangjian_store::life::move_subtree(conn, node.id, &node.path, &new_path).await?;
        if path::depth(&new_path) != path::depth(&node.path) {
            // Villages are the organizations at depth 3: some in the subtree became or stopped
            // being villages.
            rollup::recount_committees_below(conn, &new_path).await?;
        }
        Ok(new_parent)
    }

    /// Closes `node` on the date given, once it holds no members and no open org; answers
    /// the date as stored.
    async fn close_org(&self, conn: &mut Conn, node: &Org, closed: &str) -> ServiceResult<String> {
        let closed_on = date::past_date("closed_on", "撤销日期", closed, today())
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        if node.closed_on.is_some() {
            return Err(ServiceError::field(
                "closed_on",
                "already_closed",
                "该组织已撤销",
            ));
        }
        if date::format(closed_on) < node.opened_on {
            return Err(ServiceError::field(
                "closed_on",
                "before_opened",
                "撤销日期不能早于成立日期",
            ));
        }
        let open_children = org::children(conn, node.id)
            .await?
            .iter()
            .any(|c| c.closed_on.is_none());
        let members = rollup::get(conn, node.id, rollup::MEMBER_TOTAL, "").await?;
        if open_children || members > 0 {
            return Err(ServiceError::field(
                "closed_on",
                "not_empty",
                "请先转移党员、撤销下级组织后再撤销本组织",
            ));
        }
        let closed_text = date::format(closed_on);
        org::close(conn, node.id, &closed_text).await?;
        rollup::recount_committees(conn, node.id).await?;
        let kind = kind_of(node)?;
        rollup::apply(
            conn,
            &node.path,
            &rollup::org_facts(&node.kind, &node.owner, kind.is_grassroots()),
            -1,
        )
        .await?;
        if let Some(closed) = org::get(conn, node.id).await?.map(Org::from) {
            self.refresh_branch_all(conn, &closed).await?;
        }
        Ok(closed_text)
    }

    /// Groups (party and grid groups) of a branch.
    pub async fn org_groups(&self, actor: &Actor, branch_id: i64) -> ServiceResult<Vec<Org>> {
        let branch = self.org(actor, branch_id).await?;
        let mut conn = self.db.conn().await?;
        let children = org::children(&mut conn, branch.id).await?;
        Ok(children
            .into_iter()
            .filter(|c| OrgKind::parse(&c.kind).is_some_and(OrgKind::is_group))
            .map(Into::into)
            .collect())
    }
}
