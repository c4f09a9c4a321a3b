//! 非公企业和社会组织 pages: the register below a level with the two coverages of the level
//! and of each child, filtered by kind, setup, operating and the uncovered, 50 a page, with the
//! form that registers a unit, the page that edits one, and the list as xlsx. What the caller
//! may do comes from the read models (`may_keep`); the pages never decide it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::enterprises::coverage::EnterpriseCoverage;
use dangjian_domain::enterprises::{OrgSetup, Size, UnitKind};
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::enterprises::register::{
    CoverageQuery, Enterprise, EnterpriseInput, EnterpriseList, EnterpriseQuery,
};
use serde::Deserialize;

use super::cadres::{flag, org_choices, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

pub(super) mod helpers;
pub(super) mod panel;
pub(super) mod unit;

/// The menu entry the pages light.
const NAV: &str = "enterprises";

/// The fields of the form that show their refusals beside them.
const FIELDS: [&str; 13] = [
    "org_id",
    "name",
    "credit_code",
    "kind",
    "industry",
    "size",
    "staff",
    "address",
    "org_setup",
    "party_org_id",
    "members_elsewhere",
    "has_union",
    "has_youth_league",
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    kind: String,
    setup: String,
    operating: String,
    uncovered: String,
    q: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> EnterpriseQuery {
        EnterpriseQuery {
            org: parse_id(&self.org),
            kind: typed(&self.kind)
                .and_then(|k| UnitKind::parse(&k))
                .map(|k| k.as_str().to_string()),
            setup: typed(&self.setup)
                .and_then(|s| OrgSetup::parse(&s))
                .map(|s| s.as_str().to_string()),
            operating: match self.operating.trim() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            uncovered: flag(&self.uncovered).then_some(true),
            q: typed(&self.q),
            page: parse_id(&self.page),
        }
    }
}

/// A unit as typed into the form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UnitForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    name: String,
    credit_code: String,
    kind: String,
    industry: String,
    size: String,
    staff: String,
    address: String,
    operating: String,
    org_setup: String,
    party_org_code: String,
    members_elsewhere: String,
    has_union: String,
    has_youth_league: String,
}

impl UnitForm {
    fn of(e: &Enterprise) -> Self {
        UnitForm {
            org: String::new(),
            org_id: e.org_id.to_string(),
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            kind: e.kind.clone(),
            industry: e.industry.clone(),
            size: e.size.clone(),
            staff: e.staff.to_string(),
            address: e.address.clone(),
            operating: if e.operating { "1" } else { "0" }.into(),
            org_setup: e.org_setup.clone(),
            party_org_code: e.party_org_code.clone().unwrap_or_default(),
            members_elsewhere: e.members_elsewhere.to_string(),
            has_union: if e.has_union { "1" } else { "" }.into(),
            has_youth_league: if e.has_youth_league { "1" } else { "" }.into(),
        }
    }

    /// The input, or the numbers that are not numbers.
    fn input(&self) -> Result<EnterpriseInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, label: &str, s: &str| -> Option<i64> {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            let n = t.parse::<i64>().ok();
            if n.is_none() {
                errors.push(FieldError::new(
                    field,
                    "invalid",
                    format!("{label}应为整数"),
                ));
            }
            n
        };
        let staff = number("staff", "从业人员数", &self.staff);
        let elsewhere = number(
            "members_elsewhere",
            "组织关系在外的党员数",
            &self.members_elsewhere,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EnterpriseInput {
            org_id: parse_id(&self.org_id).unwrap_or_default(),
            name: self.name.clone(),
            credit_code: self.credit_code.clone(),
            kind: self.kind.clone(),
            industry: self.industry.clone(),
            size: self.size.clone(),
            staff,
            address: self.address.clone(),
            operating: Some(self.operating.trim() != "0"),
            org_setup: self.org_setup.clone(),
            party_org_id: None,
            party_org_code: self.party_org_code.clone(),
            members_elsewhere: elsewhere,
            has_union: flag(&self.has_union),
            has_youth_league: flag(&self.has_youth_league),
        })
    }
}

/// The form's options, as typed.
pub struct FormView {
    form: UnitForm,
    places: Vec<PickGroup>,
    kinds: Vec<Choice>,
    sizes: Vec<Choice>,
    setups: Vec<Choice>,
    industries: Vec<Choice>,
    errors: FormErrors,
    stray: Vec<String>,
}

