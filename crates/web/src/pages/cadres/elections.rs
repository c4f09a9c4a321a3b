//! 换届 pages. The elections below a level, 50 a page, with their stage and the counts of
//! their candidates; one election with its candidates, the forms of the town (add and remove
//! candidates, record the result) and of the district (the county's joint vetting); and the
//! statistics of a year's elections against the terms they closed, for the level and each of
//! its children. The list and the statistics export as xlsx.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::cadres::committee::{Body, ResidentsPost};
use dangjian_domain::cadres::election::{Stage, Vetting};
use dangjian_domain::cadres::stats::TermStats;
use dangjian_domain::committee::Post;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::election::{
    CandidateInput, Election, ElectionList, ElectionQuery, ElectionStats, ResultInput, StatsQuery,
    VetInput,
};
use serde::Deserialize;

use super::{
    NAV, PersonFields, PersonForm, Tab, age_text, figure_cells, figures, percent_text, tabs,
    this_year, today_text, typed, url, with_share,
};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

/// The years a picker offers: this year down to ten years back, and `year` if elsewhere.
fn year_choices(year: Option<i64>) -> Vec<Choice> {
    let now = this_year();
    let mut years: Vec<i64> = (now - 10..=now).rev().collect();
    if let Some(y) = year
        && !years.contains(&y)
    {
        years.push(y);
    }
    years
        .into_iter()
        .map(|y| Choice {
            value: y.to_string(),
            label: format!("{y} 年"),
            selected: Some(y) == year,
        })
        .collect()
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    year: String,
    state: String,
    page: String,
}

impl ListQuery {
    fn state(&self) -> Option<String> {
        typed(&self.state).filter(|s| s == "open" || s == "finished")
    }

    fn service(&self) -> ElectionQuery {
        ElectionQuery {
            org: parse_id(&self.org),
            year: parse_id(&self.year),
            state: self.state(),
            page: parse_id(&self.page),
        }
    }
}

/// An election's line.
pub struct ElectionRow {
    id: i64,
    org_name: String,
    started_on: String,
    /// The stage's code, for its mark.
    stage: &'static str,
    stage_label: &'static str,
    candidates: i64,
    pending: i64,
    refused: i64,
    elected: i64,
    finished_on: String,
    term_ends_on: String,
}

fn election_row(e: &Election) -> ElectionRow {
    ElectionRow {
        id: e.id,
        org_name: e.org_name.clone(),
        started_on: e.started_on.clone(),
        stage: e.stage().as_str(),
        stage_label: e.stage_label(),
        candidates: e.candidates,
        pending: e.pending,
        refused: e.refused,
        elected: e.elected,
        finished_on: e.finished_on.clone().unwrap_or_default(),
        term_ends_on: e.term_ends_on.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "cadres_elections.html")]
struct ElectionsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<ElectionRow>,
    total: i64,
    pager: Pager,
    years: Vec<Choice>,
    states: Vec<Choice>,
    filtered: bool,
    export_href: String,
    may_manage: bool,
}

fn state_choices(current: Option<&str>) -> Vec<Choice> {
    [("open", "进行中"), ("finished", "已完成")]
        .into_iter()
        .map(|(v, l)| Choice {
            value: v.into(),
            label: l.into(),
            selected: current == Some(v),
        })
        .collect()
}

/// The elections below a level: `?org=&year=&state=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.elections(a, &sq).await?;
    let filters = [
        ("org", v.org_id.to_string()),
        ("year", sq.year.map_or_else(String::new, |y| y.to_string())),
        ("state", sq.state.clone().unwrap_or_default()),
    ];
    let page = ElectionsPage {
        l: Layout::new(a, &auth.csrf, "村(社区)换届", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "elections"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(election_row).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        years: year_choices(sq.year),
        states: state_choices(sq.state.as_deref()),
        filtered: sq.year.is_some() || sq.state.is_some(),
        export_href: url("/cadres/elections/export.xlsx", &filters, ""),
        may_manage: v.may_manage,
    };
    Ok(render(&page))
}

