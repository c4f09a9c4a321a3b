//! Who may do what with the member registry: every role but the auditor reads the members of
//! its scope; the district, towns, villages and branch secretaries create, change and move
//! members and reveal identifiers inside their scope; members never edit.
//!
//! A plain member reads their own record whole, and of the others of their branch only what
//! a colleague sees at a meeting: names, groups and published cards. Birth dates, phones, ID
//! numbers, income bases, dues and arrears, attendance, review votes and grades are
//! particulars, read by the staff of the scope; lists and exports of particulars are the
//! staff's too.

use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Reading a member of the org at `org_path` by name (out of scope answers as missing).
pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)
}

/// Reading one member's particulars: the staff of the scope, or the member themself. A
/// colleague's record answers as missing, as anything out of scope does.
pub fn check_read_particulars(actor: &Actor, org_path: &str, member_id: i64) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if actor.role == Role::Member && actor.member_id != Some(member_id) {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// Lists and exports that carry members' particulars (the registry search, dues ledgers and
/// arrears, review grades, rosters): the staff of the scope.
pub fn check_list_particulars(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if actor.role == Role::Member {
        return Err(ServiceError::Forbidden(
            "党员只能查看本人的信息和本支部同志的姓名",
        ));
    }
    Ok(())
}

pub fn can_list_particulars(actor: &Actor, org_path: &str) -> bool {
    check_list_particulars(actor, org_path).is_ok()
}

/// Creating, changing, moving members of the org at `org_path`, and revealing their
/// identifiers with a reason.
pub fn check_edit(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

pub fn can_edit(actor: &Actor, org_path: &str) -> bool {
    check_edit(actor, org_path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_reads_their_own_particulars_and_only_names_of_colleagues() {
        let branch = "/1/7/311/";
        let mut me = Actor::for_test(Role::Member, branch);
        me.member_id = Some(41);
        assert!(check_read(&me, branch).is_ok());
        assert!(check_read_particulars(&me, branch, 41).is_ok());
        assert!(matches!(
            check_read_particulars(&me, branch, 42),
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            check_list_particulars(&me, branch),
            Err(ServiceError::Forbidden(_))
        ));
        let secretary = Actor::for_test(Role::BranchSecretary, branch);
        assert!(check_read_particulars(&secretary, branch, 42).is_ok());
        assert!(can_list_particulars(&secretary, branch));
        let other = Actor::for_test(Role::BranchSecretary, "/1/7/312/");
        assert!(matches!(
            check_read_particulars(&other, branch, 42),
            Err(ServiceError::NotFound)
        ));
    }
}
