//! 批量导入: download the template, upload a roster, see each refused row and cell, download
//! the error report, then import the valid rows or nothing while a progress bar runs.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_service::import::ImportJob;
use dangjian_service::import::{JobView, PREVIEW_ERRORS, RosterKind};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{IMPORT_MIB, PagePath, PageQuery, PageUpload};
use crate::session::Auth;
use crate::view::{Layout, format_instant};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
    kind: String,
}

impl OrgQuery {
    /// Members unless the link asks for orgs; anything else is members too, as the page
    /// offers both.
    fn kind(&self) -> RosterKind {
        RosterKind::parse(&self.kind).unwrap_or_default()
    }
}

pub fn state_label(s: &str) -> &'static str {
    match s {
        "checked" => "待确认",
        "importing" => "导入中",
        "done" => "已导入",
        "discarded" => "已放弃",
        _ => "导入失败",
    }
}

pub struct JobLine {
    id: i64,
    kind: RosterKind,
    org_id: i64,
    file_name: String,
    state: &'static str,
    total: i64,
    valid: i64,
    invalid: i64,
    imported: i64,
    created_at: String,
}

impl From<&ImportJob> for JobLine {
    fn from(j: &ImportJob) -> Self {
        JobLine {
            id: j.id,
            kind: RosterKind::parse(&j.kind).unwrap_or_default(),
            org_id: j.org_id,
            file_name: j.file_name.clone(),
            state: state_label(&j.state),
            total: j.total,
            valid: j.valid,
            invalid: j.invalid,
            imported: j.imported,
            created_at: format_instant(j.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "imports.html")]
struct HomePage {
    l: Layout,
    kind: RosterKind,
    can_orgs: bool,
    org_id: i64,
    org_name: String,
    jobs: Vec<JobLine>,
    limit_mib: usize,
    errors: FormErrors,
}

async fn home(
    st: &AppState,
    auth: &Auth,
    org: Option<i64>,
    kind: RosterKind,
    errors: FormErrors,
) -> PageResult<Response> {
    let id = match org {
        Some(id) => id,
        None => st.app.home_org(&auth.actor).await?.id,
    };
    let o = st.app.import_root(&auth.actor, id, kind).await?;
    let can_orgs = dangjian_service::orgs::policy::can_edit(&auth.actor, &o.path);
    let jobs = st.app.recent_imports(&auth.actor).await?;
    let status = errors.status();
    let section = match kind {
        RosterKind::Members => "members",
        RosterKind::Orgs => "orgs",
        RosterKind::Committees => "cadres",
        RosterKind::Enterprises => "enterprises",
    };
    Ok(render_with(
        status,
        &HomePage {
            l: Layout::new(&auth.actor, &auth.csrf, "批量导入", section),
            kind,
            can_orgs,
            org_id: o.id,
            org_name: o.name,
            jobs: jobs.iter().map(JobLine::from).collect(),
            limit_mib: IMPORT_MIB,
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    home(
        &st,
        &auth,
        parse_id(&q.org),
        q.kind(),
        FormErrors::default(),
    )
    .await
}

pub async fn template(
    State(st): State<AppState>,
    _auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    Ok(crate::export::template(q.kind(), &st.app)?)
}

/// The form posts with htmx (a multipart body carries its CSRF token in a header): the
/// answer is a redirect to the check's result, or the reason the file was refused.
pub async fn upload(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PageQuery(q): PageQuery<OrgQuery>,
    PageUpload(file): PageUpload<IMPORT_MIB>,
) -> PageResult<Response> {
    let htmx = headers.contains_key("hx-request");
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    match st
        .app
        .stage_import(&auth.actor, org, q.kind(), &file.name, file.body)
        .await
        .or_form()?
    {
        Ok(job) if htmx => {
            Ok(([("hx-redirect", format!("/imports/{}", job.id))], "").into_response())
        }
        Ok(job) => Ok(Redirect::to(&format!("/imports/{}", job.id)).into_response()),
        Err(errs) if htmx => Ok(render(&UploadError {
            errors: FormErrors(errs),
        })),
        Err(errs) => home(&st, &auth, Some(org), q.kind(), FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(
    source = r#"<p class="alert" role="alert" id="upload-error">{% for e in errors.0 %}{{ e.message }} {% endfor %}</p>"#,
    ext = "html"
)]
struct UploadError {
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "import.html")]
struct JobPage {
    l: Layout,
    j: JobLine,
    code: String,
    message: String,
    v: JobView,
    shown: usize,
    percent: usize,
}

fn job_page(auth: &Auth, v: JobView) -> JobPage {
    let percent = v
        .progress
        .map_or(0, |p| (p.done * 100).checked_div(p.total).unwrap_or(0));
    JobPage {
        l: Layout::new(&auth.actor, &auth.csrf, "导入检查结果", "members"),
        j: JobLine::from(&v.job),
        code: v.job.state.clone(),
        message: v.job.message.clone(),
        shown: v.errors.len(),
        percent,
        v,
    }
}

pub async fn job(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let v = st.app.import_job(&auth.actor, id, PREVIEW_ERRORS).await?;
    Ok(render(&job_page(&auth, v)))
}

#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressFragment {
    j: JobLine,
    code: String,
    message: String,
    percent: usize,
}

/// The htmx fragment the page polls while the rows are written.
pub async fn progress(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let v = st.app.import_job(&auth.actor, id, 0).await?;
    let p = job_page(&auth, v);
    Ok(render(&ProgressFragment {
        j: p.j,
        code: p.code,
        message: p.message,
        percent: p.percent,
    }))
}

pub async fn commit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.commit_import(&auth.actor, id).await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

pub async fn discard(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.discard_import(&auth.actor, id).await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

pub async fn errors(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let v = st.app.import_job(&auth.actor, id, usize::MAX).await?;
    Ok(crate::export::import_errors(&v)?)
}
