//! The 干部人才 panel of 云中心: a line each for the committees, the reserve pools, the
//! resident teams and the talents of a level. The home page loads it after itself, since it
//! counts four areas.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::cadres::summary::CadreSummary;
use serde::Deserialize;

use super::{age_text, completion, percent_text, talents::cycle_label, with_share};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::pages::render;
use crate::session::Auth;

#[derive(Template)]
#[template(path = "cadres_summary.html")]
struct Panel {
    k: Option<Lines>,
}

/// The figures as the panel prints them.
struct Lines {
    org: i64,
    villages: i64,
    one_shoulder: String,
    under_35: String,
    college_plus: String,
    average_age: String,
    in_pool: i64,
    target_sum: i64,
    villages_short: i64,
    resident_teams: i64,
    resident_cadres: i64,
    /// Last month (`YYYY-MM`): cadres in post counted, and those whose days reached the
    /// minimum.
    resident_month: String,
    resident_counted: i64,
    resident_met: i64,
    /// The programme's cycle ("2024–2026"), its total against its target.
    cycle: String,
    talent_actual: i64,
    talent_target: i64,
    /// Empty without a target.
    talent_completion: String,
    studios: i64,
    apprentices_now: i64,
}

impl From<CadreSummary> for Lines {
    fn from(k: CadreSummary) -> Self {
        let s = &k.structure;
        let t = &k.talents;
        Lines {
            org: k.org_id,
            villages: k.villages,
            one_shoulder: percent_text(s.one_shoulder_percent, s.villages),
            under_35: with_share(s.under_35, s.people),
            college_plus: with_share(s.college_plus, s.people),
            average_age: age_text(s),
            in_pool: k.in_pool,
            target_sum: k.target_sum,
            villages_short: k.villages_short,
            resident_teams: k.residents.teams,
            resident_cadres: k.residents.cadres,
            resident_month: k.residents.month.clone(),
            resident_counted: k.residents.counted,
            resident_met: k.residents.met,
            cycle: cycle_label(&t.cycle),
            talent_actual: t.actual,
            talent_target: t.target,
            talent_completion: completion(t.actual, t.target),
            studios: t.studios,
            apprentices_now: t.apprentices_now,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PanelQuery {
    org: Option<i64>,
}

/// The panel as a fragment; nothing for a level without villages.
pub async fn panel(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PanelQuery>,
) -> PageResult<Response> {
    let k = st.app.cadre_summary(&auth.actor, q.org).await?;
    Ok(render(&Panel {
        k: k.map(Lines::from),
    }))
}
