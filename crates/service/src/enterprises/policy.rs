//! Who may do what with the register of non-public enterprises and social organizations:
//! staff read the units below them (a member's own account reads none); towns and the
//! district keep the register and record visits; the district assigns instructors and leaders
//! and keeps the rules, liaisons are assigned by the town too.

use dangjian_domain::enterprises::helpers::HelperRole;
use dangjian_domain::path;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Staff with the registry read the register; plain members do not.
pub fn check_staff(actor: &Actor) -> ServiceResult<()> {
    actor.read_root()?;
    if actor.role == Role::Member {
        return Err(ServiceError::Forbidden(
            "党员账号不查看非公企业和社会组织信息",
        ));
    }
    Ok(())
}

pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_staff(actor)?;
    actor.check_visible(org_path)
}

/// Registering and editing units: the town they lie in, or the district.
pub fn may_keep(actor: &Actor, org_path: &str) -> bool {
    check_read(actor, org_path).is_ok()
        && matches!(actor.role, Role::TownAdmin | Role::DistrictAdmin)
}

pub fn check_keep(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_read(actor, org_path)?;
    if may_keep(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "非公企业和社会组织由镇街或区委组织部登记",
        ))
    }
}

/// Assigning helpers to a unit: instructors and leaders by the district, liaisons by the
/// town keeping the unit too.
pub fn may_assign(actor: &Actor, org_path: &str, role: HelperRole) -> bool {
    may_keep(actor, org_path) && (!role.district_only() || check_district(actor).is_ok())
}

pub fn check_assign(actor: &Actor, org_path: &str, role: HelperRole) -> ServiceResult<()> {
    check_keep(actor, org_path)?;
    if may_assign(actor, org_path, role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "党建指导员和包企业领导由区委组织部选派",
        ))
    }
}

/// The rules: the district's organization department.
pub fn check_district(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::DistrictAdmin && path::depth(&actor.scope_path) <= 1 {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("此项由区委组织部办理"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_keep_their_own_and_villages_and_members_only_read_or_nothing() {
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(may_keep(&town, "/1/2/3/"));
        assert!(!may_keep(&town, "/1/9/"));
        assert!(check_read(&town, "/1/9/").is_err());
        let village = Actor::for_test(Role::VillageAdmin, "/1/2/3/");
        assert!(check_read(&village, "/1/2/3/").is_ok());
        assert!(!may_keep(&village, "/1/2/3/"));
        assert!(check_staff(&Actor::for_test(Role::Member, "/1/2/3/")).is_err());
        assert!(check_district(&Actor::for_test(Role::DistrictAdmin, "/1/")).is_ok());
        assert!(check_district(&town).is_err());
        assert!(may_assign(&town, "/1/2/3/", HelperRole::Liaison));
        assert!(!may_assign(&town, "/1/2/3/", HelperRole::Instructor));
        let district = Actor::for_test(Role::DistrictAdmin, "/1/");
        assert!(may_assign(&district, "/1/2/3/", HelperRole::Leader));
    }
}
