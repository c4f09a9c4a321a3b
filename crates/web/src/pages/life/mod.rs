//! 组织生活 pages: compliance with its lights, the meeting list and form, the branch calendar.

pub(super) mod checkin;
pub(super) mod minutes;
pub(super) mod rules;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::life::{Light, MeetingKind, Tally};
use dangjian_service::life::{AttendanceInput, MeetingInput};
use dangjian_service::members::Member;
use dangjian_service::orgs::Org;
use dangjian_service::orgs::committee::CommitteePost;
use dangjian_service::{Actor, ServiceError};
use serde::Deserialize;
use serde_json::json;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, OrgView, choices};

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// What a light says, for its tooltip (the thresholds are the district's settings).
pub fn light_label(l: Light) -> &'static str {
    match l {
        Light::Green => "达标",
        Light::Yellow => "基本达标",
        Light::Red => "未达标",
        Light::None => "本期无应开会议",
    }
}

pub fn light_name(l: Light) -> &'static str {
    match l {
        Light::Green => "green",
        Light::Yellow => "yellow",
        Light::Red => "red",
        Light::None => "none",
    }
}

pub struct KindRow {
    label: &'static str,
    required: i64,
    met: i64,
    on_time: i64,
    rate: String,
}

pub struct ChildRow {
    id: i64,
    name: String,
    light: &'static str,
    light_label: &'static str,
    required: i64,
    met: i64,
    on_time: i64,
    rate: String,
    attendance: String,
}

pub struct CalendarRow {
    month: String,
    cells: Vec<String>,
}

pub struct BehindRow {
    id: i64,
    name: String,
    missed: i64,
    required: i64,
}

#[derive(Template)]
#[template(path = "life.html")]
struct LifePage {
    l: Layout,
    org: OrgView,
    trail: Vec<OrgView>,
    period: String,
    periods: Vec<crate::view::PeriodYear>,
    period_action: &'static str,
    from: String,
    to: String,
    rate: String,
    on_time_rate: String,
    light: &'static str,
    total: Tally,
    trend: String,
    by_kind: Vec<KindRow>,
    children: Vec<ChildRow>,
    behind: Vec<BehindRow>,
    calendar_kinds: Vec<&'static str>,
    calendar: Vec<CalendarRow>,
    can_record: bool,
    study_sessions: i64,
    study_hours: String,
    attendance_rate: String,
    /// The year of the book the page offers to print, when the reader may print it.
    record_book: Option<String>,
    /// The year of the level's books the page offers to make as one file.
    record_books: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LifeQuery {
    org: String,
    period: String,
}

pub async fn compliance(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<LifeQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let c = st
        .app
        .compliance(a, parse_id(&q.org), Some(&q.period))
        .await?;
    let trail = super::trail_of(&st, a, &c.org).await?;
    let trend: Vec<_> = c
        .trend
        .iter()
        .map(|m| {
            json!({"name": m.month, "value": m.rate.map(|r| (r * 1000.0).round() / 10.0),
                "link": format!("/life?org={}&period={}", c.org.id, m.month)})
        })
        .collect();
    // The branch calendar: one row per due month, one column per kind due at some point.
    let calendar_kinds: Vec<MeetingKind> = MeetingKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            c.calendar
                .iter()
                .any(|m| m.cells.iter().any(|x| x.kind == k.as_str()))
        })
        .collect();
    let calendar = c
        .calendar
        .iter()
        .map(|m| CalendarRow {
            month: m.month.clone(),
            cells: calendar_kinds
                .iter()
                .map(|k| {
                    m.cells
                        .iter()
                        .find(|x| x.kind == k.as_str())
                        .map_or_else(String::new, |x| {
                            let mark = if x.tally.met >= x.tally.required {
                                "✓"
                            } else {
                                "✗"
                            };
                            format!("{mark} {}/{}", x.tally.met, x.tally.required)
                        })
                })
                .collect(),
        })
        .collect();
    let page = LifePage {
        record_book: c
            .record_book
            .then(|| c.from.get(..4).unwrap_or_default().to_string()),
        record_books: c
            .record_books
            .then(|| c.from.get(..4).unwrap_or_default().to_string()),
        study_sessions: c.study.sessions,
        attendance_rate: percent(c.attendance.rate),
        study_hours: crate::view::hours(c.study.member_minutes),
        l: Layout::new(a, &auth.csrf, "组织生活", "life")
            .about(st.app.org_title(a, &c.org).await?)
            .period(super::home::period_label(q.period.trim(), &c.from, &c.to)),
        calendar_kinds: calendar_kinds.iter().map(|k| k.label()).collect(),
        calendar,
        can_record: st.app.branch_to_record(a, c.org.id).await.is_ok(),
        org: OrgView::from(&c.org),
        trail,
        period: q.period.trim().to_string(),
        periods: crate::view::periods(
            q.period.trim(),
            c.kept_from.as_deref(),
            dangjian_service::today(),
        ),
        period_action: "/life",
        from: c.from.clone(),
        to: c.to.clone(),
        rate: percent(c.rate),
        on_time_rate: percent(c.on_time_rate),
        light: light_name(c.light),
        total: c.total,
        trend: serde_json::Value::from(trend).to_string(),
        by_kind: c
            .by_kind
            .iter()
            .map(|k| KindRow {
                label: k.label,
                required: k.tally.required,
                met: k.tally.met,
                on_time: k.tally.on_time,
                rate: percent(k.rate),
            })
            .collect(),
        children: c
            .children
            .iter()
            .map(|ch| ChildRow {
                id: ch.org.id,
                name: ch.org.name.clone(),
                light: light_name(ch.light),
                light_label: light_label(ch.light),
                required: ch.tally.required,
                met: ch.tally.met,
                on_time: ch.tally.on_time,
                rate: percent(ch.rate),
                attendance: percent(ch.attendance.rate),
            })
            .collect(),
        behind: c
            .behind
            .iter()
            .map(|b| BehindRow {
                id: b.org.id,
                name: b.place.clone(),
                missed: b.missed,
                required: b.required,
            })
            .collect(),
    };
    Ok(render(&page))
}

