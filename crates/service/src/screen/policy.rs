//! Who sees which big screen: the staff of a level and the display accounts, for the levels
//! of their scope. A display account reads the figures only: its screen opens no list and
//! it reads nothing else of the platform (`Role::reads_registry` refuses it everywhere).

use dangjian_domain::path;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    if !actor.role.reads_screen() {
        return Err(ServiceError::Forbidden(
            "大屏供各级党组织工作人员和大屏展示账号查看",
        ));
    }
    if path::contains(&actor.scope_path, org_path) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Whether the screen's figures open the lists they count (staff), or are figures only
/// (a display account in a lobby, whose screen anyone passing may touch).
pub fn may_open_lists(actor: &Actor) -> bool {
    actor.role != Role::Display
}

/// Placing the children's tiles and uploading a level's boundary file: those who shape the
/// level's tree.
pub fn check_map(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if actor.role.edits_orgs() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有能调整组织架构的管理员可以设置大屏地图",
        ))
    }
}

pub fn may_map(actor: &Actor, org_path: &str) -> bool {
    check_map(actor, org_path).is_ok()
}

/// The reader the screen's figures are counted for: the actor itself, or for a display
/// account the staff role of its level, so that each panel counts what that level's staff
/// would see. The reader never leaves this module's figures: only counts are copied out.
pub(super) fn reader(actor: &Actor) -> Actor {
    if actor.role != Role::Display {
        return actor.clone();
    }
    let role = match path::ids(&actor.scope_path).len() {
        0 | 1 => Role::DistrictAdmin,
        2 => Role::TownAdmin,
        3 => Role::VillageAdmin,
        _ => Role::BranchSecretary,
    };
    Actor {
        role,
        ..actor.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_and_display_accounts_read_the_screens_of_their_scope() {
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(check_read(&town, "/1/2/").is_ok());
        assert!(check_read(&town, "/1/2/9/").is_ok());
        assert!(matches!(
            check_read(&town, "/1/3/"),
            Err(ServiceError::NotFound)
        ));
        let member = Actor::for_test(Role::Member, "/1/2/9/");
        assert!(matches!(
            check_read(&member, "/1/2/9/"),
            Err(ServiceError::Forbidden(_))
        ));
        let auditor = Actor::for_test(Role::Auditor, "/1/");
        assert!(check_read(&auditor, "/1/").is_err());
        let display = Actor::for_test(Role::Display, "/1/2/");
        assert!(check_read(&display, "/1/2/9/").is_ok());
        assert!(!may_open_lists(&display));
        assert!(may_open_lists(&town));
        assert!(check_map(&display, "/1/2/").is_err());
        assert!(check_map(&town, "/1/2/").is_ok());
    }

    #[test]
    fn a_display_account_counts_as_its_level_and_nothing_more() {
        let display = Actor::for_test(Role::Display, "/1/2/");
        let r = reader(&display);
        assert_eq!(r.role, Role::TownAdmin);
        assert_eq!(r.scope_path, "/1/2/");
        assert_eq!(
            reader(&Actor::for_test(Role::Display, "/1/")).role,
            Role::DistrictAdmin
        );
        let secretary = Actor::for_test(Role::BranchSecretary, "/1/2/3/4/");
        assert_eq!(reader(&secretary).role, Role::BranchSecretary);
    }
}
