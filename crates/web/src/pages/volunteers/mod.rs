//! 志愿服务 pages: the activities below a level with its person-times and hours this year
//! (and each child's), the form that publishes one, one activity with its sign-ups, the
//! confirmation of minutes and the sign-up of a member or a resident; a member's list of
//! the activities open to them and their own record; the list as xlsx. What the caller may
//! do comes from the read models' flags; the pages never decide it.

pub(super) mod public;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::volunteers::activity::{ActivityState, Category, hours_text};
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::volunteers::activities::{
    ActivityDetail, ActivityInput, ActivityList, ActivityQuery, ConfirmInput, ServedLine,
    SignupInput,
};
use dangjian_service::volunteers::record::{
    RecordQuery, SummaryQuery, VolunteerRecord, VolunteerSummary,
};
use serde::Deserialize;

use super::cadres::{org_choices, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::cadres::residents::{MemberPick, chosen};
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

const NAV: &str = "volunteers";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    category: String,
    state: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> ActivityQuery {
        ActivityQuery {
            org: parse_id(&self.org),
            category: typed(&self.category),
            state: typed(&self.state),
            from: None,
            to: None,
            page: parse_id(&self.page),
        }
    }
}

/// An activity as typed; the length in hours (`1.5`).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActivityForm {
    org: String,
    org_id: String,
    title: String,
    category: String,
    held_on: String,
    starts_at: String,
    hours: String,
    place: String,
    capacity: String,
}

impl ActivityForm {
    fn input(&self) -> Result<ActivityInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let minutes = match self.hours.trim().parse::<f64>() {
            Ok(h) if h.is_finite() && h > 0.0 => (h * 60.0).round() as i64,
            _ => {
                errs.push(FieldError::new(
                    "minutes",
                    "invalid",
                    "活动时长应为小时数，如 2 或 1.5",
                ));
                0
            }
        };
        let capacity = match self.capacity.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(FieldError::new("capacity", "invalid", "招募人数应为整数"));
                    None
                }
            },
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(ActivityInput {
            org_id: parse_id(&self.org_id).unwrap_or_default(),
            title: self.title.clone(),
            category: self.category.clone(),
            held_on: self.held_on.clone(),
            starts_at: self.starts_at.clone(),
            minutes,
            place: self.place.clone(),
            capacity,
        })
    }
}

pub struct ActivityLine {
    id: i64,
    title: String,
    category: &'static str,
    org_name: String,
    held_on: String,
    starts_at: String,
    length: String,
    place: String,
    signups: i64,
    capacity: String,
    attended: i64,
    served: String,
    state: &'static str,
}

fn line(a: &dangjian_service::volunteers::activities::Activity) -> ActivityLine {
    ActivityLine {
        id: a.id,
        title: a.title.clone(),
        category: a.category_label(),
        org_name: a.org_name.clone(),
        held_on: a.held_on.clone(),
        starts_at: a.starts_at.clone(),
        length: hours_text(a.minutes),
        place: a.place.clone(),
        signups: a.signups,
        capacity: a.capacity.map_or_else(|| "不限".into(), |c| c.to_string()),
        attended: a.attended,
        served: hours_text(a.served),
        state: a.state_label(),
    }
}

#[derive(Template)]
#[template(path = "volunteers.html")]
struct ListPage {
    l: Layout,
    v: ActivityList,
    s: Option<VolunteerSummary>,
    rows: Vec<ActivityLine>,
    pager: Pager,
    categories: Vec<Choice>,
    states: Vec<Choice>,
    filtered: bool,
    export_href: String,
    form: Option<(ActivityForm, Vec<PickGroup>, Vec<Choice>)>,
    errors: FormErrors,
}

