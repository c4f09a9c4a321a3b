//! 三评, 一公开 pages: the periods, the results of a branch or community with the forms that
//! feed them, publication, and the public page of published results.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::evaluation::{
    Answer, Band, DEFAULT_QUESTIONS, PeriodInput, Rater, score_text,
};
use dangjian_service::ServiceError;
use dangjian_service::masses::EvaluationPeriod;
use dangjian_service::masses::evaluation::{ChildResult, MemberResult, ResponseInput, Results};
use dangjian_service::masses::policy as evaluation_policy;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::Layout;

#[derive(Template)]
#[template(path = "evaluations.html")]
struct ListPage {
    l: Layout,
    periods: Vec<EvaluationPeriod>,
    can_create: bool,
    org_id: i64,
    form: PeriodInput,
    errors: FormErrors,
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    form: PeriodInput,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let status = errors.status();
    Ok(render_with(
        status,
        &ListPage {
            l: Layout::new(a, &auth.csrf, "三评一公开", "masses"),
            periods: st.app.evaluation_periods(a).await?,
            can_create: evaluation_policy::check_open_evaluation(a, &a.scope_path).is_ok(),
            org_id: a.scope_org_id,
            form,
            errors,
        },
    ))
}

pub async fn list(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    let form = PeriodInput {
        questions: DEFAULT_QUESTIONS.join("\n"),
        ..PeriodInput::default()
    };
    list_page(&st, &auth, form, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    org_id: String,
    #[serde(flatten)]
    period: PeriodInput,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<CreateForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org_id).unwrap_or(auth.actor.scope_org_id);
    match st
        .app
        .create_evaluation_period(&auth.actor, org, &f.period)
        .await
        .or_form()?
    {
        Ok(id) => Ok(Redirect::to(&format!("/evaluations/{id}")).into_response()),
        Err(errs) => list_page(&st, &auth, f.period, FormErrors(errs)).await,
    }
}

/// A member's line of the results, as text.
pub struct MemberLine {
    id: i64,
    name: String,
    branch: String,
    household: String,
    peer: String,
    organization: String,
    average: String,
    band: &'static str,
    flagged: bool,
    can_peer: bool,
}

/// A child's line above the result level: how far it has come and its average.
pub struct ChildLine {
    id: i64,
    name: String,
    members: i64,
    rated: i64,
    household: i64,
    peer: i64,
    organization: i64,
    average: String,
    published: bool,
}

fn child_lines(r: &Results) -> Vec<ChildLine> {
    r.children
        .iter()
        .map(|c| ChildLine {
            id: c.org.id,
            name: c.org.name.clone(),
            members: c.members,
            rated: c.rated,
            household: c.household,
            peer: c.peer,
            organization: c.organization,
            average: c.average_x100.map(score_text).unwrap_or_else(|| "—".into()),
            published: c.published,
        })
        .collect()
}

/// A question's line: the count of each answer, best first.
pub struct QuestionLine {
    question: String,
    counts: Vec<i64>,
    average: String,
}

fn score(count: i64, avg: Option<i64>) -> String {
    match avg {
        Some(a) => format!("{}（{count}）", score_text(a)),
        None => "—".into(),
    }
}

fn lines(r: &Results) -> (Vec<QuestionLine>, Vec<MemberLine>) {
    let questions = r
        .questions
        .iter()
        .map(|q| QuestionLine {
            question: q.question.clone(),
            counts: q.counts.iter().map(|(_, n)| *n).collect(),
            average: q.average_x100.map(score_text).unwrap_or_else(|| "—".into()),
        })
        .collect();
    let members = r
        .members
        .iter()
        .map(|m| MemberLine {
            id: m.member_id,
            name: m.name.clone(),
            branch: m.branch_name.clone(),
            household: score(m.household.count, m.household.average_x100),
            peer: score(m.peer.count, m.peer.average_x100),
            organization: score(m.organization.count, m.organization.average_x100),
            average: m.average_x100.map(score_text).unwrap_or_else(|| "—".into()),
            band: m.band.map_or("未评价", Band::label),
            flagged: m.flagged,
            can_peer: m.can_peer,
        })
        .collect();
    (questions, members)
}

fn answer_labels() -> Vec<&'static str> {
    Answer::ALL.iter().map(|a| a.label()).collect()
}

#[derive(Template)]
#[template(path = "evaluation.html")]
struct ResultsPage {
    l: Layout,
    r: Results,
    answers: Vec<&'static str>,
    questions: Vec<QuestionLine>,
    members: Vec<MemberLine>,
    children: Vec<ChildLine>,
    summary: Summary,
    can_enter: bool,
    can_publish: bool,
    errors: FormErrors,
}

/// The figures above the tables: who was rated, by how many, and the charts.
pub struct Summary {
    /// Members with at least one response, of all members.
    rated: usize,
    members: usize,
    /// Responses by rater: households, peers, the organization.
    household: i64,
    peer: i64,
    organization: i64,
    /// Members in each band (ECharts series), and each question's average.
    bands: String,
    averages: String,
    /// Above the result level: each child's average, its point opening its results.
    children: String,
}

