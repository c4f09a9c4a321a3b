//! 发展党员 pages: the pipeline board of any level, a new applicant, and one person's 25
//! steps with the form for the next one.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::bands::{Category, ETHNICITIES, Education};
use dangjian_domain::recruit::{Due, Needs, Stage};
use dangjian_service::ServiceError;
use dangjian_service::members::MemberQuery;
use dangjian_service::recruit::{Pipeline, RecruitDetail, RecruitInput, StepInput};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
    /// One stage's people, paged (the board shows each stage's most urgent first).
    stage: String,
    page: String,
}

/// Cards a stage shows on the board before its "all" link.
const ON_BOARD: usize = 20;
/// People per page of one stage.
const PER_PAGE: usize = 50;

/// One stage of the board as shown: its first cards, or one page of them.
pub struct ColumnView<'a> {
    stage: &'static str,
    label: &'static str,
    total: usize,
    cards: &'a [dangjian_service::recruit::Card],
}

#[derive(Template)]
#[template(path = "recruits.html")]
struct BoardPage<'a> {
    l: Layout,
    p: &'a Pipeline,
    columns: Vec<ColumnView<'a>>,
    /// The stage shown alone, with its pages.
    stage: Option<(&'static str, Pager)>,
    stage_labels: Vec<&'static str>,
    can_add: bool,
    can_plan: bool,
    errors: FormErrors,
}