/// Every election of the list.
async fn all_elections(st: &AppState, auth: &Auth, q: &ListQuery) -> PageResult<ElectionList> {
    Ok(st.app.export_elections(&auth.actor, &q.service()).await?)
}

fn elections_book(v: &ElectionList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "换届".into(),
        title: format!("{} 村(社区)换届（共 {} 个）", v.org_name, v.total),
        headers: headers(&[
            "村(社区)",
            "启动日期",
            "阶段",
            "候选人",
            "待联审",
            "联审不通过",
            "当选",
            "党组织选举日期",
            "村(居)委会选举日期",
            "完成日期",
            "任期届满",
            "备注",
        ]),
        rows: v
            .items
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.org_name.clone()),
                    Cell::Text(e.started_on.clone()),
                    Cell::Text(e.stage_label().into()),
                    Cell::Int(e.candidates),
                    Cell::Int(e.pending),
                    Cell::Int(e.refused),
                    Cell::Int(e.elected),
                    Cell::Text(e.party_voted_on.clone().unwrap_or_default()),
                    Cell::Text(e.residents_voted_on.clone().unwrap_or_default()),
                    Cell::Text(e.finished_on.clone().unwrap_or_default()),
                    Cell::Text(e.term_ends_on.clone().unwrap_or_default()),
                    Cell::Text(e.note.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("村(社区)换届-{}.xlsx", v.org_name))
}

/// The elections of a level as xlsx: `?org=&year=&state=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let v = all_elections(&st, &auth, &q).await?;
    st.app
        .audit_export(&auth.actor, "村(社区)换届", v.org_id, v.items.len(), None)
        .await?;
    Ok(elections_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// One election.

/// A candidate as typed: the committee, the post, and the member or the person.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CandidateForm {
    body: String,
    post: String,
    #[serde(flatten)]
    who: PersonForm,
}

impl CandidateForm {
    /// The committee chosen, or the one whose post was chosen when none was.
    fn body(&self) -> String {
        let body = self.body.trim();
        if !body.is_empty() {
            return body.to_string();
        }
        let post = self.post.trim();
        if ResidentsPost::parse(post).is_some() {
            Body::Residents.as_str().into()
        } else if Post::parse(post).is_some() {
            Body::Party.as_str().into()
        } else {
            String::new()
        }
    }
}

/// Removing a candidate: the election to show again if refused.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    election: String,
}

/// A candidate's vetting as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct VetForm {
    election: String,
    result: String,
    reason: String,
    vetted_on: String,
}

/// The result as typed.
#[derive(Default)]
pub struct ResultForm {
    party_voted_on: String,
    residents_voted_on: String,
    elected: Vec<i64>,
}

impl ResultForm {
    /// The fields of the form, the boxes ticked (`elected`, repeated) included.
    fn read(fields: &[(String, String)]) -> Self {
        let mut f = ResultForm::default();
        for (k, v) in fields {
            match k.as_str() {
                "party_voted_on" => f.party_voted_on = v.trim().to_string(),
                "residents_voted_on" => f.residents_voted_on = v.trim().to_string(),
                "elected" => f.elected.extend(parse_id(v)),
                _ => {}
            }
        }
        f
    }
}

/// A form of the election's page refused, to show again where it was.
enum Refused {
    None,
    Candidate(CandidateForm),
    /// Removing a candidate: shown above the candidates.
    Remove,
    /// The vetting of the candidate with this id.
    Vet(i64, VetForm),
    Result(ResultForm),
}

/// A candidate's line with its vetting form.
pub struct CandidateView {
    id: i64,
    body_label: &'static str,
    post_label: &'static str,
    name: String,
    gender: &'static str,
    age: i32,
    education: &'static str,
    local_talent: bool,
    /// `pending` | `passed` | `refused`.
    vetting: String,
    vetting_label: &'static str,
    reason: String,
    vetted_on: String,
    elected: bool,
    member_id: i64,
    results: Vec<Choice>,
    reasons: Vec<Choice>,
    vet_on: String,
    vet_errs: FormErrors,
    /// Ticked in the result form.
    checked: bool,
}

