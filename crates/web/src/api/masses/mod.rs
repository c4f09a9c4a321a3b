//! 党员联系群众 over JSON: grids, households, pairings, deeds and coverage.

pub(super) mod evaluation;

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

use super::body::Created;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct GridsQuery {
    org: Option<i64>,
    page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GridList {
    items: Vec<Grid>,
    total: i64,
}

/// 网格 / Grids of a subtree
///
/// The grids under `org` (default: the caller's home), 50 a page, with their households and
/// paired households.
#[utoipa::path(
    get,
    path = "/grids",
    operation_id = "listGrids",
    tag = "masses",
    params(GridsQuery),
    responses((status = 200, description = "A page of grids.", body = GridList)),
)]
pub async fn grids(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<GridsQuery>,
) -> ApiResult<Json<GridList>> {
    let (_, items, total) = st.app.grids(&auth.actor, q.org, q.page).await?;
    Ok(Json(GridList { items, total }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewGrid {
    /// An open village or community org.
    org_id: i64,
    #[serde(flatten)]
    grid: GridInput,
}

/// 新建网格 / Set up a grid
///
/// In an open village or community org the caller edits members of; `group_id` must be a grid
/// party group under it. A second grid of the same name in the org answers 422 `duplicate`;
/// another kind of org `not_a_community`. Audited as `grid.create`.
#[utoipa::path(
    post,
    path = "/grids",
    operation_id = "createGrid",
    tag = "masses",
    request_body(content = NewGrid),
    responses((status = 201, description = "The grid.", body = Grid)),
)]
pub async fn create_grid(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<NewGrid>,
) -> ApiResult<(StatusCode, Json<Grid>)> {
    let g = st.app.create_grid(&auth.actor, b.org_id, &b.grid).await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// 网格 / One grid
///
/// 404 outside the caller's subtree.
#[utoipa::path(
    get,
    path = "/grids/{id}",
    operation_id = "getGrid",
    tag = "masses",
    params(("id" = i64, Path, description = "Grid id.")),
    responses((status = 200, description = "The grid.", body = Grid)),
)]
pub async fn grid(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Grid>> {
    Ok(Json(st.app.grid(&auth.actor, id).await?))
}

/// 住户 / Households of a subtree
///
/// Filters: `grid`, `unpaired=true` (no responsible member), `need` (a need code or label), `q`
/// (part of the address or the head's name). 50 a page.
#[utoipa::path(
    get,
    path = "/households",
    operation_id = "listHouseholds",
    tag = "masses",
    params(HouseholdQuery),
    responses((status = 200, description = "A page of households.", body = HouseholdPage)),
)]
pub async fn households(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Json<HouseholdPage>> {
    Ok(Json(st.app.households(&auth.actor, &q).await?))
}

/// 登记住户 / Register a household
///
/// In a grid whose org the caller edits members of. Validated (address, head's name, mobile
/// phone, size 1–20, needs, legal basis); the phone is stored encrypted and answered masked;
/// `retain_until` is 5 years on. Audited as `household.create`.
#[utoipa::path(
    post,
    path = "/grids/{id}/households",
    operation_id = "addHousehold",
    tag = "masses",
    params(("id" = i64, Path, description = "Grid id.")),
    request_body(content = HouseholdInput),
    responses((status = 201, description = "The household.", body = HouseholdView)),
)]
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

