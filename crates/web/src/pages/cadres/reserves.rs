//! 后备力量 pages. The reserve cadres below a level, 50 a page, with the form that adds one to
//! a village's pool; one reserve cadre with the forms that correct their source and training,
//! record what became of them and their yearly review; and each village's pool against its
//! target (后备目标), with the sums and the form of each village's own target. The lists
//! export as xlsx.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::cadres::reserve::{Outcome, ReviewGrade, Source};
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::policy;
use dangjian_service::cadres::reserve::{
    OutcomeInput, PoolList, PoolQuery, Reserve, ReserveInput, ReserveList, ReserveQuery,
    ReserveUpdate, ReviewInput,
};
use serde::Deserialize;

use super::{NAV, PersonFields, PersonForm, Tab, flag, tabs, this_year, today_text, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::request::public::{Pick, PickGroup};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

/// A review as a line reads it: "2025 年度 合格", or empty before the first.
fn review_text(r: &Reserve) -> String {
    match (r.review_year, r.grade_label()) {
        (Some(y), g) if !g.is_empty() => format!("{y} 年度 {g}"),
        _ => String::new(),
    }
}

/// The state as a line reads it: 在库, or the outcome with its day.
fn state_text(r: &Reserve) -> String {
    match &r.outcome_on {
        Some(on) if r.outcome.is_some() => format!("{}（{on}）", r.outcome_label()),
        _ => r.outcome_label().to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    source: String,
    state: String,
    q: String,
    page: String,
}

impl ListQuery {
    /// The source filter, if it names one (another value shows all).
    fn source(&self) -> Option<String> {
        typed(&self.source)
            .and_then(|s| Source::parse(&s))
            .map(|s| s.as_str().to_string())
    }

    /// The state filter: `pool`, or an outcome.
    fn state(&self) -> Option<String> {
        typed(&self.state).and_then(|s| {
            if s == "pool" {
                Some(s)
            } else {
                Outcome::parse(&s).map(|o| o.as_str().to_string())
            }
        })
    }

    fn service(&self) -> ReserveQuery {
        ReserveQuery {
            org: parse_id(&self.org),
            source: self.source(),
            state: self.state(),
            q: typed(&self.q),
            page: parse_id(&self.page),
        }
    }
}

/// A reserve cadre's line.
pub struct ReserveRow {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    gender: &'static str,
    age: i32,
    education: &'static str,
    source: &'static str,
    joined_on: String,
    training: String,
    review: String,
    state: String,
    in_pool: bool,
}

fn reserve_row(r: &Reserve) -> ReserveRow {
    ReserveRow {
        id: r.id,
        org_id: r.org_id,
        org_name: r.org_name.clone(),
        name: r.name.clone(),
        gender: r.gender_label(),
        age: r.age(),
        education: r.education_label(),
        source: r.source_label(),
        joined_on: r.joined_on.clone(),
        training: r.training.clone(),
        review: review_text(r),
        state: state_text(r),
        in_pool: r.outcome.is_none(),
    }
}

/// A reserve cadre as typed into the form that adds one.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AddForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    source: String,
    joined_on: String,
    training: String,
    #[serde(flatten)]
    who: PersonForm,
}

#[derive(Template)]
#[template(path = "cadres_reserves.html")]
struct ReservesPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<ReserveRow>,
    total: i64,
    pager: Pager,
    q: String,
    sources: Vec<Choice>,
    states: Vec<Choice>,
    filtered: bool,
    export_href: String,
    may_keep: bool,
    /// The villages whose pool the form adds to (named `communities` for the shared options),
    /// and how many there are (more than a picker offers at a city's level).
    communities: Vec<PickGroup>,
    villages_below: i64,
    add: AddForm,
    add_sources: Vec<Choice>,
    person: PersonFields,
    errors: FormErrors,
    today: String,
}

fn source_choices(current: &str) -> Vec<Choice> {
    let code = Source::parse(current.trim()).map_or("", Source::as_str);
    choices(Source::ALL, Source::as_str, Source::label, code)
}

fn state_choices(current: Option<&str>) -> Vec<Choice> {
    std::iter::once(("pool", "在库"))
        .chain(Outcome::ALL.iter().map(|o| (o.as_str(), o.label())))
        .map(|(v, l)| Choice {
            value: v.into(),
            label: l.into(),
            selected: current == Some(v),
        })
        .collect()
}

