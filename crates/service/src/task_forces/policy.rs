//! Who may do what with task forces: staff read the teams below them; the staff of the
//! parent organization (and the levels above) open and close teams, second members, record
//! meetings and link applications; a member reads the teams they served in on their own page.

use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.read_root()?;
    if actor.role == Role::Member {
        return Err(ServiceError::Forbidden(
            "党员账号请在“我的”中查看本人参加的突击队",
        ));
    }
    actor.check_visible(org_path)
}

pub fn may_keep(actor: &Actor, org_path: &str) -> bool {
    actor.role != Role::Member && actor.check_edit_members(org_path).is_ok()
}

pub fn check_keep(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if may_keep(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "突击队由组建它的组织及上级组织管理",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_and_the_levels_above_keep_a_team() {
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(may_keep(&town, "/1/2/3/"));
        assert!(check_keep(&town, "/1/9/").is_err());
        let member = Actor::for_test(Role::Member, "/1/2/3/");
        assert!(check_read(&member, "/1/2/3/").is_err());
        assert!(!may_keep(&member, "/1/2/3/"));
    }
}
