//! The 两新组织 panel of 云中心: the two coverages of the level and of each child, this
//! month's instructors and this quarter's leaders; the home page loads it after itself.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::enterprises::summary::EnterpriseSummary;
use serde::Deserialize;

use super::{CoverageLine, coverage_line};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::pages::render;
use crate::session::Auth;

#[derive(Template)]
#[template(path = "enterprise_panel.html")]
struct Panel {
    s: Option<(EnterpriseSummary, CoverageLine, Vec<CoverageLine>)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PanelQuery {
    org: Option<i64>,
}

/// The panel as a fragment; nothing for a level without registered units.
pub async fn panel(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PanelQuery>,
) -> PageResult<Response> {
    let s = st.app.enterprise_summary(&auth.actor, q.org).await?;
    Ok(render(&Panel {
        s: s.map(|s| {
            let level = coverage_line(s.org_id, "", &s.coverage.all);
            let children = s
                .children
                .iter()
                .map(|c| coverage_line(c.org_id, &c.name, &c.coverage.all))
                .collect();
            (s, level, children)
        }),
    }))
}