async fn form_view(
    st: &AppState,
    auth: &Auth,
    level: (i64, &str),
    form: UnitForm,
    errors: Vec<FieldError>,
) -> PageResult<FormView> {
    let rules = st.app.enterprise_rules().await?;
    let places = org_choices(st, auth, level.0, level.1, parse_id(&form.org_id)).await?;
    let code = |parse: fn(&str) -> Option<&'static str>, s: &str| parse(s).unwrap_or("");
    let stray = errors
        .iter()
        .filter(|e| !FIELDS.contains(&e.field))
        .map(|e| e.message.clone())
        .collect();
    Ok(FormView {
        kinds: choices(
            UnitKind::ALL,
            UnitKind::as_str,
            UnitKind::label,
            code(|s| UnitKind::parse(s).map(UnitKind::as_str), &form.kind),
        ),
        sizes: choices(
            Size::ALL,
            Size::as_str,
            Size::label,
            code(|s| Size::parse(s).map(Size::as_str), &form.size),
        ),
        setups: choices(
            OrgSetup::ALL,
            OrgSetup::as_str,
            OrgSetup::label,
            code(
                |s| OrgSetup::parse(s).map(OrgSetup::as_str),
                &form.org_setup,
            ),
        ),
        industries: rules
            .industries
            .iter()
            .map(|i| Choice {
                value: i.clone(),
                label: i.clone(),
                selected: *i == form.industry.trim(),
            })
            .collect(),
        places,
        form,
        errors: FormErrors(errors),
        stray,
    })
}

/// A unit's line.
pub struct UnitRow {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    credit_code: String,
    kind: &'static str,
    industry: String,
    size: &'static str,
    staff: i64,
    operating: bool,
    setup: &'static str,
    party_org: String,
    work: String,
}

/// How party work reaches a unit without an organization, as the list says it.
fn work_text(e: &Enterprise) -> String {
    let mut ways = Vec::new();
    if e.has_union {
        ways.push("工会");
    }
    if e.has_youth_league {
        ways.push("共青团");
    }
    if e.helpers_reach {
        ways.push("指导员或驻厂员");
    }
    if ways.is_empty() {
        "—".into()
    } else {
        ways.join("、")
    }
}

fn unit_row(e: &Enterprise) -> UnitRow {
    UnitRow {
        id: e.id,
        org_id: e.org_id,
        org_name: e.org_name.clone(),
        name: e.name.clone(),
        credit_code: e.credit_code.clone(),
        kind: e.kind_label(),
        industry: e.industry.clone(),
        size: e.size_label(),
        staff: e.staff,
        operating: e.operating,
        setup: e.setup_label(),
        party_org: e.party_org_name.clone().unwrap_or_default(),
        work: work_text(e),
    }
}

/// One line of the coverage table: whose, and the figures as shown.
pub struct CoverageLine {
    org_id: i64,
    name: String,
    operating: i64,
    org: String,
    own: String,
    work: String,
    uncovered: i64,
}

fn coverage_line(org_id: i64, name: &str, c: &EnterpriseCoverage) -> CoverageLine {
    let rate = |p: f64| {
        if c.operating > 0 {
            format!("{p:.1}%")
        } else {
            "—".into()
        }
    };
    CoverageLine {
        org_id,
        name: name.to_string(),
        operating: c.operating,
        org: rate(c.org_percent),
        own: rate(c.own_percent),
        work: rate(c.work_percent),
        uncovered: c.uncovered,
    }
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    /// Enterprises, social organizations and both, for the level.
    totals: Vec<(&'static str, CoverageLine)>,
    children: Vec<CoverageLine>,
    rows: Vec<UnitRow>,
    total: i64,
    pager: Pager,
    q: String,
    kinds: Vec<Choice>,
    setups: Vec<Choice>,
    operating: String,
    uncovered: bool,
    filtered: bool,
    export_href: String,
    may_keep: bool,
    f: Option<FormView>,
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<UnitForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.enterprises(a, &sq).await?;
    let c = st
        .app
        .enterprise_coverage(
            a,
            &CoverageQuery {
                org: Some(v.org_id),
            },
        )
        .await?;
    let f = if v.may_keep {
        let form = refused.unwrap_or_else(|| UnitForm {
            operating: "1".into(),
            org_setup: OrgSetup::None.as_str().into(),
            ..UnitForm::default()
        });
        Some(form_view(st, auth, (v.org_id, &v.org_name), form, errors).await?)
    } else {
        None
    };
    let filters = [
        ("org", v.org_id.to_string()),
        ("kind", sq.kind.clone().unwrap_or_default()),
        ("setup", sq.setup.clone().unwrap_or_default()),
        ("operating", q.operating.trim().to_string()),
        (
            "uncovered",
            if sq.uncovered == Some(true) { "1" } else { "" }.to_string(),
        ),
        ("q", sq.q.clone().unwrap_or_default()),
    ];
    let page = ListPage {
        l: Layout::new(a, &auth.csrf, "非公企业和社会组织", NAV).about(v.org_name.clone()),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        totals: vec![
            (
                "非公企业",
                coverage_line(v.org_id, &v.org_name, &c.coverage.enterprise),
            ),
            (
                "社会组织",
                coverage_line(v.org_id, &v.org_name, &c.coverage.social_org),
            ),
            (
                "合计",
                coverage_line(v.org_id, &v.org_name, &c.coverage.all),
            ),
        ],
        children: c
            .children
            .iter()
            .map(|x| coverage_line(x.org_id, &x.name, &x.coverage.all))
            .collect(),
        rows: v.items.iter().map(unit_row).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        q: sq.q.clone().unwrap_or_default(),
        kinds: choices(
            UnitKind::ALL,
            UnitKind::as_str,
            UnitKind::label,
            sq.kind.as_deref().unwrap_or(""),
        ),
        setups: choices(
            OrgSetup::ALL,
            OrgSetup::as_str,
            OrgSetup::label,
            sq.setup.as_deref().unwrap_or(""),
        ),
        operating: q.operating.trim().to_string(),
        uncovered: sq.uncovered == Some(true),
        filtered: sq.kind.is_some()
            || sq.setup.is_some()
            || sq.operating.is_some()
            || sq.uncovered.is_some()
            || sq.q.is_some(),
        export_href: url("/enterprises/export.xlsx", &filters, ""),
        may_keep: v.may_keep,
        f,
    };
    let status = page
        .f
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |f| f.errors.status());
    Ok(render_with(status, &page))
}

