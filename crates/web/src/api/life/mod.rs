//! 组织生活 over JSON: meetings and their files, the rules that require them, compliance.

pub(super) mod checkin;
pub(super) mod review;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::Meeting;
use dangjian_service::life::MeetingFile;
use dangjian_service::life::MeetingRule;
use dangjian_service::life::{Compliance, MeetingDetail, MeetingInput, MeetingPatch};
use serde::Deserialize;

use super::body::{Items, Page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ApiUpload};
use crate::session::Auth;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    /// The organization whose subtree is assessed (404 if out of scope). Default: the caller's
    /// scope root (a `member` user: their own branch).
    org: Option<i64>,
    /// `YYYY`: that year's due months; `YYYY-Qn` (n = 1–4): the three due months of that
    /// quarter; `YYYY-MM`: the requirements due in that one month. Empty or absent: this year.
    /// Either way cut at the last month that has ended. Anything else: 422 `invalid_period` on
    /// `period`.
    period: Option<String>,
}

/// 组织生活落实情况 / Compliance of a subtree
///
/// How far the branches of a subtree held the meetings the rules require: totals, rate and
/// traffic light, each meeting kind, each due month, each child, the branches that fell behind,
/// and for a branch its calendar of required and held meetings. Requirements fall due in the
/// **last month of their period** (quarterly ones in March, June, September, December; yearly
/// ones in December), and only months that have **ended** count, so the current month (and a
/// quarter or year not yet over) is not judged yet. A meeting recorded late for an earlier
/// period counts there as held but not on time; a theme day 主题党日 held on another day than the
/// 10th likewise. A branch opened or closed part-way through a period owes nothing for it. Read
/// from tallies kept in step with every recorded meeting, so answers are immediate at every
/// level.
#[utoipa::path(
    get,
    path = "/life/compliance",
    operation_id = "getCompliance",
    tag = "life",
    params(ComplianceQuery),
    responses((status = 200, description = "The compliance figures.", body = Compliance)),
)]
pub async fn compliance(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ComplianceQuery>,
) -> ApiResult<Json<Compliance>> {
    Ok(Json(
        st.app
            .compliance(&auth.actor, q.org, q.period.as_deref())
            .await?,
    ))
}

