//! 组织建设 pages. 星级评定: the board of a level (where each rated organization stands, the
//! stars against the scheme's expected shares, publication), one organization's sheet with
//! every item's figure and the scores of each stage, and the district's schemes. 软弱涣散
//! (`weak`), 红旗党组织 (`red_flag`), the leaders' contact points (`contact`, with the
//! working-day calendar), the problem ledger (`problem`), and the secretaries' ratings and
//! service-centre projects (`people`) sit beside them, all reached by one menu entry and tabs
//! over their pages.

pub(super) mod contact;
mod files;
pub(super) mod people;
pub(super) mod problem;
pub(super) mod red_flag;
pub(super) mod schemes;
pub(super) mod sheet;
pub(super) mod weak;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::assessment::stars::{RatingState, tenths};
use dangjian_service::assessment::policy;
use dangjian_service::assessment::stars::BoardQuery;
use dangjian_service::assessment::{StarBoard, StarScheme};
use dangjian_service::today;
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PageQuery};
use crate::session::Auth;
use crate::view::{Layout, Pager, kind_label};

/// The menu entry (组织建设) the star-rating, weak-and-lax and red-flag pages light.
const NAV: &str = "stars";

/// A tab of the 组织建设 pages.
pub struct Tab {
    label: &'static str,
    href: String,
    on: bool,
}

/// The areas of 组织建设 as tabs, each opened on the same level (`org`); `on` is the tab of
/// the page shown: `stars`, `weak`, `red_flags`, `contact_points`, `problems`,
/// `secretary_ratings` or `service_projects` (another value lights none).
pub(crate) fn tabs(org: Option<i64>, on: &str) -> Vec<Tab> {
    let query = org.map_or_else(String::new, |o| format!("?org={o}"));
    [
        ("stars", "星级评定", "/stars"),
        ("weak", "软弱涣散排查整顿", "/weak"),
        ("red_flags", "红旗党组织", "/red-flags"),
        ("contact_points", "联系点", "/contact-points"),
        ("problems", "问题台账", "/problems"),
        ("secretary_ratings", "述职评议", "/secretary-ratings"),
        ("service_projects", "阵地建设", "/service-projects"),
    ]
    .into_iter()
    .map(|(key, label, path)| Tab {
        label,
        href: format!("{path}{query}"),
        on: key == on,
    })
    .collect()
}

/// Stars as the eye reads them: "★★★★", or a dash for none.
pub(crate) fn star_text(stars: i64) -> String {
    if stars <= 0 {
        "—".into()
    } else {
        "★".repeat(usize::try_from(stars.min(10)).unwrap_or(0))
    }
}

/// A rating state's label; `none` (an organization not started) included.
pub(crate) fn state_label(state: &str) -> &'static str {
    if state == "none" {
        "未开始"
    } else {
        RatingState::parse(state).map_or("未知", RatingState::label)
    }
}

/// An arrow for stars against the year before, and its class: up, down, or nothing.
pub(crate) fn trend(delta: i64) -> (&'static str, &'static str, &'static str) {
    match delta.signum() {
        1 => ("↑", "up", "比上年上升"),
        -1 => ("↓", "down", "比上年下降"),
        _ => ("", "", ""),
    }
}

/// The years a picker offers: next year down to five years back, and `year` if older.
pub(crate) fn years_around(year: i64) -> Vec<i64> {
    let this_year = i64::from(today().year());
    let mut years: Vec<i64> = (this_year - 5..=this_year + 1).rev().collect();
    if !years.contains(&year) {
        years.push(year);
    }
    years
}

/// The years a picker of past years offers: this year down to five years back, and `year`
/// if older (the weak-and-lax screening and red flags look back on a year ended).
pub(crate) fn past_years(year: i64) -> Vec<i64> {
    let this_year = i64::from(today().year());
    let mut years: Vec<i64> = (this_year - 5..=this_year).rev().collect();
    if !years.contains(&year) {
        years.push(year);
    }
    years
}

