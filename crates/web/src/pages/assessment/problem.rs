//! 问题台账 pages: a level's ledger with its filters and 办结率, a problem logged outside a
//! visit, one problem with its five facts and its clock counted in working days, and the moves
//! open to the reader (accept or refuse, reply, close with the reporter's feedback).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::assessment::problem::{ProblemAction, ProblemSource, ProblemState};
use dangjian_domain::{FieldError, date};
use dangjian_service::assessment::contact::{
    ClosingRates, ProblemInput, ProblemQuery, ProblemView, RateLine,
};
use dangjian_service::assessment::policy;
use dangjian_service::today;
use serde::Deserialize;

use super::red_flag::award_choices;
use super::{NAV, Tab, past_years, tabs};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::request::public::{Pick, PickGroup};
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager};

/// Characters of a problem's content a table shows; the problem's page shows it whole.
const CONTENT_CHARS: usize = 60;

fn this_year() -> i64 {
    i64::from(today().year())
}

/// A form's checkbox, ticked.
pub(crate) fn ticked(value: &str) -> bool {
    matches!(value.trim(), "true" | "on" | "1")
}

/// Tenths of a percent as the eye reads them: "87.5%", or a dash when nothing was due.
pub(crate) fn permille_text(p: Option<i64>) -> String {
    match p {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".into(),
    }
}

/// A long text cut for a table's cell.
pub(crate) fn excerpt(text: &str, chars: usize) -> String {
    if text.chars().count() > chars {
        let cut: String = text.chars().take(chars).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

pub(crate) fn source_label(code: &str) -> &'static str {
    ProblemSource::parse(code).map_or("—", ProblemSource::label)
}

/// The step a problem waits on and that step's last working day: empty when it waits on
/// nothing (refused or closed).
pub(crate) fn waiting(
    p: &dangjian_service::assessment::contact::Problem,
) -> (&'static str, String) {
    match ProblemState::parse(&p.state) {
        Some(ProblemState::Logged) => ("受理", p.accept_due.clone()),
        Some(ProblemState::Accepted) => ("答复", p.reply_due.clone().unwrap_or_default()),
        Some(ProblemState::Replied) => ("反馈", p.feedback_due.clone().unwrap_or_default()),
        _ => ("", String::new()),
    }
}

/// Still open on the ledger (neither refused nor closed).
fn is_open(state: &str) -> bool {
    matches!(
        ProblemState::parse(state),
        Some(ProblemState::Logged | ProblemState::Accepted | ProblemState::Replied)
    )
}

/// A problem's line in a table (the ledger, a contact point's problems).
pub struct ProblemLine {
    pub(crate) id: i64,
    pub(crate) no: String,
    pub(crate) source: &'static str,
    pub(crate) org_name: String,
    pub(crate) leader: String,
    pub(crate) content: String,
    pub(crate) unit: String,
    pub(crate) deadline: String,
    /// Open past its deadline (办结时限).
    pub(crate) past_deadline: bool,
    pub(crate) joint: bool,
    pub(crate) state: String,
    pub(crate) state_label: String,
    /// The step it waits on (受理, 答复, 反馈) and that step's due day.
    pub(crate) step: &'static str,
    pub(crate) due: String,
    /// The step it waits on is past its due day.
    pub(crate) overdue: bool,
}

pub(crate) fn problem_line(v: &ProblemView) -> ProblemLine {
    let p = &v.problem;
    let (step, due) = waiting(p);
    ProblemLine {
        id: p.id,
        no: p.no.clone(),
        source: source_label(&p.source),
        org_name: p.org_name.clone(),
        leader: p.leader_name.clone().unwrap_or_default(),
        content: excerpt(&p.content, CONTENT_CHARS),
        unit: p.unit.clone(),
        deadline: p.deadline.clone(),
        past_deadline: is_open(&p.state) && p.deadline < date::format(today()),
        joint: p.joint,
        state: p.state.clone(),
        state_label: v.state_label.clone(),
        step,
        due,
        overdue: v.overdue,
    }
}

/// 办结率 of a group as a table's line.
pub struct RateRow {
    name: String,
    due: i64,
    on_time: i64,
    late: i64,
    open: i64,
    on_time_rate: String,
    closed_rate: String,
    /// Less than all due closed on time.
    short: bool,
}

fn rate_row(r: &RateLine) -> RateRow {
    RateRow {
        name: r.name.clone(),
        due: r.rate.due,
        on_time: r.rate.on_time,
        late: r.rate.late,
        open: (r.rate.due - r.rate.on_time - r.rate.late).max(0),
        on_time_rate: permille_text(r.on_time_permille),
        closed_rate: permille_text(r.closed_permille),
        short: r.on_time_permille.is_some_and(|p| p < 1000),
    }
}

// ---------------------------------------------------------------------------------------
// The ledger.

/// The ledger's filters as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LedgerForm {
    org: String,
    state: String,
    year: String,
    joint: String,
    page: String,
}

