//! 支部委员会: who holds the posts of a branch's committee. The 书记 post also names the
//! branch's secretary, and a member who leaves the branch leaves its committee.

use dangjian_domain::committee::{self as rules, Post};
use dangjian_domain::date;
use dangjian_domain::org::OrgKind;
use dangjian_store::committee::{self, PostRow};
use dangjian_store::member::{self, MemberFilter};
use dangjian_store::org::{self, OrgEvent as EventRow};
use dangjian_store::{Conn, StoreError};
use serde::Deserialize;

use super::policy;
use crate::audit::Entry;
use crate::model::read_model;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms, today};

read_model! {
    /// A post of a committee and who holds (or held) it.
    pub struct CommitteePost from PostRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        /// `secretary` | `deputy_secretary` | `organization` | `propaganda` | `discipline`.
        pub post: String,
        pub started_on: String,
        /// Null while the post is held.
        pub ended_on: Option<String>,
    }
}

impl CommitteePost {
    pub fn post_label(&self) -> &'static str {
        Post::parse(&self.post).map_or("委员", Post::label)
    }
}

/// A full member of the branch who holds no post yet, offered when appointing.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub member_id: i64,
    pub name: String,
}

/// A branch's committee as its page shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Committee {
    pub org_id: i64,
    /// The posts held now, in the roster's order (书记 first).
    pub posts: Vec<CommitteePost>,
    /// Posts held before, newest first (at most 20).
    pub former: Vec<CommitteePost>,
    /// The branch's full members: below seven a secretary alone, else a committee of 3–5.
    pub full_members: i64,
    /// Posts the size of the branch calls for that nobody holds.
    pub vacant: Vec<String>,
    /// Whether the actor may appoint and relieve.
    pub can_edit: bool,
    /// Who may be appointed (only for those who may edit).
    pub candidates: Vec<Candidate>,
}

/// An appointment: a member of the branch to a post, from a day (default today).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AppointInput {
    /// A full member of the branch holding no post: 422 `required` | `not_found` |
    /// `not_full_member` | `holds_post`.
    pub member_id: Option<i64>,
    /// The post, code or Chinese label: 422 `invalid` | `held`.
    pub post: String,
    /// 任职日期, not in the future (422 `invalid`).
    pub started_on: String,
}

/// Relieving a holder of their post, on a day (default today).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RelieveInput {
    /// 免职日期: not before the appointment nor in the future (422 `invalid`).
    pub ended_on: String,
}

pub(crate) fn day(field: &'static str, label: &str, text: &str) -> ServiceResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(date::format(today()));
    }
    date::past_date(field, label, t, today())
        .map(date::format)
        .map_err(|e| ServiceError::Invalid(vec![e]))
}

fn in_order(mut posts: Vec<CommitteePost>) -> Vec<CommitteePost> {
    posts.sort_by_key(|p| Post::ALL.iter().position(|x| x.as_str() == p.post));
    posts
}

/// The members expected at a committee meeting of the branch: its committee, or None when
/// none is recorded (then the branch marks who is off the committee itself).
pub(crate) async fn committee_ids(conn: &mut Conn, org_id: i64) -> ServiceResult<Option<Vec<i64>>> {
    let ids: Vec<i64> = committee::posts(conn, org_id, false)
        .await?
        .into_iter()
        .map(|p| p.member_id)
        .collect();
    Ok((!ids.is_empty()).then_some(ids))
}

/// A member who leaves the branch (transferred, departed: `new_path` empty) leaves the
/// committees of the organizations that no longer contain them that day; an organization
/// that named them its secretary names none.
pub(crate) async fn leave_committees(
    conn: &mut Conn,
    actor: &Actor,
    member_id: i64,
    new_path: &str,
) -> ServiceResult<()> {
    let on = date::format(today());
    for (org_id, post) in committee::end_for_member(conn, member_id, new_path, &on).await? {
        if post != Post::Secretary.as_str() {
            continue;
        }
        if let Some(o) = org::get(conn, org_id).await? {
            set_secretary(conn, actor, &o.into(), None, &on).await?;
        }
    }
    Ok(())
}

pub(crate) async fn set_secretary(
    conn: &mut Conn,
    actor: &Actor,
    org: &crate::orgs::Org,
    name: Option<String>,
    on: &str,
) -> ServiceResult<()> {
    if name == org.secretary {
        return Ok(());
    }
    org::set_secretary(conn, org.id, name.as_deref()).await?;
    let e = EventRow {
        kind: "secretary".into(),
        effective_on: on.into(),
        old_value: org.secretary.clone(),
        new_value: name,
        actor_id: actor.user_id,
        at: now_ms(),
    };
    org::add_event(conn, org.id, &e).await?;
    Ok(())
}

impl App {
    async fn branch_for_committee(
        &self,
        actor: &Actor,
        org_id: i64,
    ) -> ServiceResult<crate::orgs::Org> {
        let o = self.org(actor, org_id).await?;
        // A village's party organization keeps its committee (两委's party side) whatever
        // its kind; elsewhere only branches register one here.
        if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
            && !crate::cadres::is_village(&o)
        {
            return Err(ServiceError::field(
                "org_id",
                "not_a_branch",
                "只有党支部登记支部委员会",
            ));
        }
        Ok(o)
    }