/// A picker longer than this is no help: the form asks to go to a town first.
const MAX_PICKS: i64 = 600;

/// The villages below a level as a picker grouped by town (none when there are more than
/// [`MAX_PICKS`]), and how many villages there are.
pub(super) async fn village_choices(
    st: &AppState,
    auth: &Auth,
    level: i64,
    chosen: Option<i64>,
) -> PageResult<(Vec<PickGroup>, i64)> {
    let mut q = PoolQuery {
        org: Some(level),
        short: None,
        page: Some(1),
    };
    let first = st.app.reserve_pools(&auth.actor, &q).await?;
    if first.total > MAX_PICKS {
        return Ok((Vec::new(), first.total));
    }
    q.page = None;
    let p = if first.total > first.items.len() as i64 {
        st.app.all_reserve_pools(&auth.actor, &q).await?
    } else {
        first
    };
    let mut groups: Vec<PickGroup> = Vec::new();
    for x in &p.items {
        let (town, name) = match x.name.rsplit_once(" / ") {
            Some((t, n)) => (t.to_string(), n.to_string()),
            None => (p.org_name.clone(), x.name.clone()),
        };
        let pick = Pick {
            id: x.org_id,
            name,
            selected: chosen == Some(x.org_id),
        };
        match groups.last_mut() {
            Some(g) if g.label == town => g.picks.push(pick),
            _ => groups.push(PickGroup {
                label: town,
                picks: vec![pick],
            }),
        }
    }
    Ok((groups, p.total))
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<AddForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.reserves(a, &sq).await?;
    let today = today_text();
    let mut add = refused.unwrap_or_default();
    if add.joined_on.is_empty() {
        add.joined_on.clone_from(&today);
    }
    let (communities, villages_below) = if v.may_keep {
        village_choices(st, auth, v.org_id, parse_id(&add.org_id)).await?
    } else {
        (Vec::new(), 0)
    };
    let filters = [
        ("org", v.org_id.to_string()),
        ("source", sq.source.clone().unwrap_or_default()),
        ("state", sq.state.clone().unwrap_or_default()),
        ("q", sq.q.clone().unwrap_or_default()),
    ];
    let errors = FormErrors(errors);
    let page = ReservesPage {
        l: Layout::new(a, &auth.csrf, "后备力量", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "reserves"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(reserve_row).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        q: sq.q.clone().unwrap_or_default(),
        sources: source_choices(sq.source.as_deref().unwrap_or("")),
        states: state_choices(sq.state.as_deref()),
        filtered: sq.source.is_some() || sq.state.is_some() || sq.q.is_some(),
        export_href: url("/cadres/reserves/export.xlsx", &filters, ""),
        may_keep: v.may_keep,
        communities,
        villages_below,
        add_sources: source_choices(&add.source),
        person: PersonFields::new(add.who.clone()),
        add,
        today,
        errors,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// The reserve cadres below a level: `?org=&source=&state=&q=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Adds a person to a village's pool; on to their page.
pub async fn add(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<AddForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.org_id) {
        Some(org_id) => {
            let input = ReserveInput {
                org_id,
                who: f.who.choice(),
                source: f.source.trim().to_string(),
                joined_on: f.joined_on.trim().to_string(),
                training: f.training.clone(),
            };
            st.app.add_reserve(&auth.actor, &input).await.or_form()?
        }
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择入库的村(社区)",
        )]),
    };
    match outcome {
        Ok(r) => Ok(Redirect::to(&format!("/cadres/reserves/{}", r.id)).into_response()),
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

fn reserves_book(v: &ReserveList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "后备力量".into(),
        title: format!("{} 村(社区)后备力量（共 {} 人）", v.org_name, v.total),
        headers: headers(&[
            "村(社区)",
            "姓名",
            "性别",
            "年龄",
            "学历",
            "身份证号",
            "来源",
            "入库日期",
            "培养情况",
            "最近考核",
            "状态",
        ]),
        rows: v
            .items
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.org_name.clone()),
                    Cell::Text(r.name.clone()),
                    Cell::Text(r.gender_label().into()),
                    Cell::Int(i64::from(r.age())),
                    Cell::Text(r.education_label().into()),
                    Cell::Text(r.id_masked.clone()),
                    Cell::Text(r.source_label().into()),
                    Cell::Text(r.joined_on.clone()),
                    Cell::Text(r.training.clone()),
                    Cell::Text(review_text(r)),
                    Cell::Text(state_text(r)),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("后备力量-{}.xlsx", v.org_name))
}

