//! Who may do what with volunteer service: staff read the activities below them and
//! organize them for the organizations they edit; members see and join the activities of
//! their own branch and the levels above it and read their own record; residents sign up by
//! an activity's link; the district keeps the stars' hours.

use dangjian_domain::path;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Organizing an activity of an organization: its staff and the levels above.
pub fn may_organize(actor: &Actor, org_path: &str) -> bool {
    actor.role != Role::Member && actor.check_edit_members(org_path).is_ok()
}

pub fn check_organize(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)?;
    if may_organize(actor, org_path) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "志愿活动由本级及上级组织发布和确认时长",
        ))
    }
}

/// A member joins the activities of their branch and of every level above it.
pub fn member_sees(actor: &Actor, org_path: &str) -> bool {
    actor.role == Role::Member
        && actor
            .member_org_path
            .as_deref()
            .is_some_and(|own| path::contains(org_path, own))
}

/// Reading an activity: staff below whom it lies, or a member it is open to.
pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    if member_sees(actor, org_path) {
        return Ok(());
    }
    actor.read_root()?;
    if actor.role == Role::Member {
        return Err(ServiceError::NotFound);
    }
    actor.check_visible(org_path)
}

/// A level's person-times and hours: staff; a member reads their own record instead.
pub fn may_read_summary(actor: &Actor) -> bool {
    actor.role != Role::Member
}

pub fn check_summary(actor: &Actor) -> ServiceResult<()> {
    if may_read_summary(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "党员账号请在“我的”中查看本人志愿服务记录",
        ))
    }
}

/// The stars' hours: the district's organization department.
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
    fn members_join_upwards_and_staff_organize_downwards() {
        let mut member = Actor::for_test(Role::Member, "/1/2/3/4/");
        member.member_org_path = Some("/1/2/3/4/".into());
        assert!(check_read(&member, "/1/2/").is_ok(), "the town's activity");
        assert!(check_read(&member, "/1/9/").is_err(), "another town's");
        assert!(!may_organize(&member, "/1/2/3/4/"));
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(may_organize(&town, "/1/2/3/"));
        assert!(!may_organize(&town, "/1/9/"));
        assert!(
            check_read(&town, "/1/").is_err(),
            "the district's is above it"
        );
        assert!(check_district(&town).is_err());
        assert!(may_read_summary(&town) && check_summary(&town).is_ok());
        assert!(!may_read_summary(&member) && check_summary(&member).is_err());
    }
}