/// A stage of an election in its order: passed, the current one, or to come.
pub struct Step {
    label: &'static str,
    state: &'static str,
}

fn steps(stage: Stage) -> Vec<Step> {
    let at = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    Stage::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| Step {
            label: s.label(),
            state: if i < at || stage == Stage::Finished {
                "done"
            } else if i == at {
                "on"
            } else {
                ""
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cadres_election.html")]
struct ElectionPage {
    l: Layout,
    tabs: Vec<Tab>,
    e: Election,
    /// The days recorded, empty while not.
    party_on: String,
    residents_on: String,
    finished_on: String,
    term_ends_on: String,
    stage: &'static str,
    stage_label: &'static str,
    steps: Vec<Step>,
    rows: Vec<CandidateView>,
    may_manage: bool,
    may_vet: bool,
    /// The candidates the vetting passed: those the result form offers.
    passed: usize,
    bodies: Vec<Choice>,
    party_posts: Vec<Choice>,
    residents_posts: Vec<Choice>,
    members: Vec<Choice>,
    person: PersonFields,
    candidate_errs: FormErrors,
    result: ResultForm,
    result_errs: FormErrors,
    /// Refusals shown above the candidates (a removal).
    errors: FormErrors,
    today: String,
}

fn vet_results(current: &str) -> Vec<Choice> {
    let chosen = Vetting::parse(current.trim());
    [Vetting::Passed, Vetting::Refused]
        .into_iter()
        .map(|v| Choice {
            value: v.as_str().into(),
            label: v.label().into(),
            selected: chosen == Some(v),
        })
        .collect()
}

fn reason_choices(reasons: &[String], current: &str) -> Vec<Choice> {
    reasons
        .iter()
        .map(|r| Choice {
            value: r.clone(),
            label: r.clone(),
            selected: r == current,
        })
        .collect()
}

async fn election_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Refused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st.app.election(a, id).await?;
    let today = today_text();
    let errors = FormErrors(errors);
    let status = errors.status();
    let (mut candidate, mut result, mut vet) = (CandidateForm::default(), None, None);
    let (mut candidate_errs, mut result_errs, mut top) = (
        FormErrors::default(),
        FormErrors::default(),
        FormErrors::default(),
    );
    let mut vet_errs = FormErrors::default();
    // A refusal whose form is no longer on the page (the result recorded meanwhile, the
    // candidate removed) is shown above the candidates.
    match refused {
        Refused::None => {}
        Refused::Candidate(f) if d.may_manage => {
            candidate = f;
            candidate_errs = errors;
        }
        Refused::Vet(cid, f) if d.may_vet && d.candidates.iter().any(|c| c.id == cid) => {
            vet = Some((cid, f));
            vet_errs = errors;
        }
        Refused::Result(f) if d.may_manage => {
            result = Some(f);
            result_errs = errors;
        }
        Refused::Candidate(_) | Refused::Vet(..) | Refused::Result(_) | Refused::Remove => {
            top = errors;
        }
    }
    let mut rows = Vec::with_capacity(d.candidates.len());
    for c in &d.candidates {
        let vet_typed = vet.as_ref().filter(|(cid, _)| *cid == c.id).map(|(_, f)| f);
        let (result_typed, reason_typed, on) = match vet_typed {
            Some(f) => (f.result.clone(), f.reason.clone(), f.vetted_on.clone()),
            None => (
                c.vetting.clone(),
                c.refusal_reason.clone().unwrap_or_default(),
                c.vetted_on.clone().unwrap_or_else(|| today.clone()),
            ),
        };
        let checked = match &result {
            Some(f) => f.elected.contains(&c.id),
            None => c.elected,
        };
        rows.push(CandidateView {
            id: c.id,
            body_label: c.body_label(),
            post_label: c.post_label(),
            name: c.name.clone(),
            gender: c.gender_label(),
            age: c.age(),
            education: c.education_label(),
            local_talent: c.local_talent,
            vetting: c.vetting.clone(),
            vetting_label: c.vetting_label(),
            reason: c.refusal_reason.clone().unwrap_or_default(),
            vetted_on: c.vetted_on.clone().unwrap_or_default(),
            elected: c.elected,
            member_id: c.member_id.unwrap_or(0),
            results: vet_results(&result_typed),
            reasons: reason_choices(&d.vetting_reasons, reason_typed.trim()),
            vet_on: on,
            vet_errs: if vet_typed.is_some() {
                std::mem::take(&mut vet_errs)
            } else {
                FormErrors::default()
            },
            checked,
        });
    }
    let chosen_member = parse_id(&candidate.who.member_id);
    let body = candidate.body();
    let post = candidate.post.trim().to_string();
    let e = d.election;
    let day = |d: &Option<String>| d.clone().filter(|d| !d.is_empty()).unwrap_or_default();
    let page = ElectionPage {
        party_on: day(&e.party_voted_on),
        residents_on: day(&e.residents_voted_on),
        finished_on: day(&e.finished_on),
        term_ends_on: day(&e.term_ends_on),
        l: Layout::new(a, &auth.csrf, format!("换届 · {}", e.org_name), NAV)
            .about(e.org_name.clone())
            .period(format!("{} 启动", e.started_on)),
        tabs: tabs(Some(e.org_id), "elections"),
        stage: d.stage.as_str(),
        stage_label: d.stage.label(),
        steps: steps(d.stage),
        passed: rows.iter().filter(|r| r.vetting == "passed").count(),
        rows,
        may_manage: d.may_manage,
        may_vet: d.may_vet,
        bodies: choices(Body::ALL, Body::as_str, Body::label, &body),
        party_posts: choices(
            Post::ALL,
            Post::as_str,
            Post::label,
            if body == "party" { &post } else { "" },
        ),
        residents_posts: choices(
            ResidentsPost::ALL,
            ResidentsPost::as_str,
            ResidentsPost::label,
            if body == "residents" { &post } else { "" },
        ),
        members: d
            .members
            .iter()
            .map(|m| Choice {
                value: m.member_id.to_string(),
                label: m.name.clone(),
                selected: chosen_member == Some(m.member_id),
            })
            .collect(),
        person: PersonFields::new(candidate.who),
        candidate_errs,
        result: result.unwrap_or_default(),
        result_errs,
        errors: top,
        e,
        today,
    };
    Ok(render_with(status, &page))
}

/// An election with its candidates.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    election_page(&st, &auth, id, Refused::None, Vec::new()).await
}

fn back_to(id: i64, anchor: &str) -> Response {
    Redirect::to(&url(&format!("/cadres/elections/{id}"), &[], anchor)).into_response()
}

/// Adds a candidate.
pub async fn add_candidate(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CandidateForm>,
) -> PageResult<Response> {
    let input = CandidateInput {
        body: f.body(),
        post: f.post.trim().to_string(),
        who: f.who.choice(),
    };
    match st
        .app
        .add_candidate(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, "candidates")),
        Err(errs) => election_page(&st, &auth, id, Refused::Candidate(f), errs).await,
    }
}

