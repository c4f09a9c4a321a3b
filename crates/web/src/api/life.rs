use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::Meeting;
use dangjian_service::life::MeetingFile;
use dangjian_service::life::MeetingRule;
use dangjian_service::life::{Compliance, MeetingDetail, MeetingInput, MeetingPatch};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ApiUpload};
use crate::session::Auth;

#[derive(Deserialize)]
pub struct ComplianceQuery {
    org: Option<i64>,
    period: Option<String>,
}

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

#[derive(Deserialize)]
pub struct ListQuery {
    org: Option<i64>,
    kind: Option<String>,
    page: Option<i64>,
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    let page = q.page.unwrap_or(1).max(1);
    let items = st
        .app
        .meetings(&auth.actor, q.org, q.kind.as_deref(), page)
        .await?;
    Ok(Json(
        json!({ "items": items, "page": page, "per_page": 50 }),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MeetingDetail>> {
    Ok(Json(st.app.meeting(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct CreateBody {
    org_id: i64,
    #[serde(flatten)]
    meeting: MeetingInput,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Meeting>)> {
    let row = st
        .app
        .record_meeting(&auth.actor, b.org_id, &b.meeting)
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

pub async fn rules(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "items": st.app.life_rules(&auth.actor).await? }),
    ))
}

#[derive(Deserialize)]
pub struct RuleBody {
    org_kind: String,
    meeting_kind: String,
    period: String,
    times: i64,
    fixed_day: Option<i64>,
    effective_from: String,
}

pub async fn put_rule(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RuleBody>,
) -> ApiResult<Json<Value>> {
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
    Ok(Json(
        json!({ "items": st.app.life_rules(&auth.actor).await? }),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeetingPatch>,
) -> ApiResult<Json<Meeting>> {
    Ok(Json(st.app.update_meeting(&auth.actor, id, &b).await?))
}

pub async fn delete(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.delete_meeting(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    let (f, body) = st.app.meeting_file(&auth.actor, id, file_id).await?;
    Ok(crate::pages::file_response(&f, body))
}

pub async fn delete_file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    st.app.delete_meeting_file(&auth.actor, id, file_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
