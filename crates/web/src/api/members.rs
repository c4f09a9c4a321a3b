use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::member::MemberInput;
use dangjian_service::members::Member;
use dangjian_service::members::{MemberPage, MemberQuery, Placement};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<Json<MemberPage>> {
    Ok(Json(st.app.members(&auth.actor, &q).await?))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Member>> {
    Ok(Json(st.app.member(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct CreateBody {
    org_id: i64,
    group_id: Option<i64>,
    #[serde(flatten)]
    member: MemberInput,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Member>)> {
    let at = Placement {
        org_id: b.org_id,
        group_id: b.group_id,
    };
    let row = st.app.create_member(&auth.actor, at, &b.member).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// A partial change: absent fields keep their current values.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PatchBody {
    org_id: Option<i64>,
    /// `null` takes the member out of their group; absent keeps it (unless the org changes).
    #[serde(deserialize_with = "present")]
    group_id: Option<Option<i64>>,
    name: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    birth_date: Option<String>,
    id_number: Option<String>,
    phone: Option<String>,
    education: Option<String>,
    category: Option<String>,
    join_date: Option<String>,
    confirm_date: Option<String>,
    status: Option<String>,
    flowing: Option<bool>,
}

/// Tells a field sent as `null` (Some(None)) from one left out (None, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PatchBody>,
) -> ApiResult<Json<Member>> {
    let (current, mut input) = st.app.member_input(&auth.actor, id).await?;
    let fields = [
        (b.name, &mut input.name),
        (b.gender, &mut input.gender),
        (b.ethnicity, &mut input.ethnicity),
        (b.birth_date, &mut input.birth_date),
        (b.id_number, &mut input.id_number),
        (b.phone, &mut input.phone),
        (b.education, &mut input.education),
        (b.category, &mut input.category),
        (b.join_date, &mut input.join_date),
        (b.confirm_date, &mut input.confirm_date),
        (b.status, &mut input.status),
    ];
    for (new, slot) in fields {
        if let Some(v) = new {
            *slot = v;
        }
    }
    if let Some(f) = b.flowing {
        input.flowing = f;
    }
    let org_id = b.org_id.unwrap_or(current.org_id);
    // A group belongs to one branch: moving to another branch leaves the old group behind.
    let kept_group = if org_id == current.org_id {
        current.group_id
    } else {
        None
    };
    let at = Placement {
        org_id,
        group_id: b.group_id.unwrap_or(kept_group),
    };
    Ok(Json(
        st.app.update_member(&auth.actor, id, at, &input).await?,
    ))
}