/// 住户 / One household
///
/// With its pairings (history) and latest deeds. Visible inside the caller's subtree, and to
/// the member responsible for it now; 404 otherwise.
#[utoipa::path(
    get,
    path = "/households/{id}",
    operation_id = "getHousehold",
    tag = "masses",
    params(("id" = i64, Path, description = "Household id.")),
    responses((status = 200, description = "The household.", body = HouseholdView)),
)]
pub async fn household(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HouseholdView>> {
    Ok(Json(st.app.household(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PairBody {
    member_id: i64,
    on: Option<String>,
}

/// 落实联系党员 / Make a member responsible
///
/// Ends the current pairing (kept in the history) and starts one for `member_id` from `on`
/// (default today). The member must be visible to the caller and serve fewer than 10
/// households; the same member again answers 422 `already_paired`, a date before the current
/// pairing `before_previous`. Audited as `household.pair`.
#[utoipa::path(
    post,
    path = "/households/{id}/pairing",
    operation_id = "pairHousehold",
    tag = "masses",
    params(("id" = i64, Path, description = "Household id.")),
    request_body(content = PairBody),
    responses((status = 200, description = "The household.", body = HouseholdView)),
)]
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

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OnQuery {
    on: Option<String>,
}

/// 解除联系 / End the pairing
///
/// Ends the current pairing on `on` (default today); without one, 422 `not_paired`. Audited as
/// `household.unpair`.
#[utoipa::path(
    delete,
    path = "/households/{id}/pairing",
    operation_id = "unpairHousehold",
    tag = "masses",
    params(("id" = i64, Path, description = "Household id."), OnQuery),
    responses((status = 204, description = "Ended.")),
)]
pub async fn unpair(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<StatusCode> {
    st.app.unpair(&auth.actor, id, q.on.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 好事实事 / Deeds of a subtree
///
/// Deeds of the members of `org`'s subtree, newest first, 50 a page, with the count and minutes
/// of all that match. Filters: `member`, `household`, `from`/`to` (dates, inclusive), `kind`,
/// `unconfirmed=true`.
#[utoipa::path(
    get,
    path = "/deeds",
    operation_id = "listDeeds",
    tag = "masses",
    params(DeedQuery),
    responses((status = 200, description = "A page of deeds.", body = DeedPage)),
)]
pub async fn deeds(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeedQuery>,
) -> ApiResult<Json<DeedPage>> {
    Ok(Json(st.app.deeds(&auth.actor, &q).await?))
}

/// 登记好事实事 / Record a deed
///
/// A member records their own (unconfirmed until the branch confirms it); a secretary or admin
/// records for members they manage (confirmed at once). With `household_id`, the member must
/// have been responsible for it on `done_on` (422 `not_paired`). Audited as `deed.create`.
#[utoipa::path(
    post,
    path = "/members/{id}/deeds",
    operation_id = "recordDeed",
    tag = "masses",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = NewDeedInput),
    responses((status = 201, description = "The new deed's id.", body = Created)),
)]
pub async fn record_deed(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(member): ApiPath<i64>,
    ApiJson(b): ApiJson<NewDeedInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.record_deed(&auth.actor, member, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 确认好事实事 / Confirm a deed
///
/// By an editor of the member's branch, not by the member; a confirmed deed answers 422
/// `already_confirmed`. Audited as `deed.confirm`.
#[utoipa::path(
    post,
    path = "/deeds/{id}/confirm",
    operation_id = "confirmDeed",
    tag = "masses",
    params(("id" = i64, Path, description = "Deed id.")),
    responses((status = 204, description = "Confirmed.")),
)]
pub async fn confirm_deed(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.confirm_deed(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CoverageQuery {
    org: Option<i64>,
    year: Option<i32>,
}

/// 联户覆盖 / Coverage and deeds
///
/// For `org` (default: the caller's home) and each child: households, paired households,
/// coverage in per mille, deeds and minutes in `year` (default this year). Read from the
/// counters, so constant time per level.
#[utoipa::path(
    get,
    path = "/masses/coverage",
    operation_id = "massesCoverage",
    tag = "masses",
    params(CoverageQuery),
    responses((status = 200, description = "Coverage.", body = Coverage)),
)]
pub async fn coverage(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Json<Coverage>> {
    Ok(Json(st.app.coverage(&auth.actor, q.org, q.year).await?))
}

/// 亮身份 / A member's card
///
/// For the member themselves and for anyone who sees the member's branch.
#[utoipa::path(
    get,
    path = "/members/{id}/card",
    operation_id = "getMemberCard",
    tag = "masses",
    params(("id" = i64, Path, description = "Member id.")),
    responses((status = 200, description = "The card.", body = CardView)),
)]
pub async fn card(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(st.app.member_card(&auth.actor, id).await?))
}

