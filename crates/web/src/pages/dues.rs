//! 党费 pages: a branch's monthly ledger with batch recording, arrears and lapse lists of any
//! subtree, reductions to approve, and one member's standard, base and payments.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::bands::Category;
use dangjian_domain::dues::{PayMethod, fen_to_yuan};
use dangjian_domain::org::OrgKind;
use dangjian_domain::path;
use dangjian_service::ServiceError;
use dangjian_service::dues::{self, Reduction};
use dangjian_service::dues::{ArrearsLine, LapseLine, Ledger, MemberDues, PayInput};
use dangjian_service::members::Member;
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::export::ledger_state;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, choices};

/// Lists longer than this show their first rows; the export has them all.
const SHOWN: usize = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DuesQuery {
    org: String,
    month: String,
}

pub struct LineView {
    member_id: i64,
    name: String,
    category: &'static str,
    base: String,
    due: String,
    state: &'static str,
    state_code: &'static str,
    paid: String,
    paid_on: String,
    method: &'static str,
}

pub struct ReductionView {
    id: i64,
    member_id: i64,
    member_name: String,
    span: String,
    monthly: String,
    reason: String,
    state: &'static str,
    can_decide: bool,
}

#[derive(Template)]
#[template(path = "dues.html")]
struct DuesPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    month: String,
    is_branch: bool,
    lines: Vec<LineView>,
    totals: String,
    can_edit: bool,
    arrears: Vec<ArrearsLine>,
    arrears_total: usize,
    /// Above a branch: the collection of the month, the org's own total first.
    children: Vec<ChildDuesView>,
    reductions: Vec<ReductionView>,
    methods: Vec<Choice>,
    errors: FormErrors,
}

impl DuesPage {
    /// The year of the month shown, whose book the page offers.
    fn book_year(&self) -> &str {
        self.month.get(..4).unwrap_or_default()
    }
}

fn yuan(f: Option<i64>) -> String {
    f.map(fen_to_yuan).unwrap_or_default()
}

fn category_label(code: &str) -> &'static str {
    Category::parse(code).map_or("", Category::label)
}

fn reduction_state(s: &str) -> &'static str {
    match s {
        "proposed" => "待审批",
        "approved" => "已批准",
        _ => "未批准",
    }
}

fn reduction_views(rows: Vec<Reduction>) -> Vec<ReductionView> {
    rows.into_iter()
        .map(|Reduction { row: r, can_decide }| ReductionView {
            id: r.id,
            member_id: r.member_id,
            can_decide,
            member_name: r.member_name,
            span: format!("{} 至 {}", r.from_month, r.to_month),
            monthly: fen_to_yuan(r.monthly_fen),
            reason: r.reason,
            state: reduction_state(&r.state),
        })
        .collect()
}

fn line_views(l: &Ledger) -> Vec<LineView> {
    l.lines
        .iter()
        .map(|x| {
            let p = x.row.payment.as_ref();
            LineView {
                member_id: x.row.member_id,
                name: x.row.name.clone(),
                category: category_label(&x.row.category),
                base: yuan(x.row.base_fen),
                due: yuan(x.due_fen),
                state: ledger_state(x.state),
                state_code: x.state,
                paid: yuan(p.map(|p| p.paid_fen)),
                paid_on: p.map_or_else(String::new, |p| p.paid_on.clone()),
                method: p
                    .and_then(|p| PayMethod::parse(&p.method))
                    .map_or("", PayMethod::label),
            }
        })
        .collect()
}

pub struct ChildDuesView {
    org_id: i64,
    name: String,
    members: i64,
    payers: i64,
    rate: String,
    paid: String,
    arrears: usize,
}

/// Each child's collection with the members of it in arrears (counted from the whole list,
/// in one pass: each line goes to the child its branch's path passes through). The first
/// row is the org's own total.
fn child_views(rows: Vec<dues::ChildDues>, arrears: &[ArrearsLine]) -> Vec<ChildDuesView> {
    let depth = rows.first().map_or(0, |t| path::ids(&t.org.path).len());
    let mut by_child: HashMap<i64, usize> = HashMap::new();
    for a in arrears {
        if let Some(child) = path::ids(&a.row.org_path).get(depth) {
            *by_child.entry(*child).or_default() += 1;
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, c)| ChildDuesView {
            arrears: if i == 0 {
                arrears.len()
            } else {
                by_child.get(&c.org.id).copied().unwrap_or(0)
            },
            org_id: c.org.id,
            name: c.org.name,
            members: c.members,
            payers: c.payers,
            rate: super::life::percent(c.rate),
            paid: fen_to_yuan(c.paid_fen),
        })
        .collect()
}

