//! 两委, 换届 and 后备力量 over JSON: the villages' two committees, their elections from
//! candidates and the county's joint vetting to the result, the statistics reported upward,
//! and the reserve pool with each village's target.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::cadres::rules::CadreRules;
use dangjian_service::cadres::committee::{
    ResidentsAppointInput, ResidentsRelieveInput, Seat, VillageCommittee, VillageList, VillageQuery,
};
use dangjian_service::cadres::election::{
    CandidateInput, ElectionDetail, ElectionList, ElectionQuery, ElectionStats, OpenElectionInput,
    ResultInput, StatsQuery, VetInput,
};
use dangjian_service::cadres::reserve::{
    OutcomeInput, PoolList, PoolQuery, Reserve, ReserveInput, ReserveList, ReserveQuery,
    ReserveUpdate, ReviewInput, TargetInput,
};
use dangjian_service::cadres::summary::CadreSummary;

use super::people::SummaryQuery;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 干部工作规则 / The rules of cadre work
///
/// The district's rules: term length, when a coming end is reminded, age caps of heads and
/// members, the default reserve target per village, and the reasons the joint vetting may
/// refuse a candidate for. Staff read them (members 403).
#[utoipa::path(
    get,
    path = "/cadres/rules",
    operation_id = "getCadreRules",
    tag = "cadres",
    responses((status = 200, description = "The rules.", body = CadreRules)),
)]
pub async fn rules(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<CadreRules>> {
    dangjian_service::cadres::policy::check_staff(&auth.actor)?;
    Ok(Json(st.app.cadre_rules().await?))
}

/// 修改干部工作规则 / Change the rules
///
/// District organization department only (403). A value out of range, an empty or repeated
/// reason: 422 naming the field. Audited as `cadre.rules`.
#[utoipa::path(
    put,
    path = "/cadres/rules",
    operation_id = "putCadreRules",
    tag = "cadres",
    request_body(content = CadreRules, description = "Every rule."),
    responses((status = 200, description = "The rules as stored.", body = CadreRules)),
)]
pub async fn put_rules(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CadreRules>,
) -> ApiResult<Json<CadreRules>> {
    Ok(Json(st.app.set_cadre_rules(&auth.actor, &b).await?))
}

/// 干部人才概况 / A level's cadre figures
///
/// For 云中心: the villages below a level with their committees' structure today, the
/// reserve pools against their targets, the resident teams in post with last month's days,
/// this cycle of the "百千万" programme against its targets, and the mentor studios open.
/// 204 for a level without villages; members 403; out of scope 404.
#[utoipa::path(
    get,
    path = "/cadres/summary",
    operation_id = "cadreSummary",
    tag = "cadres",
    params(SummaryQuery),
    responses(
        (status = 200, description = "The figures.", body = CadreSummary),
        (status = 204, description = "No villages below the level."),
    ),
)]
pub async fn summary(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    Ok(match st.app.cadre_summary(&auth.actor, q.org).await? {
        Some(s) => Json(s).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// 村(社区)两委 / The villages' two committees
///
/// The villages and communities below a level, 50 a page in the tree's order, each with its
/// party secretary and residents' committee director, 一肩挑, post counts, term end, election
/// under way and vacancies; and the structure of every village's committees now (一肩挑 rate,
/// cross-posting, women, education, under-35s, average age).
#[utoipa::path(
    get,
    path = "/villages/committees",
    operation_id = "villageCommittees",
    tag = "cadres",
    params(VillageQuery),
    responses((status = 200, description = "The villages.", body = VillageList)),
)]
pub async fn villages(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<VillageQuery>,
) -> ApiResult<Json<VillageList>> {
    Ok(Json(st.app.village_committees(&auth.actor, &q).await?))
}

/// 一个村(社区)的两委 / A village's two committees
///
/// The posts of both committees held now and before, 一肩挑, cross-posted members and
/// vacancies. Not a village or community: 422 `not_a_village` on `org_id`.
#[utoipa::path(
    get,
    path = "/villages/{id}/committee",
    operation_id = "villageCommittee",
    tag = "cadres",
    params(("id" = i64, Path, description = "The village's organization.")),
    responses((status = 200, description = "Its committees.", body = VillageCommittee)),
)]
pub async fn village(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<VillageCommittee>> {
    Ok(Json(st.app.village_committee(&auth.actor, id).await?))
}

/// 村(居)委会任职 / Appoint to the residents' committee
///
/// Between elections: a member of the village (`member_id`) or a person by ID number (found
/// if registered, the name must agree: 422 `name_mismatch`). A second director or a second
/// post for the person: 422 `held` | `holds_post`. The town or the district (403). Audited as
/// `residents.appoint`.
#[utoipa::path(
    post,
    path = "/villages/{id}/residents-posts",
    operation_id = "appointResidents",
    tag = "cadres",
    params(("id" = i64, Path, description = "The village's organization.")),
    request_body(content = ResidentsAppointInput, description = "Who, which post, from when."),
    responses((status = 201, description = "The post.", body = Seat)),
)]
pub async fn appoint(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResidentsAppointInput>,
) -> ApiResult<(StatusCode, Json<Seat>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.appoint_residents(&auth.actor, id, &b).await?),
    ))
}

