//! The member registry over JSON: lists, one member, new members and changes.

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

/// 检索党员 / Search members
///
/// Searches the members of a subtree with filters, sorting and paging. ID numbers and phones in
/// the answer are masked.
#[utoipa::path(
    get,
    path = "/members",
    operation_id = "listMembers",
    tag = "members",
    params(MemberQuery),
    responses((status = 200, description = "One page of members.", body = MemberPage)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<Json<MemberPage>> {
    Ok(Json(st.app.members(&auth.actor, &q).await?))
}

/// 党员详情 / Get a member
///
/// One member of the caller's scope (missing or out of scope: 404). ID number and phone are
/// masked; the API has no way to reveal them.
#[utoipa::path(
    get,
    path = "/members/{id}",
    operation_id = "getMember",
    tag = "members",
    params(("id" = i64, Path, description = "Member id.")),
    responses((status = 200, description = "The member.", body = Member)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Member>> {
    Ok(Json(st.app.member(&auth.actor, id).await?))
}

/// Body of POST /members: the placement plus the MemberInput fields (flattened).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MemberCreate {
    org_id: i64,
    group_id: Option<i64>,
    #[serde(flatten)]
    member: MemberInput,
}

/// 新增党员 / Create a member
///
/// Registers a member in a branch (audited). The record is validated first (422), then the
/// placement: a branch out of scope is 422 `unknown_org`, not 404. Roles: district_admin,
/// town_admin, village_admin, branch_secretary (else 403). The answer masks the ID number and
/// phone.
#[utoipa::path(
    post,
    path = "/members",
    operation_id = "createMember",
    tag = "members",
    request_body(content = MemberCreate, description = "The new member."),
    responses((status = 201, description = "Created.", body = Member)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<MemberCreate>,
) -> ApiResult<(StatusCode, Json<Member>)> {
    let at = Placement {
        org_id: b.org_id,
        group_id: b.group_id,
    };
    let row = st.app.create_member(&auth.actor, at, &b.member).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// A partial change: absent fields keep their current values.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct PatchBody {
    /// Move to this branch (same rules as on create: 422 `unknown_org` | `not_a_branch` |
    /// `closed`). Absent: stays. Moving to another branch leaves the old group behind unless
    /// `group_id` names a group of the new branch.
    org_id: Option<i64>,
    /// `null` takes the member out of their group; absent keeps it (unless the org changes).
    #[serde(deserialize_with = "present")]
    group_id: Option<Option<i64>>,
    /// As in MemberInput; absent or null keeps the current value.
    name: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    gender: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    ethnicity: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    birth_date: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    id_number: Option<String>,
    /// As in MemberInput; absent or null keeps the current value. The empty string clears it.
    phone: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    education: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    category: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    join_date: Option<String>,
    /// As in MemberInput; absent or null keeps the current value. The empty string clears it.
    confirm_date: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    status: Option<String>,
    /// As in MemberInput; absent or null keeps the current value.
    flowing: Option<bool>,
}

/// Tells a field sent as `null` (Some(None)) from one left out (None, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// 修改党员信息 / Change a member
///
/// Changes some fields of a member and/or moves them to another branch (audited). Out of scope:
/// 404; a role that may not edit members: 403; a target branch out of scope: 422 `unknown_org`.
/// The answer masks the ID number and phone.
#[utoipa::path(
    patch,
    path = "/members/{id}",
    operation_id = "updateMember",
    tag = "members",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = PatchBody, description = "The fields to change."),
    responses((status = 200, description = "The changed member.", body = Member)),
)]
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