/// The branch's 三会一课记录本 of a year, as PDF.
pub async fn record_book(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<dangjian_service::book::BookQuery>,
) -> PageResult<Response> {
    let b = st.app.record_book(&auth.actor, &q).await?;
    Ok(crate::documents::record_book(&b).await?)
}

/// The compliance table of the page, as xlsx.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<LifeQuery>,
) -> PageResult<Response> {
    let c = st
        .app
        .compliance(&auth.actor, parse_id(&q.org), Some(&q.period))
        .await?;
    st.app
        .audit_export(
            &auth.actor,
            "组织生活落实情况",
            c.org.id,
            c.children.len(),
            None,
        )
        .await?;
    Ok(crate::export::compliance(&c)?)
}

pub struct MeetingView {
    id: i64,
    org_id: i64,
    org_name: String,
    kind: &'static str,
    held_on: String,
    starts_at: String,
    place: String,
    topic: String,
    host: String,
    lecturer: String,
    agenda: String,
    minutes: String,
    decisions: String,
    due_month: String,
    on_time: bool,
    expected: i64,
    present: i64,
    no_quorum: bool,
    study_minutes: i64,
    group_name: String,
}

impl From<&dangjian_service::life::Meeting> for MeetingView {
    fn from(m: &dangjian_service::life::Meeting) -> Self {
        MeetingView {
            id: m.id,
            org_id: m.org_id,
            org_name: m.org_name.clone(),
            kind: MeetingKind::parse(&m.kind).map_or("会议", MeetingKind::label),
            held_on: m.held_on.clone(),
            starts_at: m.starts_at.clone(),
            place: m.place.clone(),
            topic: m.topic.clone(),
            host: m.host.clone(),
            lecturer: m.lecturer.clone(),
            agenda: m.agenda.clone(),
            minutes: m.minutes.clone(),
            decisions: m.decisions.clone(),
            due_month: m.due_month.clone(),
            on_time: m.on_time,
            expected: m.expected,
            present: m.present,
            no_quorum: m.quorum == Some(false),
            study_minutes: m.study_minutes,
            group_name: m.group_name.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    l: Layout,
    org: OrgView,
    kinds: Vec<Choice>,
    items: Vec<MeetingView>,
    prev: Option<String>,
    next: Option<String>,
    can_record: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeetingsQuery {
    org: String,
    kind: String,
    page: String,
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<MeetingsQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let org = match parse_id(&q.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let page = parse_id(&q.page).unwrap_or(1).max(1);
    let items = st
        .app
        .meetings(a, Some(org.id), Some(&q.kind), page)
        .await?;
    let link = |p: i64| format!("?org={}&kind={}&page={p}", org.id, q.kind);
    let view = MeetingsPage {
        l: Layout::new(a, &auth.csrf, "会议记录", "life").about(st.app.org_title(a, &org).await?),
        can_record: st.app.branch_to_record(a, org.id).await.is_ok(),
        kinds: choices(
            MeetingKind::ALL,
            MeetingKind::as_str,
            MeetingKind::label,
            &q.kind,
        ),
        prev: (page > 1).then(|| link(page - 1)),
        next: (items.len() == 50).then(|| link(page + 1)),
        items: items.iter().map(MeetingView::from).collect(),
        org: OrgView::from(&org),
    };
    Ok(render(&view))
}

pub struct AttendeeView {
    member_id: i64,
    name: String,
    status: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    l: Layout,
    m: MeetingView,
    attendance: Vec<AttendeeView>,
    own_line_only: bool,
    files: minutes::FilesFragment,
    can_edit: bool,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "present" => "出席",
        "excused" => "请假",
        _ => "缺席",
    }
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let d = st.app.meeting(&auth.actor, id).await?;
    let can_edit = st
        .app
        .branch_to_record(&auth.actor, d.meeting.org_id)
        .await
        .is_ok();
    let view = MeetingPage {
        l: Layout::new(&auth.actor, &auth.csrf, d.meeting.topic.clone(), "life"),
        files: minutes::FilesFragment {
            meeting_id: d.meeting.id,
            files: d.files.iter().map(minutes::FileView::from).collect(),
            can_edit,
            error: None,
        },
        can_edit,
        own_line_only: d.own_line_only,
        m: MeetingView::from(&d.meeting),
        attendance: d
            .attendance
            .into_iter()
            .map(|a| AttendeeView {
                member_id: a.member_id,
                name: a.name,
                status: status_label(&a.status),
                reason: a.reason,
            })
            .collect(),
    };
    Ok(render(&view))
}

pub struct FormMember {
    id: i64,
    name: String,
    /// The post held on the committee (书记, 组织委员…), or empty.
    post: &'static str,
    status: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct FormPage {
    l: Layout,
    org: OrgView,
    kinds: Vec<Choice>,
    groups: Vec<Choice>,
    input: MeetingInput,
    members: Vec<FormMember>,
    /// Whether the branch has recorded its committee (a committee meeting then expects it).
    committee: bool,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: String,
    checkin: String,
}

/// The branch a meeting is recorded for, with whom the form lists.
struct FormContext {
    org: Org,
    members: Vec<Member>,
    groups: Vec<Org>,
    committee: Vec<CommitteePost>,
}

fn form_page(
    auth: &Auth,
    FormContext {
        org: o,
        members,
        groups,
        committee,
    }: &FormContext,
    input: MeetingInput,
    errors: Vec<FieldError>,
) -> Response {
    let status_of = |id: i64| -> (String, String) {
        input
            .attendance
            .as_ref()
            .and_then(|a| a.iter().find(|x| x.member_id == id))
            .map_or(("present".into(), String::new()), |x| {
                (x.status.clone(), x.reason.clone())
            })
    };
    let members = members
        .iter()
        .map(|m| {
            let (status, reason) = status_of(m.id);
            FormMember {
                id: m.id,
                name: m.name.clone(),
                post: committee
                    .iter()
                    .find(|p| p.member_id == m.id)
                    .map_or("", CommitteePost::post_label),
                status,
                reason,
            }
        })
        .collect();
    let errors = FormErrors(errors);
    let status = errors.status();
    render_with(
        status,
        &FormPage {
            l: Layout::new(&auth.actor, &auth.csrf, "记录会议", "life"),
            org: OrgView::from(o),
            kinds: choices(
                MeetingKind::ALL,
                MeetingKind::as_str,
                MeetingKind::label,
                &input.kind,
            ),
            groups: groups
                .iter()
                .map(|g| Choice {
                    value: g.id.to_string(),
                    label: g.name.clone(),
                    selected: input.group_id == Some(g.id),
                })
                .collect(),
            input,
            members,
            committee: !committee.is_empty(),
            errors,
        },
    )
}

async fn branch_and_members(st: &AppState, a: &Actor, org: Option<i64>) -> PageResult<FormContext> {
    let id =
        org.ok_or_else(|| ServiceError::field("org_id", "required", "请从党支部页面进入记录会议"))?;
    let org = st.app.branch_to_record(a, id).await?;
    Ok(FormContext {
        members: st.app.branch_members(a, org.id).await?,
        groups: st.app.org_groups(a, org.id).await?,
        committee: st.app.committee(a, org.id).await?.posts,
        org,
    })
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult<Response> {
    let ctx = branch_and_members(&st, &auth.actor, parse_id(&q.org)).await?;
    let mut input = MeetingInput::default();
    // From a check-in: its kind and topic, and those who checked in marked present.
    if let Some(id) = parse_id(&q.checkin) {
        let c = st.app.checkin_detail(&auth.actor, id).await?;
        input.kind = c.checkin.kind.clone();
        input.topic = c.checkin.topic.clone();
        input.held_on = dangjian_domain::date::format(dangjian_service::today());
        input.checkin_id = Some(id);
        input.attendance = Some(
            ctx.members
                .iter()
                .map(|m| AttendanceInput {
                    member_id: m.id,
                    status: if c.checked_in.iter().any(|x| x.member_id == m.id) {
                        "present".into()
                    } else {
                        "absent".into()
                    },
                    reason: String::new(),
                })
                .collect(),
        );
    }
    Ok(form_page(&auth, &ctx, input, Vec::new()))
}

/// The form's fields, with one `att_<member id>` and `reason_<member id>` pair per member.
fn meeting_input(fields: Vec<(String, String)>) -> MeetingInput {
    let mut input = MeetingInput::default();
    let mut attendance: Vec<AttendanceInput> = Vec::new();
    let mut reasons: Vec<(i64, String)> = Vec::new();
    for (k, v) in fields {
        match k.as_str() {
            "kind" => input.kind = v,
            "held_on" => input.held_on = v,
            "for_period" => input.for_period = v,
            "starts_at" => input.starts_at = v,
            "topic" => input.topic = v,
            "place" => input.place = v,
            "host" => input.host = v,
            "lecturer" => input.lecturer = v,
            "agenda" => input.agenda = v,
            "minutes" => input.minutes = v,
            "decisions" => input.decisions = v,
            "study_minutes" => input.study_minutes = super::parse_minutes(&v),
            "checkin_id" => input.checkin_id = parse_id(&v),
            "group_id" => input.group_id = parse_id(&v),
            other => {
                if let Some(id) = other.strip_prefix("att_").and_then(|s| s.parse().ok()) {
                    attendance.push(AttendanceInput {
                        member_id: id,
                        status: v,
                        reason: String::new(),
                    });
                } else if let Some(id) = other.strip_prefix("reason_").and_then(|s| s.parse().ok())
                {
                    reasons.push((id, v));
                }
            }
        }
    }
    for a in &mut attendance {
        if let Some((_, r)) = reasons.iter().find(|(id, _)| *id == a.member_id) {
            a.reason = r.clone();
        }
    }
    input.attendance = Some(attendance);
    input
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<NewQuery>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id = parse_id(&q.org)
        .ok_or_else(|| ServiceError::field("org_id", "required", "请从党支部页面进入记录会议"))?;
    let mut input = meeting_input(fields);
    // The form lists the whole branch; a group meeting expects only the group.
    if let (Some(g), Some(list)) = (input.group_id, input.attendance.as_mut()) {
        let members = st.app.branch_members(&auth.actor, id).await?;
        list.retain(|a| {
            members
                .iter()
                .any(|m| m.id == a.member_id && m.group_id == Some(g))
        });
    }
    // A committee meeting expects the committee, once the branch has recorded one.
    if input.kind == MeetingKind::CommitteeMeeting.as_str()
        && let Some(list) = input.attendance.as_mut()
    {
        let c = st.app.committee(&auth.actor, id).await?;
        if !c.posts.is_empty() {
            list.retain(|a| c.posts.iter().any(|p| p.member_id == a.member_id));
        }
    }
    // The branch, its members and groups are read again only to show the form once more.
    match st
        .app
        .record_meeting(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}", m.id)).into_response()),
        Err(errs) => {
            let ctx = branch_and_members(&st, &auth.actor, Some(id)).await?;
            Ok(form_page(&auth, &ctx, input, errs))
        }
    }
}