async fn board(
    st: &AppState,
    auth: &Auth,
    q: &OrgQuery,
    errors: FormErrors,
) -> PageResult<Response> {
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(&auth.actor, id).await?,
        None => st.app.home_org(&auth.actor).await?,
    };
    let p = st.app.pipeline(&auth.actor, o.id).await?;
    let actions = dangjian_service::recruit::policy::board_actions(&auth.actor, &o.path, &o.kind);
    let alone = p.stages.iter().find(|s| s.stage == q.stage);
    let page = parse_id(&q.page).unwrap_or(1).max(1);
    let columns = p
        .stages
        .iter()
        .filter(|s| s.stage != "full" && alone.is_none_or(|a| a.stage == s.stage))
        .map(|s| {
            let from = if alone.is_some() {
                (usize::try_from(page - 1).unwrap_or(0) * PER_PAGE).min(s.cards.len())
            } else {
                0
            };
            let shown = if alone.is_some() { PER_PAGE } else { ON_BOARD };
            ColumnView {
                stage: s.stage,
                label: s.label,
                total: s.cards.len(),
                cards: &s.cards[from..(from + shown).min(s.cards.len())],
            }
        })
        .collect();
    let stage = alone.map(|s| {
        let base = [("org", o.id.to_string()), ("stage", s.stage.to_string())];
        (
            s.label,
            Pager::new(&base, page, PER_PAGE as i64, s.cards.len() as i64),
        )
    });
    let status = errors.status();
    Ok(render_with(
        status,
        &BoardPage {
            l: Layout::new(&auth.actor, &auth.csrf, "发展党员", "recruits")
                .about(st.app.org_title(&auth.actor, &o).await?),
            stage_labels: Stage::ALL.iter().map(|s| s.label()).collect(),
            can_add: actions.can_add,
            can_plan: actions.can_plan,
            p: &p,
            columns,
            stage,
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    board(&st, &auth, &q, FormErrors::default()).await
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let org = match parse_id(&q.org) {
        Some(id) => id,
        None => st.app.home_org(&auth.actor).await?.id,
    };
    let p = st.app.export_pipeline(&auth.actor, org).await?;
    Ok(crate::export::pipeline(&p)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanForm {
    org: String,
    year: String,
    quota: String,
}

pub async fn plan(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<PlanForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org).unwrap_or(auth.actor.scope_org_id);
    let year = f.year.trim().parse().unwrap_or(0);
    let quota = f.quota.trim().parse().unwrap_or(-1);
    match st
        .app
        .set_dev_plan(&auth.actor, org, year, quota)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/recruits?org={org}")).into_response()),
        Err(errs) => {
            let q = OrgQuery {
                org: org.to_string(),
                ..OrgQuery::default()
            };
            board(&st, &auth, &q, FormErrors(errs)).await
        }
    }
}

#[derive(Template)]
#[template(path = "recruit_form.html")]
struct NewPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    form: RecruitForm,
    ethnicities: Vec<Choice>,
    educations: Vec<Choice>,
    categories: Vec<Choice>,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RecruitForm {
    name: String,
    id_number: String,
    ethnicity: String,
    education: String,
    category: String,
    applied_on: String,
}

async fn new_page(
    st: &AppState,
    auth: &Auth,
    org: i64,
    form: RecruitForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let o = st.app.org(&auth.actor, org).await?;
    dangjian_service::recruit::policy::check_edit(&auth.actor, &o.path)?;
    let status = errors.status();
    Ok(render_with(
        status,
        &NewPage {
            l: Layout::new(&auth.actor, &auth.csrf, "新增入党申请人", "recruits"),
            org_id: o.id,
            org_name: o.name,
            ethnicities: ETHNICITIES
                .iter()
                .map(|e| Choice {
                    value: (*e).into(),
                    label: (*e).into(),
                    selected: *e == form.ethnicity || (form.ethnicity.is_empty() && *e == "汉族"),
                })
                .collect(),
            educations: choices(
                Education::ALL,
                Education::as_str,
                Education::label,
                &form.education,
            ),
            categories: choices(
                Category::ALL,
                Category::as_str,
                Category::label,
                &form.category,
            ),
            form,
            errors,
        },
    ))
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    new_page(
        &st,
        &auth,
        org,
        RecruitForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
    PageForm(f): PageForm<RecruitForm>,
) -> PageResult<Response> {
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    let input = RecruitInput {
        org_id: org,
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        ethnicity: f.ethnicity.clone(),
        education: f.education.clone(),
        category: f.category.clone(),
        applied_on: f.applied_on.clone(),
    };
    match st.app.add_recruit(&auth.actor, &input).await.or_form()? {
        Ok(r) => Ok(Redirect::to(&format!("/recruits/{}", r.row.id)).into_response()),
        Err(errs) => new_page(&st, &auth, org, f, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "recruit.html")]
struct DetailPage {
    l: Layout,
    r: RecruitDetail,
    can_edit: bool,
    next_label: &'static str,
    needs_sponsors: bool,
    needs_hours: bool,
    sponsors: Vec<Choice>,
    on_probation: bool,
    errors: FormErrors,
}

async fn detail(st: &AppState, auth: &Auth, id: i64, errors: FormErrors) -> PageResult<Response> {
    let r = st.app.recruit_detail(&auth.actor, id).await?;
    let can_edit = r.can_edit;
    let rules = &st.app.config.recruit_rules;
    let next = r.next_step.and_then(|n| rules.step(n));
    let needs_sponsors = next.is_some_and(|s| s.needs == Needs::Sponsors);
    let sponsors = if needs_sponsors {
        let q = MemberQuery {
            org: Some(r.row.org_id),
            status: Some("full".into()),
            per_page: Some(100),
            ..Default::default()
        };
        st.app
            .members(&auth.actor, &q)
            .await?
            .items
            .into_iter()
            .map(|m| Choice {
                value: m.id.to_string(),
                label: m.name,
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = errors.status();
    Ok(render_with(
        status,
        &DetailPage {
            l: Layout::new(&auth.actor, &auth.csrf, r.row.name.clone(), "recruits"),
            can_edit,
            next_label: next.map_or("", |s| s.label),
            needs_sponsors,
            needs_hours: next.is_some_and(|s| matches!(s.needs, Needs::TrainingHours(_))),
            sponsors,
            on_probation: (17..23).contains(&r.row.last_step) && r.row.extension_months == 0,
            r,
            errors,
        },
    ))
}

pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    detail(&st, &auth, id, FormErrors::default()).await
}

/// 发展党员纪实表 of one person as PDF.
pub async fn file_pdf(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let f = st.app.recruit_file(&auth.actor, id).await?;
    Ok(crate::documents::recruit_file(&f).await?)
}

/// The next step's form: the sponsors come as two `sponsor` fields.
pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, no)): PagePath<(i64, u8)>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut input = StepInput::default();
    for (k, v) in fields {
        match k.as_str() {
            "on" => input.on = v,
            "document" => input.document = v,
            "note" => input.note = v,
            "sponsor" => input.sponsors.extend(parse_id(&v)),
            "hours" => input.hours = Some(v.trim().parse().unwrap_or(-1)),
            _ => {}
        }
    }
    let r = st.app.record_step(&auth.actor, id, no, &input).await;
    after(&st, &auth, id, r.map(|_| ())).await
}

async fn after(
    st: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<(), ServiceError>,
) -> PageResult<Response> {
    match r.or_form()? {
        Ok(()) => Ok(Redirect::to(&format!("/recruits/{id}")).into_response()),
        Err(errs) => detail(st, auth, id, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    months: String,
    reason: String,
    confirm: String,
}

pub async fn extend(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EndForm>,
) -> PageResult<Response> {
    let months = f.months.trim().parse().unwrap_or(0);
    let r = st
        .app
        .extend_probation(&auth.actor, id, months, &f.reason)
        .await;
    after(&st, &auth, id, r.map(|_| ())).await
}

pub async fn cancel(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EndForm>,
) -> PageResult<Response> {
    if f.confirm != "yes" {
        let e = ServiceError::field("confirm", "unconfirmed", "请勾选确认后再终止");
        return after(&st, &auth, id, Err(e)).await;
    }
    let r = st.app.cancel_recruit(&auth.actor, id, &f.reason).await;
    after(&st, &auth, id, r.map(|_| ())).await
}
