//! Volunteer activities: an organization publishes one (date, start, length, place,
//! category), members and residents sign up once each, and after the day the organizer
//! confirms who came and the minutes each served, never more than the activity lasted. The
//! confirmed service is added to each volunteer and to the rollup of the organizer in the
//! same transaction.

use dangjian_domain::volunteers::activity::{
    ActivityState, Category, check_length, check_served, parse_start,
};
use dangjian_domain::{date, mask, path, phone};
use dangjian_store::StoreError;
use dangjian_store::volunteers::{self as store, ActivityFilter, ActivityWrite, VolunteerWrite};
use dangjian_store::{Conn, member, rollup};
use serde::{Deserialize, Serialize};

use super::policy;
use crate::audit::Entry;
use crate::masses::random_code;
use crate::model::{choice, day, optional, page_number, placed, read_model, required_text, window};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const ACTIVITIES_PER_PAGE: i64 = 50;

/// Letters of an activity's sign-up code and of a resident's record code.
const CODE_LEN: usize = 8;

read_model! {
    /// An activity with its sign-ups so far.
    pub struct Activity from store::ActivityRow {
        pub id: i64,
        /// The organizer, named with its parents below the reader.
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub title: String,
        pub category: String,
        pub held_on: String,
        /// `HH:MM`.
        pub starts_at: String,
        /// Its length: the most anyone is credited.
        pub minutes: i64,
        pub place: String,
        pub capacity: Option<i64>,
        /// Opens its public sign-up page `/r/v/{code}`.
        pub code: String,
        /// `open` | `closed` | `cancelled`.
        pub state: String,
        pub signups: i64,
        /// Sign-ups credited some minutes.
        pub attended: i64,
        /// Minutes credited in all.
        pub served: i64,
    }
}

impl Activity {
    pub fn category_label(&self) -> &'static str {
        Category::parse(&self.category).map_or("", Category::label)
    }
    pub fn state_label(&self) -> &'static str {
        ActivityState::parse(&self.state).map_or("", ActivityState::label)
    }
    /// The places left, when the activity has a limit.
    pub fn places_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.signups).max(0))
    }
}

read_model! {
    /// A sign-up: residents' phones masked.
    pub struct Signup from store::SignupRow {
        pub id: i64,
        pub activity_id: i64,
        pub volunteer_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub phone_masked: Option<String>,
        pub signed_at: i64,
        /// Confirmed minutes; 0 absent; none before confirming.
        pub minutes: Option<i64>,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Activity>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether the caller publishes activities at the level.
    pub may_organize: bool,
    /// Whether the caller reads the level's person-times and hours.
    pub may_read_summary: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    pub org: Option<i64>,
    pub category: Option<String>,
    /// `open` | `closed` | `cancelled`.
    pub state: Option<String>,
    /// Held on or after (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
}

/// An activity's page: sign-ups for its organizers, the caller's own for a member.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityDetail {
    pub activity: Activity,
    /// Every sign-up (organizers only; empty for a member).
    pub signups: Vec<Signup>,
    pub may_organize: bool,
    /// Confirm attendance and minutes: organizers, once the day has come.
    pub may_confirm: bool,
    pub may_cancel: bool,
    /// A member may sign up (open, a place left, not yet signed).
    pub may_sign_up: bool,
    /// The calling member has signed up.
    pub signed_up: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActivityInput {
    /// The organizer: an organization the caller edits.
    pub org_id: i64,
    pub title: String,
    /// 文明城区创建 / 疫情防控 / 助老 / … (code or label).
    pub category: String,
    pub held_on: String,
    /// `HH:MM`.
    pub starts_at: String,
    /// Its length in minutes (15 to 1,440).
    pub minutes: i64,
    pub place: String,
    /// The most sign-ups; none without a limit.
    pub capacity: Option<i64>,
}

/// Who signs up: the calling member (nothing to fill), a member chosen by an organizer, or a
/// resident with a name and a phone.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SignupInput {
    pub member_id: Option<i64>,
    pub name: String,
    pub phone: String,
}

