//! 组织关系转接: a member's organization changes only through a transfer that the sending side
//! approves and the receiving side accepts, so that the member belongs to exactly one
//! organization at every moment and the history shows each one with its dates.

mod model;
pub use model::*;

use dangjian_domain::date;
use dangjian_domain::member::MemberInput;
use dangjian_domain::org::OrgKind;
use dangjian_domain::role::in_scope;
use dangjian_domain::transfer::{TransferAction, TransferKind, TransferRules, TransferState, next};
use dangjian_store::member::{self, DEPARTED_PATH};
use dangjian_store::org;
use dangjian_store::rollup;
use dangjian_store::transfer::{self, NewTransfer, Step};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::members::Member;
use crate::members::{Placement, row_facts};
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TransferInput {
    pub kind: String,
    /// The receiving branch, for a transfer inside the district.
    pub to_org_id: Option<i64>,
    /// The organization outside the district, or where a flowing member now is.
    pub outside_org: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = TransferStep)]
#[serde(default)]
pub struct StepInput {
    /// The letter's number when approving; generated when empty.
    pub letter_no: String,
    /// Why it is sent back, or a remark.
    pub note: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransferPage {
    pub items: Vec<Transfer>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A branch any editor may send a member to: names and codes are not personal data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberHistory {
    pub memberships: Vec<Membership>,
    pub transfers: Vec<Transfer>,
}

fn text(field: &'static str, label: &str, v: &str, max: usize) -> ServiceResult<String> {
    let v = v.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(ServiceError::field(
            field,
            "required",
            format!("请填写{label}"),
        ));
    }
    if n > max || v.chars().any(char::is_control) {
        return Err(ServiceError::field(
            field,
            "invalid",
            format!("{label}不能超过 {max} 个字，且不能含不可见字符"),
        ));
    }
    Ok(v.to_string())
}

fn handled() -> ServiceError {
    ServiceError::field("state", "already_handled", "该转接已被处理，请刷新后查看")
}

/// The receiving branch must exist, hold members and be open.
fn check_target(o: Option<Org>, from_org: i64) -> ServiceResult<Org> {
    let o = o.ok_or_else(|| ServiceError::field("to_org_id", "unknown_org", "接收党组织不存在"))?;
    if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
        return Err(ServiceError::field(
            "to_org_id",
            "not_a_branch",
            "组织关系只能转入党支部或联合支部",
        ));
    }
    if o.closed_on.is_some() {
        return Err(ServiceError::field(
            "to_org_id",
            "closed",
            format!("{}已撤销，不能接收组织关系", o.name),
        ));
    }
    if o.id == from_org {
        return Err(ServiceError::field(
            "to_org_id",
            "same_org",
            "接收党组织与现所在党组织相同",
        ));
    }
    Ok(o)
}

/// Whose turn it is: the receiving branch accepts a transfer inside the district and may send
/// back one it was sent; everything else is the sending side's.
fn acting_side(
    t: &Transfer,
    kind: TransferKind,
    state: TransferState,
    action: TransferAction,
) -> &str {
    let receiving = kind == TransferKind::Internal
        && state == TransferState::Approved
        && matches!(action, TransferAction::Receive | TransferAction::Reject);
    if receiving { &t.to_path } else { &t.from_path }
}

/// The steps the actor may take on a transfer now (for the buttons a page shows).
pub fn allowed_actions(actor: &Actor, t: &Transfer) -> Vec<TransferAction> {
    let (Some(kind), Some(state)) = (TransferKind::parse(&t.kind), TransferState::parse(&t.state))
    else {
        return Vec::new();
    };
    TransferAction::ALL
        .iter()
        .copied()
        .filter(|a| *a != TransferAction::Expire && next(state, *a).is_some())
        .filter(|a| {
            actor
                .check_edit_members(acting_side(t, kind, state, *a))
                .is_ok()
        })
        .collect()
}

impl App {
    fn transfer_rules(&self) -> TransferRules {
        self.config.transfer_rules
    }