/// 村(居)委会免职 / Relieve a residents' committee post
///
/// Not before the appointment (422 `before_start`), once (422 `already_ended`). Audited as
/// `residents.relieve`.
#[utoipa::path(
    post,
    path = "/villages/{id}/residents-posts/{post_id}/relieve",
    operation_id = "relieveResidents",
    tag = "cadres",
    params(
        ("id" = i64, Path, description = "The village's organization."),
        ("post_id" = i64, Path, description = "The post."),
    ),
    request_body(content = ResidentsRelieveInput, description = "When."),
    responses((status = 200, description = "The post, ended.", body = Seat)),
)]
pub async fn relieve(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, post_id)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<ResidentsRelieveInput>,
) -> ApiResult<Json<Seat>> {
    Ok(Json(
        st.app
            .relieve_residents(&auth.actor, id, post_id, &b)
            .await?,
    ))
}

/// 换届列表 / Elections
///
/// The elections of the villages below a level, newest first, 50 a page, with their stage
/// (筹备, 县级联审, 选举, 已完成) read from the records.
#[utoipa::path(
    get,
    path = "/elections",
    operation_id = "listElections",
    tag = "cadres",
    params(ElectionQuery),
    responses((status = 200, description = "The elections.", body = ElectionList)),
)]
pub async fn elections(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ElectionQuery>,
) -> ApiResult<Json<ElectionList>> {
    Ok(Json(st.app.elections(&auth.actor, &q).await?))
}

/// 启动换届 / Open an election
///
/// For a village or community (422 `not_a_village`), one under way at a time (422 `open`).
/// The town or the district (403). Audited as `election.open`.
#[utoipa::path(
    post,
    path = "/elections",
    operation_id = "openElection",
    tag = "cadres",
    request_body(content = OpenElectionInput, description = "The village and the start."),
    responses((status = 201, description = "The election.", body = ElectionDetail)),
)]
pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<OpenElectionInput>,
) -> ApiResult<(StatusCode, Json<ElectionDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.open_election(&auth.actor, &b).await?),
    ))
}

/// 换届详情 / An election
///
/// The election, its candidates with the vetting's results, the reasons a refusal chooses
/// from, and what the caller may do.
#[utoipa::path(
    get,
    path = "/elections/{id}",
    operation_id = "getElection",
    tag = "cadres",
    params(("id" = i64, Path, description = "The election.")),
    responses((status = 200, description = "The election.", body = ElectionDetail)),
)]
pub async fn election(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ElectionDetail>> {
    Ok(Json(st.app.election(&auth.actor, id).await?))
}

/// 增加候选人 / Add a candidate
///
/// To one committee's post. A party committee's candidate is a full member of the village
/// (`member_id`: 422 `required` | `not_found` | `not_full_member`); a residents' committee's
/// may be anyone, by ID number. Over the post's age cap on the start day: 422 `too_old` on
/// `post`. Standing twice for one committee: 422 `duplicate`. Audited as
/// `election.candidate`.
#[utoipa::path(
    post,
    path = "/elections/{id}/candidates",
    operation_id = "addCandidate",
    tag = "cadres",
    params(("id" = i64, Path, description = "The election.")),
    request_body(content = CandidateInput, description = "The candidate."),
    responses((status = 200, description = "The election.", body = ElectionDetail)),
)]
pub async fn add_candidate(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CandidateInput>,
) -> ApiResult<Json<ElectionDetail>> {
    Ok(Json(st.app.add_candidate(&auth.actor, id, &b).await?))
}

