//! 群众诉求, staff side: the community accepts or rejects, sends the request to a member or a
//! department, who start and resolve it; every move is checked by the domain's state machine,
//! kept on the request's timeline, counted in the rollup and audited.

mod model;
pub use model::*;
pub mod admin;
pub mod policy;
pub mod public;

use dangjian_domain::request::{self as domain, RequestAction, RequestState, Side};
use dangjian_store::request::{self as store, FactRow, NewEvent, RequestFilter, Times, Whose};
use dangjian_store::rollup;
use serde::{Deserialize, Serialize};

use crate::audit::{Audited, Entry};
use crate::export::MAX_EXPORT;
use crate::masses::{PAGE, checked_reason, visible_member};
use crate::members::Member;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

const HOUR_MS: i64 = 60 * 60 * 1000;

/// One move of a request, with what it needs.
pub(crate) struct Step<'a> {
    pub action: RequestAction,
    pub side: Side,
    pub note: &'a str,
    pub assignee: Option<i64>,
    pub department: Option<&'a dangjian_store::request::DepartmentRow>,
    /// Who acted, as residents may read it on the timeline.
    pub actor_label: &'a str,
    pub user_id: Option<i64>,
}

pub(crate) fn facts_of(r: &Request, t: &Times) -> FactRow {
    FactRow {
        community_path: r.community_path.clone(),
        state: t.state.clone(),
        submitted_at: r.submitted_at,
        accept_due_at: r.accept_due_at,
        answered_at: t.answered_at,
        resolve_due_at: t.resolve_due_at,
        resolved_at: t.resolved_at,
    }
}

/// The state of a stored request; a value the code does not know is a refused move.
fn state_of(r: &Request) -> ServiceResult<RequestState> {
    RequestState::parse(&r.times.state).ok_or_else(|| {
        ServiceError::Internal(format!("诉求 #{} 状态未知：{}", r.id, r.times.state))
    })
}

/// What the request looks like after `step`, if the state machine allows it.
pub(crate) fn after(r: &Request, step: &Step<'_>, now: i64) -> ServiceResult<Times> {
    let to = domain::next(state_of(r)?, step.action, step.side).map_err(|e| {
        ServiceError::field(
            "action",
            match e {
                domain::TransitionError::NotNow => "not_now",
                domain::TransitionError::WrongSide => "wrong_side",
            },
            e.message(),
        )
    })?;
    let mut t = r.times.clone();
    t.state = to.as_str().to_string();
    let resolve_due = now + r.resolve_hours * HOUR_MS;
    match step.action {
        RequestAction::Accept => {
            t.answered_at = Some(now);
            t.resolve_due_at = Some(resolve_due);
            t.due_at = Some(resolve_due);
            t.escalation = 0;
        }
        RequestAction::Reject => {
            t.answered_at = Some(now);
            t.due_at = None;
            t.escalation = 0;
            t.reply = step.note.to_string();
        }
        RequestAction::Assign => {
            t.assignee_member_id = step.assignee;
            t.department_id = None;
            t.department_path = None;
        }
        RequestAction::Dispatch => {
            t.department_id = step.department.map(|d| d.id);
            t.department_path = step.department.and_then(|d| d.org_path.clone());
            t.assignee_member_id = None;
        }
        RequestAction::Start => {}
        RequestAction::Resolve => {
            t.resolved_at = Some(now);
            t.due_at = None;
            t.escalation = 0;
            t.reply = step.note.to_string();
        }
        RequestAction::Reopen => {
            t.resolved_at = None;
            t.resolve_due_at = Some(resolve_due);
            t.due_at = Some(resolve_due);
        }
        RequestAction::Confirm => t.due_at = None,
        RequestAction::Close => {
            t.closed_at = Some(now);
            t.due_at = None;
        }
    }
    Ok(t.into())
}

