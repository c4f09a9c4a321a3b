//! Who may do what with residents' requests: the community's staff and those above see and
//! manage them; the member or department a request was sent to sees it and works on it; only
//! the district keeps the categories and departments.

use dangjian_domain::request::{self as domain, RequestAction, RequestState, Side};
use dangjian_domain::role::Role;

use super::state_of;
use crate::request::Request;
use crate::{Actor, ServiceError, ServiceResult};

/// The community's staff (and those above), the staff of the department it was sent to, or
/// the member it was assigned to.
pub(crate) fn sees(actor: &Actor, r: &Request) -> bool {
    actor.check_visible(&r.community_path).is_ok()
        || r.times
            .department_path
            .as_deref()
            .is_some_and(|p| actor.check_visible(p).is_ok())
        || assigned_to(actor, r)
}

fn assigned_to(actor: &Actor, r: &Request) -> bool {
    actor.member_id.is_some() && actor.member_id == r.times.assignee_member_id
}

/// The community's staff and those above.
pub(crate) fn manages(actor: &Actor, r: &Request) -> bool {
    actor.check_edit_members(&r.community_path).is_ok()
}

/// The member or department it was sent to may work on it as well as the community.
pub(crate) fn handles(actor: &Actor, r: &Request) -> bool {
    manages(actor, r)
        || assigned_to(actor, r)
        || r.times
            .department_path
            .as_deref()
            .is_some_and(|p| actor.check_edit_members(p).is_ok())
}

/// The resident's phone in full: the community's staff always (they answer for the
/// request), the member or department it was sent to only while it is open: their need for it
/// ends when the request is closed.
pub(crate) fn reads_phone(actor: &Actor, r: &Request) -> bool {
    manages(actor, r) || (handles(actor, r) && state_of(r).is_ok_and(|s| !s.is_final()))
}

/// The moves the actor may make on the request now.
pub(crate) fn staff_actions(actor: &Actor, r: &Request) -> Vec<RequestAction> {
    let Ok(state) = state_of(r) else {
        return Vec::new();
    };
    RequestAction::ALL
        .iter()
        .copied()
        .filter(|a| domain::next(state, *a, Side::Staff).is_ok())
        .filter(|a| match a {
            RequestAction::Start | RequestAction::Resolve => handles(actor, r),
            // A member or department may pass on what it was sent.
            RequestAction::Assign | RequestAction::Dispatch
                if matches!(state, RequestState::Assigned | RequestState::Dispatched) =>
            {
                handles(actor, r)
            }
            _ => manages(actor, r),
        })
        .collect()
}

/// Categories, their time limits and the departments: the district only.
pub fn check_settings(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::DistrictAdmin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有区委组织部可以设置诉求类别和承办部门",
        ))
    }
}

pub fn can_change_settings(actor: &Actor) -> bool {
    check_settings(actor).is_ok()
}
