//! 软弱涣散 and 红旗 over JSON: the thresholds, departments' flags, a town's screening and
//! proposal, the district's decision, a listed organization's rectification to its sign-off,
//! and red-flag titles.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::assessment::weak::WeakRules;
use dangjian_service::assessment::weak::{
    AwardInput, DecisionInput, ItemInput, ProposalInput, Rectification, RedFlag, Screening,
    SignOffInput, SupportInput, WeakBoard, WeakFlag,
};
use dangjian_service::today;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

fn last_year() -> i64 {
    i64::from(today().year()) - 1
}

/// 排查规则 / The screening's thresholds
///
/// The district's thresholds of the weak-and-lax screening: secretary vacancy, share of
/// organizational life held, years without recruitment (villages and communities), residents'
/// satisfaction, and the usual share of a town's list (guidance only).
#[utoipa::path(
    get,
    path = "/weak/rules",
    operation_id = "getWeakRules",
    tag = "assessment",
    responses((status = 200, description = "The thresholds.", body = WeakRules)),
)]
pub async fn rules(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<WeakRules>> {
    auth.actor.read_root()?;
    Ok(Json(st.app.weak_rules().await?))
}

/// 修改排查规则 / Change the thresholds
///
/// District organization department only (403). Each value out of its range: 422 naming it.
/// Audited as `weak.rules`.
#[utoipa::path(
    put,
    path = "/weak/rules",
    operation_id = "putWeakRules",
    tag = "assessment",
    request_body(content = WeakRules, description = "Every threshold."),
    responses((status = 200, description = "The thresholds as stored.", body = WeakRules)),
)]
pub async fn put_rules(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<WeakRules>,
) -> ApiResult<Json<WeakRules>> {
    Ok(Json(st.app.set_weak_rules(&auth.actor, &b).await?))
}

/// Body of POST /weak/flags.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct FlagBody {
    org_id: i64,
    year: Option<i64>,
    /// The department: 纪检监察, 信访, 政法… (1–20 characters).
    source: String,
    /// What it found (1–500 characters).
    note: String,
}

/// 部门标记 / A department's flag
///
/// A flag entered for a department (纪检, 信访, 政法…) on an organization for a year's
/// screening (default: last year); it becomes a reason on the town's candidate list. District
/// organization department only (403). Audited as `weak.flag`.
#[utoipa::path(
    post,
    path = "/weak/flags",
    operation_id = "flagWeak",
    tag = "assessment",
    request_body(content = FlagBody, description = "The organization, the department and what it found."),
    responses((status = 201, description = "The flag.", body = WeakFlag)),
)]
pub async fn flag(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<FlagBody>,
) -> ApiResult<(StatusCode, Json<WeakFlag>)> {
    let f = st
        .app
        .flag_weak(
            &auth.actor,
            b.org_id,
            b.year.unwrap_or_else(last_year),
            &b.source,
            &b.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(f)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreeningQuery {
    /// The town (404 out of scope; not a town: 422 `not_a_town`).
    org: i64,
    /// The screening year. Default: last year.
    year: Option<i64>,
}

/// 软弱涣散排查 / A town's screening
///
/// The grassroots organizations directly under a town with the reasons the year's records
/// give (secretary post vacant, 三会一课 or 主题党日 below the share, no 民主评议, no one
/// recruited for two years in a village or community, satisfaction below the threshold, last
/// in the published stars, departments' flags): candidates first, each with its proposal, if
/// any, and the years it was listed before; the usual share of the list as counts.
#[utoipa::path(
    get,
    path = "/weak/screening",
    operation_id = "weakScreening",
    tag = "assessment",
    params(ScreeningQuery),
    responses((status = 200, description = "The screening.", body = Screening)),
)]
pub async fn screening(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ScreeningQuery>,
) -> ApiResult<Json<Screening>> {
    Ok(Json(
        st.app
            .weak_screening(&auth.actor, q.org, q.year.unwrap_or_else(last_year))
            .await?,
    ))
}

/// Body of POST /weak/proposals.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalBody {
    /// The town proposing.
    org_id: i64,
    #[serde(flatten)]
    input: ProposalInput,
}