/// The election a form names to go back to when refused, or the refusal as the error page.
fn election_of(typed: &str, errs: Vec<FieldError>) -> Result<(i64, Vec<FieldError>), ServiceError> {
    match parse_id(typed) {
        Some(id) => Ok((id, errs)),
        None => Err(ServiceError::Invalid(errs)),
    }
}

/// Removes a candidate before the result.
pub async fn remove_candidate(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RemoveForm>,
) -> PageResult<Response> {
    match st.app.remove_candidate(&auth.actor, id).await.or_form()? {
        Ok(d) => Ok(back_to(d.election.id, "candidates")),
        Err(errs) => {
            let (election, errs) = election_of(&f.election, errs)?;
            election_page(&st, &auth, election, Refused::Remove, errs).await
        }
    }
}

/// Records the county's joint vetting of a candidate.
pub async fn vet(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<VetForm>,
) -> PageResult<Response> {
    let input = VetInput {
        result: f.result.trim().to_string(),
        reason: f.reason.trim().to_string(),
        vetted_on: f.vetted_on.trim().to_string(),
    };
    match st
        .app
        .vet_candidate(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(d) => Ok(back_to(d.election.id, &format!("candidate-{id}"))),
        Err(errs) => {
            let (election, errs) = election_of(&f.election, errs)?;
            election_page(&st, &auth, election, Refused::Vet(id, f), errs).await
        }
    }
}

