//! 民主评议党员 over JSON: a branch's yearly review, its entries, the meeting's decision and
//! the grades of a subtree.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::review::{EntryInput, GradeInput, ReviewDetail};
use dangjian_service::stats::Slice;
use dangjian_service::today;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// Body of POST /reviews.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReviewOpen {
    /// The branch (kind `branch` or `joint_branch`; else 422 `not_a_branch`). Missing or out of
    /// scope: 404.
    org_id: i64,
    /// The year to review, from 2000 to the current year (422 `invalid_year`); one review per
    /// branch and year (422 `duplicate`).
    year: i64,
}

/// 开展民主评议 / Open a branch's review for a year
///
/// Opens the 民主评议党员 of a branch for a year with an empty entry for every member the branch has
/// now (members of its party and grid groups included); members who join later are not added.
/// Audited as `review.open`. Roles: district_admin, town_admin, village_admin, branch_secretary
/// inside their scope (else 403). The branch missing or out of scope: 404. One review per
/// branch and year. The checks run in this order: scope and role, `not_a_branch`,
/// `invalid_year`, `no_members`, `duplicate`.
#[utoipa::path(
    post,
    path = "/reviews",
    operation_id = "openReview",
    tag = "reviews",
    request_body(content = ReviewOpen, description = "The branch and the year."),
    responses((status = 201, description = "Opened; the review with its empty entries.", body = ReviewDetail)),
)]
pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ReviewOpen>,
) -> ApiResult<(StatusCode, Json<ReviewDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.open_review(&auth.actor, b.org_id, b.year).await?),
    ))
}

/// 民主评议详情 / Get a review
///
/// One review of a branch in the caller's scope (missing or out of scope: 404) with every
/// member's entry.
#[utoipa::path(
    get,
    path = "/reviews/{id}",
    operation_id = "getReview",
    tag = "reviews",
    params(("id" = i64, Path, description = "Review id.")),
    responses((status = 200, description = "The review.", body = ReviewDetail)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(st.app.review(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// The branch (404 if out of scope). Absent or not an integer: 400 `malformed_query`.
    org: i64,
    /// The review year 评议年度. Default: the current year (China Standard Time). Not an integer:
    /// 400 `malformed_query`.
    year: Option<i64>,
}

/// 支部年度民主评议 / The review of a branch for a year
///
/// The 民主评议党员 of one branch for one year, with every member's entry. A `member` user reads
/// their own branch's review, entries of the other members included. `org` missing or out of
/// scope: 404 `not_found`; no review opened for that organization and year (also when `org` is
/// not a branch): 404 `not_found` with the message 该支部本年度尚未开展民主评议.
#[utoipa::path(
    get,
    path = "/reviews",
    operation_id = "findReview",
    tag = "reviews",
    params(FindQuery),
    responses((status = 200, description = "The review.", body = ReviewDetail)),
)]
pub async fn find(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<FindQuery>,
) -> ApiResult<Json<ReviewDetail>> {
    let year = q.year.unwrap_or_else(|| i64::from(today().year()));
    st.app
        .review_of(&auth.actor, q.org, year)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "该支部本年度尚未开展民主评议",
            ))
        })
}

/// 记录评议环节 / Record steps of a member's review
///
/// Records steps of one member's review: the self-evaluation 个人自评, the peer score 互评, the votes
/// 民主测评 and the branch committee's proposed grade 支委会建议等次. Given fields replace the stored
/// values; absent or `null` fields keep them. Audited as `review.entry`; answers the whole
/// review.
///
/// **Who.** A `member` user may write their **own** `self_evaluation` only, with no other field
/// in the body. Everything else needs a role that edits members (district_admin, town_admin,
/// village_admin, branch_secretary) inside their scope; otherwise 403 — also for a member
/// writing another member's self-evaluation. Review missing or out of scope: 404.
///
/// Once the general meeting has decided (`decided_on` set), nothing changes: 422 `decided`. The
/// checks run in this order: scope, role, `decided`, the fields, `not_in_review`.
#[utoipa::path(
    patch,
    path = "/reviews/{id}/entries/{member_id}",
    operation_id = "updateReviewEntry",
    tag = "reviews",
    params(("id" = i64, Path, description = "Review id."), ("member_id" = i64, Path, description = "Member id: a member with an entry in the review (422 `not_in_review` otherwise).")),
    request_body(content = EntryInput, description = "The steps to record."),
    responses((status = 200, description = "The review after the change.", body = ReviewDetail)),
)]
pub async fn entry(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<EntryInput>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(
        st.app
            .update_review_entry(&auth.actor, id, member, &b)
            .await?,
    ))
}

/// Body of POST /reviews/{id}/decision.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReviewDecision {
    /// Exactly one grade for every entry of the review (422 `incomplete` otherwise), at most
    /// `max_excellent` of them `excellent` (422 `excellent_cap`).
    grades: Vec<GradeInput>,
}

/// 支部党员大会评定等次 / Record the general meeting's decision
///
/// Records the grades 评定等次 the branch general meeting 支部党员大会 decided, one for **every** member
/// of the review, and sets `decided_on` to today; from then on the review cannot change.
/// Audited as `review.decide`. **At most one third** of the branch may be graded `excellent`
/// 优秀: floor(n ÷ 3) of n entries, as `max_excellent` tells (9 or 10 members: 3; 2 members:
/// none). The whole list is checked first: a refused decision records nothing. Roles:
/// district_admin, town_admin, village_admin, branch_secretary inside their scope (else 403).
/// Review missing or out of scope: 404. Answers 200 with the decided review.
#[utoipa::path(
    post,
    path = "/reviews/{id}/decision",
    operation_id = "decideReview",
    tag = "reviews",
    params(("id" = i64, Path, description = "Review id.")),
    request_body(content = ReviewDecision, description = "The grades."),
    responses((status = 200, description = "Decided; the review with its grades and `decided_on`.", body = ReviewDetail)),
)]
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewDecision>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(
        st.app.decide_review(&auth.actor, id, &b.grades).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The organization whose subtree is counted (404 if out of scope). Default: the caller's
    /// scope root (a `member` user: their own branch).
    org: Option<i64>,
    /// The review year 评议年度. Default: the current year (China Standard Time). Not an integer:
    /// 400 `malformed_query`.
    year: Option<i64>,
}

/// 民主评议结果统计 / Decided grades of a subtree for a year
///
/// How many members of a subtree were graded 优秀, 合格, 基本合格 and 不合格 in a year: the decided grades
/// of every review of that year whose branch lies in the subtree of `org` (the organization
/// itself included). Reviews not yet decided count nothing.
#[utoipa::path(
    get,
    path = "/reviews/summary",
    operation_id = "getReviewSummary",
    tag = "reviews",
    params(SummaryQuery),
    responses((status = 200, description = "The counts.", body = GradeCounts)),
)]
pub async fn summary(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<GradeCounts>> {
    let org = match q.org {
        Some(o) => o,
        None => st.app.home_org(&auth.actor).await?.id,
    };
    let year = q.year.unwrap_or_else(|| i64::from(today().year()));
    let items = st.app.review_grade_counts(&auth.actor, org, year).await?;
    Ok(Json(GradeCounts { year, items }))
}

/// How many members of the subtree got each grade in a year's review.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GradeCounts {
    /// The year counted.
    year: i64,
    /// The four grades in Grade order (`excellent`, `qualified`, `basically_qualified`,
    /// `unqualified`) with their Chinese labels and the number of members graded so, zeros
    /// included.
    items: Vec<Slice>,
}