/// 镇街推荐 / A town's proposal
///
/// Proposes organizations of the town for the year's list (default: last year), each stored
/// with the reasons its records give now; one not on the candidate list needs a `note`. An
/// organization not screened by the town: 422 `not_screened`; proposed twice: `duplicate`.
/// The town's admin or the district (403). Audited as `weak.propose`.
#[utoipa::path(
    post,
    path = "/weak/proposals",
    operation_id = "proposeWeak",
    tag = "assessment",
    request_body(content = ProposalBody, description = "The town, the year and the organizations."),
    responses((status = 200, description = "The screening after the proposal.", body = Screening)),
)]
pub async fn propose(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProposalBody>,
) -> ApiResult<Json<Screening>> {
    Ok(Json(
        st.app.propose_weak(&auth.actor, b.org_id, &b.input).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Decided {
    /// Organizations put on the list.
    listed: i64,
}

/// 区委确定名单 / The district's decision
///
/// Puts proposals on the list (`listed`) or not (`not_listed`), with the decision's date (not
/// in the future) and document number. A proposal decided before: 422 `decided`. District
/// organization department only (403). Audited as `weak.decide`.
#[utoipa::path(
    post,
    path = "/weak/decisions",
    operation_id = "decideWeak",
    tag = "assessment",
    request_body(content = DecisionInput, description = "The listings, the date and the document."),
    responses((status = 200, description = "How many were listed.", body = Decided)),
)]
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<DecisionInput>,
) -> ApiResult<Json<Decided>> {
    let listed = st.app.decide_weak(&auth.actor, &b).await?;
    Ok(Json(Decided { listed }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Default: the caller's scope (404 out of scope).
    org: Option<i64>,
    /// Default: last year.
    year: Option<i64>,
}

/// 软弱涣散名单 / A level's listings
///
/// The listings of a year inside a level with each plan's items, those done and those overdue,
/// and how many years each organization has been listed.
#[utoipa::path(
    get,
    path = "/weak",
    operation_id = "weakBoard",
    tag = "assessment",
    params(BoardQuery),
    responses((status = 200, description = "The listings.", body = WeakBoard)),
)]
pub async fn board(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<WeakBoard>> {
    Ok(Json(
        st.app
            .weak_board(&auth.actor, q.org, q.year.unwrap_or_else(last_year))
            .await?,
    ))
}

/// 整改详情 / A listed organization's rectification
///
/// The listing with its reasons and decision, the plan's three lists (problems, measures,
/// responsibilities) with persons, deadlines and overdue items, progress, the support
/// assigned, acceptances, and every year the organization was listed.
#[utoipa::path(
    get,
    path = "/weak-listings/{id}",
    operation_id = "getRectification",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing.")),
    responses((status = 200, description = "The rectification.", body = Rectification)),
)]
pub async fn rectification(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Rectification>> {
    Ok(Json(st.app.rectification(&auth.actor, id).await?))
}

/// 添加整改事项 / Add a plan item
///
/// An item of the problem, measure or responsibility list with its responsible person and
/// deadline (not before the listing's decision: 422 `before_start`). Only while listed. The
/// organization and the levels above (403). Audited as `weak.item`.
#[utoipa::path(
    post,
    path = "/weak-listings/{id}/items",
    operation_id = "addPlanItem",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing.")),
    request_body(content = ItemInput, description = "The item."),
    responses((status = 200, description = "The rectification.", body = Rectification)),
)]
pub async fn add_item(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ItemInput>,
) -> ApiResult<Json<Rectification>> {
    Ok(Json(st.app.add_plan_item(&auth.actor, id, &b).await?))
}

/// Body of POST /weak-listings/{id}/progress.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProgressBody {
    /// The item it concerns, if one (not of this plan: 422 `not_in_plan`).
    item_id: Option<i64>,
    note: String,
    /// Marks the item done today (done already: 422 `done`).
    #[serde(default)]
    done: bool,
}

/// 记录整改进展 / Record progress
///
/// A progress entry on the plan or one of its items, marking the item done if asked. Audited
/// as `weak.progress`.
#[utoipa::path(
    post,
    path = "/weak-listings/{id}/progress",
    operation_id = "addPlanProgress",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing.")),
    request_body(content = ProgressBody, description = "The entry."),
    responses((status = 200, description = "The rectification.", body = Rectification)),
)]
pub async fn progress(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ProgressBody>,
) -> ApiResult<Json<Rectification>> {
    Ok(Json(
        st.app
            .add_plan_progress(&auth.actor, id, b.item_id, &b.note, b.done)
            .await?,
    ))
}