/// 保存亮身份 / Save a card
///
/// The member writes the commitment and publishes; editors of the branch also set the duties. A
/// first save gives the card its random code. Publishing without a commitment answers 422
/// `required`. Audited as `card.save`.
#[utoipa::path(
    put,
    path = "/members/{id}/card",
    operation_id = "setMemberCard",
    tag = "masses",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = CardInput),
    responses((status = 200, description = "The card.", body = CardView)),
)]
pub async fn set_card(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CardInput>,
) -> ApiResult<Json<CardView>> {
    Ok(Json(st.app.set_member_card(&auth.actor, id, &b).await?))
}

/// 公开亮牌 / A published card, for anyone
///
/// No login. A code that is malformed, unknown, unpublished, or of a member who left the
/// district answers 404, all alike.
#[utoipa::path(
    get,
    path = "/cards/{code}",
    operation_id = "publicCard",
    tag = "masses",
    params(("code" = String, Path, description = "The card's public code, from its short link or QR code.")),
    responses((status = 200, description = "The card.", body = PublicCard)),
)]
pub async fn public_card(
    State(st): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<PublicCard>> {
    Ok(Json(st.app.public_card(&code).await?))
}

/// 导出住户 / Households as xlsx
///
/// The households `GET /households` lists with the same filters, all pages (at most 200,000,
/// else 422 `too_many`), the head's name and the phone masked. Audited as an export.
#[utoipa::path(
    get,
    path = "/households.xlsx",
    operation_id = "exportHouseholds",
    tag = "masses",
    params(HouseholdQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn households_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Response> {
    let (root, rows) = st.app.export_households(&auth.actor, &q).await?;
    Ok(crate::export::households(&root.name, &rows)?)
}

/// 导出好事实事 / Deeds as xlsx
///
/// The deeds `GET /deeds` lists with the same filters, all pages (at most 200,000). Audited as
/// an export.
#[utoipa::path(
    get,
    path = "/deeds.xlsx",
    operation_id = "exportDeeds",
    tag = "masses",
    params(DeedQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn deeds_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeedQuery>,
) -> ApiResult<Response> {
    let (root, rows) = st.app.export_deeds(&auth.actor, &q).await?;
    Ok(crate::export::deeds(&root.name, &rows)?)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportsQuery {
    org: Option<i64>,
    year: Option<i32>,
    page: Option<i64>,
}

/// 在职党员报到 / Reports to communities
///
/// Members reporting now to the villages and communities of `org`'s subtree (default: the
/// caller's home), 50 a page, with their service minutes and rating in `year` (default this
/// year).
#[utoipa::path(
    get,
    path = "/reports",
    operation_id = "listReports",
    tag = "masses",
    params(ReportsQuery),
    responses((status = 200, description = "A page of reports.", body = CommunityCheckinPage)),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RegisterBody {
    member_id: i64,
    community_id: i64,
}

/// 报到 / Register with a community
///
/// By the member themselves or an editor of their branch. Members of a village or community
/// answer 422 `not_in_service`; a community that is not an open village or community
/// `not_a_community`; the same community again `already_reported`. A report to another
/// community ends the current one. Audited as `report.register`.
#[utoipa::path(
    post,
    path = "/reports",
    operation_id = "registerReport",
    tag = "masses",
    request_body(content = RegisterBody),
    responses((status = 201, description = "The report.", body = CommunityCheckinView)),
)]
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

/// 报到 / One report
///
/// Seen by the member, the member's branch side and the community side; 404 otherwise.
#[utoipa::path(
    get,
    path = "/reports/{id}",
    operation_id = "getReport",
    tag = "masses",
    params(("id" = i64, Path, description = "Community check-in (双报到) id.")),
    responses((status = 200, description = "The report.", body = CommunityCheckinView)),
)]
pub async fn report(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CommunityCheckinView>> {
    Ok(Json(st.app.report_view(&auth.actor, id).await?))
}

/// 登记社区服务 / Log service
///
/// By the member (unconfirmed) or the community's staff (confirmed). Body as a deed (`done_on`,
/// `kind`, `description`, `hours`); not before the registration (422 `before_registered`), not
/// on an ended report (`ended`).
#[utoipa::path(
    post,
    path = "/reports/{id}/services",
    operation_id = "logReportService",
    tag = "masses",
    params(("id" = i64, Path, description = "Community check-in (双报到) id.")),
    request_body(content = DeedInput),
    responses((status = 201, description = "The entry's id.", body = Created)),
)]
pub async fn report_service(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeedInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.log_community_service(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 年度评价 / Rate a reported member
///
/// By the community's staff, once per year (422 `already_rated`), for a year from the
/// registration's to this one (`invalid_year`). `rating`: excellent, good, fair, poor (or 优秀,
/// 良好, 一般, 较差); `comment` up to 200 characters. Audited as `report.rate`.
#[utoipa::path(
    post,
    path = "/reports/{id}/rating",
    operation_id = "rateReport",
    tag = "masses",
    params(("id" = i64, Path, description = "Community check-in (双报到) id.")),
    request_body(content = RatingInput),
    responses((status = 204, description = "Rated.")),
)]
pub async fn rate_community_checkin(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RatingInput>,
) -> ApiResult<StatusCode> {
    st.app.rate_community_checkin(&auth.actor, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 结束报到 / End a report
///
/// By the member or the community's staff; an ended report answers 422 `ended`.
#[utoipa::path(
    post,
    path = "/reports/{id}/end",
    operation_id = "endReport",
    tag = "masses",
    params(("id" = i64, Path, description = "Community check-in (双报到) id.")),
    responses((status = 204, description = "Ended.")),
)]
pub async fn end_community_checkin(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.end_community_checkin(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UnitsQuery {
    org: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitList {
    items: Vec<ServiceUnit>,
}

/// 服务体系 / Service structure
///
/// Units standing at the orgs of `org`'s subtree (default: the caller's home), at most 2,000,
/// by org and name; `members` counts each unit's members.
#[utoipa::path(
    get,
    path = "/service-units",
    operation_id = "listServiceUnits",
    tag = "masses",
    params(UnitsQuery),
    responses((status = 200, description = "The units.", body = UnitList)),
)]
pub async fn service_units(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<UnitsQuery>,
) -> ApiResult<Json<UnitList>> {
    let (_, items) = st.app.service_units(&auth.actor, q.org).await?;
    Ok(Json(UnitList { items }))
}

/// 设立服务单元 / Set up a unit
///
/// Without `parent_id`: a 党员联系集团 at a town committee. With one: the tier below the parent's, at
/// an org under the parent's org: a 联系队 at a village or community, a 联系分队 or 联系小组 at the
/// parent's own community. 422 `not_allowed_here`, `unknown_unit` (a parent that does not exist
/// or does not stand above `org_id`), `lowest_tier`, `duplicate`. Audited as
/// `service_unit.create`.
#[utoipa::path(
    post,
    path = "/service-units",
    operation_id = "createServiceUnit",
    tag = "masses",
    request_body(content = UnitInput),
    responses((status = 201, description = "The unit.", body = UnitView)),
)]
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

