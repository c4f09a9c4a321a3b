//! 大屏: the screen of one level for a 1920×1080 display (and a 4K wall), refreshed in place
//! every minute by htmx polling its live part; the map's settings (tiles, boundary file).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::screen::Measure;
use dangjian_service::screen::{ChildFigures, Held, Screen};
use dangjian_service::stats::Slice;
use serde::Deserialize;

use super::chart::{Chart, chart};
use super::render;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery, PageUpload};
use crate::session::Auth;
use crate::view::Layout;

/// Between refreshes: a minute, or what a test asks for (5 s – 10 min).
const REFRESH_SECONDS: u32 = 60;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScreenQuery {
    measure: String,
    refresh: Option<u32>,
}

impl ScreenQuery {
    fn measure(&self) -> Result<Measure, dangjian_service::ServiceError> {
        let m = self.measure.trim();
        if m.is_empty() {
            return Ok(Measure::Life);
        }
        Measure::parse(m).ok_or_else(|| {
            dangjian_service::ServiceError::field(
                "measure",
                "unknown_measure",
                "地图指标应为 life、theme_day、dues、members 或 requests",
            )
        })
    }

    fn refresh(&self) -> u32 {
        self.refresh.unwrap_or(REFRESH_SECONDS).clamp(5, 600)
    }
}

/// The live part of the screen: everything but the frame, swapped in place.
#[derive(Template)]
#[template(path = "screen_live.html")]
struct Live {
    s: Screen,
    charts: Vec<Chart>,
    refresh: u32,
    measures: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct Page {
    live: Live,
    css: String,
    htmx: String,
}

fn members_by(open: bool, org: i64, param: &'static str) -> impl Fn(&Slice) -> Option<String> {
    move |s: &Slice| open.then(|| format!("/members?org={org}&{param}={}", s.code))
}

impl Live {
    fn new(s: Screen, refresh: u32) -> Live {
        let (open, id) = (s.open_lists, s.org.id);
        let r = &s.registry;
        let charts = vec![
            chart("性别", "pie", &r.by_gender, members_by(open, id, "gender")),
            chart(
                "年龄",
                "bar",
                &r.by_age_band,
                members_by(open, id, "age_band"),
            ),
            chart(
                "学历",
                "bar",
                &r.by_education,
                members_by(open, id, "education"),
            ),
            chart(
                "党龄",
                "bar",
                &r.by_party_age_band,
                members_by(open, id, "party_age_band"),
            ),
        ];
        Live {
            charts,
            refresh,
            measures: Measure::ALL
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            s,
        }
    }

    /// The list behind a figure when the screen opens lists, else nothing (a display
    /// account's figures are figures only).
    fn link(&self, what: &str) -> String {
        if !self.s.open_lists {
            return String::new();
        }
        let (o, month, year) = (self.s.org.id, &self.s.month, self.s.assessment.year);
        match what {
            "orgs" => format!("/orgs/{o}"),
            "members" => format!("/members?org={o}"),
            "probationary" => format!("/members?org={o}&status=probationary"),
            "grids" => format!("/grids?org={o}"),
            "theme_day" => format!("/life?org={o}&period={month}"),
            "life" => format!("/life?org={o}"),
            "dues" => format!("/dues?org={o}"),
            "recruits" => format!("/recruits?org={o}"),
            "requests" => format!("/requests/dashboard?org={o}"),
            "households" => format!("/households?org={o}"),
            "deeds" => format!("/deeds?org={o}"),
            "stars" => format!("/stars?org={o}&year={year}"),
            "weak" => format!("/weak?org={o}&year={year}"),
            "problems" => format!("/problems?org={o}"),
            "villages" => format!("/cadres/villages?org={o}"),
            "volunteers" => format!("/volunteers?org={o}"),
            "task_forces" => format!("/task-forces?org={o}"),
            _ => String::new(),
        }
    }

    fn rate(&self, h: &Held) -> String {
        h.rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
    }

    fn permille(&self, p: &Option<i64>) -> String {
        p.map_or("—".into(), |p| format!("{}.{}%", p / 10, p % 10))
    }

    /// Yuan, as 万元 above ten thousand.
    fn yuan(&self, fen: &i64) -> String {
        if *fen >= 1_000_000 {
            format!("{:.2}万元", *fen as f64 / 1_000_000.0)
        } else {
            format!("{:.2}元", *fen as f64 / 100.0)
        }
    }

    fn light(&self, h: &Held) -> &'static str {
        match h.light {
            dangjian_domain::life::Light::Green => "green",
            dangjian_domain::life::Light::Yellow => "yellow",
            dangjian_domain::life::Light::Red => "red",
            dangjian_domain::life::Light::None => "none",
        }
    }

    /// The children for a by-child panel: those with something due, lowest rate first, at
    /// most `n` (a town of thousands shows its lowest; the list behind has the rest).
    fn lowest(&self, by: fn(&ChildFigures) -> &Held, n: usize) -> Vec<&ChildFigures> {
        let mut v: Vec<&ChildFigures> = self.s.children.iter().filter(|c| by(c).due > 0).collect();
        v.sort_by(|a, b| {
            let (x, y) = (by(a).rate.unwrap_or(0.0), by(b).rate.unwrap_or(0.0));
            x.total_cmp(&y)
        });
        v.truncate(n);
        v
    }