/// The register below a level: `?org=&kind=&setup=&operating=&uncovered=&q=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Registers a unit; back to the level's list, at the unit.
pub async fn add(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<UnitForm>,
) -> PageResult<Response> {
    let outcome = match f.input() {
        Err(errs) => Err(errs),
        Ok(input) => st.app.add_enterprise(&auth.actor, &input).await.or_form()?,
    };
    match outcome {
        Ok(e) => {
            let level = parse_id(&f.org).map_or_else(String::new, |o| o.to_string());
            let to = url("/enterprises", &[("org", level)], &format!("unit-{}", e.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

#[derive(Template)]
#[template(path = "enterprise_edit.html")]
struct EditPage {
    l: Layout,
    id: i64,
    name: String,
    org_id: i64,
    f: FormView,
}

async fn edit_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    form: Option<UnitForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let e = st.app.enterprise(a, id).await?;
    let level = st.app.enterprise_form_level(a, &e).await?;
    let form = form.unwrap_or_else(|| UnitForm::of(&e));
    let f = form_view(st, auth, (level.id, &level.name), form, errors).await?;
    let page = EditPage {
        l: Layout::new(a, &auth.csrf, "修改单位信息", NAV).about(e.name.clone()),
        id: e.id,
        name: e.name.clone(),
        org_id: e.org_id,
        f,
    };
    Ok(render_with(page.f.errors.status(), &page))
}

/// The form that edits a unit.
pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    edit_page(&st, &auth, id, None, Vec::new()).await
}

/// Saves a unit; on to its page.
pub async fn edit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<UnitForm>,
) -> PageResult<Response> {
    let outcome = match f.input() {
        Err(errs) => Err(errs),
        Ok(input) => st
            .app
            .edit_enterprise(&auth.actor, id, &input)
            .await
            .or_form()?,
    };
    match outcome {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}", e.id)).into_response()),
        Err(errs) => edit_page(&st, &auth, id, Some(f), errs).await,
    }
}

fn units_book(v: &EnterpriseList) -> Result<Response, ServiceError> {
    let headers = [
        "单位名称",
        "统一社会信用代码",
        "类别",
        "行业",
        "规模",
        "从业人员",
        "地址",
        "经营状态",
        "党组织组建",
        "党组织",
        "组织关系在外党员",
        "工会",
        "共青团",
        "所在组织",
    ]
    .map(String::from)
    .to_vec();
    let yes = |b: bool| Cell::Text(if b { "有" } else { "无" }.into());
    let t = Table {
        sheet: "非公企业和社会组织".into(),
        title: format!("{} 非公企业和社会组织（共 {} 个）", v.org_name, v.total),
        headers,
        rows: v
            .items
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.name.clone()),
                    Cell::Text(e.credit_code.clone()),
                    Cell::Text(e.kind_label().into()),
                    Cell::Text(e.industry.clone()),
                    Cell::Text(e.size_label().into()),
                    Cell::Int(e.staff),
                    Cell::Text(e.address.clone()),
                    Cell::Text(if e.operating { "在营" } else { "停业" }.into()),
                    Cell::Text(e.setup_label().into()),
                    Cell::Text(e.party_org_name.clone().unwrap_or_default()),
                    Cell::Int(e.members_elsewhere),
                    yes(e.has_union),
                    yes(e.has_youth_league),
                    Cell::Text(e.org_name.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("非公企业和社会组织-{}.xlsx", v.org_name))
}

/// The register of a level as xlsx, every unit matching the filters.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_enterprises(a, &q.service()).await?;
    st.app
        .audit_export(a, "非公企业和社会组织", v.org_id, v.items.len(), None)
        .await?;
    Ok(units_book(&v)?)
}
