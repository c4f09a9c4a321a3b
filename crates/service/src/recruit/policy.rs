//! Who may do what in 发展党员: applicants are not yet members, so their files are read and
//! kept by those who run the process (the branch and the levels above), never by the members
//! of the branch; a yearly quota is set from above the org it is for.

use dangjian_domain::org::OrgKind;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Reading applicants' files at all.
pub fn check_read(actor: &Actor) -> ServiceResult<()> {
    if actor.role.edits_members() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("您的角色不能查看发展党员信息"))
    }
}

/// Adding applicants and recording their steps in the org at `org_path`.
pub fn check_edit(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

/// Recording the next steps of a process still under way.
pub fn can_record_steps(actor: &Actor, org_path: &str, state: &str) -> bool {
    state == "active" && check_edit(actor, org_path).is_ok()
}

/// Setting an org's yearly quota: from above it (the district sets its own).
pub fn check_plan(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_edit(actor, org_path)?;
    if actor.scope_path == org_path && actor.role != Role::DistrictAdmin {
        return Err(ServiceError::Forbidden("发展计划由上级党组织下达"));
    }
    Ok(())
}

/// What the actor may do on an org's recruitment board.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct BoardActions {
    /// Add an applicant: only where people apply, a branch.
    pub can_add: bool,
    pub can_plan: bool,
}

pub fn board_actions(actor: &Actor, org_path: &str, org_kind: &str) -> BoardActions {
    BoardActions {
        can_add: check_edit(actor, org_path).is_ok()
            && OrgKind::parse(org_kind).is_some_and(OrgKind::holds_members),
        can_plan: check_plan(actor, org_path).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_come_from_above() {
        let town = Actor::for_test(Role::TownAdmin, "/1/7/");
        assert!(!board_actions(&town, "/1/7/", "town_committee").can_plan);
        assert!(board_actions(&town, "/1/7/30/", "party_committee").can_plan);
        assert!(!board_actions(&town, "/1/7/30/", "party_committee").can_add);
        let district = Actor::for_test(Role::DistrictAdmin, "/1/");
        assert!(board_actions(&district, "/1/", "district_committee").can_plan);
        assert!(check_read(&Actor::for_test(Role::Member, "/1/7/30/311/")).is_err());
    }
}