async fn dues_page(
    st: &AppState,
    auth: &Auth,
    q: &DuesQuery,
    form_method: &str,
    errors: FormErrors,
) -> PageResult<Response> {
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(&auth.actor, id).await?,
        None => st.app.home_org(&auth.actor).await?,
    };
    let is_branch = OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members);
    let (lines, totals, month) = if is_branch {
        let l = st
            .app
            .dues_ledger(&auth.actor, o.id, Some(&q.month))
            .await?;
        let totals = format!(
            "应交 {} 元，已交 {} 元；已交 {} 人，未交 {} 人",
            fen_to_yuan(l.due_fen),
            fen_to_yuan(l.paid_fen),
            l.paid_count,
            l.unpaid_count
        );
        (line_views(&l), totals, l.month)
    } else {
        (Vec::new(), String::new(), q.month.clone())
    };
    let mut arrears = st.app.dues_arrears(&auth.actor, o.id).await?;
    let arrears_total = arrears.len();
    let children = if is_branch {
        Vec::new()
    } else {
        child_views(
            st.app
                .dues_by_child(&auth.actor, o.id, Some(&month))
                .await?,
            &arrears,
        )
    };
    arrears.truncate(SHOWN);
    let reductions = reduction_views(st.app.dues_reductions(&auth.actor, o.id).await?);
    let status = errors.status();
    Ok(render_with(
        status,
        &DuesPage {
            l: Layout::new(&auth.actor, &auth.csrf, "党费", "dues")
                .about(st.app.org_title(&auth.actor, &o).await?)
                .period(month.clone()),
            org_id: o.id,
            org_name: o.name.clone(),
            month,
            is_branch,
            lines,
            totals,
            can_edit: dues::policy::can_record(&auth.actor, &o.path),
            arrears,
            arrears_total,
            children,
            reductions,
            methods: choices(
                PayMethod::ALL,
                PayMethod::as_str,
                PayMethod::label,
                form_method,
            ),
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DuesQuery>,
) -> PageResult<Response> {
    // A plain member's 党费 is their own (a branch asked for by id is refused below).
    if let (true, Some(me), true) = (
        auth.actor.member_home(),
        auth.actor.member_id,
        q.org.is_empty(),
    ) {
        return Ok(Redirect::to(&format!("/members/{me}/dues")).into_response());
    }
    dues_page(&st, &auth, &q, "", FormErrors::default()).await
}

/// The ledger's batch form: `pay` once per ticked member, with the date and the method.
pub async fn pay_batch(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DuesQuery>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut input = PayInput::default();
    let mut ids = Vec::new();
    for (k, v) in fields {
        match k.as_str() {
            "pay" => ids.extend(parse_id(&v)),
            "paid_on" => input.paid_on = v,
            "method" => input.method = v,
            _ => {}
        }
    }
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    match st
        .app
        .pay_dues_batch(&auth.actor, org, &q.month, &ids, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/dues?org={org}&month={}", q.month)).into_response()),
        Err(errs) => dues_page(&st, &auth, &q, &input.method, FormErrors(errs)).await,
    }
}

pub async fn ledger_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DuesQuery>,
) -> PageResult<Response> {
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    let l = st.app.dues_ledger(&auth.actor, org, Some(&q.month)).await?;
    st.app
        .audit_export(&auth.actor, "党费台账", l.org_id, l.lines.len(), None)
        .await?;
    Ok(crate::export::ledger(&l)?)
}

/// 党费收缴台账 of a branch and year as PDF: `?org=&year=`.
pub async fn book_pdf(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<dangjian_service::book::BookQuery>,
) -> PageResult<Response> {
    let b = st.app.dues_book(&auth.actor, &q).await?;
    Ok(crate::documents::dues_book(&b).await?)
}

pub async fn arrears_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DuesQuery>,
) -> PageResult<Response> {
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(&auth.actor, id).await?,
        None => st.app.home_org(&auth.actor).await?,
    };
    let lines = st.app.dues_arrears(&auth.actor, o.id).await?;
    st.app
        .audit_export(&auth.actor, "党费欠缴名单", o.id, lines.len(), None)
        .await?;
    Ok(crate::export::arrears(&o.name, &lines)?)
}

#[derive(Template)]
#[template(path = "dues_lapses.html")]
struct LapsesPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    lines: Vec<LapseLine>,
}

