//! 大屏 over JSON: one level's figures as the screen shows them, and its map's settings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::screen::Measure;
use dangjian_service::ServiceError;
use dangjian_service::screen::{BoundaryUpload, Screen};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ApiUpload};
use crate::session::Auth;

/// The largest boundary file taken, in MiB.
pub const BOUNDARY_MIB: usize = 8;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ScreenQuery {
    /// What the map is coloured by: `life` (default), `theme_day`, `dues`, `members`,
    /// `requests`.
    measure: Option<String>,
}

fn measure(q: &ScreenQuery) -> Result<Measure, ServiceError> {
    match q
        .measure
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => Ok(Measure::Life),
        Some(m) => Measure::parse(m).ok_or_else(|| {
            ServiceError::field(
                "measure",
                "unknown_measure",
                "地图指标应为 life、theme_day、dues、members 或 requests",
            )
        }),
    }
}

/// 大屏 / A level's screen
///
/// The figures of the screen of an organization in the caller's scope (404 outside it):
/// registry and make-up, this month's theme day and 三会一课 this year by child with their
/// lights, dues, the recruitment pipeline, residents' requests today and this year, paired
/// households and deeds, stars and weak-list progress, committees, volunteers and task
/// forces, and the map of the children coloured by `measure`. Counts and organizations'
/// names only: no person is named. Staff and display accounts; `open_lists` says whether
/// the figures link to their lists (never for a display account).
#[utoipa::path(
    get,
    path = "/screen/{org_id}",
    operation_id = "getScreen",
    tag = "screen",
    params(("org_id" = i64, Path, description = "The organization."), ScreenQuery),
    responses((status = 200, description = "The screen.", body = Screen)),
)]
pub async fn screen(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
) -> ApiResult<Json<Screen>> {
    Ok(Json(
        st.app
            .screen(&auth.actor, Some(org_id), measure(&q)?)
            .await?,
    ))
}

/// 上传边界文件 / Upload a level's boundaries
///
/// A GeoJSON FeatureCollection of (Multi)Polygons in WGS84 longitude, latitude, each
/// feature naming a child by `name` or by its code (`code`, `adcode` or `id`), at most
/// 8 MiB. The screen then draws the children by it instead of the schematic tiles. A file
/// that cannot be drawn is refused whole as `file` `invalid_geojson`, naming the fault.
/// Those who shape the level's tree only (403). Audited as `screen.boundary`.
#[utoipa::path(
    post,
    path = "/screen/{org_id}/boundary",
    operation_id = "uploadScreenBoundary",
    tag = "screen",
    params(("org_id" = i64, Path, description = "The level whose children the file draws.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data"),
    responses((status = 201, description = "What was drawn and matched.", body = BoundaryUpload)),
)]
pub async fn upload_boundary(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
    ApiUpload(file): ApiUpload<BOUNDARY_MIB>,
) -> ApiResult<(StatusCode, Json<BoundaryUpload>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            st.app
                .upload_boundary(&auth.actor, org_id, &file.body)
                .await?,
        ),
    ))
}

/// 删除边界文件 / Back to the tiles
///
/// Removes the level's boundary file (404 when it has none). Audited as
/// `screen.boundary_clear`.
#[utoipa::path(
    delete,
    path = "/screen/{org_id}/boundary",
    operation_id = "clearScreenBoundary",
    tag = "screen",
    params(("org_id" = i64, Path, description = "The level.")),
    responses((status = 204, description = "Removed.")),
)]
pub async fn clear_boundary(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.clear_boundary(&auth.actor, org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A tile's place on its parent's schematic map, from the north-west corner.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TileInput {
    /// 0–99.
    pub col: i64,
    /// 0–99.
    pub row: i64,
}

/// 放置示意方块 / Place a tile
///
/// Places the organization's tile on its parent's schematic map (`col`, `row` 0–99, else
/// `out_of_range`). Those who shape the parent's level only (403). Audited as `screen.tile`.
#[utoipa::path(
    put,
    path = "/screen/{org_id}/tile",
    operation_id = "placeScreenTile",
    tag = "screen",
    params(("org_id" = i64, Path, description = "The organization whose tile it is.")),
    request_body(content = TileInput, description = "The place."),
    responses((status = 204, description = "Placed.")),
)]
pub async fn place_tile(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
    ApiJson(b): ApiJson<TileInput>,
) -> ApiResult<StatusCode> {
    st.app.place_tile(&auth.actor, org_id, b.col, b.row).await?;
    Ok(StatusCode::NO_CONTENT)
}