/// The reserve cadres of a level as xlsx: `?org=&source=&state=&q=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_reserves(a, &q.service()).await?;
    st.app
        .audit_export(a, "后备力量", v.org_id, v.items.len(), None)
        .await?;
    Ok(reserves_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// One reserve cadre.

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UpdateForm {
    source: String,
    training: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OutcomeForm {
    outcome: String,
    on: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReviewForm {
    year: String,
    grade: String,
    note: String,
}

/// A form of the reserve cadre's page refused, to show again where it was.
enum Refused {
    None,
    Update(UpdateForm),
    Outcome(OutcomeForm),
    Review(ReviewForm),
}

#[derive(Template)]
#[template(path = "cadres_reserve.html")]
struct ReservePage {
    l: Layout,
    tabs: Vec<Tab>,
    r: Reserve,
    review: String,
    state: String,
    in_pool: bool,
    may_keep: bool,
    may_review: bool,
    update: UpdateForm,
    sources: Vec<Choice>,
    update_errs: FormErrors,
    outcome: OutcomeForm,
    outcomes: Vec<Choice>,
    outcome_errs: FormErrors,
    review_form: ReviewForm,
    years: Vec<Choice>,
    grades: Vec<Choice>,
    review_errs: FormErrors,
    /// Refusals whose form is not on the page.
    errors: FormErrors,
    today: String,
}

/// The years a review may be of: this year down to the year of joining.
fn review_years(joined_on: &str, current: &str) -> Vec<Choice> {
    let now = this_year();
    let from = joined_on
        .get(..4)
        .and_then(|y| y.parse::<i64>().ok())
        .unwrap_or(now)
        .min(now);
    let chosen = parse_id(current).unwrap_or(now - 1).max(from);
    (from..=now)
        .rev()
        .map(|y| Choice {
            value: y.to_string(),
            label: format!("{y} 年度"),
            selected: y == chosen,
        })
        .collect()
}

async fn reserve_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Refused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.reserve(a, id).await?;
    let village = st.app.org(a, r.org_id).await?;
    let errors = FormErrors(errors);
    let status = errors.status();
    let today = today_text();
    let mut update = UpdateForm {
        source: r.source.clone(),
        training: r.training.clone(),
    };
    let mut outcome = OutcomeForm {
        outcome: String::new(),
        on: today.clone(),
    };
    let mut review_form = ReviewForm::default();
    // A refusal whose form is no longer on the page (the cadre left the pool meanwhile) is
    // shown above it.
    let mut top = FormErrors::default();
    let (mut update_errs, mut outcome_errs, mut review_errs) = (
        FormErrors::default(),
        FormErrors::default(),
        FormErrors::default(),
    );
    match refused {
        Refused::None => {}
        Refused::Update(f) => {
            update = f;
            update_errs = errors;
        }
        Refused::Outcome(_) if r.outcome.is_some() => top = errors,
        Refused::Outcome(f) => {
            outcome = f;
            outcome_errs = errors;
        }
        Refused::Review(f) => {
            review_form = f;
            review_errs = errors;
        }
    }
    let outcome_code = Outcome::parse(outcome.outcome.trim()).map_or("", Outcome::as_str);
    let grade_code = ReviewGrade::parse(review_form.grade.trim()).map_or("", ReviewGrade::as_str);
    let page = ReservePage {
        l: Layout::new(a, &auth.csrf, format!("后备力量 · {}", r.name), NAV)
            .about(r.org_name.clone()),
        tabs: tabs(Some(r.org_id), "reserves"),
        review: review_text(&r),
        state: state_text(&r),
        in_pool: r.outcome.is_none(),
        may_keep: policy::may_keep_reserve(a, &village.path),
        may_review: policy::may_manage(a, &village.path),
        sources: source_choices(&update.source),
        update,
        update_errs,
        outcomes: choices(Outcome::ALL, Outcome::as_str, Outcome::label, outcome_code),
        outcome,
        outcome_errs,
        years: review_years(&r.joined_on, &review_form.year),
        grades: choices(
            ReviewGrade::ALL,
            ReviewGrade::as_str,
            ReviewGrade::label,
            grade_code,
        ),
        review_form,
        review_errs,
        errors: top,
        today,
        r,
    };
    Ok(render_with(status, &page))
}

/// A reserve cadre.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    reserve_page(&st, &auth, id, Refused::None, Vec::new()).await
}

/// Corrects a reserve cadre's source and training.
pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<UpdateForm>,
) -> PageResult<Response> {
    let input = ReserveUpdate {
        source: f.source.trim().to_string(),
        training: f.training.clone(),
    };
    match st
        .app
        .update_reserve(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/reserves/{id}")).into_response()),
        Err(errs) => reserve_page(&st, &auth, id, Refused::Update(f), errs).await,
    }
}