impl App {
    /// Stores one move: the new times (only if nobody moved the request meanwhile), the
    /// rollup's difference and the timeline entry.
    pub(crate) async fn move_request(
        &self,
        tx: &mut Audited,
        r: &Request,
        step: &Step<'_>,
        now: i64,
    ) -> ServiceResult<Times> {
        if step.action.needs_text() {
            let n = step.note.chars().count();
            if n == 0 || n > self.config.request_rules.reply_chars {
                return Err(ServiceError::field(
                    "note",
                    "required",
                    format!(
                        "请填写{}（不超过 {} 字）",
                        match step.action {
                            RequestAction::Reject => "不予受理的理由",
                            RequestAction::Reopen => "未解决的情况",
                            _ => "办理结果",
                        },
                        self.config.request_rules.reply_chars
                    ),
                ));
            }
        }
        let t = after(r, step, now)?;
        if !store::save_times(tx.conn(), r.id, &r.times.state, &t).await? {
            return Err(ServiceError::field(
                "action",
                "conflict",
                "诉求刚被他人处理，请刷新后查看",
            ));
        }
        rollup::apply_change(
            tx.conn(),
            &r.community_path,
            &rollup::request_facts(&facts_of(r, &r.times.clone().into())),
            &r.community_path,
            &rollup::request_facts(&facts_of(r, &t)),
        )
        .await?;
        store::add_event(
            tx.conn(),
            &NewEvent {
                request_id: r.id,
                at: now,
                action: step.action.as_str(),
                to_state: &t.state,
                actor_label: step.actor_label,
                user_id: step.user_id,
                note: step.note,
            },
        )
        .await?;
        Ok(t)
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RequestQuery {
    pub org: Option<i64>,
    /// `departments` for what was sent to the actor's departments, `mine` for what was
    /// assigned to the actor as a member; the communities of the subtree otherwise.
    pub view: String,
    /// A state, `open`, `overdue`, or empty for all.
    pub state: String,
    pub category_id: Option<i64>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestPage {
    pub org_id: i64,
    pub org_name: String,
    pub view: String,
    pub items: Vec<Request>,
    /// Requests matching (all pages).
    pub total: i64,
    pub page: i64,
    /// Milliseconds since the Unix epoch.
    pub now: i64,
}

/// All `Request` fields (flattened) plus the timeline and what the caller may do.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: Request,
    pub events: Vec<RequestEvent>,
    /// The staff actions the actor may take now.
    pub actions: Vec<RequestAction>,
    /// Whether the actor manages the request for its community (redaction).
    pub manages: bool,
    /// Whether the actor may see the resident's phone in full (with a reason): the
    /// community's staff, or whoever handles it until it is closed.
    pub reads_phone: bool,
    pub departments: Vec<RequestDepartment>,
    pub now: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActionInput {
    pub action: String,
    /// Required for reject and resolve: shown to the resident (and on the published list).
    pub note: String,
    /// For assign: a member the caller sees.
    pub member_id: Option<i64>,
    /// For dispatch: an active department.
    pub department_id: Option<i64>,
}

/// States a request is still being worked on in.
pub const OPEN_STATES: &[RequestState] = &[
    RequestState::Submitted,
    RequestState::Accepted,
    RequestState::Reopened,
    RequestState::Assigned,
    RequestState::Dispatched,
    RequestState::InProgress,
];

impl App {
    /// A request the actor may see: its community's staff (and those above), the staff of
    /// the department it was sent to, or the member it was assigned to.
    pub(crate) async fn staff_request(&self, actor: &Actor, id: i64) -> ServiceResult<Request> {
        let mut conn = self.db.conn().await?;
        let r = store::get(&mut conn, id)
            .await?
            .map(Request::from)
            .ok_or(ServiceError::NotFound)?;
        let sees = policy::sees(actor, &r);
        if sees {
            Ok(r)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The list's root and filter from its query.
    async fn request_filter(
        &self,
        actor: &Actor,
        q: &RequestQuery,
        now: i64,
    ) -> ServiceResult<(Org, RequestFilter, &'static str)> {
        let root = self.list_root(actor, q.org).await?;
        let (whose, view) = match q.view.as_str() {
            "departments" => (Whose::Departments(root.path.clone()), "departments"),
            "mine" => match actor.member_id {
                Some(m) => (Whose::Assignee(m), "mine"),
                None => return Err(ServiceError::Forbidden("该账号未关联党员档案")),
            },
            // A member's own account has no community of its own: what was sent to them.
            "" if actor.role == dangjian_domain::role::Role::Member => match actor.member_id {
                Some(m) => (Whose::Assignee(m), "mine"),
                None => return Err(ServiceError::Forbidden("该账号未关联党员档案")),
            },
            _ => (Whose::Communities(root.path.clone()), ""),
        };
        let mut f = RequestFilter {
            whose,
            states: Vec::new(),
            overdue_at: None,
            category_id: q.category_id,
        };
        match q.state.as_str() {
            "" => {}
            "open" => f.states = OPEN_STATES.iter().map(|s| s.as_str().to_string()).collect(),
            "overdue" => f.overdue_at = Some(now),
            s => match RequestState::parse(s) {
                Some(s) => f.states = vec![s.as_str().to_string()],
                None => {
                    return Err(ServiceError::field(
                        "state",
                        "invalid_choice",
                        format!("没有“{s}”这种诉求状态"),
                    ));
                }
            },
        }
        Ok((root, f, view))
    }

    pub async fn requests(&self, actor: &Actor, q: &RequestQuery) -> ServiceResult<RequestPage> {
        let now = now_ms();
        let (root, f, view) = self.request_filter(actor, q, now).await?;
        let page = crate::model::page_number(q.page);
        let mut conn = self.db.conn().await?;
        let total = self.request_total(&mut conn, &root, &f).await?;
        let items = store::list(&mut conn, &f, PAGE, (page - 1) * PAGE).await?;
        Ok(RequestPage {
            org_id: root.id,
            org_name: root.name,
            view: view.to_string(),
            items: crate::model::all(items),
            total,
            page,
            now,
        })
    }

    /// Every request matching a list's filters, for a spreadsheet; audited.
    pub async fn export_requests(
        &self,
        actor: &Actor,
        q: &RequestQuery,
    ) -> ServiceResult<(Org, Vec<Request>)> {
        let (root, f, _) = self.request_filter(actor, q, now_ms()).await?;
        let mut conn = self.db.conn().await?;
        crate::export::check_size(store::count(&mut conn, &f).await?, "条诉求")?;
        let rows = store::list(&mut conn, &f, MAX_EXPORT, 0).await?;
        drop(conn);
        self.audit_export(actor, "群众诉求", root.id, rows.len(), None)
            .await?;
        Ok((root, crate::model::all(rows)))
    }

    /// A whole subtree's total comes from the rollup's state counters; narrower lists count.
    async fn request_total(
        &self,
        conn: &mut dangjian_store::Conn,
        root: &Org,
        f: &RequestFilter,
    ) -> ServiceResult<i64> {
        if matches!(f.whose, Whose::Communities(_))
            && f.overdue_at.is_none()
            && f.category_id.is_none()
        {
            let counts = rollup::for_org(conn, root.id).await?;
            return Ok(counts
                .iter()
                .filter(|(m, k, _)| {
                    m == rollup::REQUEST_STATE && (f.states.is_empty() || f.states.contains(k))
                })
                .map(|(_, _, n)| n)
                .sum());
        }
        Ok(store::count(conn, f).await?)
    }

    pub async fn request_view(&self, actor: &Actor, id: i64) -> ServiceResult<RequestView> {
        let request = self.staff_request(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let events = store::events(&mut conn, id).await?;
        let departments = store::departments(&mut conn)
            .await?
            .into_iter()
            .filter(|d| d.active)
            .map(Into::into)
            .collect();
        Ok(RequestView {
            actions: policy::staff_actions(actor, &request),
            manages: policy::manages(actor, &request),
            reads_phone: policy::reads_phone(actor, &request),
            request,
            events: crate::model::all(events),
            departments,
            now: now_ms(),
        })
    }

    /// A staff move on a request.
    pub async fn act_on_request(
        &self,
        actor: &Actor,
        id: i64,
        input: &ActionInput,
    ) -> ServiceResult<()> {
        let r = self.staff_request(actor, id).await?;
        let action = RequestAction::parse(input.action.trim())
            .ok_or_else(|| ServiceError::field("action", "invalid_choice", "请选择要进行的操作"))?;
        if !policy::staff_actions(actor, &r).contains(&action) {
            // A move the state allows but the actor may not take, or one the state refuses.
            domain::next(state_of(&r)?, action, Side::Staff)
                .map_err(|e| ServiceError::field("action", "not_now", e.message()))?;
            return Err(ServiceError::Forbidden("您不能对该诉求进行此操作"));
        }
        let mut conn = self.db.conn().await?;
        let assignee = match action {
            RequestAction::Assign => {
                let id = input.member_id.ok_or_else(|| {
                    ServiceError::field("member_id", "required", "请选择承办党员")
                })?;
                Some(visible_member(&mut conn, actor, id).await?)
            }
            _ => None,
        };
        let department = match action {
            RequestAction::Dispatch => {
                let id = input
                    .department_id
                    .or(r.routed_department_id)
                    .ok_or_else(|| {
                        ServiceError::field("department_id", "required", "请选择承办部门")
                    })?;
                Some(
                    store::department(&mut conn, id)
                        .await?
                        .filter(|d| d.active)
                        .ok_or_else(|| {
                            ServiceError::field(
                                "department_id",
                                "unknown",
                                "承办部门不存在或已停用",
                            )
                        })?,
                )
            }
            _ => None,
        };
        drop(conn);
        // The timeline tells the resident whom it was sent to (members show who they are: 亮身份).
        let sent_to = match (&assignee, &department) {
            (Some(m), _) => format!("承办党员：{}", m.name),
            (_, Some(d)) => format!("承办部门：{}", d.name),
            _ => String::new(),
        };
        let note = if sent_to.is_empty() {
            input.note.trim()
        } else {
            sent_to.as_str()
        };
        let label = actor.scope_name.clone();
        let step = Step {
            action,
            side: Side::Staff,
            note,
            assignee: assignee.as_ref().map(|m| m.id),
            department: department.as_ref(),
            actor_label: &label,
            user_id: actor.user_id,
        };
        let mut tx = self.begin_audited().await?;
        self.move_request(&mut tx, &r, &step, now_ms()).await?;
        let detail = match (&assignee, &department) {
            (Some(m), _) => format!("{} → {}", r.code, m.name),
            (_, Some(d)) => format!("{} → {}", r.code, d.name),
            _ => r.code.clone(),
        };
        let what = format!("request.{}", action.as_str());
        tx.commit(actor, Entry::ok(&what, "request", r.id).detail(detail))
            .await?;
        Ok(())
    }

    /// Members of the request's community whose name starts with `q`, to assign it to.
    pub async fn request_assignees(
        &self,
        actor: &Actor,
        id: i64,
        q: &str,
    ) -> ServiceResult<Vec<Member>> {
        let r = self.staff_request(actor, id).await?;
        if !policy::handles(actor, &r) {
            return Err(ServiceError::Forbidden("您不能对该诉求进行此操作"));
        }
        let q = q.trim();
        let f = dangjian_store::member::MemberFilter {
            root_path: r.community_path,
            name_prefix: (!q.is_empty()).then(|| q.to_string()),
            ..Default::default()
        };
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            dangjian_store::member::list(&mut conn, &f, 20, 0).await?,
        ))
    }

    /// The resident's phone in full, for the community's staff who give a reason; audited.
    pub async fn request_phone(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> ServiceResult<String> {
        let r = self.staff_request(actor, id).await?;
        if !policy::reads_phone(actor, &r) {
            return Err(ServiceError::Forbidden(
                "只有承办人员可以查看联系电话；诉求关闭后，承办的党员和部门不能再查看",
            ));
        }
        let reason = checked_reason(reason)?;
        let mut conn = self.db.conn().await?;
        let cipher = store::phone_cipher(&mut conn, id).await?;
        drop(conn);
        self.reveal_phone(
            actor,
            cipher,
            Entry::ok("request.unmask", "request", id).detail(reason),
        )
        .await
    }

    /// Keeps a request's reply off the published list, or puts it back.
    pub async fn redact_request(
        &self,
        actor: &Actor,
        id: i64,
        redacted: bool,
    ) -> ServiceResult<()> {
        let r = self.staff_request(actor, id).await?;
        actor.check_edit_members(&r.community_path)?;
        let mut tx = self.begin_audited().await?;
        store::set_redacted(tx.conn(), id, redacted).await?;
        tx.commit(
            actor,
            Entry::ok(
                if redacted {
                    "request.redact"
                } else {
                    "request.unredact"
                },
                "request",
                id,
            )
            .detail(r.code),
        )
        .await?;
        Ok(())
    }

    /// The photo a resident sent with the request.
    pub async fn request_photo(&self, actor: &Actor, id: i64) -> ServiceResult<(String, Vec<u8>)> {
        self.staff_request(actor, id).await?;
        let mut conn = self.db.conn().await?;
        store::photo(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

impl App {
    /// The job's part: overdue requests climb to the organization above (a reminder there
    /// and a timeline entry), and answered requests nobody acts on any more are closed.
    pub async fn run_request_job(&self, now: i64) -> ServiceResult<usize> {
        let rules = &self.config.request_rules;
        let mut conn = self.db.conn().await?;
        let overdue = store::overdue(&mut conn, now).await?;
        let mut climbs = Vec::new();
        for o in overdue {
            let ids = dangjian_domain::path::ids(&o.community_path);
            // Never above the root of the tree.
            let max = rules.max_escalation.min(ids.len() as i64 - 1);
            let level = domain::escalation_level(now, o.due_at, o.span_hours, max);
            if level > o.escalation {
                let target = ids[ids.len() - 1 - level as usize];
                climbs.push((o, level, target));
            }
        }
        let closing =
            store::to_close(&mut conn, now - rules.auto_close_days * 24 * HOUR_MS).await?;
        drop(conn);
        let system = Actor::system("requests");
        let mut done = 0;
        for (o, level, target) in climbs {
            let mut tx = self.begin_audited().await?;
            let target_org = dangjian_store::org::get(tx.conn(), target)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if !store::set_escalation(tx.conn(), o.id, level).await? {
                continue;
            }
            let waiting = if o.state == RequestState::Submitted.as_str() {
                "超时未受理"
            } else {
                "超时未办结"
            };
            let note = format!("{waiting}，已提请{}督办", target_org.name);
            store::add_event(
                tx.conn(),
                &NewEvent {
                    request_id: o.id,
                    at: now,
                    action: "escalate",
                    to_state: &o.state,
                    actor_label: "系统",
                    user_id: None,
                    note: &note,
                },
            )
            .await?;
            dangjian_store::notification::add_many(
                tx.conn(),
                &[dangjian_store::notification::NewNotification {
                    org_id: target,
                    kind: "request_overdue".into(),
                    dedupe_key: format!("request_overdue:{}:{level}", o.id),
                    title: format!("群众诉求{waiting}"),
                    body: format!(
                        "{}的{}诉求{waiting}，请督办。",
                        o.community_name, o.category_name
                    ),
                    link: format!("/requests/{}", o.id),
                }],
            )
            .await?;
            tx.commit(
                &system,
                Entry::ok("request.escalate", "request", o.id).detail(note),
            )
            .await?;
            done += 1;
        }
        for id in closing {
            let mut conn = self.db.conn().await?;
            let Some(r) = store::get(&mut conn, id).await?.map(Request::from) else {
                continue;
            };
            drop(conn);
            let step = Step {
                action: RequestAction::Close,
                side: Side::Staff,
                note: "",
                assignee: None,
                department: None,
                actor_label: "系统",
                user_id: None,
            };
            let mut tx = self.begin_audited().await?;
            match self.move_request(&mut tx, &r, &step, now).await {
                Ok(_) => {}
                // Someone moved it meanwhile: the next run looks again.
                Err(ServiceError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            }
            tx.commit(
                &system,
                Entry::ok("request.close", "request", id).detail(r.code),
            )
            .await?;
            done += 1;
        }
        Ok(done)
    }
}
