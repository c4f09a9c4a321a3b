//! 云中心: the dashboard of the account's subtree.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::stats::{Overview, Slice};
use serde::Deserialize;

use super::chart::{Chart, chart};
use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::session::Auth;
use crate::view::{ChildView, Layout, OrgView};

/// A period as a printed title names it: the months it covers.
pub fn period_label(period: &str, from: &str, to: &str) -> String {
    if period.is_empty() {
        format!("本年（{from} 至 {to}）")
    } else {
        format!("{period}（{from} 至 {to}）")
    }
}

/// The members list of `org` filtered by `param` = the slice's code.
fn members_by(org: i64, param: &'static str) -> impl Fn(&Slice) -> Option<String> {
    move |s: &Slice| Some(format!("/members?org={org}&{param}={}", s.code))
}

fn no_link(_: &Slice) -> Option<String> {
    None
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    assessment: dangjian_service::assessment::summary::AssessmentSummary,
    l: Layout,
    org: OrgView,
    trail: Vec<OrgView>,
    o: Overview,
    life_rate: String,
    life_light: &'static str,
    charts: Vec<Chart>,
    period: String,
    periods: Vec<crate::view::PeriodYear>,
    period_action: &'static str,
    children: Vec<ChildView>,
    /// Each child's compliance rate and light this year, by child id.
    child_life: Vec<(i64, String, &'static str)>,
    behind: Vec<(i64, String, i64)>,
    review_year: i64,
    recruits: dangjian_service::recruit::RecruitSummary,
    /// The org whose to-do list the page loads after it.
    to_do_of: Option<i64>,
    /// Each child's dues collection rate this month, by child id.
    child_dues: Vec<(i64, String)>,
}

impl HomePage {
    fn dues_of(&self, id: &i64) -> &str {
        self.child_dues
            .iter()
            .find(|(c, _)| c == id)
            .map_or("—", |(_, r)| r.as_str())
    }

    fn life_of(&self, id: &i64) -> (&str, &str) {
        self.child_life
            .iter()
            .find(|(c, _, _)| c == id)
            .map_or(("—", "none"), |(_, r, l)| (r.as_str(), *l))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    org: Option<i64>,
    /// A year, quarter or month (`2026`, `2026-Q1`, `2026-03`) the organizational-life
    /// panels and the review grades follow; the registry's figures are as of today.
    period: String,
}

/// 云中心: the figures of the actor's subtree (or of an org inside it).
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<HomeQuery>,
) -> PageResult<Response> {
    if let Some(elsewhere) = auth.actor.landing() {
        return Ok(axum::response::IntoResponse::into_response(
            axum::response::Redirect::to(elsewhere),
        ));
    }
    let o = st.app.overview(&auth.actor, q.org).await?;
    let period = q.period.trim().to_string();
    let life = st
        .app
        .compliance(&auth.actor, Some(o.org.id), Some(&period))
        .await?;
    // Reviews of a year are held early in the next: a past year shows its own, this year
    // (or no period) last year's.
    let this_year = dangjian_service::today().year();
    let chosen_year = period
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| *y < this_year);
    let review_year = i64::from(chosen_year.unwrap_or(this_year - 1));
    let grades = st
        .app
        .review_grade_counts(&auth.actor, o.org.id, review_year)
        .await?;
    let trail = super::trail_of(&st, &auth.actor, &o.org).await?;
    let child_slices: Vec<Slice> = o
        .children
        .iter()
        .filter(|c| c.members > 0)
        .map(|c| Slice {
            code: c.org.id.to_string(),
            label: c.org.name.clone(),
            n: c.members,
        })
        .collect();
    let id = o.org.id;
    let mut charts = vec![
        chart("基层党组织类型", "pie", &o.orgs_by_kind, no_link),
        chart("党员状态", "pie", &o.by_status, members_by(id, "status")),
        chart("性别", "pie", &o.by_gender, members_by(id, "gender")),
        chart(
            "年龄结构",
            "bar",
            &o.by_age_band,
            members_by(id, "age_band"),
        ),
        chart("学历", "bar", &o.by_education, members_by(id, "education")),
        chart(
            "党龄",
            "bar",
            &o.by_party_age_band,
            members_by(id, "party_age_band"),
        ),
        chart(
            "人员类别",
            "pie",
            &o.by_category,
            members_by(id, "category"),
        ),
    ];
    if !child_slices.is_empty() {
        charts.push(chart("下级组织党员数", "hbar", &child_slices, |s| {
            Some(format!("/members?org={}", s.code))
        }));
    }
    if grades.iter().any(|g| g.n > 0) {
        charts.push(chart("民主评议等次", "pie", &grades, no_link));
    }
    let trend: Vec<Slice> = life
        .trend
        .iter()
        .map(|m| Slice {
            code: m.month.clone(),
            label: m.month.clone(),
            n: m.rate.map_or(0, |r| (r * 100.0).round() as i64),
        })
        .collect();
    if !trend.is_empty() {
        charts.insert(
            0,
            chart(
                "组织生活落实率（%，逐月）",
                "bar",
                &trend,
                |s| Some(format!("/life?org={id}&period={}", s.code)),
            ),
        );
    }
    let recruits = st.app.recruit_summary(&auth.actor, o.org.id).await?;
    let assessment = st
        .app
        .assessment_summary(&auth.actor, Some(o.org.id))
        .await?;
    let to_do_of = Some(o.org.id);
    let child_dues = st
        .app
        .dues_by_child(&auth.actor, o.org.id, None)
        .await?
        .into_iter()
        .skip(1)
        .map(|c| (c.org.id, super::life::percent(c.rate)))
        .collect();
    let page = HomePage {
        recruits,
        assessment,
        to_do_of,
        child_dues,
        l: Layout::new(&auth.actor, &auth.csrf, "云中心", "home")
            .about(st.app.org_title(&auth.actor, &o.org).await?)
            .period(period_label(&period, &life.from, &life.to)),
        life_rate: super::life::percent(life.rate),
        life_light: super::life::light_name(life.light),
        child_life: life
            .children
            .iter()
            .map(|c| {
                (
                    c.org.id,
                    super::life::percent(c.rate),
                    super::life::light_name(c.light),
                )
            })
            .collect(),
        behind: life
            .behind
            .iter()
            .take(10)
            .map(|b| (b.org.id, b.place.clone(), b.missed))
            .collect(),
        review_year,
        org: OrgView::from(&o.org),
        trail,
        children: o.children.iter().map(ChildView::from).collect(),
        charts,
        periods: crate::view::periods(
            &period,
            life.kept_from.as_deref(),
            dangjian_service::today(),
        ),
        period,
        period_action: "/",
        o,
    };
    Ok(render(&page))
}