/// 删除候选人 / Remove a candidate
///
/// Before the result (422 `finished`). Audited as `election.candidate.remove`.
#[utoipa::path(
    delete,
    path = "/election-candidates/{id}",
    operation_id = "removeCandidate",
    tag = "cadres",
    params(("id" = i64, Path, description = "The candidate.")),
    responses((status = 200, description = "The election.", body = ElectionDetail)),
)]
pub async fn remove_candidate(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ElectionDetail>> {
    Ok(Json(st.app.remove_candidate(&auth.actor, id).await?))
}

/// 县级联审 / Record the joint vetting
///
/// The district's organization department (403): passed, or refused with a reason from the
/// district's list (422 `required` | `invalid_choice` on `reason`). Audited as
/// `election.vet`.
#[utoipa::path(
    post,
    path = "/election-candidates/{id}/vetting",
    operation_id = "vetCandidate",
    tag = "cadres",
    params(("id" = i64, Path, description = "The candidate.")),
    request_body(content = VetInput, description = "The result."),
    responses((status = 200, description = "The election.", body = ElectionDetail)),
)]
pub async fn vet(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VetInput>,
) -> ApiResult<Json<ElectionDetail>> {
    Ok(Json(st.app.vet_candidate(&auth.actor, id, &b).await?))
}

/// 登记选举结果 / Record the result
///
/// The elected take the posts they stood for on their committee's vote day; the posts held
/// before end that day; the term runs five years (the district's rule) from the later vote;
/// elected reserve cadres leave the pool as elected; a new secretary names the organization's.
/// A candidate refused or not yet vetted: 422 `not_vetted`; a single post twice: 422
/// `post_twice`; none: 422 `required` (all on `elected`). Once (422 `finished`). Audited as
/// `election.result`.
#[utoipa::path(
    post,
    path = "/elections/{id}/result",
    operation_id = "recordElectionResult",
    tag = "cadres",
    params(("id" = i64, Path, description = "The election.")),
    request_body(content = ResultInput, description = "The vote days and the elected."),
    responses((status = 200, description = "The election, finished.", body = ElectionDetail)),
)]
pub async fn result(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResultInput>,
) -> ApiResult<Json<ElectionDetail>> {
    Ok(Json(st.app.record_result(&auth.actor, id, &b).await?))
}

/// 换届统计 / The statistics of a year's elections
///
/// Below a level: elections finished and under way; the new committees against the ones
/// they replaced (一肩挑 rate, cross-posting, women, education bands, under-35s, average
/// age); local talents elected secretary; the same by child of the level.
#[utoipa::path(
    get,
    path = "/elections/stats",
    operation_id = "electionStats",
    tag = "cadres",
    params(StatsQuery),
    responses((status = 200, description = "The statistics.", body = ElectionStats)),
)]
pub async fn stats(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<ElectionStats>> {
    Ok(Json(st.app.election_stats(&auth.actor, &q).await?))
}

/// 后备力量 / Reserve cadres
///
/// Below a level, 50 a page in the tree's order, filtered by source, state (in the pool,
/// elected, left) and the start of a name; each with the latest yearly review.
#[utoipa::path(
    get,
    path = "/reserves",
    operation_id = "listReserves",
    tag = "cadres",
    params(ReserveQuery),
    responses((status = 200, description = "The reserve cadres.", body = ReserveList)),
)]
pub async fn reserves(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReserveQuery>,
) -> ApiResult<Json<ReserveList>> {
    Ok(Json(st.app.reserves(&auth.actor, &q).await?))
}