/// A scheme's window and points as a line of text.
pub(crate) fn scheme_line(s: &StarScheme) -> String {
    format!(
        "{} 年度方案第 {} 版 · 自评期 {} 至 {}（{} 天）· 公示 {} 天 · 基础分 {} 分",
        s.year,
        s.version,
        s.self_opens_on,
        s.self_closes_on,
        s.self_days,
        s.publish_days,
        tenths(s.base_points_tenths)
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardForm {
    org: String,
    year: String,
    state: String,
    page: String,
}

impl BoardForm {
    fn query(&self) -> BoardQuery {
        BoardQuery {
            org: parse_id(&self.org),
            year: parse_id(&self.year),
            state: self.state.trim().to_string(),
            page: parse_id(&self.page),
        }
    }
}

/// A count of the board's state filter, as a link.
pub struct StateLink {
    label: &'static str,
    count: i64,
    href: String,
    on: bool,
}

pub struct ShareLine {
    stars: String,
    count: i64,
    percent: i64,
    expected: String,
}

/// An organization's line of the board.
pub struct BoardLine {
    org_id: i64,
    place: String,
    kind: &'static str,
    state: &'static str,
    total: String,
    stars: String,
    last_year: String,
    arrow: &'static str,
    arrow_class: &'static str,
    arrow_title: &'static str,
}

fn board_line(b: &dangjian_service::assessment::BoardLine) -> BoardLine {
    let r = b.rating.as_ref();
    let (arrow, arrow_class, arrow_title) = match (r, b.last_year_stars) {
        (Some(r), Some(last)) if r.stars > 0 => trend(r.stars - last),
        _ => trend(0),
    };
    BoardLine {
        org_id: b.org_id,
        place: b.place.clone(),
        kind: kind_label(&b.org_kind),
        state: state_label(r.map_or("none", |r| r.state.as_str())),
        total: r.map_or_else(|| "—".into(), |r| tenths(r.total_tenths)),
        stars: r.map_or_else(|| "—".into(), |r| star_text(r.stars)),
        last_year: b.last_year_stars.map_or_else(String::new, star_text),
        arrow,
        arrow_class,
        arrow_title,
    }
}

#[derive(Template)]
#[template(path = "stars.html")]
struct BoardPage {
    l: Layout,
    tabs: Vec<Tab>,
    b: StarBoard,
    scheme: String,
    states: Vec<StateLink>,
    all_href: String,
    all_count: i64,
    filtered: bool,
    shares: Vec<ShareLine>,
    shares_counted: i64,
    items: Vec<BoardLine>,
    pager: Pager,
    years: Vec<i64>,
    district: bool,
    errors: FormErrors,
}

async fn board_page(
    st: &AppState,
    auth: &Auth,
    q: &BoardQuery,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let b = st.app.star_board(a, q).await?;
    let link = |state: &str| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("org", &b.org_id.to_string());
        s.append_pair("year", &b.year.to_string());
        if !state.is_empty() {
            s.append_pair("state", state);
        }
        format!("/stars?{}", s.finish())
    };
    let states = b
        .by_state
        .iter()
        .map(|s| StateLink {
            label: state_label(&s.state),
            count: s.count,
            href: link(&s.state),
            on: q.state == s.state,
        })
        .collect();
    let shares = b
        .by_stars
        .iter()
        .map(|s| ShareLine {
            stars: star_text(s.stars),
            count: s.count,
            percent: s.percent,
            expected: if s.expected_percent > 0 {
                format!("{}%", s.expected_percent)
            } else {
                "—".into()
            },
        })
        .collect();
    let base = [
        ("org", b.org_id.to_string()),
        ("year", b.year.to_string()),
        ("state", q.state.clone()),
    ];
    let status = errors.status();
    Ok(render_with(
        status,
        &BoardPage {
            l: Layout::new(a, &auth.csrf, "星级评定", NAV).period(format!("{}年度", b.year)),
            tabs: tabs(Some(b.org_id), "stars"),
            scheme: b.scheme.as_ref().map(scheme_line).unwrap_or_default(),
            all_href: link(""),
            all_count: b.by_state.iter().map(|s| s.count).sum(),
            filtered: !q.state.is_empty(),
            states,
            shares_counted: b.by_stars.iter().map(|s| s.count).sum(),
            shares,
            items: b.items.iter().map(board_line).collect(),
            pager: Pager::new(&base, b.page, b.per_page, b.total),
            years: years_around(b.year),
            district: policy::is_district(a),
            b,
            errors,
        },
    ))
}

/// The board of a level: `?org=&year=&state=&page=`.
pub async fn board(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<BoardForm>,
) -> PageResult<Response> {
    board_page(&st, &auth, &f.query(), FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    org_id: String,
    year: String,
}

/// The district publishes the level's confirmed ratings of a year for objections.
pub async fn publish(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<PublishForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org_id).unwrap_or(auth.actor.scope_org_id);
    let year = parse_id(&f.year).unwrap_or_else(|| i64::from(today().year()));
    match st
        .app
        .publish_stars(&auth.actor, org, year)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/stars?org={org}&year={year}&state={}",
            RatingState::Published.as_str()
        ))
        .into_response()),
        Err(errs) => {
            let q = BoardQuery {
                org: Some(org),
                year: Some(year),
                ..BoardQuery::default()
            };
            board_page(&st, &auth, &q, FormErrors(errs)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    org: String,
    year: String,
}

/// Every rated organization of a level with its scores, as xlsx: `?org=&year=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ExportQuery>,
) -> PageResult<Response> {
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    let year = parse_id(&q.year).unwrap_or_else(|| i64::from(today().year()));
    let e = st.app.export_stars(&auth.actor, org, year).await?;
    Ok(crate::export::stars(&e)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_trends_read_at_a_glance() {
        assert_eq!(star_text(4), "★★★★");
        assert_eq!(star_text(0), "—");
        assert_eq!(trend(2).0, "↑");
        assert_eq!(trend(-1).1, "down");
        assert_eq!(trend(0).0, "");
        assert_eq!(state_label("none"), "未开始");
        assert_eq!(state_label("published"), "已公示");
    }
}