    /// The sending side starts a transfer of one of its members.
    pub async fn request_transfer(
        &self,
        actor: &Actor,
        member_id: i64,
        input: &TransferInput,
    ) -> ServiceResult<Transfer> {
        let m = self.member_to_edit(actor, member_id).await?;
        let kind = TransferKind::parse(&input.kind)
            .filter(|k| *k != TransferKind::In)
            .ok_or_else(|| ServiceError::field("kind", "invalid_choice", "请选择转接类型"))?;
        let reason = text("reason", "转接原因", &input.reason, 200)?;
        let mut tx = self.begin_audited().await?;
        if transfer::open_for(tx.conn(), m.id).await?.is_some() {
            return Err(ServiceError::field(
                "member_id",
                "open_transfer",
                format!("{}已有未办结的组织关系转接", m.name),
            ));
        }
        let (to, outside) = match kind {
            TransferKind::Internal => {
                let id = input.to_org_id.ok_or_else(|| {
                    ServiceError::field("to_org_id", "required", "请选择接收党组织")
                })?;
                (
                    Some(check_target(
                        org::get(tx.conn(), id).await?.map(Org::from),
                        m.org_id,
                    )?),
                    String::new(),
                )
            }
            _ => (
                None,
                text(
                    "outside_org",
                    "接收党组织（区外）或流入地",
                    &input.outside_org,
                    100,
                )?,
            ),
        };
        let paid = dangjian_store::dues::paid_up_to(tx.conn(), m.id).await?;
        let id = transfer::insert(
            tx.conn(),
            &NewTransfer {
                member_id: m.id,
                member_name: &m.name,
                kind: kind.as_str(),
                state: TransferState::Requested.as_str(),
                from_org_id: Some(m.org_id),
                from_path: &m.org_path,
                to_org_id: to.as_ref().map(|o| o.id),
                to_path: to.as_ref().map_or("", |o| o.path.as_str()),
                outside_org: &outside,
                letter_no: "",
                dues_paid_to: paid.as_deref(),
                reason: &reason,
                by: actor.user_id,
            },
        )
        .await?;
        let row = transfer::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let to_name = to.map_or(outside, |o| o.name);
        tx.commit(
            actor,
            Entry::ok("transfer.request", "transfer", id)
                .detail(format!("{}：{} → {to_name}", m.name, m.org_name)),
        )
        .await?;
        Ok(row.into())
    }

    /// A transfer either side of which lies in the actor's scope.
    pub async fn transfer(&self, actor: &Actor, id: i64) -> ServiceResult<Transfer> {
        let mut conn = self.db.conn().await?;
        let t = transfer::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let root = actor.read_root()?;
        if in_scope(root, &t.from_path) || in_scope(root, &t.to_path) {
            Ok(t.into())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    pub async fn transfers(
        &self,
        actor: &Actor,
        state: Option<&str>,
        page: i64,
    ) -> ServiceResult<TransferPage> {
        let root = actor.read_root()?;
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                TransferState::parse(s)
                    .ok_or_else(|| ServiceError::field("state", "invalid_choice", "状态筛选无效"))?
                    .as_str(),
            ),
        };
        let per_page = 50;
        let page = page.clamp(1, 10_000);
        let mut conn = self.db.conn().await?;
        let (items, total) =
            transfer::list(&mut conn, root, state, per_page, (page - 1) * per_page).await?;
        Ok(TransferPage {
            items: crate::model::all(items),
            total,
            page,
            per_page,
        })
    }