impl LedgerForm {
    fn query(&self) -> ProblemQuery {
        ProblemQuery {
            org: parse_id(&self.org),
            point: None,
            enterprise: None,
            state: self.state.trim().to_string(),
            year: parse_id(&self.year),
            joint: ticked(&self.joint),
            page: parse_id(&self.page),
        }
    }
}

/// The form of a problem logged outside a visit, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProblemForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    source: String,
    request_id: String,
    content: String,
    unit: String,
    standard: String,
    measures: String,
    deadline: String,
    joint: String,
}

#[derive(Template)]
#[template(path = "problems.html")]
struct LedgerPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    items: Vec<ProblemLine>,
    total: i64,
    pager: Pager,
    states: Vec<Choice>,
    years: Vec<i64>,
    /// The year filtered on; 0 for every year.
    year: i64,
    joint: bool,
    /// The filters as a query string, for the export.
    export_query: String,
    rates_year: i64,
    rates: RateRow,
    may_log: bool,
    /// The organizations a problem may be logged at (named `communities` for the shared
    /// picker's options).
    communities: Vec<PickGroup>,
    sources: Vec<Choice>,
    typed: ProblemForm,
    today: String,
    errors: FormErrors,
}

/// The reader's own level first, then the grassroots organizations below it by town.
async fn org_choices(
    st: &AppState,
    auth: &Auth,
    chosen: Option<i64>,
) -> PageResult<Vec<PickGroup>> {
    let home = st.app.home_org(&auth.actor).await?;
    let chosen: Vec<i64> = chosen.into_iter().collect();
    let mut groups = award_choices(st, auth, &chosen).await?;
    groups.insert(
        0,
        PickGroup {
            label: "本级".into(),
            picks: vec![Pick {
                selected: chosen.contains(&home.id),
                id: home.id,
                name: home.name,
            }],
        },
    );
    Ok(groups)
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    s.finish()
}

