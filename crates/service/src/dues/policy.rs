//! Who may do what with dues: the branch and the levels above read the ledgers, record
//! payments and bases and propose reductions; only a committee above the member's branch
//! approves or rejects one. A plain member reads their own dues only (incomes and arrears
//! are particulars, see `members::policy`).

use dangjian_domain::role::in_scope;

use crate::{Actor, ServiceError, ServiceResult};

/// Reading the ledgers, arrears, lapses and reductions of the org at `org_path`.
pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    crate::members::policy::check_list_particulars(actor, org_path)
}

/// Recording payments, bases and reduction proposals of a branch's members.
pub fn check_record(actor: &Actor, branch_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(branch_path)
}

pub fn can_record(actor: &Actor, branch_path: &str) -> bool {
    check_record(actor, branch_path).is_ok()
}

/// Deciding a reduction of a member of the branch at `branch_path`: an editor whose scope lies
/// strictly above that branch, so that a branch never approves its own.
pub fn check_decide_reduction(actor: &Actor, branch_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(branch_path)?;
    if actor.scope_path != branch_path && in_scope(&actor.scope_path, branch_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("党费减免须由上级党组织审批"))
    }
}

/// Whether a reduction in `state` may be decided now by the actor.
pub fn can_decide_reduction(actor: &Actor, branch_path: &str, state: &str) -> bool {
    state == "proposed" && check_decide_reduction(actor, branch_path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangjian_domain::role::Role;

    #[test]
    fn only_a_committee_above_the_branch_decides() {
        let branch = "/1/7/311/";
        let town = Actor::for_test(Role::TownAdmin, "/1/7/");
        assert!(can_decide_reduction(&town, branch, "proposed"));
        assert!(
            !can_decide_reduction(&town, branch, "approved"),
            "decided once"
        );
        let own = Actor::for_test(Role::BranchSecretary, branch);
        assert!(can_record(&own, branch));
        assert!(!can_decide_reduction(&own, branch, "proposed"));
        let other_town = Actor::for_test(Role::TownAdmin, "/1/8/");
        assert!(matches!(
            check_decide_reduction(&other_town, branch),
            Err(ServiceError::NotFound)
        ));
        let member = Actor::for_test(Role::Member, branch);
        assert!(!can_record(&member, branch));
    }
}
