//! 党内统计年报: a level's annual tables on screen (every member figure opens its list), as
//! a workbook and as a printed PDF.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::stats::annual::{AnnualQuery, PartyStatistics};
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