/// A resident's sign-up by an activity's link, and the record code to read their hours with
/// (given once, at their first sign-up).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicSignup {
    pub activity: String,
    pub held_on: String,
    pub starts_at: String,
    pub place: String,
    pub record_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ServedLine {
    pub signup_id: i64,
    /// Minutes served; 0 for absent.
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ConfirmInput {
    pub lines: Vec<ServedLine>,
}

/// A refusal naming the field a duplicate sign-up is about.
fn signed_twice(field: &'static str) -> ServiceError {
    ServiceError::field(field, "duplicate", "已报名该活动，不能重复报名")
}

impl App {
    /// Activities below a level (staff), or those a member may join.
    pub async fn volunteer_activities(
        &self,
        actor: &Actor,
        q: &ActivityQuery,
    ) -> ServiceResult<ActivityList> {
        self.activity_list(actor, q, Some(page_number(q.page)))
            .await
    }

    pub async fn export_volunteer_activities(
        &self,
        actor: &Actor,
        q: &ActivityQuery,
    ) -> ServiceResult<ActivityList> {
        self.activity_list(actor, q, None).await
    }

    async fn activity_list(
        &self,
        actor: &Actor,
        q: &ActivityQuery,
        page: Option<i64>,
    ) -> ServiceResult<ActivityList> {
        let root = actor.read_root()?.to_string();
        let (o, org_paths) = match (actor.member_org_path.as_deref(), q.org) {
            // A member: the activities of their branch and the levels above it.
            (Some(own), None) if actor.role == dangjian_domain::role::Role::Member => {
                let depth = path::depth(own) as usize;
                let ups = (1..=depth).map(|d| path::ancestor(own, d)).collect();
                (self.home_org(actor).await?, ups)
            }
            (_, Some(id)) => (self.org(actor, id).await?, Vec::new()),
            (_, None) => (self.home_org(actor).await?, Vec::new()),
        };
        let f = ActivityFilter {
            root_path: if org_paths.is_empty() {
                o.path.clone()
            } else {
                "/".into()
            },
            org_paths,
            category: optional(
                "category",
                Category::parse,
                q.category.as_deref(),
                "类别不正确",
            )?
            .map(|c| c.as_str().to_string()),
            state: optional(
                "state",
                ActivityState::parse,
                q.state.as_deref(),
                "状态不正确",
            )?
            .map(|s| s.as_str().to_string()),
            from: day_filter("from", q.from.as_deref())?,
            to: day_filter("to", q.to.as_deref())?,
        };
        drop(root);
        let mut conn = self.db.conn().await?;
        let (limit, offset) = window(page, ACTIVITIES_PER_PAGE);
        let (total, rows) = store::activities(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "个活动")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(ActivityList {
            org_id: o.id,
            may_organize: policy::may_organize(actor, &o.path),
            may_read_summary: policy::may_read_summary(actor),
            org_name: o.name,
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| ACTIVITIES_PER_PAGE),
        })
    }

    /// One activity the caller reads (else missing).
    pub async fn volunteer_activity(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<ActivityDetail> {
        let mut conn = self.db.conn().await?;
        let row = store::activity(&mut conn, id)
            .await?
            .filter(|a| policy::check_read(actor, &a.org_path).is_ok())
            .ok_or(ServiceError::NotFound)?;
        let path = row.org_path.clone();
        let organize = policy::may_organize(actor, &path);
        let signups: Vec<Signup> = crate::model::all(store::signups(&mut conn, id).await?);
        let mine = actor.member_id;
        let signed_up = mine.is_some() && signups.iter().any(|s| s.member_id == mine);
        let mut items: Vec<Activity> = placed(&mut conn, actor, vec![row]).await?;
        let activity = items.pop().ok_or(ServiceError::NotFound)?;
        let open = activity.state == ActivityState::Open.as_str();
        let held = activity.held_on <= date::format(today());
        Ok(ActivityDetail {
            may_confirm: organize && held && activity.state != ActivityState::Cancelled.as_str(),
            may_cancel: organize && open && activity.attended == 0,
            may_sign_up: policy::member_sees(actor, &path)
                && open
                && !signed_up
                && activity.places_left() != Some(0),
            signed_up,
            may_organize: organize,
            signups: if organize { signups } else { Vec::new() },
            activity,
        })
    }

    pub async fn create_volunteer_activity(
        &self,
        actor: &Actor,
        input: &ActivityInput,
    ) -> ServiceResult<Activity> {
        let o = self.org(actor, input.org_id).await.map_err(|_| {
            ServiceError::field(
                "org_id",
                "not_found",
                "找不到发布组织，请从本级及下级中选择",
            )
        })?;
        policy::check_organize(actor, &o.path)?;
        let title = required_text("title", "活动名称", &input.title, 60)?;
        let category = choice(
            "category",
            Category::parse,
            &input.category,
            "请选择活动类别",
        )?;
        let held_on = day("held_on", "活动日期", &input.held_on)?;
        let starts_at =
            parse_start(&input.starts_at).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let minutes = check_length(input.minutes).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let place = required_text("place", "活动地点", &input.place, 100)?;
        if let Some(c) = input.capacity
            && !(1..=10_000).contains(&c)
        {
            return Err(ServiceError::field(
                "capacity",
                "out_of_range",
                "招募人数应为 1–10000",
            ));
        }
        let code = random_code(CODE_LEN);
        let held = date::format(held_on);
        let mut tx = self.begin_audited().await?;
        let id = store::insert_activity(
            tx.conn(),
            &ActivityWrite {
                org: (o.id, &o.path),
                title: &title,
                category: category.as_str(),
                held_on: &held,
                starts_at: &starts_at,
                minutes,
                place: &place,
                capacity: input.capacity,
                code: &code,
                by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("volunteer.activity", "volunteer_activity", id)
                .detail(format!("{} {held} {title}", o.name)),
        )
        .await?;
        Ok(self.volunteer_activity(actor, id).await?.activity)
    }

    /// Signs up the calling member, or (an organizer) a member or a resident.
    pub async fn sign_up_volunteer(
        &self,
        actor: &Actor,
        activity_id: i64,
        input: &SignupInput,
    ) -> ServiceResult<Signup> {
        let detail = self.volunteer_activity(actor, activity_id).await?;
        let a = &detail.activity;
        let mut tx = self.begin_audited().await?;
        let volunteer = if detail.may_organize {
            match input.member_id {
                Some(mid) => self.member_volunteer(tx.conn(), actor, mid).await?,
                None => {
                    self.resident_volunteer(tx.conn(), &input.name, &input.phone)
                        .await?
                        .0
                }
            }
        } else {
            let mid = actor
                .member_id
                .filter(|_| policy::member_sees(actor, &a.org_path));
            let Some(mid) = mid else {
                return Err(ServiceError::Forbidden("只能为本人报名"));
            };
            self.member_volunteer(tx.conn(), actor, mid).await?
        };
        let id = self.add_signup(tx.conn(), a, volunteer).await?;
        tx.commit(
            actor,
            Entry::ok("volunteer.signup", "volunteer_signup", id).detail(a.title.clone()),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::signups(&mut conn, activity_id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .map(Signup::from)
            .ok_or(ServiceError::NotFound)
    }

    /// A resident signs up by an activity's link with their name and phone.
    pub async fn public_volunteer_signup(
        &self,
        ip: &str,
        code: &str,
        input: &SignupInput,
    ) -> ServiceResult<PublicSignup> {
        let actor = &Actor::resident(ip);
        if !self
            .request_submits
            .try_attempt(ip.to_string(), crate::now_ms())
        {
            return Err(ServiceError::field(
                "phone",
                "too_many",
                "提交过于频繁，请稍后再试",
            ));
        }
        let mut conn = self.db.conn().await?;
        let row = store::activity_by_code(&mut conn, code.trim())
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        let a = Activity::from(row);
        let mut tx = self.begin_audited().await?;
        let (volunteer, new_code) = self
            .resident_volunteer(tx.conn(), &input.name, &input.phone)
            .await?;
        let id = self.add_signup(tx.conn(), &a, volunteer).await?;
        tx.commit(
            actor,
            Entry::ok("volunteer.signup", "volunteer_signup", id).detail(a.title.clone()),
        )
        .await?;
        Ok(PublicSignup {
            activity: a.title,
            held_on: a.held_on,
            starts_at: a.starts_at,
            place: a.place,
            record_code: new_code,
        })
    }

    /// The activity's details for its public page (open or not).
    pub async fn public_volunteer_activity(&self, code: &str) -> ServiceResult<Activity> {
        let mut conn = self.db.conn().await?;
        store::activity_by_code(&mut conn, code.trim())
            .await?
            .map(Activity::from)
            .ok_or(ServiceError::NotFound)
    }

    async fn add_signup(
        &self,
        conn: &mut Conn,
        a: &Activity,
        volunteer: i64,
    ) -> ServiceResult<i64> {
        if a.state != ActivityState::Open.as_str() {
            return Err(ServiceError::field(
                "activity",
                "closed",
                "该活动已停止报名",
            ));
        }
        if a.places_left() == Some(0) {
            return Err(ServiceError::field("activity", "full", "该活动名额已满"));
        }
        store::insert_signup(conn, a.id, volunteer)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => signed_twice("phone"),
                other => other.into(),
            })
    }

    /// The volunteer a member is, added at their first sign-up.
    async fn member_volunteer(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<i64> {
        let m = member::get(conn, member_id)
            .await?
            .filter(|m| actor.check_visible(&m.org_path).is_ok() || actor.member_id == Some(m.id))
            .ok_or_else(|| ServiceError::field("member_id", "not_found", "找不到该党员"))?;
        if let Some(v) = store::volunteer_of_member(conn, m.id).await? {
            return Ok(v.id);
        }
        Ok(store::insert_volunteer(
            conn,
            &VolunteerWrite {
                member_id: Some(m.id),
                name: m.name.clone(),
                phone_cipher: None,
                phone_index: None,
                phone_masked: None,
                code: None,
            },
        )
        .await?)
    }

    /// The volunteer a resident is, found by their phone, or added with a record code (the
    /// code is returned only then).
    async fn resident_volunteer(
        &self,
        conn: &mut Conn,
        name: &str,
        phone_text: &str,
    ) -> ServiceResult<(i64, Option<String>)> {
        let name = required_text("name", "姓名", name, 30)?;
        let phone = phone::parse_mobile(phone_text).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let crypto = self.crypto();
        let index = crypto.blind_index("phone", &phone);
        if let Some(v) = store::volunteer_by_phone(conn, &index).await? {
            return Ok((v.id, None));
        }
        let code = random_code(CODE_LEN);
        let id = store::insert_volunteer(
            conn,
            &VolunteerWrite {
                member_id: None,
                name,
                phone_cipher: Some(crypto.encrypt(&phone)),
                phone_index: Some(index),
                phone_masked: Some(mask::phone(&phone)),
                code: Some(code.clone()),
            },
        )
        .await?;
        Ok((id, Some(code)))
    }

    /// Confirms who came and the minutes each served (corrections replace what was
    /// confirmed); the volunteers' totals and the organizer's counters move by the difference.
    pub async fn confirm_volunteer_hours(
        &self,
        actor: &Actor,
        activity_id: i64,
        input: &ConfirmInput,
    ) -> ServiceResult<ActivityDetail> {
        let detail = self.volunteer_activity(actor, activity_id).await?;
        if !detail.may_organize {
            return Err(ServiceError::Forbidden(
                "志愿活动由本级及上级组织发布和确认时长",
            ));
        }
        if !detail.may_confirm {
            return Err(ServiceError::field(
                "lines",
                "not_yet",
                "活动当天及以后才能确认服务时长；已取消的活动不能确认",
            ));
        }
        let a = &detail.activity;
        if input.lines.is_empty() {
            return Err(ServiceError::field(
                "lines",
                "required",
                "请填写要确认的报名人员",
            ));
        }
        let mut ids: Vec<i64> = input.lines.iter().map(|l| l.signup_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != input.lines.len() {
            return Err(ServiceError::field(
                "signup_id",
                "duplicate",
                "同一报名记录只能确认一次",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let current = store::signups(tx.conn(), activity_id).await?;
        let (mut times, mut minutes) = (0, 0);
        for line in &input.lines {
            let s = current
                .iter()
                .find(|s| s.id == line.signup_id)
                .ok_or_else(|| ServiceError::field("signup_id", "not_found", "找不到该报名记录"))?;
            let served = check_served(line.minutes, a.minutes)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
            let old = s.minutes.unwrap_or(0);
            let (dt, dm) = (i64::from(served > 0) - i64::from(old > 0), served - old);
            store::confirm(tx.conn(), s.id, served, actor.user_id).await?;
            store::add_service(tx.conn(), s.volunteer_id, dm, dt).await?;
            times += dt;
            minutes += dm;
        }
        let month = a.held_on.get(..7).unwrap_or_default();
        rollup::apply_deltas(
            tx.conn(),
            &a.org_path,
            month,
            &[
                (rollup::VOLUNTEER_TIMES, times),
                (rollup::VOLUNTEER_MINUTES, minutes),
            ],
        )
        .await?;
        store::set_state(
            tx.conn(),
            a.id,
            ActivityState::Open.as_str(),
            ActivityState::Closed.as_str(),
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("volunteer.confirm", "volunteer_activity", a.id).detail(format!(
                "{} 确认 {} 人",
                a.title,
                input.lines.len()
            )),
        )
        .await?;
        self.volunteer_activity(actor, activity_id).await
    }

    /// Calls off an open activity nobody has been credited for.
    pub async fn cancel_volunteer_activity(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<ActivityDetail> {
        let detail = self.volunteer_activity(actor, id).await?;
        if !detail.may_organize {
            return Err(ServiceError::Forbidden(
                "志愿活动由本级及上级组织发布和确认时长",
            ));
        }
        if !detail.may_cancel {
            return Err(ServiceError::field(
                "state",
                "not_open",
                "只能取消报名中、尚未确认时长的活动",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::set_state(
            tx.conn(),
            id,
            ActivityState::Open.as_str(),
            ActivityState::Cancelled.as_str(),
        )
        .await?
        {
            return Err(ServiceError::field(
                "state",
                "not_open",
                "只能取消报名中、尚未确认时长的活动",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("volunteer.cancel", "volunteer_activity", id)
                .detail(detail.activity.title.clone()),
        )
        .await?;
        self.volunteer_activity(actor, id).await
    }
}

/// A day filter typed `YYYY-MM-DD`, or none.
fn day_filter(field: &'static str, text: Option<&str>) -> ServiceResult<Option<String>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => date::parse(t)
            .map(|d| Some(date::format(d)))
            .ok_or_else(|| ServiceError::field(field, "invalid_date", "日期格式应为 年-月-日")),
    }
}
