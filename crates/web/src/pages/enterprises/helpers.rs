//! 指导员和走访: the instructors of a level with their days on site in a month, the leaders
//! who look after enterprises with their visits in a quarter, or the liaisons with their
//! month, measured against the district's minimum; 50 a page, and as xlsx.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_domain::enterprises::helpers::HelperRole;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::enterprises::helpers::{HelperReport, HelperReportQuery};
use serde::Deserialize;

use super::super::cadres::{typed, url};
use super::NAV;
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::PageQuery;
use crate::pages::{parse_id, render};
use crate::session::Auth;
use crate::view::{Layout, Pager};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    org: String,
    role: String,
    on: String,
    page: String,
}

impl ReportQuery {
    fn service(&self) -> HelperReportQuery {
        HelperReportQuery {
            org: parse_id(&self.org),
            role: typed(&self.role),
            on: typed(&self.on),
            page: parse_id(&self.page),
        }
    }
}

fn role_of(r: &HelperReport) -> HelperRole {
    HelperRole::parse(&r.role).unwrap_or(HelperRole::Instructor)
}

/// What the minimum reads as: "每月驻企 10 天", "每季度走访 1 次", or none.
fn least_text(r: &HelperReport) -> String {
    match (role_of(r), r.least) {
        (HelperRole::Leader, Some(n)) => format!("每季度走访不少于 {n} 次"),
        (_, Some(n)) => format!("每月驻企不少于 {n} 天"),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "enterprise_helpers.html")]
struct ReportPage {
    l: Layout,
    r: HelperReport,
    tabs: Vec<(&'static str, &'static str, bool)>,
    least: String,
    pager: Pager,
    on: String,
    export_href: String,
}

/// `?org=&role=&on=&page=`.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.helper_report(a, &q.service()).await?;
    let on = q.on.trim().to_string();
    let filters = [
        ("org", r.org_id.to_string()),
        ("role", r.role.clone()),
        ("on", on.clone()),
    ];
    let tabs = HelperRole::ALL
        .iter()
        .map(|x| (x.as_str(), x.label(), x.as_str() == r.role))
        .collect();
    let page = ReportPage {
        l: Layout::new(a, &auth.csrf, "指导员和走访", NAV).about(r.org_name.clone()),
        tabs,
        least: least_text(&r),
        pager: Pager::new(&filters, r.page, r.per_page.max(1), r.total),
        export_href: url("/enterprises/helpers/export.xlsx", &filters, ""),
        on,
        r,
    };
    Ok(render(&page))
}

fn report_book(r: &HelperReport) -> Result<Response, ServiceError> {
    let role = role_of(r);
    let mut headers = ["姓名", "联系单位数", "走访次数", "驻企天数"]
        .map(String::from)
        .to_vec();
    if r.least.is_some() {
        headers.push("是否达标".into());
    }
    let t = Table {
        sheet: role.label().into(),
        title: format!(
            "{} {}（{} 至 {}，共 {} 人）",
            r.org_name,
            role.label(),
            r.from,
            r.to,
            r.total
        ),
        headers,
        rows: r
            .items
            .iter()
            .map(|x| {
                let mut row = vec![
                    Cell::Text(x.member_name.clone()),
                    Cell::Int(x.units),
                    Cell::Int(x.visits),
                    Cell::Int(x.days),
                ];
                if r.least.is_some() {
                    row.push(Cell::Text(if x.met { "达标" } else { "未达标" }.into()));
                }
                row
            })
            .collect(),
    };
    book(
        &[t],
        &format!("{}-{}-{}.xlsx", role.label(), r.org_name, r.from),
    )
}

/// The period as xlsx, every helper.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ReportQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.export_helper_report(a, &q.service()).await?;
    st.app
        .audit_export(a, role_of(&r).label(), r.org_id, r.items.len(), None)
        .await?;
    Ok(report_book(&r)?)
}
