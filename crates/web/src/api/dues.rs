//! 党费 over JSON: standards, payments one by one or by batch, the ledger, arrears, lapses,
//! reductions and their decisions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::dues::Payment;
use dangjian_service::dues::ReductionRecord;
use dangjian_service::dues::{ArrearsLine, ChildDues, LapseLine, Ledger, MemberDues, PayInput};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 党费标准 / A member's dues standard and payments
///
/// The monthly standard by the 2008 rules (DOMAIN.md §3) from the member's `category` and the
/// income `base_fen` in force this month, in integer 分: in service ≤3000.00 元 0.5%, ≤5000 1%,
/// ≤10000 1.5%, above 2% of the whole base; retired ≤5000 0.5%, above 1%; farmers, students and
/// the unemployed a fixed amount (20 分 by default). `monthly_standard_fen` is null when a base
/// is needed and none is set. `due_fen` is the standard or an approved reduction. Anyone who
/// can see the member reads it.
#[utoipa::path(
    get,
    path = "/members/{id}/dues",
    operation_id = "getMemberDues",
    tag = "dues",
    params(("id" = i64, Path, description = "Member id.")),
    responses((status = 200, description = "The member's dues.", body = MemberDues)),
)]
pub async fn member(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberDues>> {
    Ok(Json(st.app.member_dues(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BaseBody {
    from_month: String,
    /// 元, as text or a number.
    base: serde_json::Value,
}

/// 核定计算基数 / Set the income base from a month on
///
/// Sets the after-tax monthly pay (in service) or pension (retired) in 元, from `from_month` on
/// (no earlier than the back-payment window of 6 months). Negative (`negative`), absurd
/// (`absurd`, above 1,000,000 元) and garbled (`invalid_amount`) bases are refused with 422.
/// Editors of the member's branch only (403 otherwise); audited as `dues.base`.
#[utoipa::path(
    put,
    path = "/members/{id}/dues/base",
    operation_id = "setDuesBase",
    tag = "dues",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = BaseBody),
    responses((status = 200, description = "The member's dues after the change.", body = MemberDues)),
)]
pub async fn set_base(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<BaseBody>,
) -> ApiResult<Json<MemberDues>> {
    let base = match b.base {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    Ok(Json(
        st.app
            .set_dues_base(&auth.actor, id, &b.from_month, &base)
            .await?,
    ))
}

/// 登记交纳 / Record a payment for one or more months
///
/// Records the months `from_month..=to_month` (at most 24) as paid at what was due each month,
/// or at `amount` 元 a month (not less than due). All months or none: a month already paid
/// (`already_paid`), older than 6 months (`too_old`, 补交 covers at most 6), more than 12 ahead
/// (`too_far_ahead`), before joining (`before_joining`) or without a base (`no_base`) refuses
/// the whole request with 422. Audited as `dues.pay`.
#[utoipa::path(
    post,
    path = "/members/{id}/dues/payments",
    operation_id = "payDues",
    tag = "dues",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = PayInput),
    responses((status = 201, description = "The payments written.", body = Vec<Payment>)),
)]
pub async fn pay(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PayInput>,
) -> ApiResult<(StatusCode, Json<Vec<Payment>>)> {
    let rows = st.app.pay_dues(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(rows)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// An org inside the caller's scope (a branch for the ledger).
    org: i64,
    /// YYYY-MM; this month when absent.
    month: Option<String>,
}

/// 党费台账 / A branch's ledger for a month
///
/// Every member of the branch with base, reduction, due amount and payment; `state` is `paid`,
/// `unpaid`, `not_due` (joined later) or `no_base`. A non-branch org answers 422
/// `not_a_branch`.
#[utoipa::path(
    get,
    path = "/dues/ledger",
    operation_id = "getDuesLedger",
    tag = "dues",
    params(OrgQuery),
    responses((status = 200, description = "The ledger.", body = Ledger)),
)]
pub async fn ledger(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Ledger>> {
    Ok(Json(
        st.app
            .dues_ledger(&auth.actor, q.org, q.month.as_deref())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BatchBody {
    org_id: i64,
    month: String,
    member_ids: Vec<i64>,
    #[serde(flatten)]
    how: PayInput,
}

/// 批量登记 / Record several members as paid for a month
///
/// Marks the listed members of the branch as paid for `month` at exactly what each owed. All or
/// nothing: a member of another branch (`not_in_branch`) or a month already paid refuses the
/// whole batch.
#[utoipa::path(
    post,
    path = "/dues/ledger",
    operation_id = "payDuesBatch",
    tag = "dues",
    request_body(content = BatchBody),
    responses((status = 201, description = "How many were recorded: `{\"recorded\": n}`.", body = Recorded)),
)]
pub async fn pay_batch(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<BatchBody>,
) -> ApiResult<(StatusCode, Json<Recorded>)> {
    let n = st
        .app
        .pay_dues_batch(&auth.actor, b.org_id, &b.month, &b.member_ids, &b.how)
        .await?;
    Ok((StatusCode::CREATED, Json(Recorded { recorded: n })))
}

/// How many payments a batch recorded.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Recorded {
    recorded: usize,
}

/// 欠缴名单 / Members owing dues
///
/// Members of the subtree who owe any of the last 6 complete months (counting from the month
/// they joined), with `unpaid_months` and `last_paid`.
#[utoipa::path(
    get,
    path = "/dues/arrears",
    operation_id = "getDuesArrears",
    tag = "dues",
    params(OrgQuery),
    responses((status = 200, description = "The list.", body = Vec<ArrearsLine>)),
)]
pub async fn arrears(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<ArrearsLine>>> {
    Ok(Json(st.app.dues_arrears(&auth.actor, q.org).await?))
}

/// 党费收缴 / Collection by child org
///
/// For a month (this month when absent): the org's total first, then each open child with
/// members: members, `payers` (payments recorded for the month), `paid_fen` and `rate`
/// (payers ÷ members). Readable by the staff of the scope (a `member` user gets 403).
#[utoipa::path(
    get,
    path = "/dues/by-child",
    operation_id = "getDuesByChild",
    tag = "dues",
    params(OrgQuery),
    responses((status = 200, description = "The org's total, then its children.", body = Vec<ChildDues>)),
)]
pub async fn by_child(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<ChildDues>>> {
    Ok(Json(
        st.app
            .dues_by_child(&auth.actor, q.org, q.month.as_deref())
            .await?,
    ))
}

/// 失联预警 / Members silent for months
///
/// Members of the subtree with neither a payment nor attendance at a meeting for at least 3
/// complete months; `lapsed` is true from 6 months (自行脱党). The reminder job flags them monthly
/// to the branch and the town.
#[utoipa::path(
    get,
    path = "/dues/lapses",
    operation_id = "getDuesLapses",
    tag = "dues",
    params(OrgQuery),
    responses((status = 200, description = "The list.", body = Vec<LapseLine>)),
)]
pub async fn lapses(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<LapseLine>>> {
    Ok(Json(st.app.dues_lapses(&auth.actor, q.org).await?))
}

/// 减免申请 / Reductions in a subtree
///
/// Pending first, then decided, newest first (at most 200).
#[utoipa::path(
    get,
    path = "/dues/reductions",
    operation_id = "listDuesReductions",
    tag = "dues",
    params(OrgQuery),
    responses((status = 200, description = "The list.", body = Vec<dangjian_service::dues::Reduction>)),
)]
pub async fn reductions(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<dangjian_service::dues::Reduction>>> {
    Ok(Json(st.app.dues_reductions(&auth.actor, q.org).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReductionBody {
    from_month: String,
    to_month: String,
    /// 元 a month; "0" is an exemption.
    monthly: String,
    reason: String,
}

/// 申请减免 / Propose a reduction
///
/// The branch proposes a reduced monthly amount (`monthly` 元; 0 exempts) for
/// `from_month..=to_month` with a reason of 4–500 characters. The committee above the branch
/// decides.
#[utoipa::path(
    post,
    path = "/members/{id}/dues/reductions",
    operation_id = "proposeDuesReduction",
    tag = "dues",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = ReductionBody),
    responses((status = 201, description = "The proposal.", body = ReductionRecord)),
)]
pub async fn propose(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReductionBody>,
) -> ApiResult<(StatusCode, Json<ReductionRecord>)> {
    let r = st
        .app
        .propose_reduction(
            &auth.actor,
            id,
            &b.from_month,
            &b.to_month,
            &b.monthly,
            &b.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReductionDecision {
    approve: bool,
    #[serde(default)]
    note: String,
}

/// 审批减免 / Approve or reject a reduction
///
/// Only a committee strictly above the member's branch decides (a branch secretary gets 403). A
/// decided request answers 422 `already_decided`. Audited as `dues.reduction.approve` or
/// `.reject`.
#[utoipa::path(
    post,
    path = "/dues/reductions/{id}/decision",
    operation_id = "decideDuesReduction",
    tag = "dues",
    params(("id" = i64, Path, description = "Reduction id.")),
    request_body(content = ReductionDecision),
    responses((status = 200, description = "The decided reduction.", body = ReductionRecord)),
)]
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReductionDecision>,
) -> ApiResult<Json<ReductionRecord>> {
    Ok(Json(
        st.app
            .decide_reduction(&auth.actor, id, b.approve, &b.note)
            .await?,
    ))
}

/// 党费收缴台账 / A branch's dues book of a year (PDF)
///
/// One line per member with the twelve months side by side (what was paid, 未缴 where a month
/// was owed and not paid, — before the member joined), the standard and the year's total; each
/// month's total below; then each member's days of payment and the months still owed. Months
/// after this one are left empty. Whoever reads the branch's dues; another kind of
/// organization: 422 `org` `not_a_branch`; a year outside 2000–2100: 422 `year`. Audited as
/// an export.
#[utoipa::path(
    get,
    path = "/dues/book.pdf",
    operation_id = "duesBook",
    tag = "dues",
    params(dangjian_service::book::BookQuery),
    responses((status = 200, description = "The book, as a download named `党费收缴台账-<organization>-<year>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn book(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<dangjian_service::book::BookQuery>,
) -> ApiResult<axum::response::Response> {
    let b = st.app.dues_book(&auth.actor, &q).await?;
    Ok(crate::documents::dues_book(&b).await?)
}