async fn ledger_page(
    st: &AppState,
    auth: &Auth,
    f: &LedgerForm,
    typed: ProblemForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match parse_id(&f.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let mut q = f.query();
    q.org = Some(o.id);
    // A garbled state filter shows the whole ledger rather than an error page.
    if ProblemState::parse(&q.state).is_none() {
        q.state.clear();
    }
    let page = st.app.problems(a, &q).await?;
    let rates_year = q.year.unwrap_or_else(this_year);
    let rates = st.app.closing_rates(a, Some(o.id), rates_year).await?;
    let may_log = policy::may_handle_problem(a, &o.path);
    let communities = if may_log {
        org_choices(st, auth, parse_id(&typed.org_id)).await?
    } else {
        Vec::new()
    };
    let filters = [
        ("org", o.id.to_string()),
        ("state", q.state.clone()),
        ("year", q.year.map(|y| y.to_string()).unwrap_or_default()),
        (
            "joint",
            if q.joint {
                "true".into()
            } else {
                String::new()
            },
        ),
    ];
    let mut states = vec![Choice {
        value: String::new(),
        label: "全部状态".into(),
        selected: q.state.is_empty(),
    }];
    states.extend(crate::view::choices(
        ProblemState::ALL,
        ProblemState::as_str,
        ProblemState::label,
        ProblemState::parse(&q.state).map_or("", ProblemState::as_str),
    ));
    let typed_source = if typed.source.is_empty() {
        ProblemSource::Other.as_str().to_string()
    } else {
        typed.source.clone()
    };
    // Problems found on a visit are logged with the visit, on the contact point's page.
    let sources = ProblemSource::ALL
        .iter()
        .filter(|s| **s != ProblemSource::Contact)
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.label().into(),
            selected: s.as_str() == typed_source,
        })
        .collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &LedgerPage {
            l: Layout::new(a, &auth.csrf, "问题台账", NAV)
                .about(o.name.clone())
                .period(
                    q.year
                        .map_or_else(|| "全部年度".into(), |y| format!("{y}年度")),
                ),
            tabs: tabs(Some(o.id), "problems"),
            org_id: o.id,
            org_name: o.name,
            items: page.items.iter().map(problem_line).collect(),
            total: page.total,
            pager: Pager::new(&filters, page.page, page.per_page, page.total),
            states,
            years: past_years(q.year.unwrap_or_else(this_year)),
            year: q.year.unwrap_or(0),
            joint: q.joint,
            export_query: query_string(&filters),
            rates_year,
            rates: rate_row(&rates.total),
            may_log,
            communities,
            sources,
            typed,
            today: date::format(today()),
            errors,
        },
    ))
}

/// A level's ledger: `?org=&state=&year=&joint=&page=` (default: the reader's level, every
/// year).
pub async fn ledger(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<LedgerForm>,
) -> PageResult<Response> {
    ledger_page(
        &st,
        &auth,
        &f,
        ProblemForm::default(),
        FormErrors::default(),
    )
    .await
}

/// A problem logged outside a visit: from a resident's request, an enterprise or elsewhere.
pub async fn log(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<ProblemForm>,
) -> PageResult<Response> {
    let mut errs = Vec::new();
    let request_id = match f.request_id.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errs.push(FieldError::new(
                    "request_id",
                    "invalid_number",
                    "诉求序号应为正整数".to_string(),
                ));
                None
            }
        },
    };
    let outcome = if errs.is_empty() {
        let input = ProblemInput {
            org_id: parse_id(&f.org_id),
            point_id: None,
            source: f.source.trim().to_string(),
            request_id,
            enterprise_id: None,
            content: f.content.clone(),
            unit: f.unit.clone(),
            standard: f.standard.clone(),
            measures: f.measures.clone(),
            deadline: f.deadline.trim().to_string(),
            joint: ticked(&f.joint),
        };
        st.app.log_problem(&auth.actor, &input).await.or_form()?
    } else {
        Err(errs)
    };
    match outcome {
        Ok(v) => Ok(Redirect::to(&format!("/problems/{}", v.problem.id)).into_response()),
        Err(errs) => {
            let back = LedgerForm {
                org: f.org.clone(),
                ..LedgerForm::default()
            };
            ledger_page(&st, &auth, &back, f, FormErrors(errs)).await
        }
    }
}

/// The ledger for a filter as xlsx, every page of it: `?org=&state=&year=&joint=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<LedgerForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match parse_id(&f.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let mut q = f.query();
    q.org = Some(o.id);
    let items = st.app.export_problems(a, &q).await?.items;
    st.app
        .audit_export(a, "问题台账", o.id, items.len(), None)
        .await?;
    Ok(crate::export::problems(
        &o.name,
        &crate::documents::problem_selection(&q),
        &items,
    )?)
}

/// The ledger for a filter as a printed PDF: `?org=&state=&year=&joint=`.
pub async fn ledger_pdf(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<LedgerForm>,
) -> PageResult<Response> {
    let q = f.query();
    let b = st.app.problem_book(&auth.actor, &q).await?;
    Ok(crate::documents::problem_ledger(&b, &q).await?)
}