/// 服务单元 / One unit
///
/// With its members and the units under it; 404 outside the caller's subtree.
#[utoipa::path(
    get,
    path = "/service-units/{id}",
    operation_id = "getServiceUnit",
    tag = "masses",
    params(("id" = i64, Path, description = "Service unit id.")),
    responses((status = 200, description = "The unit.", body = UnitView)),
)]
pub async fn service_unit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<UnitView>> {
    Ok(Json(st.app.service_unit(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UnitMemberBody {
    member_id: i64,
    #[serde(default)]
    leader: bool,
}

/// 加入服务单元 / Add a member
///
/// `{"member_id", "leader"}`; the member must be visible to the caller (422 `unknown_member`),
/// once per unit (`duplicate`). Audited as `service_unit.join`.
#[utoipa::path(
    post,
    path = "/service-units/{id}/members",
    operation_id = "addServiceUnitMember",
    tag = "masses",
    params(("id" = i64, Path, description = "Service unit id.")),
    request_body(content = UnitMemberBody),
    responses((status = 200, description = "The unit.", body = UnitView)),
)]
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

/// 移出服务单元 / Remove a member
///
/// 404 when the member is not in the unit. Audited as `service_unit.leave`.
#[utoipa::path(
    delete,
    path = "/service-units/{id}/members/{member_id}",
    operation_id = "removeServiceUnitMember",
    tag = "masses",
    params(("id" = i64, Path, description = "Service unit id."), ("member_id" = i64, Path, description = "Member id.")),
    responses((status = 204, description = "Removed.")),
)]
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