/// Records the result: the vote days and the candidates elected (`elected`, repeated).
pub async fn record_result(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = ResultForm::read(&fields);
    let input = ResultInput {
        party_voted_on: f.party_voted_on.clone(),
        residents_voted_on: f.residents_voted_on.clone(),
        elected: f.elected.clone(),
    };
    match st
        .app
        .record_result(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, "")),
        Err(errs) => election_page(&st, &auth, id, Refused::Result(f), errs).await,
    }
}

// ---------------------------------------------------------------------------------------
// The statistics.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatsForm {
    org: String,
    year: String,
}

impl StatsForm {
    fn service(&self) -> StatsQuery {
        StatsQuery {
            org: parse_id(&self.org),
            year: parse_id(&self.year),
        }
    }
}

/// A figure of both terms.
pub struct FigureRow {
    label: &'static str,
    new: String,
    previous: String,
}

/// A child of the level with its figures.
pub struct ChildRow {
    org_id: i64,
    name: String,
    finished: i64,
    local_talent: i64,
    one_new: String,
    one_previous: String,
    women: String,
    college: String,
    under_35: String,
    age_new: String,
    age_previous: String,
}

#[derive(Template)]
#[template(path = "cadres_stats.html")]
struct StatsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    year: i64,
    years: Vec<Choice>,
    finished: i64,
    open: i64,
    rows: Vec<FigureRow>,
    local_talent: i64,
    children: Vec<ChildRow>,
    export_href: String,
}

fn figure_rows(new: &TermStats, previous: &TermStats) -> Vec<FigureRow> {
    figures(new)
        .into_iter()
        .zip(figures(previous))
        .map(|((label, n), (_, p))| FigureRow {
            label,
            new: n,
            previous: p,
        })
        .collect()
}

/// The statistics of a year's elections below a level: `?org=&year=` (default: the year of
/// the latest finished election).
pub async fn stats(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<StatsForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let s = st.app.election_stats(a, &q.service()).await?;
    let children = s
        .children
        .iter()
        .map(|c| ChildRow {
            org_id: c.org_id,
            name: c.name.clone(),
            finished: c.finished,
            local_talent: c.local_talent_secretaries,
            one_new: percent_text(c.new_term.one_shoulder_percent, c.new_term.villages),
            one_previous: percent_text(
                c.previous_term.one_shoulder_percent,
                c.previous_term.villages,
            ),
            women: with_share(c.new_term.women, c.new_term.people),
            college: with_share(c.new_term.college_plus, c.new_term.people),
            under_35: with_share(c.new_term.under_35, c.new_term.people),
            age_new: age_text(&c.new_term),
            age_previous: age_text(&c.previous_term),
        })
        .collect();
    let level = [("org", s.org_id.to_string()), ("year", s.year.to_string())];
    let page = StatsPage {
        l: Layout::new(a, &auth.csrf, "换届统计", NAV)
            .about(s.org_name.clone())
            .period(format!("{} 年", s.year)),
        tabs: tabs(Some(s.org_id), "stats"),
        org_id: s.org_id,
        org_name: s.org_name.clone(),
        year: s.year,
        years: year_choices(Some(s.year)),
        finished: s.finished,
        open: s.open,
        rows: figure_rows(&s.new_term, &s.previous_term),
        local_talent: s.local_talent_secretaries,
        children,
        export_href: url("/cadres/elections/stats/export.xlsx", &level, ""),
    };
    Ok(render(&page))
}