pub async fn lapses(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DuesQuery>,
) -> PageResult<Response> {
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(&auth.actor, id).await?,
        None => st.app.home_org(&auth.actor).await?,
    };
    let lines = st.app.dues_lapses(&auth.actor, o.id).await?;
    Ok(render(&LapsesPage {
        l: Layout::new(&auth.actor, &auth.csrf, "失联预警", "dues"),
        org_id: o.id,
        org_name: o.name,
        lines,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    decision: String,
    note: String,
    back: String,
}

pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DecideForm>,
) -> PageResult<Response> {
    st.app
        .decide_reduction(&auth.actor, id, f.decision == "approve", &f.note)
        .await?;
    let back = parse_id(&f.back).unwrap_or(auth.actor.scope_org_id);
    Ok(Redirect::to(&format!("/dues?org={back}")).into_response())
}

#[derive(Template)]
#[template(path = "member_dues.html")]
struct MemberDuesPage {
    l: Layout,
    m: Member,
    d: MemberDues,
    category: &'static str,
    base: String,
    standard: String,
    due: String,
    payments: Vec<(String, String, String, String, &'static str)>,
    bases: Vec<(String, String)>,
    can_edit: bool,
    /// The branch's ledger is open to the reader (not to a member's own account).
    reads_ledger: bool,
    methods: Vec<Choice>,
    form: MemberDuesForm,
    this_month: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MemberDuesForm {
    from_month: String,
    to_month: String,
    base: String,
    paid_on: String,
    method: String,
    amount: String,
    reason: String,
}

async fn member_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    form: MemberDuesForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let m = st.app.member(&auth.actor, id).await?;
    let d = st.app.member_dues(&auth.actor, id).await?;
    let status = errors.status();
    Ok(render_with(
        status,
        &MemberDuesPage {
            l: Layout::new(
                &auth.actor,
                &auth.csrf,
                format!("{} · 党费", m.name),
                "dues",
            ),
            can_edit: dues::policy::can_record(&auth.actor, &m.org_path),
            reads_ledger: dues::policy::check_read(&auth.actor, &m.org_path).is_ok(),
            category: d.category_label,
            base: yuan(d.base_fen),
            standard: yuan(d.monthly_standard_fen),
            due: yuan(d.due_fen),
            payments: d
                .payments
                .iter()
                .map(|p| {
                    (
                        p.month.clone(),
                        fen_to_yuan(p.due_fen),
                        fen_to_yuan(p.paid_fen),
                        p.paid_on.clone(),
                        PayMethod::parse(&p.method).map_or("", PayMethod::label),
                    )
                })
                .collect(),
            bases: d
                .bases
                .iter()
                .map(|b| (b.from_month.clone(), fen_to_yuan(b.base_fen)))
                .collect(),
            methods: choices(
                PayMethod::ALL,
                PayMethod::as_str,
                PayMethod::label,
                &form.method,
            ),
            this_month: dangjian_domain::life::month_key(dangjian_service::today()),
            m,
            d,
            form,
            errors,
        },
    ))
}

pub async fn member(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    member_page(
        &st,
        &auth,
        id,
        MemberDuesForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn after(
    st: &AppState,
    auth: &Auth,
    id: i64,
    f: MemberDuesForm,
    r: Result<(), ServiceError>,
) -> PageResult<Response> {
    match r.or_form()? {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}/dues")).into_response()),
        Err(errs) => member_page(st, auth, id, f, FormErrors(errs)).await,
    }
}

pub async fn set_base(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberDuesForm>,
) -> PageResult<Response> {
    let r = st
        .app
        .set_dues_base(&auth.actor, id, &f.from_month, &f.base)
        .await
        .map(|_| ());
    after(&st, &auth, id, f, r).await
}

pub async fn pay(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberDuesForm>,
) -> PageResult<Response> {
    let input = PayInput {
        from_month: f.from_month.clone(),
        to_month: f.to_month.clone(),
        paid_on: f.paid_on.clone(),
        method: f.method.clone(),
        amount: f.amount.clone(),
    };
    let r = st.app.pay_dues(&auth.actor, id, &input).await.map(|_| ());
    after(&st, &auth, id, f, r).await
}

pub async fn propose(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberDuesForm>,
) -> PageResult<Response> {
    let r = st
        .app
        .propose_reduction(
            &auth.actor,
            id,
            &f.from_month,
            &f.to_month,
            &f.amount,
            &f.reason,
        )
        .await
        .map(|_| ());
    after(&st, &auth, id, f, r).await
}