fn hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<ActivityForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.volunteer_activities(a, &sq).await?;
    let s = if v.may_read_summary {
        Some(
            st.app
                .volunteer_summary(
                    a,
                    &SummaryQuery {
                        org: Some(v.org_id),
                        year: None,
                    },
                )
                .await?,
        )
    } else {
        None
    };
    let form = if v.may_organize {
        let f = refused.unwrap_or_default();
        let places = org_choices(st, auth, v.org_id, &v.org_name, parse_id(&f.org_id)).await?;
        let cats = choices(
            Category::ALL,
            Category::as_str,
            Category::label,
            Category::parse(&f.category).map_or("", Category::as_str),
        );
        Some((f, places, cats))
    } else {
        None
    };
    let filters = [
        ("org", v.org_id.to_string()),
        ("category", sq.category.clone().unwrap_or_default()),
        ("state", sq.state.clone().unwrap_or_default()),
    ];
    let page = ListPage {
        l: Layout::new(a, &auth.csrf, "志愿服务", NAV).about(v.org_name.clone()),
        rows: v.items.iter().map(line).collect(),
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        categories: choices(
            Category::ALL,
            Category::as_str,
            Category::label,
            sq.category
                .as_deref()
                .and_then(Category::parse)
                .map_or("", Category::as_str),
        ),
        states: choices(
            ActivityState::ALL,
            ActivityState::as_str,
            ActivityState::label,
            sq.state
                .as_deref()
                .and_then(ActivityState::parse)
                .map_or("", ActivityState::as_str),
        ),
        filtered: sq.category.is_some() || sq.state.is_some(),
        export_href: url("/volunteers/export.xlsx", &filters, ""),
        form,
        errors: FormErrors(errors),
        s,
        v,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// `?org=&category=&state=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Publishes an activity; on to its page.
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<ActivityForm>,
) -> PageResult<Response> {
    let outcome = match f.input() {
        Err(errs) => Err(errs),
        Ok(input) => st
            .app
            .create_volunteer_activity(&auth.actor, &input)
            .await
            .or_form()?,
    };
    match outcome {
        Ok(a) => Ok(Redirect::to(&format!("/volunteers/{}", a.id)).into_response()),
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

pub struct SignupLine {
    id: i64,
    name: String,
    who: String,
    minutes: String,
    confirmed: String,
}

#[derive(Template)]
#[template(path = "volunteer.html")]
struct DetailPage {
    l: Layout,
    d: ActivityDetail,
    a: ActivityLine,
    signups: Vec<SignupLine>,
    pick: MemberPick,
    resident: SignupForm,
    errors: FormErrors,
    public_href: String,
}

/// A sign-up an organizer makes, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    member_id: String,
    name: String,
    phone: String,
}

async fn detail_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Option<SignupForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st.app.volunteer_activity(a, id).await?;
    let resident = refused.unwrap_or_default();
    let signups = d
        .signups
        .iter()
        .map(|s| SignupLine {
            id: s.id,
            name: s.name.clone(),
            who: match (&s.member_id, &s.phone_masked) {
                (Some(_), _) => "党员".into(),
                (None, Some(p)) => format!("群众 {p}"),
                (None, None) => "群众".into(),
            },
            minutes: s.minutes.unwrap_or(d.activity.minutes).to_string(),
            confirmed: match s.minutes {
                None => "未确认".into(),
                Some(0) => "未到".into(),
                Some(m) => hours_text(m),
            },
        })
        .collect();
    let page = DetailPage {
        l: Layout::new(a, &auth.csrf, "志愿活动", NAV).about(d.activity.title.clone()),
        a: line(&d.activity),
        signups,
        pick: MemberPick {
            field: "member_id".into(),
            target: "signup-picks".into(),
            chosen: chosen(st, auth, &resident.member_id).await,
        },
        resident,
        errors: FormErrors(errors),
        public_href: format!("/r/v/{}", d.activity.code),
        d,
    };
    Ok(render_with(page.errors.status(), &page))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    detail_page(&st, &auth, id, None, Vec::new()).await
}

/// Signs up the calling member, or (an organizer) a member or a resident.
pub async fn sign_up(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<SignupForm>,
) -> PageResult<Response> {
    let input = SignupInput {
        member_id: parse_id(&f.member_id),
        name: f.name.clone(),
        phone: f.phone.clone(),
    };
    match st
        .app
        .sign_up_volunteer(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/volunteers/{id}#signups")).into_response()),
        Err(errs) => detail_page(&st, &auth, id, Some(f), errs).await,
    }
}

