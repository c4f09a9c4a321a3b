//! Who may do what with cadre records. They are personal data about people who are often not
//! members, kept by the levels that manage cadres: staff read their subtree (a member's own
//! account reads none); towns and the district keep the two committees and their elections
//! (towns guide their villages' elections); the district does the county's joint vetting
//! (县级联审) and keeps the rules; a village keeps its own reserve pool with its town. Resident
//! work teams are sent by the town or the district; their leave is decided by the level its
//! length calls for.

use dangjian_domain::cadres::resident::LeaveLevel;
use dangjian_domain::path;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Staff with the registry read cadre records; plain members do not.
pub fn check_staff(actor: &Actor) -> ServiceResult<()> {
    actor.read_root()?;
    if actor.role == Role::Member {
        return Err(ServiceError::Forbidden("党员账号不查看干部人才信息"));
    }
    Ok(())
}

pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_staff(actor)?;
    actor.check_visible(org_path)
}

/// Elections, posts, targets: the village's town or the district.
pub fn may_manage(actor: &Actor, org_path: &str) -> bool {
    check_read(actor, org_path).is_ok()
        && matches!(actor.role, Role::TownAdmin | Role::DistrictAdmin)
}

pub fn check_manage(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if may_manage(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("两委和换届由镇街或区委组织部办理"))
    }
}

/// The county's joint vetting, the rules: the district's organization department.
pub fn is_district(actor: &Actor) -> bool {
    actor.role == Role::DistrictAdmin && path::depth(&actor.scope_path) <= 1
}

pub fn check_district(actor: &Actor) -> ServiceResult<()> {
    if is_district(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("此项由区委组织部办理"))
    }
}

/// The reserve pool: the village itself, its town, the district.
pub fn may_keep_reserve(actor: &Actor, org_path: &str) -> bool {
    check_read(actor, org_path).is_ok()
        && matches!(
            actor.role,
            Role::VillageAdmin | Role::TownAdmin | Role::DistrictAdmin
        )
}

pub fn check_keep_reserve(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if may_keep_reserve(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "后备力量由村(社区)、镇街或区委组织部管理",
        ))
    }
}

/// Resident work teams are sent, rotated, withdrawn and inspected by the village's town or
/// the district.
pub fn check_dispatch(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if may_manage(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "驻村工作队由镇街或区委组织部选派和管理",
        ))
    }
}

/// Leave of a resident cadre: the town decides short leave, the district any.
pub fn may_decide_leave(actor: &Actor, org_path: &str, level: LeaveLevel) -> bool {
    check_read(actor, org_path).is_ok()
        && match level {
            LeaveLevel::Town => matches!(actor.role, Role::TownAdmin | Role::DistrictAdmin),
            LeaveLevel::District => is_district(actor),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_read_nothing_and_villages_keep_only_their_pool() {
        let village = "/1/2/3/";
        let member = Actor::for_test(Role::Member, village);
        assert!(check_staff(&member).is_err());
        let v = Actor::for_test(Role::VillageAdmin, village);
        assert!(check_read(&v, village).is_ok());
        assert!(may_keep_reserve(&v, village));
        assert!(!may_manage(&v, village));
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(may_manage(&town, village));
        assert!(!may_manage(&town, "/1/9/3/"));
        assert!(!is_district(&town));
        assert!(is_district(&Actor::for_test(Role::DistrictAdmin, "/1/")));
    }

    #[test]
    fn the_town_decides_short_leave_and_the_district_any() {
        let village = "/1/2/3/";
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        let district = Actor::for_test(Role::DistrictAdmin, "/1/");
        let v = Actor::for_test(Role::VillageAdmin, village);
        assert!(may_decide_leave(&town, village, LeaveLevel::Town));
        assert!(!may_decide_leave(&town, village, LeaveLevel::District));
        assert!(!may_decide_leave(&town, "/1/9/3/", LeaveLevel::Town));
        assert!(may_decide_leave(&district, village, LeaveLevel::District));
        assert!(may_decide_leave(&district, village, LeaveLevel::Town));
        assert!(!may_decide_leave(&v, village, LeaveLevel::Town));
        assert!(check_dispatch(&v, village).is_err());
        assert!(check_dispatch(&town, village).is_ok());
    }
}