    fn behind_theme(&self) -> Vec<&ChildFigures> {
        self.lowest(|c| &c.theme_day, 24)
    }

    fn behind_life(&self) -> Vec<&ChildFigures> {
        self.lowest(|c| &c.life, 24)
    }

    fn with_due(&self, by: fn(&ChildFigures) -> &Held) -> usize {
        self.s.children.iter().filter(|c| by(c).due > 0).count()
    }

    fn theme_children(&self) -> usize {
        self.with_due(|c| &c.theme_day)
    }

    fn life_children(&self) -> usize {
        self.with_due(|c| &c.life)
    }

    /// A stage's bar in the pipeline's drawing (400 units for the largest stage).
    fn stage_bar(&self, n: &i64) -> i64 {
        let max = self
            .s
            .recruits
            .stages
            .iter()
            .map(|s| s.n)
            .max()
            .unwrap_or(0)
            .max(1);
        n * 400 / max
    }

    /// The pipeline's drawing is 24 units a stage.
    fn stages_height(&self) -> usize {
        self.s.recruits.stages.len() * 24
    }

    /// The map's tiles as a drawing: 100 × 64 units each.
    fn tiles_width(&self) -> i64 {
        self.s.map.cols.max(1) * 100
    }

    fn tiles_height(&self) -> i64 {
        self.s.map.rows.max(1) * 64
    }

    /// Names on the tiles while they stay legible.
    fn tile_text(&self) -> bool {
        self.s.map.tiles.len() <= 120
    }
}

/// `/screen`: the top of the account's own scope.
pub async fn own(auth: Auth) -> Response {
    Redirect::to(&format!("/screen/{}", auth.actor.scope_org_id)).into_response()
}

/// The screen's live part for a request: the one read both the page and its refresh make.
async fn live_of(st: &AppState, auth: &Auth, org_id: i64, q: &ScreenQuery) -> PageResult<Live> {
    let s = st
        .app
        .screen(&auth.actor, Some(org_id), q.measure()?)
        .await?;
    Ok(Live::new(s, q.refresh()))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageQuery(q): PageQuery<ScreenQuery>,
) -> PageResult<Response> {
    Ok(render(&Page {
        live: live_of(&st, &auth, org_id, &q).await?,
        css: crate::assets::url("screen.css"),
        htmx: crate::assets::url("htmx.min.js"),
    }))
}

/// The live part alone, as the screen polls it.
pub async fn live(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageQuery(q): PageQuery<ScreenQuery>,
) -> PageResult<Response> {
    Ok(render(&live_of(&st, &auth, org_id, &q).await?))
}

#[derive(Template)]
#[template(path = "screen_map.html")]
struct MapPage {
    l: Layout,
    s: Screen,
    notice: String,
}

async fn map_page(st: &AppState, auth: &Auth, org_id: i64, notice: String) -> PageResult<Response> {
    let s = st
        .app
        .screen(&auth.actor, Some(org_id), Measure::Members)
        .await?;
    if !s.map.may_edit {
        return Err(dangjian_service::ServiceError::Forbidden(
            "只有能调整组织架构的管理员可以设置大屏地图",
        )
        .into());
    }
    let l = Layout::new(&auth.actor, &auth.csrf, "大屏地图", "home").about(s.org.name.clone());
    Ok(render(&MapPage { l, s, notice }))
}

/// The map's settings: where each child's tile sits, and the level's boundary file.
pub async fn map(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
) -> PageResult<Response> {
    map_page(&st, &auth, org_id, String::new()).await
}

/// The largest boundary file taken: a district's towns drawn finely are a few MiB.
pub const BOUNDARY_MIB: usize = 8;

pub async fn upload_boundary(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageUpload(file): PageUpload<BOUNDARY_MIB>,
) -> PageResult<Response> {
    let r = st
        .app
        .upload_boundary(&auth.actor, org_id, &file.body)
        .await?;
    let mut notice = format!(
        "已导入 {} 个区域，匹配下级组织 {} 个",
        r.features, r.matched
    );
    if !r.unmatched.is_empty() {
        notice.push_str(&format!("；未匹配：{}", r.unmatched.join("、")));
    }
    map_page(&st, &auth, org_id, notice).await
}

pub async fn clear_boundary(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.clear_boundary(&auth.actor, org_id).await?;
    Ok(Redirect::to(&format!("/screen/{org_id}/map")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TileForm {
    col: String,
    row: String,
}

fn place(field: &'static str, text: &str) -> Result<i64, dangjian_service::ServiceError> {
    text.trim().parse().map_err(|_| {
        dangjian_service::ServiceError::field(field, "invalid_number", "位置应为 0–99 的整数")
    })
}

/// Places a child's tile on its parent's map (`org_id` is the child).
pub async fn tile(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageForm(f): PageForm<TileForm>,
) -> PageResult<Response> {
    let (col, row) = (place("col", &f.col)?, place("row", &f.row)?);
    let parent = st.app.place_tile(&auth.actor, org_id, col, row).await?;
    Ok(Redirect::to(&format!("/screen/{parent}/map")).into_response())
}
