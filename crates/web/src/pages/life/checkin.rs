//! Self check-in pages: the host's screen with the code and QR code, and the member's form.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::life::MeetingKind;
use dangjian_service::ServiceError;
use dangjian_service::life::checkin::{CheckinDetail, CheckinInput};
use dangjian_service::orgs::Org;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, OrgView, choices, format_instant};

#[derive(Template)]
#[template(path = "checkin_new.html")]
struct NewPage {
    l: Layout,
    org: OrgView,
    kinds: Vec<Choice>,
    topic: String,
    minutes: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewForm {
    kind: String,
    topic: String,
    minutes: String,
}

/// The form to open a window, empty or as sent back with its errors.
fn new_page(auth: &Auth, o: &Org, f: NewForm, errors: Vec<FieldError>) -> Response {
    let errors = FormErrors(errors);
    render_with(
        errors.status(),
        &NewPage {
            l: Layout::new(&auth.actor, &auth.csrf, "发起签到", "life"),
            org: OrgView::from(o),
            kinds: choices(
                MeetingKind::ALL,
                MeetingKind::as_str,
                MeetingKind::label,
                &f.kind,
            ),
            topic: f.topic,
            minutes: f.minutes,
            errors,
        },
    )
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let id = parse_id(&q.org).ok_or(ServiceError::NotFound)?;
    let o = st.app.branch_to_record(&auth.actor, id).await?;
    let blank = NewForm {
        kind: MeetingKind::ThemeDay.as_str().into(),
        topic: String::new(),
        minutes: "120".into(),
    };
    Ok(new_page(&auth, &o, blank, Vec::new()))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
    PageForm(f): PageForm<NewForm>,
) -> PageResult<Response> {
    let id = parse_id(&q.org).ok_or(ServiceError::NotFound)?;
    let o = st.app.branch_to_record(&auth.actor, id).await?;
    let input = CheckinInput {
        kind: f.kind.clone(),
        topic: f.topic.clone(),
        minutes: Some(parse_id(&f.minutes).unwrap_or(-1)),
    };
    match st
        .app
        .open_checkin(&auth.actor, o.id, &input)
        .await
        .or_form()?
    {
        Ok(c) => Ok(Redirect::to(&format!("/checkins/{}", c.id)).into_response()),
        Err(errs) => Ok(new_page(&auth, &o, f, errs)),
    }
}

pub struct CheckedInView {
    member_id: i64,
    name: String,
    at: String,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct HostPage {
    l: Layout,
    id: i64,
    org_id: i64,
    org_name: String,
    kind: &'static str,
    topic: String,
    code: String,
    open: bool,
    closes: String,
    qr_svg: String,
    url: String,
    meeting_id: Option<i64>,
    checked_in: Vec<CheckedInView>,
}

#[derive(Template)]
#[template(path = "checkin_list.html")]
struct ListFragment {
    checked_in: Vec<CheckedInView>,
}

fn checked_in(d: &CheckinDetail) -> Vec<CheckedInView> {
    d.checked_in
        .iter()
        .map(|c| CheckedInView {
            member_id: c.member_id,
            name: c.name.clone(),
            at: format_instant(c.at),
        })
        .collect()
}

pub async fn host_page(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let d = st.app.checkin_detail(&auth.actor, id).await?;
    let url = crate::qr::absolute_url(
        st.app.config.public_url.as_deref(),
        &headers,
        &format!("/checkin?code={}", d.checkin.code),
    );
    let qr_svg = crate::qr::svg(&url)?;
    let c = &d.checkin;
    Ok(render(&HostPage {
        l: Layout::new(&auth.actor, &auth.csrf, "会议签到", "life"),
        id: c.id,
        org_id: c.org_id,
        org_name: c.org_name.clone(),
        kind: MeetingKind::parse(&c.kind).map_or("会议", MeetingKind::label),
        topic: c.topic.clone(),
        code: c.code.clone(),
        open: d.open,
        closes: format_instant(c.closes_at),
        qr_svg,
        url,
        meeting_id: c.meeting_id,
        checked_in: checked_in(&d),
    }))
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let d = st.app.checkin_detail(&auth.actor, id).await?;
    Ok(render(&ListFragment {
        checked_in: checked_in(&d),
    }))
}

#[derive(Template)]
#[template(path = "checkin_member.html")]
struct MemberPage {
    l: Layout,
    code: String,
    done: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn member_form(auth: Auth, PageQuery(q): PageQuery<CodeForm>) -> Response {
    render(&MemberPage {
        l: Layout::new(&auth.actor, &auth.csrf, "会议签到", "life"),
        code: q
            .code
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect(),
        done: None,
        error: None,
    })
}

pub async fn member_submit(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<CodeForm>,
) -> PageResult<Response> {
    let l = Layout::new(&auth.actor, &auth.csrf, "会议签到", "life");
    match st.app.check_in(&auth.actor, &f.code).await.or_form()? {
        Ok((c, new)) => Ok(render(&MemberPage {
            l,
            code: String::new(),
            done: Some(format!(
                "{}：{} {}",
                if new { "签到成功" } else { "您已签到" },
                c.org_name,
                c.topic
            )),
            error: None,
        })),
        Err(errs) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &MemberPage {
                l,
                code: f.code,
                done: None,
                error: errs.first().map(|e| e.message.clone()),
            },
        )),
    }
}