/// 帮扶力量 / Assign support
///
/// The district leader, town leader, department and first secretary assigned (each at most 50
/// characters). The town or the district (403). Audited as `weak.support`.
#[utoipa::path(
    put,
    path = "/weak-listings/{id}/support",
    operation_id = "setWeakSupport",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing.")),
    request_body(content = SupportInput, description = "The support."),
    responses((status = 200, description = "The rectification.", body = Rectification)),
)]
pub async fn support(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SupportInput>,
) -> ApiResult<Json<Rectification>> {
    Ok(Json(st.app.set_weak_support(&auth.actor, id, &b).await?))
}

/// 验收销号 / Acceptance
///
/// The district's acceptance with its score (0–100) and democratic vote: it passes at 70 or
/// more unless more than half of those present are dissatisfied; passed, the organization is
/// signed off and followed one more year; failed, `new_deadline` (after `held_on`) is
/// required. Refused while an item of the plan is open (422 `open_items` on `items`), with
/// more votes than present (`too_many_votes` on `dissatisfied`). Audited as `weak.sign_off`.
#[utoipa::path(
    post,
    path = "/weak-listings/{id}/sign-offs",
    operation_id = "signOffWeak",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing.")),
    request_body(content = SignOffInput, description = "The acceptance."),
    responses((status = 200, description = "The rectification.", body = Rectification)),
)]
pub async fn sign_off(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SignOffInput>,
) -> ApiResult<Json<Rectification>> {
    Ok(Json(st.app.sign_off_weak(&auth.actor, id, &b).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FlagsQuery {
    /// Default: the caller's scope (404 out of scope).
    org: Option<i64>,
}

/// 红旗党组织 / Red-flag titles
///
/// Every title inside a level, newest year first, with how many years each holder has held
/// one (revoked titles listed, not counted).
#[utoipa::path(
    get,
    path = "/red-flags",
    operation_id = "listRedFlags",
    tag = "assessment",
    params(FlagsQuery),
    responses((status = 200, description = "The titles.", body = Vec<RedFlag>)),
)]
pub async fn red_flags(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<FlagsQuery>,
) -> ApiResult<Json<Vec<RedFlag>>> {
    Ok(Json(st.app.red_flags(&auth.actor, q.org).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Awarded {
    awarded: i64,
}

/// 授予红旗 / Award red-flag titles
///
/// Awards a year's titles (default: this year) with the date and document number. An
/// organization on that year's weak list: 422 `on_weak_list`; one already holding the year's
/// title: `duplicate`. District organization department only (403). Audited as
/// `red_flag.award`.
#[utoipa::path(
    post,
    path = "/red-flags",
    operation_id = "awardRedFlags",
    tag = "assessment",
    request_body(content = AwardInput, description = "The year, the organizations and the document."),
    responses((status = 200, description = "How many were awarded.", body = Awarded)),
)]
pub async fn award(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<AwardInput>,
) -> ApiResult<Json<Awarded>> {
    let awarded = st.app.award_red_flags(&auth.actor, &b).await?;
    Ok(Json(Awarded { awarded }))
}

/// Body of POST /red-flags/{id}/revoke.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RevokeBody {
    /// 1–500 characters.
    reason: String,
}

/// 撤销红旗 / Revoke a title
///
/// Revokes a title with the reason, once (422 `revoked`). District organization department
/// only (403). Audited as `red_flag.revoke`.
#[utoipa::path(
    post,
    path = "/red-flags/{id}/revoke",
    operation_id = "revokeRedFlag",
    tag = "assessment",
    params(("id" = i64, Path, description = "The title.")),
    request_body(content = RevokeBody, description = "The reason."),
    responses((status = 204, description = "Revoked.")),
)]
pub async fn revoke(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RevokeBody>,
) -> ApiResult<StatusCode> {
    st.app.revoke_red_flag(&auth.actor, id, &b.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