    /// One step of a transfer by the side whose turn it is.
    pub async fn transfer_step(
        &self,
        actor: &Actor,
        id: i64,
        action: TransferAction,
        input: &StepInput,
    ) -> ServiceResult<Transfer> {
        let t = self.transfer(actor, id).await?;
        let kind =
            TransferKind::parse(&t.kind).ok_or_else(|| ServiceError::Internal("kind".into()))?;
        let mut state =
            TransferState::parse(&t.state).ok_or_else(|| ServiceError::Internal("state".into()))?;
        let rules = self.transfer_rules();
        let today_s = date::format(today());
        if state == TransferState::Approved
            && t.valid_until
                .as_deref()
                .is_some_and(|v| v < today_s.as_str())
        {
            let mut tx = self.db.begin_write().await?;
            transfer::expire_due(&mut tx, &today_s).await?;
            tx.commit()
                .await
                .map_err(dangjian_store::StoreError::from)?;
            state = TransferState::Expired;
        }
        let Some(to_state) = next(state, action) else {
            return Err(ServiceError::field(
                "state",
                "not_allowed",
                format!("转接{}，不能{}", state.label(), action.label()),
            ));
        };
        actor.check_edit_members(acting_side(&t, kind, state, action))?;
        let note = input.note.trim();
        if action == TransferAction::Reject {
            text("note", "退回原因", note, 200)?;
        }
        let mut tx = self.begin_audited().await?;
        let letter;
        let valid_until;
        let mut step = Step {
            note: (!note.is_empty()).then_some(note),
            decided: matches!(state, TransferState::Requested),
            ..Default::default()
        };
        if action == TransferAction::Approve {
            letter = match input.letter_no.trim() {
                "" => format!("{}-{:05}", today().year(), t.id),
                l => text("letter_no", "介绍信编号", l, 40)?,
            };
            valid_until = date::format(rules.valid_until(today()));
            step.letter_no = Some(&letter);
            step.valid_until = Some(&valid_until);
        }
        if action == TransferAction::Receive {
            self.complete_transfer(tx.conn(), actor, &t, kind).await?;
        }
        if !transfer::step(
            tx.conn(),
            t.id,
            state.as_str(),
            to_state.as_str(),
            actor.user_id,
            &step,
        )
        .await?
        {
            return Err(handled());
        }
        let row = transfer::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok(&format!("transfer.{}", action.as_str()), "transfer", id).detail(format!(
                "{}：{}",
                t.member_name,
                to_state.label()
            )),
        )
        .await?;
        Ok(row.into())
    }

    /// What receiving changes: the member moves, leaves the district, or is marked flowing.
    async fn complete_transfer(
        &self,
        conn: &mut dangjian_store::Conn,
        actor: &Actor,
        t: &Transfer,
        kind: TransferKind,
    ) -> ServiceResult<()> {
        let m: Member = (member::get(conn, t.member_id)
            .await?
            .ok_or(ServiceError::NotFound)?)
        .into();
        if Some(m.org_id) != t.from_org_id || m.org_path != t.from_path {
            return Err(ServiceError::field(
                "state",
                "member_moved",
                "党员所在组织已变化，请退回后重新发起转接",
            ));
        }
        let on = date::format(today());
        let facts = row_facts(&m);
        match kind {
            TransferKind::Internal => {
                let to = check_target(
                    match t.to_org_id {
                        Some(id) => org::get(conn, id).await?.map(Org::from),
                        None => None,
                    },
                    m.org_id,
                )?;
                member::move_to(conn, m.id, to.id, &to.path).await?;
                crate::orgs::committee::leave_committees(conn, actor, m.id, &to.path).await?;
                rollup::apply_change(conn, &m.org_path, &facts, &to.path, &facts).await?;
                transfer::change_membership(
                    conn,
                    m.id,
                    &on,
                    Some((Some(to.id), &to.name)),
                    Some(t.id),
                )
                .await?;
            }
            TransferKind::Out => {
                member::move_to(conn, m.id, m.org_id, DEPARTED_PATH).await?;
                crate::orgs::committee::leave_committees(conn, actor, m.id, DEPARTED_PATH).await?;
                rollup::apply(conn, &m.org_path, &facts, -1).await?;
                transfer::change_membership(
                    conn,
                    m.id,
                    &on,
                    Some((None, &t.outside_org)),
                    Some(t.id),
                )
                .await?;
            }
            TransferKind::FlowOut => {
                let flowing = Member {
                    flowing: true,
                    ..m.clone()
                };
                member::set_flowing(conn, m.id, true).await?;
                rollup::apply_change(conn, &m.org_path, &facts, &m.org_path, &row_facts(&flowing))
                    .await?;
            }
            TransferKind::In => {}
        }
        Ok(())
    }

    /// A member whose letter came from outside the district: registered and received at once.
    pub async fn receive_from_outside(
        &self,
        actor: &Actor,
        at: Placement,
        input: &MemberInput,
        outside_org: &str,
        letter_no: &str,
    ) -> ServiceResult<Transfer> {
        let outside = text("outside_org", "转出党组织", outside_org, 100)?;
        let letter = text("letter_no", "介绍信编号", letter_no, 40)?;
        let on = date::format(today());
        let mut tx = self.begin_audited().await?;
        let m = self.insert_member(tx.conn(), actor, at, input).await?;
        let id = transfer::insert(
            tx.conn(),
            &NewTransfer {
                member_id: m.id,
                member_name: &m.name,
                kind: TransferKind::In.as_str(),
                state: TransferState::Received.as_str(),
                from_org_id: None,
                from_path: "",
                to_org_id: Some(m.org_id),
                to_path: &m.org_path,
                outside_org: &outside,
                letter_no: &letter,
                dues_paid_to: None,
                reason: "区外转入",
                by: actor.user_id,
            },
        )
        .await?;
        // The history: outside from joining until today, then the receiving branch.
        transfer::change_membership(
            tx.conn(),
            m.id,
            &on,
            Some((Some(m.org_id), &m.org_name)),
            Some(id),
        )
        .await?;
        transfer::mark_outside_until(tx.conn(), m.id, &outside, &on).await?;
        let row = transfer::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("transfer.in", "transfer", id).detail(format!(
                "{}：{outside} → {}（{letter}）",
                m.name, m.org_name
            )),
        )
        .await?;
        Ok(row.into())
    }

    pub async fn member_history(
        &self,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<MemberHistory> {
        self.member(actor, member_id).await?;
        let mut conn = self.db.conn().await?;
        Ok(MemberHistory {
            memberships: crate::model::all(transfer::history(&mut conn, member_id).await?),
            transfers: crate::model::all(transfer::for_member(&mut conn, member_id).await?),
        })
    }

    /// Branches a member may be sent to, anywhere in the district, by name or code.
    pub async fn transfer_targets(&self, actor: &Actor, q: &str) -> ServiceResult<Vec<Target>> {
        if !actor.role.edits_members() {
            return Err(ServiceError::Forbidden("您的角色不能办理组织关系转接"));
        }
        let q: String = q.trim().chars().take(30).collect();
        if q.chars().count() < 2 {
            return Ok(Vec::new());
        }
        let mut conn = self.db.conn().await?;
        Ok(org::search(&mut conn, "/", &q, 60)
            .await?
            .into_iter()
            .filter(|o| {
                o.closed_on.is_none() && OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
            })
            .take(20)
            .map(|o| Target {
                id: o.id,
                name: o.name,
                code: o.code,
            })
            .collect())
    }
}