/// 导出组织生活落实情况 / Compliance of a subtree as an Excel workbook
///
/// The figures of GET /life/compliance for the same `org` and `period`, as an xlsx workbook
/// (the download offered on the compliance page) with three sheets, each opening with a title
/// row that names the organization and the window (`from` 至 `to`): **下级组织** (the organization's
/// total, then each child in the order of `children`, with 应开, 已开, 按时, 落实率), **各类会议** (each
/// meeting kind of `by_kind`, same columns) and **落后支部** (the branches of `behind`, with 缺开 and
/// 当月应开). Errors are JSON, as for GET /life/compliance.
#[utoipa::path(
    get,
    path = "/life/compliance.xlsx",
    operation_id = "exportCompliance",
    tag = "life",
    params(ComplianceQuery),
    responses((status = 200, description = "The workbook, as a download named `组织生活落实情况-<organization>-<to>.xlsx`.", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn compliance_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ComplianceQuery>,
) -> ApiResult<axum::response::Response> {
    let c = st
        .app
        .compliance(&auth.actor, q.org, q.period.as_deref())
        .await?;
    st.app
        .audit_export(
            &auth.actor,
            "组织生活落实情况",
            c.org.id,
            c.children.len(),
            None,
        )
        .await?;
    Ok(crate::export::compliance(&c)?)
}

/// 三会一课记录本 / A branch's record book of a year (PDF)
///
/// Every meeting the branch (or a joint branch) held in the year, oldest first: date and
/// time, place, host, lecturer, who came, who was excused and why, who was absent, topic,
/// agenda, minutes and decisions, as recorded; the organization and the date at the head of
/// each page, 第 N 页 / 共 M 页 at its foot. Staff who list the branch's particulars (a member:
/// 403); another kind of organization: 422 `org` `not_a_branch`; a year outside 2000–2100:
/// 422 `year`. Audited as an export.
#[utoipa::path(
    get,
    path = "/life/record-book.pdf",
    operation_id = "lifeRecordBook",
    tag = "life",
    params(dangjian_service::book::BookQuery),
    responses((status = 200, description = "The book, as a download named `三会一课记录本-<organization>-<year>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn record_book(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<dangjian_service::book::BookQuery>,
) -> ApiResult<axum::response::Response> {
    let b = st.app.record_book(&auth.actor, &q).await?;
    Ok(crate::documents::record_book(&b).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// List the meetings of this organization's subtree (404 if out of scope). Default: the
    /// caller's scope root (a `member` user: their own branch).
    org: Option<i64>,
    /// Only this kind (code or Chinese label). Empty: all kinds. Unknown: 422 `invalid_choice`
    /// on `kind`.
    kind: Option<String>,
    /// Page number from 1; smaller values are read as 1 (and echoed as sent). The offset is
    /// capped at 1,000,000 rows. Not an integer: 400 `malformed_query`.
    page: Option<i64>,
}

/// 会议记录 / List meetings
///
/// Meetings held by the branches of a subtree, newest first (by held_on, then id), 50 a page.
/// Without attendance (see GET /meetings/{id}).
#[utoipa::path(
    get,
    path = "/meetings",
    operation_id = "listMeetings",
    tag = "life",
    params(ListQuery),
    responses((status = 200, description = "One page of meetings.", body = Page<Meeting>)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Meeting>>> {
    let page = q.page.unwrap_or(1).max(1);
    let items = st
        .app
        .meetings(&auth.actor, q.org, q.kind.as_deref(), page)
        .await?;
    Ok(Json(Page {
        items,
        page,
        per_page: 50,
    }))
}

/// 会议详情 / Get a meeting with its attendance and files
///
/// One meeting of a branch in the caller's scope (missing or out of scope: 404) with every
/// expected member's attendance and the files kept with its minutes.
#[utoipa::path(
    get,
    path = "/meetings/{id}",
    operation_id = "getMeeting",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id.")),
    responses((status = 200, description = "The meeting.", body = MeetingDetail)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingDetail>> {
    Ok(Json(st.app.meeting(&auth.actor, id).await?))
}

/// Body of POST /meetings: the branch plus the MeetingInput fields (flattened).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MeetingCreate {
    org_id: i64,
    #[serde(flatten)]
    meeting: MeetingInput,
}

/// 登记会议 / Record a held meeting
///
/// Records a meeting a branch held, with its attendance (audited as `meeting.create`). The
/// branch's compliance and that of every organization above it change in the same transaction.
/// Roles: district_admin, town_admin, village_admin, branch_secretary inside their scope (else
/// 403). The branch missing or out of scope: 404; not a branch or joint branch: 422
/// `not_a_branch`. The meeting counts for the period containing `for_period` (default:
/// `held_on`) under the rule in force that day, and is due in that period's last month
/// (`due_month`). Recorded for an earlier period (补开), it counts as held but not on time; a
/// theme day 主题党日 (fixed_day 10) held on another day too. For `general_meeting` and
/// `committee_meeting` the quorum is checked: more than half of the branch's full members
/// present. A meeting without quorum is still recorded, with `quorum: false` (the pages warn);
/// other kinds get `quorum: null`. `study_minutes` credits study time to each member present.
/// With `checkin_id` (a window opened with POST /checkins) and no `attendance`, the members who
/// checked in are recorded present and the rest absent; the window is then closed and tied to
/// the meeting, and cannot be recorded again.
#[utoipa::path(
    post,
    path = "/meetings",
    operation_id = "createMeeting",
    tag = "life",
    request_body(content = MeetingCreate, description = "The meeting."),
    responses((status = 201, description = "Recorded.", body = Meeting)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<MeetingCreate>,
) -> ApiResult<(StatusCode, Json<Meeting>)> {
    let row = st
        .app
        .record_meeting(&auth.actor, b.org_id, &b.meeting)
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// 组织生活制度 / The meeting rules
///
/// Every rule, superseded ones included, ordered by org_kind, meeting_kind and effective_from.
/// Readable by every role that reads the registry (not auditors).
#[utoipa::path(
    get,
    path = "/life/rules",
    operation_id = "listLifeRules",
    tag = "life",
    responses((status = 200, description = "The rules.", body = Items<MeetingRule>)),
)]
pub async fn rules(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Items<MeetingRule>>> {
    let items = st.app.life_rules(&auth.actor).await?;
    Ok(Json(Items { items }))
}

/// Body of PUT /life/rules: a rule from a date on. A rule with the same org_kind, meeting_kind
/// and effective_from is replaced (its period, times and fixed_day), otherwise one is added.
/// Send codes. 422 `invalid_rule`: on `meeting_kind` when the rule cannot be read (unknown
/// meeting kind or period, negative `times`, `effective_from` not a date); on `times` when
/// org_kind is unknown, `times` > 31 or `fixed_day` is outside 1–28. 422 `in_the_past` on
/// `effective_from`: before the first day of the current month (months already assessed keep
/// their figures). Missing fields: 400.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RuleBody {
    org_kind: String,
    meeting_kind: String,
    period: String,
    /// Meetings required per period; 0 switches the requirement off from `effective_from`.
    times: i64,
    /// Optional fixed day of the month (1–28); absent or null: none.
    fixed_day: Option<i64>,
    /// First day the rule applies; not before the first day of the current month. The
    /// compliance tallies are recomputed from this date's month on, in the same transaction.
    effective_from: String,
}

/// 设置组织生活制度 / Set a meeting rule from a date on
///
/// Adds a rule, or replaces the one with the same org_kind, meeting_kind and effective_from
/// (audited as `life.rule`). Only a `district_admin` whose scope is the whole district may do
/// this. A rule takes effect from `effective_from`, which may not lie before the current month:
/// months already assessed keep their figures. The tallies are recomputed from that month to
/// the end of this year in the same transaction. Answers all rules, as GET does.
#[utoipa::path(
    put,
    path = "/life/rules",
    operation_id = "putLifeRule",
    tag = "life",
    request_body(content = RuleBody, description = "The rule."),
    responses((status = 200, description = "The rules after the change.", body = Items<MeetingRule>)),
)]
pub async fn put_rule(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RuleBody>,
) -> ApiResult<Json<Items<MeetingRule>>> {
    let row = MeetingRule {
        id: 0,
        org_kind: b.org_kind,
        meeting_kind: b.meeting_kind,
        period: b.period,
        times: b.times,
        fixed_day: b.fixed_day,
        effective_from: b.effective_from,
    };
    st.app.set_life_rule(&auth.actor, &row).await?;
    let items = st.app.life_rules(&auth.actor).await?;
    Ok(Json(Items { items }))
}

/// 更正会议记录 / Correct a meeting's description
///
/// Corrects the description of a recorded meeting (audited as `meeting.update`): starts_at,
/// place, topic, host, lecturer, agenda, minutes, decisions and study_minutes. Only the fields
/// sent change, the others stay as stored; the result must still have a topic, and a lecturer
/// for a party lecture. The kind, the date, the period and the attendance cannot change, since
/// compliance was counted from them: such fields in the body are ignored. To change them,
/// delete the meeting and record it again. Roles: district_admin, town_admin, village_admin,
/// branch_secretary inside their scope (else 403). Meeting missing or out of scope: 404.
/// Answers the meeting as POST /meetings does.
#[utoipa::path(
    patch,
    path = "/meetings/{id}",
    operation_id = "updateMeeting",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id.")),
    request_body(content = MeetingPatch, description = "The meeting's description."),
    responses((status = 200, description = "The meeting after the change.", body = Meeting)),
)]
pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeetingPatch>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(st.app.update_meeting(&auth.actor, id, &b).await?))
}