/// Records what became of a reserve cadre (已当选, 已退出).
pub async fn outcome(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<OutcomeForm>,
) -> PageResult<Response> {
    let input = OutcomeInput {
        outcome: f.outcome.trim().to_string(),
        on: f.on.trim().to_string(),
    };
    match st
        .app
        .reserve_outcome(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/reserves/{id}")).into_response()),
        Err(errs) => reserve_page(&st, &auth, id, Refused::Outcome(f), errs).await,
    }
}

/// Records a year's review of a reserve cadre.
pub async fn review(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ReviewForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.year) {
        Some(year) => {
            let input = ReviewInput {
                year,
                grade: f.grade.trim().to_string(),
                note: f.note.clone(),
            };
            st.app
                .review_reserve(&auth.actor, id, &input)
                .await
                .or_form()?
        }
        None => Err(vec![FieldError::new("year", "required", "请选择考核年度")]),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/reserves/{id}")).into_response()),
        Err(errs) => reserve_page(&st, &auth, id, Refused::Review(f), errs).await,
    }
}

// ---------------------------------------------------------------------------------------
// 后备目标: each village's pool against its target.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PoolsQuery {
    org: String,
    short: String,
    page: String,
}

impl PoolsQuery {
    /// The level, filter and page a form names to come back to.
    pub(super) fn from_level(org: &str, short: &str, page: &str) -> Self {
        PoolsQuery {
            org: org.into(),
            short: short.into(),
            page: page.into(),
        }
    }

    fn service(&self) -> PoolQuery {
        PoolQuery {
            org: parse_id(&self.org),
            short: flag(&self.short).then_some(true),
            page: parse_id(&self.page),
        }
    }
}

/// A village's target refused on the targets' list, to show again on its line.
pub(super) enum PoolsRefused {
    None,
    /// The village with this id, with the target typed.
    Target(i64, String),
}

/// A village's line.
pub struct PoolRow {
    org_id: i64,
    name: String,
    target: i64,
    own_target: bool,
    in_pool: i64,
    shortfall: i64,
    /// The target the line's form shows: the village's own (empty for the default), or as
    /// typed when refused.
    typed: String,
    error: String,
}

#[derive(Template)]
#[template(path = "cadres_pools.html")]
struct PoolsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<PoolRow>,
    total: i64,
    target_sum: i64,
    in_pool_sum: i64,
    villages_short: i64,
    default_target: i64,
    may_set_targets: bool,
    short: bool,
    page: i64,
    pager: Pager,
    export_href: String,
    errors: FormErrors,
}

