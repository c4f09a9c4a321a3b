//! Who may do what in 组织生活: the branch and the levels above record, correct and delete
//! meetings, run check-ins and reviews; members read their branch's meetings and check in
//! with their own account; only the district's organization department changes the rules.

use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Recording and correcting meetings, check-ins and reviews of the org at `org_path`.
pub fn check_record(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

pub fn can_record(actor: &Actor, org_path: &str) -> bool {
    check_record(actor, org_path).is_ok()
}

/// Changing the meeting rules: a district admin scoped at the root of the tree.
pub fn check_edit_rules(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::DistrictAdmin && actor.scope_path.matches('/').count() <= 2 {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有区委组织部可以修改组织生活规则",
        ))
    }
}

pub fn can_edit_rules(actor: &Actor) -> bool {
    check_edit_rules(actor).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_the_districts() {
        assert!(can_edit_rules(&Actor::for_test(Role::DistrictAdmin, "/1/")));
        assert!(!can_edit_rules(&Actor::for_test(
            Role::DistrictAdmin,
            "/1/7/"
        )));
        assert!(!can_edit_rules(&Actor::for_test(Role::TownAdmin, "/1/7/")));
        let secretary = Actor::for_test(Role::BranchSecretary, "/1/7/311/");
        assert!(can_record(&secretary, "/1/7/311/"));
        assert!(!can_record(&secretary, "/1/7/312/"));
        assert!(!can_record(
            &Actor::for_test(Role::Member, "/1/7/311/"),
            "/1/7/311/"
        ));
    }
}