fn stats_book(s: &ElectionStats) -> Result<Response, ServiceError> {
    let labels = figures(&s.new_term);
    let mut rows: Vec<Vec<Cell>> = labels
        .iter()
        .zip(figure_cells(&s.new_term))
        .zip(figure_cells(&s.previous_term))
        .map(|(((label, _), n), p)| vec![Cell::Text((*label).into()), n, p])
        .collect();
    rows.push(vec![
        Cell::Text("本土人才当选书记".into()),
        Cell::Int(s.local_talent_secretaries),
        Cell::Text(String::new()),
    ]);
    let figures_sheet = Table {
        sheet: "换届统计".into(),
        title: format!(
            "{} {} 年村(社区)两委换届统计（完成 {} 个，进行中 {} 个）",
            s.org_name, s.year, s.finished, s.open
        ),
        headers: headers(&["项目", "本届", "上届"]),
        rows,
    };
    let mut child_headers = vec![
        "下级组织".to_string(),
        "完成换届".to_string(),
        "本土人才当选书记".to_string(),
    ];
    for (label, _) in &labels {
        child_headers.push(format!("本届{label}"));
    }
    for (label, _) in &labels {
        child_headers.push(format!("上届{label}"));
    }
    let children = Table {
        sheet: "下级组织".into(),
        title: format!("{} {} 年换届统计（按下级组织）", s.org_name, s.year),
        headers: child_headers,
        rows: s
            .children
            .iter()
            .map(|c| {
                [
                    Cell::Text(c.name.clone()),
                    Cell::Int(c.finished),
                    Cell::Int(c.local_talent_secretaries),
                ]
                .into_iter()
                .chain(figure_cells(&c.new_term))
                .chain(figure_cells(&c.previous_term))
                .collect()
            })
            .collect(),
    };
    book(
        &[figures_sheet, children],
        &format!("换届统计-{}-{}.xlsx", s.org_name, s.year),
    )
}

/// The statistics as xlsx: `?org=&year=`.
pub async fn stats_export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<StatsForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let s = st.app.election_stats(a, &q.service()).await?;
    st.app
        .audit_export(a, "换届统计", s.org_id, s.children.len() + 12, None)
        .await?;
    Ok(stats_book(&s)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_reads_every_box_ticked() {
        let fields: Vec<(String, String)> = [
            ("_csrf", "x"),
            ("party_voted_on", " 2026-03-01 "),
            ("elected", "3"),
            ("elected", "七"),
            ("elected", "5"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        let f = ResultForm::read(&fields);
        assert_eq!(f.elected, [3, 5]);
        assert_eq!(f.party_voted_on, "2026-03-01");
        assert_eq!(f.residents_voted_on, "");
    }

    #[test]
    fn a_candidate_s_committee_follows_the_post_when_not_chosen() {
        let f = |body: &str, post: &str| CandidateForm {
            body: body.into(),
            post: post.into(),
            who: PersonForm::default(),
        };
        assert_eq!(f("", "director").body(), "residents");
        assert_eq!(f("", "secretary").body(), "party");
        assert_eq!(f("party", "director").body(), "party");
        assert_eq!(f("", "").body(), "");
    }

    #[test]
    fn steps_mark_the_stage() {
        let s = steps(Stage::Vetting);
        let states: Vec<&str> = s.iter().map(|x| x.state).collect();
        assert_eq!(states, ["done", "on", "", ""]);
        assert!(steps(Stage::Finished).iter().all(|x| x.state == "done"));
        let years = year_choices(Some(1990));
        assert_eq!(years.iter().filter(|c| c.selected).count(), 1);
        assert_eq!(
            ListQuery {
                state: "gone".into(),
                ..ListQuery::default()
            }
            .state(),
            None
        );
    }
}