    /// A branch's committee: its posts now and before, and whom the actor may appoint.
    pub async fn committee(&self, actor: &Actor, org_id: i64) -> ServiceResult<Committee> {
        let o = self.branch_for_committee(actor, org_id).await?;
        let can_edit = policy::can_edit_committee(actor, &o.path);
        let mut conn = self.db.conn().await?;
        let (posts, former): (Vec<CommitteePost>, Vec<CommitteePost>) =
            crate::model::all::<_, CommitteePost>(committee::posts(&mut conn, o.id, true).await?)
                .into_iter()
                .partition(|p| p.ended_on.is_none());
        let f = MemberFilter {
            root_path: o.path.clone(),
            status: Some("full".into()),
            ..Default::default()
        };
        // The full members are listed only for whoever may appoint one of them.
        let (full_members, candidates) = if can_edit {
            let full = member::list(&mut conn, &f, 10_000, 0).await?;
            let n = full.len() as i64;
            let candidates = full
                .into_iter()
                .filter(|m| !posts.iter().any(|p| p.member_id == m.id))
                .map(|m| Candidate {
                    member_id: m.id,
                    name: m.name,
                })
                .collect();
            (n, candidates)
        } else {
            (member::count(&mut conn, &f).await?, Vec::new())
        };
        let vacant = rules::posts_for(full_members)
            .iter()
            .filter(|p| !posts.iter().any(|x| x.post == p.as_str()))
            .map(|p| p.label().to_string())
            .collect();
        Ok(Committee {
            org_id: o.id,
            posts: in_order(posts),
            former: former.into_iter().take(20).collect(),
            full_members,
            vacant,
            can_edit,
            candidates,
        })
    }

    /// Appoints a full member of the branch to a vacant post.
    pub async fn appoint(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &AppointInput,
    ) -> ServiceResult<CommitteePost> {
        let o = self.branch_for_committee(actor, org_id).await?;
        policy::check_edit_committee(actor, &o.path)?;
        let post = Post::parse(input.post.trim())
            .ok_or_else(|| ServiceError::field("post", "invalid", "请选择职务"))?;
        let member_id = input
            .member_id
            .ok_or_else(|| ServiceError::field("member_id", "required", "请选择党员"))?;
        let on = day("started_on", "任职日期", &input.started_on)?;
        let mut tx = self.begin_audited().await?;
        let m = member::get(tx.conn(), member_id)
            .await?
            // A village's party committee draws on the members of its branches.
            .filter(|m| {
                m.org_id == o.id
                    || (crate::cadres::is_village(&o)
                        && dangjian_domain::path::contains(&o.path, &m.org_path))
            })
            .ok_or_else(|| ServiceError::field("member_id", "not_found", "该党员不在本支部"))?;
        let held: Vec<(Post, i64)> = committee::posts(tx.conn(), o.id, false)
            .await?
            .iter()
            .filter_map(|p| Post::parse(&p.post).map(|x| (x, p.member_id)))
            .collect();
        rules::check_appointment(post, m.id, &m.status, &held)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        // Two appointments at once: the unique index keeps one, the other is told why.
        let id = committee::insert(tx.conn(), o.id, m.id, post.as_str(), &on)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => ServiceError::field(
                    "post",
                    "held",
                    format!("{}已有人担任，或该党员已任职", post.label()),
                ),
                other => other.into(),
            })?;
        if post == Post::Secretary {
            set_secretary(tx.conn(), actor, &o, Some(m.name.clone()), &on).await?;
        }
        let row = committee::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("committee.appoint", "committee_post", id).detail(format!(
                "{} {} {}",
                o.name,
                post.label(),
                m.name
            )),
        )
        .await?;
        Ok(row.into())
    }

    /// Relieves the holder of a post; relieving the 书记 leaves the branch without one.
    pub async fn relieve(
        &self,
        actor: &Actor,
        post_id: i64,
        input: &RelieveInput,
    ) -> ServiceResult<CommitteePost> {
        let mut tx = self.begin_audited().await?;
        let p = committee::get(tx.conn(), post_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_edit_committee(actor, &p.org_path)?;
        let on = day("ended_on", "免职日期", &input.ended_on)?;
        if on < p.started_on {
            return Err(ServiceError::field(
                "ended_on",
                "invalid",
                "免职日期不能早于任职日期",
            ));
        }
        if !committee::end(tx.conn(), p.id, &on).await? {
            return Err(ServiceError::field("ended_on", "ended", "该职务已经免去"));
        }
        if p.post == Post::Secretary.as_str() {
            let o = org::get(tx.conn(), p.org_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            set_secretary(tx.conn(), actor, &o.into(), None, &on).await?;
        }
        let row = committee::get(tx.conn(), p.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("committee.relieve", "committee_post", p.id).detail(format!(
                "{} {}",
                p.member_name,
                Post::parse(&p.post).map_or("", Post::label)
            )),
        )
        .await?;
        Ok(row.into())
    }
}