/// The confirmation form: `m{signup id}` = minutes, for every sign-up shown.
pub async fn confirm(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut errs = Vec::new();
    let lines: Vec<ServedLine> = f
        .iter()
        .filter_map(|(k, v)| {
            let signup_id = k.strip_prefix('m')?.parse::<i64>().ok()?;
            match v.trim().parse::<i64>() {
                Ok(minutes) => Some(ServedLine { signup_id, minutes }),
                Err(_) => {
                    errs.push(FieldError::new("minutes", "invalid", "服务时长应为分钟数"));
                    None
                }
            }
        })
        .collect();
    if !errs.is_empty() {
        return detail_page(&st, &auth, id, None, errs).await;
    }
    match st
        .app
        .confirm_volunteer_hours(&auth.actor, id, &ConfirmInput { lines })
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/volunteers/{id}#signups")).into_response()),
        Err(errs) => detail_page(&st, &auth, id, None, errs).await,
    }
}

pub async fn cancel(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    match st
        .app
        .cancel_volunteer_activity(&auth.actor, id)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/volunteers/{id}")).into_response()),
        Err(errs) => detail_page(&st, &auth, id, None, errs).await,
    }
}

fn activities_book(v: &ActivityList) -> Result<Response, ServiceError> {
    let headers = [
        "活动名称",
        "类别",
        "发布组织",
        "日期",
        "开始",
        "时长（小时）",
        "地点",
        "报名",
        "到场",
        "服务时长（小时）",
        "状态",
    ]
    .map(String::from)
    .to_vec();
    let t = Table {
        sheet: "志愿活动".into(),
        title: format!("{} 志愿活动（共 {} 个）", v.org_name, v.total),
        headers,
        rows: v
            .items
            .iter()
            .map(|a| {
                vec![
                    Cell::Text(a.title.clone()),
                    Cell::Text(a.category_label().into()),
                    Cell::Text(a.org_name.clone()),
                    Cell::Text(a.held_on.clone()),
                    Cell::Text(a.starts_at.clone()),
                    Cell::Text(hours(a.minutes)),
                    Cell::Text(a.place.clone()),
                    Cell::Int(a.signups),
                    Cell::Int(a.attended),
                    Cell::Text(hours(a.served)),
                    Cell::Text(a.state_label().into()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("志愿活动-{}.xlsx", v.org_name))
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_volunteer_activities(a, &q.service()).await?;
    st.app
        .audit_export(a, "志愿活动", v.org_id, v.items.len(), None)
        .await?;
    Ok(activities_book(&v)?)
}

/// A volunteer's record as both the member's and the resident's pages show it.
pub struct RecordView {
    r: VolunteerRecord,
    hours: String,
    to_next: String,
    rows: Vec<(String, String, &'static str, String, String)>,
}

fn record_view(r: VolunteerRecord) -> RecordView {
    RecordView {
        hours: hours(r.minutes),
        to_next: r.to_next_star.map_or_else(
            || "已达到最高星级".into(),
            |h| format!("距下一星级还需 {h} 小时"),
        ),
        rows: r
            .items
            .iter()
            .map(|x| {
                let served = match x.minutes {
                    None => "待确认".to_string(),
                    Some(0) => "未到".to_string(),
                    Some(m) => hours_text(m),
                };
                (
                    x.held_on.clone(),
                    x.title.clone(),
                    x.category_label(),
                    x.org_name.clone(),
                    served,
                )
            })
            .collect(),
        r,
    }
}

#[derive(Template)]
#[template(path = "volunteer_record.html")]
struct RecordPage {
    l: Layout,
    rv: RecordView,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecordForm {
    page: String,
}

/// A member's own record: `/me/volunteer`.
pub async fn mine(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<RecordForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st
        .app
        .my_volunteer_record(
            a,
            &RecordQuery {
                page: parse_id(&q.page),
            },
        )
        .await?;
    let l = Layout::new(a, &auth.csrf, "我的志愿服务", "me");
    Ok(render(&RecordPage {
        l,
        rv: record_view(r),
    }))
}

#[derive(Template)]
#[template(path = "volunteer_panel.html")]
struct Panel {
    v: VolunteerSummary,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PanelQuery {
    org: Option<i64>,
}

/// The 志愿服务 panel of 云中心, loaded after the page: three reads of the counters.
pub async fn panel(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PanelQuery>,
) -> PageResult<Response> {
    let v = st
        .app
        .volunteer_summary(
            &auth.actor,
            &SummaryQuery {
                org: q.org,
                year: None,
            },
        )
        .await?;
    Ok(render(&Panel { v }))
}