// ---------------------------------------------------------------------------------------
// 办结率.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RatesForm {
    org: String,
    year: String,
}

#[derive(Template)]
#[template(path = "problem_rates.html")]
struct RatesPage {
    l: Layout,
    tabs: Vec<Tab>,
    r: ClosingRates,
    years: Vec<i64>,
    total: RateRow,
    groups: Vec<RateGroup>,
}

/// 办结率 by one grouping: per leader, per unit, per child.
pub struct RateGroup {
    title: &'static str,
    id: &'static str,
    rows: Vec<RateRow>,
}

/// 办结率 of a level for the problems logged in a year: in all, per leader, per responsible
/// unit and per child: `?org=&year=`.
pub async fn rates(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<RatesForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let year = parse_id(&f.year).unwrap_or_else(this_year);
    let r = st.app.closing_rates(a, parse_id(&f.org), year).await?;
    let group = |title, id, lines: &[RateLine]| RateGroup {
        title,
        id,
        rows: lines.iter().map(rate_row).collect(),
    };
    Ok(render(&RatesPage {
        l: Layout::new(a, &auth.csrf, "问题办结率", NAV)
            .about(r.org_name.clone())
            .period(format!("{year}年度")),
        tabs: tabs(Some(r.org_id), "problems"),
        years: past_years(year),
        total: rate_row(&r.total),
        groups: vec![
            group("按联系领导", "rates-leader", &r.by_leader),
            group("按责任单位", "rates-unit", &r.by_unit),
            group("按下级组织", "rates-child", &r.by_child),
        ],
        r,
    }))
}

// ---------------------------------------------------------------------------------------
// One problem.

/// A step of the clock: when it was due and when it was done.
pub struct ClockLine {
    step: &'static str,
    due: String,
    done: String,
    /// done on time, done late, overdue, waiting, or empty (not reached).
    status: &'static str,
}

/// A move the reader may make, as a form.
pub struct ActionForm {
    action: &'static str,
    button: &'static str,
    /// What the note says (the reason, the reply, the feedback); none for accepting.
    note_label: Option<&'static str>,
    confirm: String,
    /// The note typed for a refused move of this action.
    typed: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    l: Layout,
    tabs: Vec<Tab>,
    v: ProblemView,
    source: &'static str,
    line: ProblemLine,
    clock: Vec<ClockLine>,
    actions: Vec<ActionForm>,
    refused: bool,
    errors: FormErrors,
}

fn step_status(due: &str, done: &str, waiting_here: bool, overdue: bool) -> &'static str {
    if !done.is_empty() {
        if !due.is_empty() && done > due {
            "late"
        } else {
            "on_time"
        }
    } else if waiting_here {
        if overdue { "overdue" } else { "waiting" }
    } else {
        ""
    }
}

fn clock(v: &ProblemView) -> Vec<ClockLine> {
    let p = &v.problem;
    let state = ProblemState::parse(&p.state);
    let refused = state == Some(ProblemState::Refused);
    let accepted_or_refused = if refused {
        p.closed_on.clone().unwrap_or_default()
    } else {
        p.accepted_on.clone().unwrap_or_default()
    };
    let closed = if state == Some(ProblemState::Closed) {
        p.closed_on.clone().unwrap_or_default()
    } else {
        String::new()
    };
    let replied = p.replied_on.clone().unwrap_or_default();
    let reply_due = p.reply_due.clone().unwrap_or_default();
    let feedback_due = p.feedback_due.clone().unwrap_or_default();
    vec![
        ClockLine {
            step: "登记",
            due: String::new(),
            done: p.logged_on.clone(),
            status: "on_time",
        },
        ClockLine {
            step: if refused { "不予受理" } else { "受理" },
            status: step_status(
                &p.accept_due,
                &accepted_or_refused,
                state == Some(ProblemState::Logged),
                v.overdue,
            ),
            due: p.accept_due.clone(),
            done: accepted_or_refused,
        },
        ClockLine {
            step: "答复",
            status: step_status(
                &reply_due,
                &replied,
                state == Some(ProblemState::Accepted),
                v.overdue,
            ),
            due: reply_due,
            done: replied,
        },
        ClockLine {
            step: "反馈办结",
            status: step_status(
                &feedback_due,
                &closed,
                state == Some(ProblemState::Replied),
                v.overdue,
            ),
            due: feedback_due,
            done: closed,
        },
    ]
}

