//! Who may do what in 联系群众: the branch and the levels above keep grids, households,
//! pairings and deeds; a member's own account reads only the households they serve and their
//! own deeds; towns and the district open evaluations (三评一公开); members see their
//! colleagues' names, never their scores.

use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

/// Keeping grids, households and pairings, confirming deeds and entering paper forms.
pub fn can_edit(actor: &Actor, org_path: &str) -> bool {
    actor.check_edit_members(org_path).is_ok()
}

/// A deed the actor may open: their own, or one in their subtree unless they act as a member
/// (a member's own account sees only their own deeds).
pub fn check_read_deed(
    actor: &Actor,
    deed_member_id: i64,
    deed_org_path: &str,
) -> ServiceResult<()> {
    let own = actor.member_id == Some(deed_member_id);
    if own || (actor.role != Role::Member && actor.check_visible(deed_org_path).is_ok()) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Confirming a deed a member recorded: the branch or above, never the member who did it.
pub fn check_confirm_deed(
    actor: &Actor,
    deed_member_id: i64,
    deed_org_path: &str,
) -> ServiceResult<()> {
    actor.check_edit_members(deed_org_path)?;
    if actor.member_id == Some(deed_member_id) {
        return Err(ServiceError::Forbidden("不能确认自己登记的好事实事"));
    }
    Ok(())
}

/// A photo of a deed: by the member who did it, or by the branch and above.
pub fn check_attach_deed_photo(
    actor: &Actor,
    deed_member_id: i64,
    deed_org_path: &str,
) -> ServiceResult<()> {
    check_read_deed(actor, deed_member_id, deed_org_path)?;
    if actor.member_id == Some(deed_member_id) {
        Ok(())
    } else {
        actor.check_edit_members(deed_org_path)
    }
}

/// Opening a household: the member who serves it now, or the staff whose scope holds it.
pub fn check_read_household(
    actor: &Actor,
    household_path: &str,
    serving_member: Option<i64>,
) -> ServiceResult<()> {
    if actor.member_id.is_some() && serving_member == actor.member_id {
        return Ok(());
    }
    if actor.role == Role::Member {
        return Err(ServiceError::NotFound);
    }
    actor.check_visible(household_path)
}

/// What the actor may do with one deed.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, utoipa::ToSchema)]
pub struct DeedActions {
    pub can_confirm: bool,
    pub can_attach: bool,
    /// The household served opens for the reader (one served in another community does not).
    pub can_open_household: bool,
}

pub fn deed_actions(
    actor: &Actor,
    deed_member_id: i64,
    deed_org_path: &str,
    confirmed: bool,
) -> DeedActions {
    DeedActions {
        can_confirm: !confirmed && check_confirm_deed(actor, deed_member_id, deed_org_path).is_ok(),
        can_attach: check_attach_deed_photo(actor, deed_member_id, deed_org_path).is_ok(),
        can_open_household: false,
    }
}

/// Opening an evaluation period (三评一公开) for a subtree: a town's or the district's admins.
pub fn check_open_evaluation(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_orgs(org_path)?;
    if matches!(actor.role, Role::DistrictAdmin | Role::TownAdmin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有区、镇街党（工）委可以组织三评",
        ))
    }
}

/// Publishing a branch's or community's results.
pub fn check_publish_evaluation(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_orgs(org_path)
}

/// Whether the actor reads the scores of members other than themselves.
pub fn reads_colleagues_scores(actor: &Actor) -> bool {
    actor.role != Role::Member
}

/// Opening a member's evaluation form: the staff who enter forms for the member's branch, or
/// a colleague of the same branch rating a peer (never themselves). Anyone else finds no
/// such member.
pub fn check_open_evaluation_form(
    actor: &Actor,
    member_org_path: &str,
    colleague: bool,
) -> ServiceResult<()> {
    if colleague || can_edit(actor, member_org_path) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// What the actor may do with an org's evaluation results.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ResultActions {
    /// Enter the paper forms of households and the organization's own answers.
    pub can_enter: bool,
    /// Rate peers of the branch with their own member account.
    pub can_peer: bool,
    pub can_publish: bool,
}

pub fn result_actions(actor: &Actor, org_path: &str, published: bool) -> ResultActions {
    ResultActions {
        can_enter: can_edit(actor, org_path),
        can_peer: actor.member_id.is_some(),
        can_publish: !published && check_publish_evaluation(actor, org_path).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeds_are_confirmed_by_others_and_photographed_by_their_member() {
        let branch = "/1/7/311/";
        let mut secretary = Actor::for_test(Role::BranchSecretary, branch);
        secretary.member_id = Some(5);
        let own = deed_actions(&secretary, 5, branch, false);
        assert!(!own.can_confirm, "never one's own deed");
        assert!(own.can_attach);
        let theirs = deed_actions(&secretary, 6, branch, false);
        assert!(theirs.can_confirm && theirs.can_attach);
        assert!(!deed_actions(&secretary, 6, branch, true).can_confirm);

        let mut member = Actor::for_test(Role::Member, branch);
        member.member_id = Some(6);
        let mine = deed_actions(&member, 6, branch, false);
        assert!(mine.can_attach && !mine.can_confirm);
        let colleague = deed_actions(&member, 7, branch, false);
        assert!(!colleague.can_attach && !colleague.can_confirm);
        assert!(check_read_deed(&member, 7, branch).is_err());
        let elsewhere = "/1/8/40/";
        assert!(
            check_read_household(&member, elsewhere, Some(6)).is_ok(),
            "served"
        );
        assert!(check_read_household(&member, branch, Some(7)).is_err());
        assert!(check_read_household(&secretary, branch, None).is_ok());
        assert!(check_read_household(&secretary, elsewhere, Some(6)).is_err());
        assert!(check_open_evaluation_form(&member, branch, true).is_ok());
        assert!(check_open_evaluation_form(&member, branch, false).is_err());
        assert!(check_open_evaluation_form(&secretary, branch, false).is_ok());
    }

    #[test]
    fn towns_open_evaluations_villages_do_not() {
        let town = Actor::for_test(Role::TownAdmin, "/1/7/");
        assert!(check_open_evaluation(&town, "/1/7/").is_ok());
        let village = Actor::for_test(Role::VillageAdmin, "/1/7/30/");
        assert!(check_open_evaluation(&village, "/1/7/30/").is_err());
        assert!(result_actions(&village, "/1/7/30/", false).can_publish);
        assert!(!result_actions(&village, "/1/7/30/", true).can_publish);
        assert!(!reads_colleagues_scores(&Actor::for_test(
            Role::Member,
            "/1/7/30/311/"
        )));
    }
}