/// 后备力量入库 / Add a reserve cadre
///
/// To a village's pool: a member of the village or a person by ID number; one pool at a
/// time (422 `duplicate`). The village, its town or the district (403). Audited as
/// `reserve.add`.
#[utoipa::path(
    post,
    path = "/reserves",
    operation_id = "addReserve",
    tag = "cadres",
    request_body(content = ReserveInput, description = "Who, where from, since when."),
    responses((status = 201, description = "The reserve cadre.", body = Reserve)),
)]
pub async fn add_reserve(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ReserveInput>,
) -> ApiResult<(StatusCode, Json<Reserve>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.add_reserve(&auth.actor, &b).await?),
    ))
}

/// 后备力量详情 / A reserve cadre
#[utoipa::path(
    get,
    path = "/reserves/{id}",
    operation_id = "getReserve",
    tag = "cadres",
    params(("id" = i64, Path, description = "The reserve cadre.")),
    responses((status = 200, description = "The reserve cadre.", body = Reserve)),
)]
pub async fn reserve(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Reserve>> {
    Ok(Json(st.app.reserve(&auth.actor, id).await?))
}

/// 修改后备力量 / Change source and training
///
/// Audited as `reserve.update`.
#[utoipa::path(
    put,
    path = "/reserves/{id}",
    operation_id = "updateReserve",
    tag = "cadres",
    params(("id" = i64, Path, description = "The reserve cadre.")),
    request_body(content = ReserveUpdate, description = "Source and training."),
    responses((status = 200, description = "The reserve cadre.", body = Reserve)),
)]
pub async fn update_reserve(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReserveUpdate>,
) -> ApiResult<Json<Reserve>> {
    Ok(Json(st.app.update_reserve(&auth.actor, id, &b).await?))
}

/// 后备力量出库 / Record the outcome
///
/// Elected or left, on a day not before joining (422 `before_start`), once (422
/// `already_set`). Audited as `reserve.outcome`.
#[utoipa::path(
    post,
    path = "/reserves/{id}/outcome",
    operation_id = "reserveOutcome",
    tag = "cadres",
    params(("id" = i64, Path, description = "The reserve cadre.")),
    request_body(content = OutcomeInput, description = "The outcome."),
    responses((status = 200, description = "The reserve cadre.", body = Reserve)),
)]
pub async fn outcome(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OutcomeInput>,
) -> ApiResult<Json<Reserve>> {
    Ok(Json(st.app.reserve_outcome(&auth.actor, id, &b).await?))
}

/// 年度考核 / Record a yearly review
///
/// The town or the district (403); a year from joining to this one (422 `out_of_range`);
/// entering a year again corrects it. Audited as `reserve.review`.
#[utoipa::path(
    post,
    path = "/reserves/{id}/reviews",
    operation_id = "reviewReserve",
    tag = "cadres",
    params(("id" = i64, Path, description = "The reserve cadre.")),
    request_body(content = ReviewInput, description = "The year and grade."),
    responses((status = 200, description = "The reserve cadre.", body = Reserve)),
)]
pub async fn review(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReviewInput>,
) -> ApiResult<Json<Reserve>> {
    Ok(Json(st.app.review_reserve(&auth.actor, id, &b).await?))
}

/// 后备力量目标 / Pools against targets
///
/// Each village below a level with its pool, its target (its own, or the district's default
/// of 3) and the shortfall, 50 a page; sums over all pages and the villages short.
#[utoipa::path(
    get,
    path = "/reserve-pools",
    operation_id = "reservePools",
    tag = "cadres",
    params(PoolQuery),
    responses((status = 200, description = "The pools.", body = PoolList)),
)]
pub async fn pools(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PoolQuery>,
) -> ApiResult<Json<PoolList>> {
    Ok(Json(st.app.reserve_pools(&auth.actor, &q).await?))
}

/// 设定后备力量目标 / Set a village's target
///
/// 0–50 (422 `out_of_range`), or null for the district's default again. The town or the
/// district (403). Audited as `reserve.target`.
#[utoipa::path(
    put,
    path = "/villages/{id}/reserve-target",
    operation_id = "setReserveTarget",
    tag = "cadres",
    params(("id" = i64, Path, description = "The village's organization.")),
    request_body(content = TargetInput, description = "The target."),
    responses((status = 204, description = "Set.")),
)]
pub async fn set_target(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TargetInput>,
) -> ApiResult<StatusCode> {
    st.app.set_reserve_target(&auth.actor, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}