fn action_forms(
    v: &ProblemView,
    refused: Option<(&str, &str)>,
    errors: &FormErrors,
) -> Vec<ActionForm> {
    let no = &v.problem.no;
    v.actions
        .iter()
        .filter_map(|a| ProblemAction::parse(a))
        .map(|a| {
            let this = refused.is_some_and(|(r, _)| r == a.as_str());
            ActionForm {
                action: a.as_str(),
                button: a.label(),
                note_label: a.text_label(),
                confirm: match a {
                    ProblemAction::Accept => String::new(),
                    ProblemAction::Refuse => {
                        format!("确定对问题 {no} 不予受理？不予受理后不能恢复。")
                    }
                    ProblemAction::Reply => format!("确定提交问题 {no} 的答复？"),
                    ProblemAction::Close => {
                        format!("确定登记反映人的反馈并办结问题 {no}？办结后不能撤回。")
                    }
                },
                typed: if this {
                    refused.map(|(_, n)| n.to_string()).unwrap_or_default()
                } else {
                    String::new()
                },
                error: if this {
                    errors
                        .get("note")
                        .or_else(|| errors.get("action"))
                        .map(str::to_string)
                } else {
                    None
                },
            }
        })
        .collect()
}

async fn problem_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Option<(&str, &str)>,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.problem(a, id).await?;
    let status = errors.status();
    Ok(render_with(
        status,
        &ProblemPage {
            l: Layout::new(a, &auth.csrf, format!("问题 {}", v.problem.no), NAV)
                .about(v.problem.org_name.clone()),
            tabs: tabs(None, "problems"),
            source: source_label(&v.problem.source),
            line: problem_line(&v),
            clock: clock(&v),
            actions: action_forms(&v, refused, &errors),
            refused: v.problem.state == ProblemState::Refused.as_str(),
            v,
            errors,
        },
    ))
}

/// A problem: its five facts, its clock and the moves open to the reader.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    problem_page(&st, &auth, id, None, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    action: String,
    note: String,
}

/// One move: accept, refuse with the reason, reply, close with the reporter's feedback.
pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ActForm>,
) -> PageResult<Response> {
    match st
        .app
        .act_on_problem(&auth.actor, id, &f.action, &f.note)
        .await
        .or_form()?
    {
        Ok(v) => Ok(Redirect::to(&format!("/problems/{}#clock", v.problem.id)).into_response()),
        Err(errs) => {
            problem_page(
                &st,
                &auth,
                id,
                Some((f.action.trim(), f.note.as_str())),
                FormErrors(errs),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_texts_read_at_a_glance() {
        assert_eq!(permille_text(Some(875)), "87.5%");
        assert_eq!(permille_text(Some(1000)), "100.0%");
        assert_eq!(permille_text(None), "—");
        assert_eq!(excerpt("村道路灯损坏", 3), "村道路…");
        assert_eq!(excerpt("路灯", 3), "路灯");
        assert!(ticked("true") && ticked("on") && !ticked(""));
        assert_eq!(source_label("request"), "群众诉求");
        assert_eq!(
            step_status("2026-05-07", "2026-05-08", false, false),
            "late"
        );
        assert_eq!(
            step_status("2026-05-07", "2026-05-07", false, false),
            "on_time"
        );
        assert_eq!(step_status("2026-05-07", "", true, true), "overdue");
        assert_eq!(step_status("", "", false, false), "");
    }
}