/// 删除会议记录 / Delete a meeting
///
/// Deletes a meeting recorded by mistake, with its attendance and files (audited as
/// `meeting.delete`). The compliance of the branch for the meeting's due month, and that of
/// every organization above it, is recounted in the same transaction; the study figures lose it
/// too. A check-in window recorded as this meeting is released (`meeting_id` null again) and
/// can be recorded once more; it stays closed. Roles: district_admin, town_admin,
/// village_admin, branch_secretary inside their scope (else 403). Meeting missing or out of
/// scope: 404.
#[utoipa::path(
    delete,
    path = "/meetings/{id}",
    operation_id = "deleteMeeting",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id.")),
    responses((status = 204, description = "Deleted.")),
)]
pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.delete_meeting(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 上传会议附件 / Attach a file to a meeting
///
/// Keeps a photo or a document with the meeting's minutes (audited as `meeting.file`), stored
/// in the database so that a backup of the database holds it. Send `multipart/form-data` with
/// one field `file` (other fields are ignored); a cookie session sends its CSRF token in the
/// `X-CSRF-Token` header. Allowed: jpg or jpeg, png, pdf, docx, xlsx, recognised by the content
/// as well as by the extension, so a renamed file of another type is refused. At most **5 MB**
/// a file and **20 MB** for all files of a meeting; the request itself may not exceed **6 MiB**
/// (413). The form is read first (400, 413, 422 `required` when there is no `file` field), then
/// scope and role (district_admin, town_admin, village_admin, branch_secretary inside their
/// scope; else 403; meeting missing or out of scope: 404), then the file, in this order:
/// `required` (no file name), `empty`, `too_large`, `meeting_full`, `forbidden_type`,
/// `content_mismatch`.
#[utoipa::path(
    post,
    path = "/meetings/{id}/files",
    operation_id = "attachMeetingFile",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The file."),
    responses((status = 201, description = "Attached.", body = MeetingFile)),
)]
pub async fn attach(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiUpload(u): ApiUpload,
) -> ApiResult<(StatusCode, Json<MeetingFile>)> {
    let row = st
        .app
        .attach_file(&auth.actor, id, &u.name, &u.body)
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// 下载会议附件 / Download a meeting's file
///
/// The file's bytes with its content type (`mime`). Images are sent to be shown
/// (`Content-Disposition: inline`), documents as downloads (`attachment`). Whoever may read the
/// meeting may read its files (a `member` user: their own branch's). Meeting missing or out of
/// scope, or no such file of that meeting: 404.
#[utoipa::path(
    get,
    path = "/meetings/{id}/files/{file_id}",
    operation_id = "getMeetingFile",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id."), ("file_id" = i64, Path, description = "File id: a file of that meeting (404 otherwise).")),
    responses((status = 200, description = "The file.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png"), (super::body::FileBody = "application/pdf"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
)]
pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    let (f, body) = st.app.meeting_file(&auth.actor, id, file_id).await?;
    Ok(crate::pages::file_response(&f, body))
}

/// 删除会议附件 / Delete a meeting's file
///
/// Deletes one file of a meeting (audited as `meeting.file_delete`). Roles: district_admin,
/// town_admin, village_admin, branch_secretary inside their scope (else 403). Meeting missing
/// or out of scope, or no such file of that meeting: 404.
#[utoipa::path(
    delete,
    path = "/meetings/{id}/files/{file_id}",
    operation_id = "deleteMeetingFile",
    tag = "life",
    params(("id" = i64, Path, description = "Meeting id."), ("file_id" = i64, Path, description = "File id: a file of that meeting (404 otherwise).")),
    responses((status = 204, description = "Deleted.")),
)]
pub async fn delete_file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    st.app.delete_meeting_file(&auth.actor, id, file_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
