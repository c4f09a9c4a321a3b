//! 待办: what needs action now in an organization's subtree, each with the list it comes
//! from. Every figure is read through the use case that owns it (and its policy), so an
//! account sees only what its role may read; nothing is typed in twice.

use dangjian_domain::org::OrgKind;
use serde::Serialize;

use crate::masses::HouseholdQuery;
use crate::request::RequestQuery;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// One thing to attend to: how many, what they are, and where the list is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToDoItem {
    /// `meetings` | `arrears` | `recruits` | `requests` | `households` | `evaluations`.
    pub key: &'static str,
    pub label: &'static str,
    pub count: i64,
    /// What the count is made of, e.g. "主题党日、支委会".
    pub detail: String,
    /// The page that lists them, with the same filter.
    pub link: String,
}

/// What needs action now in an org's subtree (`GET /api/v1/orgs/{id}/to-do`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToDo {
    pub org_id: i64,
    /// Only what the actor's role reads; an empty list means nothing is waiting.
    pub items: Vec<ToDoItem>,
}

/// A figure the actor's role does not read is left out rather than refused.
fn readable<T>(r: ServiceResult<T>) -> ServiceResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ServiceError::Forbidden(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

impl App {
    /// What needs action now in an org's subtree: for a branch, its own meetings of this
    /// period; above, the branches behind; and at every level arrears, recruitment steps due,
    /// open requests, households without a member and evaluations under way.
    pub async fn to_do(&self, actor: &Actor, org_id: i64) -> ServiceResult<ToDo> {
        let o = self.org(actor, org_id).await?;
        super::policy::check_read_to_do(actor)?;
        let id = o.id;
        let mut items = Vec::new();
        let is_branch = OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members);
        if is_branch {
            let mut conn = self.db.conn().await?;
            let branch = dangjian_store::org::get(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let open: Vec<_> = crate::me::due_meetings(&mut conn, &branch)
                .await?
                .into_iter()
                .filter(|d| d.held_on.is_none())
                .collect();
            items.push(ToDoItem {
                key: "meetings",
                label: "本期应开未开的会议",
                count: open.len() as i64,
                detail: open
                    .iter()
                    .map(|d| format!("{}（{}）", d.kind_label, d.period_label))
                    .collect::<Vec<_>>()
                    .join("、"),
                link: format!("/meetings/new?org={id}"),
            });
        } else {
            let c = self.compliance(actor, Some(id), None).await?;
            items.push(ToDoItem {
                key: "meetings",
                label: "本年组织生活未落实（支部·次）",
                count: c.total.behind,
                detail: c
                    .behind
                    .iter()
                    .take(3)
                    .map(|b| b.place.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
                link: format!("/life?org={id}"),
            });
        }
        if let Some(arrears) = readable(self.dues_arrears(actor, id).await)? {
            items.push(ToDoItem {
                key: "arrears",
                label: "欠缴党费的党员",
                count: arrears.len() as i64,
                detail: String::new(),
                link: format!("/dues?org={id}#arrears"),
            });
        }
        if let Some(r) = readable(self.recruit_summary(actor, id).await)? {
            items.push(ToDoItem {
                key: "recruits",
                label: "发展党员步骤超期或即将到期",
                count: r.overdue + r.soon,
                detail: format!("超期 {} 人，即将到期 {} 人", r.overdue, r.soon),
                link: format!("/recruits?org={id}"),
            });
        }
        let q = RequestQuery {
            org: Some(id),
            state: "open".into(),
            ..Default::default()
        };
        if let Some(p) = readable(self.requests(actor, &q).await)? {
            items.push(ToDoItem {
                key: "requests",
                label: "办理中的群众诉求",
                count: p.total,
                detail: String::new(),
                link: format!("/requests?org={id}&state=open"),
            });
        }
        let hq = HouseholdQuery {
            org: Some(id),
            unpaired: true,
            ..Default::default()
        };
        if let Some(h) = readable(self.households(actor, &hq).await)? {
            items.push(ToDoItem {
                key: "households",
                label: "尚无联系党员的住户",
                count: h.total,
                detail: String::new(),
                link: format!("/households?org={id}&unpaired=1"),
            });
        }
        if let Some(periods) = readable(self.evaluation_periods(actor).await)? {
            let day = dangjian_domain::date::format(today());
            let open: Vec<_> = periods
                .into_iter()
                .filter(|p| p.starts_on <= day && day <= p.ends_on)
                .collect();
            items.push(ToDoItem {
                key: "evaluations",
                label: "进行中的三评",
                count: open.len() as i64,
                detail: open
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
                link: "/evaluations".into(),
            });
        }
        Ok(ToDo { org_id: id, items })
    }
}