/// 亮身份照片 / A member's card photo
///
/// The photo of a member's card (`has_photo` on the card tells whether there is one), shown
/// inline. For the member themselves and for anyone who sees the member's branch. No photo, a
/// member who left the district, or a member out of scope: 404.
#[utoipa::path(
    get,
    path = "/members/{id}/card/photo",
    operation_id = "getMemberCardPhoto",
    tag = "masses",
    params(("id" = i64, Path, description = "Member id.")),
    responses((status = 200, description = "The photo.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png")))),
)]
pub async fn card_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(image(st.app.card_photo(&auth.actor, id).await?))
}

/// 上传亮身份照片 / Set a card's photo
///
/// Stores the photo of a member's card, replacing any earlier one (audited as `card.photo`). By
/// the member themselves or an editor of the member's branch; anyone else who sees the member
/// gets 403. Send `multipart/form-data` with one field `file` (other fields are ignored); a
/// cookie session sends its CSRF token in the `X-CSRF-Token` header. The photo must be a JPG or
/// PNG, recognised by its content as well as by its extension, of at most **2 MiB**; the
/// request itself may not exceed **6 MiB** (413). The form is read first (400, 413, 422
/// `required` on `file`), then the member (missing, departed or out of scope: 404) and the
/// right to edit (403), then the photo.
#[utoipa::path(
    post,
    path = "/members/{id}/card/photo",
    operation_id = "setMemberCardPhoto",
    tag = "masses",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The photo."),
    responses((status = 204, description = "Stored; any earlier photo is replaced.")),
)]
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

/// 公开亮牌照片 / A published card's photo, for anyone
///
/// No login. The photo of a published card (`has_photo` on the card), shown inline. A code that
/// is malformed, unknown, unpublished, or of a member who left the district, and a card without
/// a photo, answer 404, all alike.
#[utoipa::path(
    get,
    path = "/cards/{code}/photo",
    operation_id = "publicCardPhoto",
    tag = "masses",
    params(("code" = String, Path, description = "The card's public code, from its short link or QR code.")),
    responses((status = 200, description = "The photo.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png")))),
)]
pub async fn public_card_photo(
    State(st): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Response> {
    Ok(image(st.app.public_card_photo(&code).await?))
}

/// 好事实事照片 / A deed's photo
///
/// The photo of a deed (listed in `with_photo` of the deeds' page), shown inline. For a deed
/// the caller may see: one in their scope, or their own; a member's own account sees only their
/// own deeds. No photo, or a deed missing or out of scope: 404.
#[utoipa::path(
    get,
    path = "/deeds/{id}/photo",
    operation_id = "getDeedPhoto",
    tag = "masses",
    params(("id" = i64, Path, description = "Deed id.")),
    responses((status = 200, description = "The photo.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png")))),
)]
pub async fn deed_photo(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    Ok(image(st.app.deed_photo(&auth.actor, id).await?))
}

/// 上传好事实事照片 / Set a deed's photo
///
/// Stores the photo of a deed, replacing any earlier one (audited as `deed.photo`). By the
/// member who did the deed or an editor of the deed's branch; anyone else who sees the deed
/// gets 403. Send `multipart/form-data` with one field `file` (other fields are ignored); a
/// cookie session sends its CSRF token in the `X-CSRF-Token` header. The photo must be a JPG or
/// PNG, recognised by its content as well as by its extension, of at most **2 MiB**; the
/// request itself may not exceed **6 MiB** (413). The form is read first (400, 413, 422
/// `required` on `file`), then the deed (missing or out of scope: 404) and the right to edit
/// (403), then the photo.
#[utoipa::path(
    post,
    path = "/deeds/{id}/photo",
    operation_id = "setDeedPhoto",
    tag = "masses",
    params(("id" = i64, Path, description = "Deed id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The photo."),
    responses((status = 204, description = "Stored; any earlier photo is replaced.")),
)]
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
