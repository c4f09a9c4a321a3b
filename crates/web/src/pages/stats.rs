//! The cloud centre's reports: 党内统计年报 (a level's annual tables on screen, every member
//! figure opening its list, as a workbook and as a printed PDF) and 党建工作月报 / 季报 / 年报
//! (on screen and printed).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_domain::period::Period;
use dangjian_service::stats::annual::{AnnualQuery, PartyStatistics};
use dangjian_service::stats::work_report::FigureKind;
use dangjian_service::stats::work_report::{WorkReport, WorkReportQuery};
use serde::Deserialize;

use super::assessment::past_years;
use super::{parse_id, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::session::Auth;
use crate::view::Layout;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnnualForm {
    org: String,
    year: String,
}

impl AnnualForm {
    fn query(&self) -> AnnualQuery {
        AnnualQuery {
            org: parse_id(&self.org),
            year: parse_id(&self.year).and_then(|y| i32::try_from(y).ok()),
        }
    }
}

#[derive(Template)]
#[template(path = "stats_annual.html")]
struct AnnualPage {
    l: Layout,
    s: PartyStatistics,
    years: Vec<i64>,
}

impl AnnualPage {
    /// n of the level's members, as a share.
    fn share(&self, n: &i64) -> String {
        let whole = self.s.members();
        if whole > 0 {
            format!("{:.1}%", *n as f64 * 100.0 / whole as f64)
        } else {
            "—".into()
        }
    }

    /// `org=…&year=…` of this level and year, for the files' links.
    fn file_query(&self) -> String {
        format!("org={}&year={}", self.s.org.id, self.s.year)
    }
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<AnnualForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let s = st.app.party_statistics(a, &f.query()).await?;
    Ok(render(&AnnualPage {
        l: Layout::new(a, &auth.csrf, "党内统计年报", "home")
            .about(s.org_title.clone())
            .period(format!("{}年", s.year)),
        years: past_years(i64::from(s.year)),
        s,
    }))
}

pub async fn xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<AnnualForm>,
) -> PageResult<Response> {
    let s = st
        .app
        .export_party_statistics(&auth.actor, &f.query())
        .await?;
    Ok(crate::export::party_statistics(&s)?)
}

pub async fn pdf(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<AnnualForm>,
) -> PageResult<Response> {
    let s = st
        .app
        .export_party_statistics(&auth.actor, &f.query())
        .await?;
    Ok(crate::documents::party_statistics(&s).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    org: String,
    period: String,
}

impl ReportForm {
    fn query(&self) -> WorkReportQuery {
        WorkReportQuery {
            org: parse_id(&self.org),
            period: Some(self.period.clone()),
        }
    }
}

/// A figure as the page shows it.
pub struct FigureRow {
    section: &'static str,
    label: &'static str,
    now: String,
    before: String,
    change: String,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "stats_report.html")]
struct ReportPage {
    l: Layout,
    r: WorkReport,
    rows: Vec<FigureRow>,
    /// The periods offered: the last twelve months, four quarters and three years.
    periods: Vec<(String, String)>,
}

impl ReportPage {
    fn file_query(&self) -> String {
        format!("org={}&period={}", self.r.org.id, self.r.period)
    }

    fn rate(&self, p: &Option<i64>) -> String {
        crate::documents::figure_text(FigureKind::Permille, *p)
    }

    fn yuan(&self, fen: &i64) -> String {
        dangjian_domain::dues::fen_to_yuan(*fen)
    }
}

fn periods() -> Vec<(String, String)> {
    let today = dangjian_service::today();
    let mut month = Period::last_ended_month(today);
    let mut out = Vec::new();
    for _ in 0..12 {
        out.push((month.key(), month.label()));
        month = month.previous();
    }
    let y = today.year();
    for q in (1..=4).rev() {
        let p = Period::Quarter(y, q);
        if p.months().1 < dangjian_domain::life::month_key(today) {
            out.push((p.key(), p.label()));
        }
    }
    for y in (y - 2..=y).rev() {
        out.push((Period::Year(y).key(), Period::Year(y).label()));
    }
    out
}

pub async fn report(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<ReportForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.work_report(a, &f.query()).await?;
    let rows = r
        .figures
        .iter()
        .map(|x| FigureRow {
            section: x.section,
            label: x.label,
            now: crate::documents::figure_text(x.kind, x.now),
            before: crate::documents::figure_text(x.kind, x.before),
            change: crate::documents::change_text(x),
            source: x.source,
        })
        .collect();
    let mut periods = periods();
    if !periods.iter().any(|(k, _)| *k == r.period) {
        periods.insert(0, (r.period.clone(), r.period_label.clone()));
    }
    Ok(render(&ReportPage {
        l: Layout::new(a, &auth.csrf, "党建工作报告", "home")
            .about(r.org_title.clone())
            .period(r.period_label.clone()),
        rows,
        periods,
        r,
    }))
}

pub async fn report_pdf(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<ReportForm>,
) -> PageResult<Response> {
    let r = st.app.export_work_report(&auth.actor, &f.query()).await?;
    Ok(crate::documents::work_report(&r).await?)
}
