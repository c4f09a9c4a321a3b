//! 党员联系群众 over JSON: grids, households, pairings, deeds and coverage.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dangjian_domain::masses::{CardInput, DeedInput, HouseholdInput};
use dangjian_service::masses::Grid;
use dangjian_service::masses::PublicCard;
use dangjian_service::masses::ServiceUnit;
use dangjian_service::masses::community_checkin::{
    CommunityCheckinPage, CommunityCheckinView, RatingInput,
};
use dangjian_service::masses::service_unit::{UnitInput, UnitView};
use dangjian_service::masses::{
    CardView, Coverage, DeedPage, DeedQuery, GridInput, HouseholdPage, HouseholdQuery,
    HouseholdView, NewDeedInput,
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GridsQuery {
    org: Option<i64>,
    page: Option<i64>,
}

#[derive(Serialize)]
pub struct GridList {
    items: Vec<Grid>,
    total: i64,
}

pub async fn grids(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<GridsQuery>,
) -> ApiResult<Json<GridList>> {
    let (_, items, total) = st.app.grids(&auth.actor, q.org, q.page).await?;
    Ok(Json(GridList { items, total }))
}

#[derive(Deserialize)]
pub struct NewGrid {
    org_id: i64,
    #[serde(flatten)]
    grid: GridInput,
}

pub async fn create_grid(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<NewGrid>,
) -> ApiResult<(StatusCode, Json<Grid>)> {
    let g = st.app.create_grid(&auth.actor, b.org_id, &b.grid).await?;
    Ok((StatusCode::CREATED, Json(g)))
}

pub async fn grid(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Grid>> {
    Ok(Json(st.app.grid(&auth.actor, id).await?))
}

pub async fn households(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Json<HouseholdPage>> {
    Ok(Json(st.app.households(&auth.actor, &q).await?))
}

pub async fn add_household(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(grid): ApiPath<i64>,
    ApiJson(b): ApiJson<HouseholdInput>,
) -> ApiResult<(StatusCode, Json<HouseholdView>)> {
    let id = st.app.add_household(&auth.actor, grid, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(st.app.household(&auth.actor, id).await?),
    ))
}

pub async fn household(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HouseholdView>> {
    Ok(Json(st.app.household(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct PairBody {
    member_id: i64,
    on: Option<String>,
}

pub async fn pair(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PairBody>,
) -> ApiResult<Json<HouseholdView>> {
    st.app
        .pair(&auth.actor, id, b.member_id, b.on.as_deref())
        .await?;
    Ok(Json(st.app.household(&auth.actor, id).await?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OnQuery {
    on: Option<String>,
}

pub async fn unpair(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<StatusCode> {
    st.app.unpair(&auth.actor, id, q.on.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deeds(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeedQuery>,
) -> ApiResult<Json<DeedPage>> {
    Ok(Json(st.app.deeds(&auth.actor, &q).await?))
}

#[derive(Serialize)]
pub struct Created {
    id: i64,
}

pub async fn record_deed(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(member): ApiPath<i64>,
    ApiJson(b): ApiJson<NewDeedInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.record_deed(&auth.actor, member, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

pub async fn confirm_deed(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.confirm_deed(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CoverageQuery {
    org: Option<i64>,
    year: Option<i32>,
}

pub async fn coverage(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Json<Coverage>> {
    Ok(Json(st.app.coverage(&auth.actor, q.org, q.year).await?))
}

pub async fn card(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(st.app.member_card(&auth.actor, id).await?))
}

pub async fn set_card(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CardInput>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(st.app.set_member_card(&auth.actor, id, &b).await?))
}

/// A published card, for anyone: no login.
pub async fn public_card(
    State(st): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<PublicCard>> {
    Ok(Json(st.app.public_card(&code).await?))
}

pub async fn households_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Response> {
    let (root, rows) = st.app.export_households(&auth.actor, &q).await?;
    Ok(crate::export::households(&root.name, &rows)?)
}

pub async fn deeds_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeedQuery>,
) -> ApiResult<Response> {
    let (root, rows) = st.app.export_deeds(&auth.actor, &q).await?;
    Ok(crate::export::deeds(&root.name, &rows)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportsQuery {
    org: Option<i64>,
    year: Option<i32>,
    page: Option<i64>,
}

pub async fn reports(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportsQuery>,
) -> ApiResult<Json<CommunityCheckinPage>> {
    Ok(Json(
        st.app
            .community_checkins(&auth.actor, q.org, q.year, q.page)
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct RegisterBody {
    member_id: i64,
    community_id: i64,
}

pub async fn register_community_checkin(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RegisterBody>,
) -> ApiResult<(StatusCode, Json<CommunityCheckinView>)> {
    let id = st
        .app
        .register_community_checkin(&auth.actor, b.member_id, b.community_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(st.app.report_view(&auth.actor, id).await?),
    ))
}

pub async fn report(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CommunityCheckinView>> {
    Ok(Json(st.app.report_view(&auth.actor, id).await?))
}

pub async fn report_service(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeedInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.log_community_service(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

pub async fn rate_community_checkin(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RatingInput>,
) -> ApiResult<StatusCode> {
    st.app.rate_community_checkin(&auth.actor, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn end_community_checkin(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.end_community_checkin(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitsQuery {
    org: Option<i64>,
}

#[derive(Serialize)]
pub struct UnitList {
    items: Vec<ServiceUnit>,
}

pub async fn service_units(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> ApiResult<Json<UnitList>> {
    let (_, items) = st.app.service_units(&auth.actor, q.org).await?;
    Ok(Json(UnitList { items }))
}

pub async fn create_service_unit(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<UnitInput>,
) -> ApiResult<(StatusCode, Json<UnitView>)> {
    let u = st.app.create_service_unit(&auth.actor, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(st.app.service_unit(&auth.actor, u.id).await?),
    ))
}

pub async fn service_unit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<UnitView>> {
    Ok(Json(st.app.service_unit(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct UnitMemberBody {
    member_id: i64,
    #[serde(default)]
    leader: bool,
}

pub async fn add_unit_member(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UnitMemberBody>,
) -> ApiResult<Json<UnitView>> {
    st.app
        .add_unit_member(&auth.actor, id, b.member_id, b.leader)
        .await?;
    Ok(Json(st.app.service_unit(&auth.actor, id).await?))
}

pub async fn remove_unit_member(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    st.app.remove_unit_member(&auth.actor, id, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn image((mime, body): (String, Vec<u8>)) -> Response {
    crate::pages::download("photo", &mime, true, body)
}

pub async fn card_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(image(st.app.card_photo(&auth.actor, id).await?))
}

pub async fn set_card_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    crate::extract::ApiUpload(u): crate::extract::ApiUpload,
) -> ApiResult<StatusCode> {
    st.app
        .set_card_photo(&auth.actor, id, &u.name, &u.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The photo of a published card, without login.
pub async fn public_card_photo(
    State(st): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Response> {
    Ok(image(st.app.public_card_photo(&code).await?))
}

pub async fn deed_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(image(st.app.deed_photo(&auth.actor, id).await?))
}

pub async fn set_deed_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    crate::extract::ApiUpload(u): crate::extract::ApiUpload,
) -> ApiResult<StatusCode> {
    st.app
        .set_deed_photo(&auth.actor, id, &u.name, &u.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