fn summary(r: &Results) -> Summary {
    let series = |items: Vec<serde_json::Value>| serde_json::Value::from(items).to_string();
    let bands = Band::ALL
        .iter()
        .map(|b| {
            let n = r.members.iter().filter(|m| m.band == Some(*b)).count();
            serde_json::json!({"name": b.label(), "value": n})
        })
        .collect();
    let averages = r
        .questions
        .iter()
        .map(|q| {
            serde_json::json!({"name": q.question,
                "value": q.average_x100.map(|a| a as f64 / 100.0)})
        })
        .collect();
    let children = r
        .children
        .iter()
        .map(|c| {
            serde_json::json!({"name": c.org.name,
                "value": c.average_x100.map(|a| a as f64 / 100.0),
                "link": format!("/evaluations/{}?org={}", r.period.id, c.org.id)})
        })
        .collect();
    if !r.children.is_empty() {
        let sum = |f: fn(&ChildResult) -> i64| r.children.iter().map(f).sum::<i64>();
        return Summary {
            rated: usize::try_from(sum(|c| c.rated)).unwrap_or(0),
            members: usize::try_from(sum(|c| c.members)).unwrap_or(0),
            household: sum(|c| c.household),
            peer: sum(|c| c.peer),
            organization: sum(|c| c.organization),
            bands: series(Vec::new()),
            averages: series(Vec::new()),
            children: series(children),
        };
    }
    let sum = |f: fn(&MemberResult) -> i64| r.members.iter().map(f).sum();
    Summary {
        rated: r.members.iter().filter(|m| m.band.is_some()).count(),
        members: r.members.len(),
        household: sum(|m| m.household.count),
        peer: sum(|m| m.peer.count),
        organization: sum(|m| m.organization.count),
        bands: series(bands),
        averages: series(averages),
        children: series(children),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

async fn results_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    org: Option<i64>,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.evaluation_results(a, id, org).await?;
    let (questions, members) = lines(&r);
    let summary = summary(&r);
    let status = errors.status();
    Ok(render_with(
        status,
        &ResultsPage {
            summary,
            l: Layout::new(a, &auth.csrf, "三评结果", "masses"),
            can_enter: r.actions.can_enter,
            can_publish: r.actions.can_publish,
            answers: answer_labels(),
            questions,
            members,
            children: child_lines(&r),
            r,
            errors,
        },
    ))
}

pub async fn results(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    results_page(&st, &auth, id, parse_id(&q.org), FormErrors::default()).await
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let r = st
        .app
        .export_evaluation(&auth.actor, id, parse_id(&q.org))
        .await?;
    Ok(crate::export::evaluation(&r)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    org_id: String,
}

pub async fn publish(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<PublishForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org_id).ok_or(ServiceError::NotFound)?;
    match st
        .app
        .publish_evaluation(&auth.actor, id, org)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/evaluations/{id}?org={org}")).into_response()),
        Err(errs) => results_page(&st, &auth, id, Some(org), FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "evaluation_form.html")]
struct FormPage {
    l: Layout,
    period: EvaluationPeriod,
    member_id: i64,
    member_name: String,
    org_id: i64,
    rater: Rater,
    rater_label: &'static str,
    households: Vec<(i64, String)>,
    answers: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FormQuery {
    rater: String,
}

async fn form_page(
    st: &AppState,
    auth: &Auth,
    (id, member_id): (i64, i64),
    rater: &str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let rater = Rater::parse(rater).unwrap_or(Rater::Organization);
    let m = st.app.evaluee(a, id, member_id).await?;
    let period = st.app.evaluation_period(a, id).await?;
    let households = if rater == Rater::Household {
        st.app.evaluation_households(a, id, member_id).await?
    } else {
        Vec::new()
    };
    let status = errors.status();
    Ok(render_with(
        status,
        &FormPage {
            l: Layout::new(a, &auth.csrf, "三评", "masses"),
            member_id,
            member_name: m.name,
            org_id: m.org_id,
            rater_label: rater.label(),
            rater,
            households,
            answers: Answer::ALL
                .iter()
                .map(|x| (x.as_str(), x.label()))
                .collect(),
            period,
            errors,
        },
    ))
}

pub async fn form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(ids): PagePath<(i64, i64)>,
    PageQuery(q): PageQuery<FormQuery>,
) -> PageResult<Response> {
    form_page(&st, &auth, ids, &q.rater, FormErrors::default()).await
}

pub async fn submit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, member_id)): PagePath<(i64, i64)>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Answers come as q0, q1, …: one per question, in order.
    let mut answers: Vec<(usize, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('q')?.parse().ok()?, v.clone())))
        .collect();
    answers.sort();
    let input = ResponseInput {
        member_id,
        rater: get("rater"),
        household_id: parse_id(&get("household_id")),
        answers: answers.into_iter().map(|(_, v)| v).collect(),
        comment: get("comment"),
    };
    match st.app.evaluate(&auth.actor, id, &input).await.or_form()? {
        Ok(()) => {
            Ok(Redirect::to(&format!("/evaluations/{id}?org={}", get("org_id"))).into_response())
        }
        Err(errs) => form_page(&st, &auth, (id, member_id), &input.rater, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "evaluation_public.html")]
struct PublicPage {
    r: Results,
    answers: Vec<&'static str>,
    questions: Vec<QuestionLine>,
    members: Vec<MemberLine>,
}

/// 一公开: the published results of a branch or community, for anyone.
pub async fn public(
    State(st): State<AppState>,
    PagePath((id, org)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    let r = st.app.public_evaluation(id, org).await?;
    let (questions, members) = lines(&r);
    Ok(render(&PublicPage {
        answers: answer_labels(),
        questions,
        members,
        r,
    }))
}