pub(super) async fn pools_page(
    st: &AppState,
    auth: &Auth,
    q: &PoolsQuery,
    refused: PoolsRefused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let p = st.app.reserve_pools(a, &q.service()).await?;
    let errors = FormErrors(errors);
    let mut rows: Vec<PoolRow> = p
        .items
        .iter()
        .map(|x| PoolRow {
            org_id: x.org_id,
            name: x.name.clone(),
            target: x.target,
            own_target: x.own_target,
            in_pool: x.in_pool,
            shortfall: x.shortfall,
            typed: if x.own_target {
                x.target.to_string()
            } else {
                String::new()
            },
            error: String::new(),
        })
        .collect();
    let mut shown_beside = false;
    if let PoolsRefused::Target(id, typed) = refused
        && let Some(row) = rows.iter_mut().find(|r| r.org_id == id)
    {
        row.typed = typed;
        row.error = errors
            .0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("；");
        shown_beside = true;
    }
    let short = flag(&q.short);
    let filters = [
        ("org", p.org_id.to_string()),
        ("short", if short { "1" } else { "" }.to_string()),
    ];
    let status = errors.status();
    let page = PoolsPage {
        l: Layout::new(a, &auth.csrf, "后备力量目标", NAV).about(p.org_name.clone()),
        tabs: tabs(Some(p.org_id), "pools"),
        org_id: p.org_id,
        org_name: p.org_name.clone(),
        rows,
        total: p.total,
        target_sum: p.target_sum,
        in_pool_sum: p.in_pool_sum,
        villages_short: p.villages_short,
        default_target: p.default_target,
        may_set_targets: p.may_set_targets,
        short,
        page: p.page,
        pager: Pager::new(&filters, p.page, p.per_page.max(1), p.total),
        export_href: url("/cadres/reserve-pools/export.xlsx", &filters, ""),
        errors: if shown_beside {
            FormErrors::default()
        } else {
            errors
        },
    };
    Ok(render_with(status, &page))
}

/// Each village's pool against its target: `?org=&short=&page=`.
pub async fn pools(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PoolsQuery>,
) -> PageResult<Response> {
    pools_page(&st, &auth, &q, PoolsRefused::None, Vec::new()).await
}

/// Every village of the targets' list.
async fn all_pools(st: &AppState, auth: &Auth, q: &PoolsQuery) -> PageResult<PoolList> {
    Ok(st.app.all_reserve_pools(&auth.actor, &q.service()).await?)
}

fn pools_book(p: &PoolList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "后备力量目标".into(),
        title: format!(
            "{} 村(社区)后备力量目标（目标合计 {} 人，在库 {} 人，未达标 {} 个村(社区)，默认目标 {} 人）",
            p.org_name, p.target_sum, p.in_pool_sum, p.villages_short, p.default_target
        ),
        headers: headers(&["村(社区)", "目标", "目标来源", "在库", "缺口"]),
        rows: p
            .items
            .iter()
            .map(|x| {
                vec![
                    Cell::Text(x.name.clone()),
                    Cell::Int(x.target),
                    Cell::Text(
                        if x.own_target {
                            "本村设定"
                        } else {
                            "默认"
                        }
                        .into(),
                    ),
                    Cell::Int(x.in_pool),
                    Cell::Int(x.shortfall),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("后备力量目标-{}.xlsx", p.org_name))
}

/// The targets' list as xlsx: `?org=&short=`.
pub async fn pools_export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PoolsQuery>,
) -> PageResult<Response> {
    let p = all_pools(&st, &auth, &q).await?;
    st.app
        .audit_export(&auth.actor, "后备力量目标", p.org_id, p.items.len(), None)
        .await?;
    Ok(pools_book(&p)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_name_a_source_or_a_state_or_nothing() {
        let q = ListQuery {
            source: "本土人才".into(),
            state: "elected".into(),
            ..ListQuery::default()
        };
        assert_eq!(q.source().as_deref(), Some("local_talent"));
        assert_eq!(q.state().as_deref(), Some("elected"));
        let garbled = ListQuery {
            source: "外星人".into(),
            state: "gone".into(),
            ..ListQuery::default()
        };
        assert_eq!(garbled.source(), None);
        assert_eq!(garbled.state(), None);
        let pool = ListQuery {
            state: "pool".into(),
            ..ListQuery::default()
        };
        assert_eq!(pool.state().as_deref(), Some("pool"));
    }

    #[test]
    fn reviews_run_from_the_year_of_joining() {
        let now = this_year();
        let y = review_years(&format!("{}-05-01", now - 2), "");
        assert_eq!(y.len(), 3);
        assert_eq!(
            y.iter()
                .filter(|c| c.selected)
                .map(|c| c.value.clone())
                .collect::<Vec<_>>(),
            [(now - 1).to_string()]
        );
        let joined_now = review_years(&format!("{now}-01-02"), "");
        assert_eq!(joined_now.len(), 1);
        assert!(joined_now[0].selected);
    }
}
