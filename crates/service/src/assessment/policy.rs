//! Who may do what with star ratings: every reader of an organization sees its rating; the
//! organization (its secretary, or the village above a branch) scores itself; its town
//! reviews; the district's organization department keeps the schemes, confirms, publishes and
//! answers objections. Anyone who reads a published rating may object while it is shown.

use dangjian_domain::assessment::stars::{RatingState, Stage, StarAction};
use dangjian_domain::path;
use dangjian_domain::role::Role;

use crate::{Actor, ServiceError, ServiceResult};

pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)
}

/// Scoring at a stage: the organization itself for its own scores, the town (or the district
/// for an organization with no town above it) for the review, the district to confirm.
pub fn may_score(actor: &Actor, org_path: &str, stage: Stage) -> bool {
    if actor.check_visible(org_path).is_err() {
        return false;
    }
    match stage {
        Stage::Own => {
            matches!(actor.role, Role::VillageAdmin | Role::BranchSecretary)
                && actor.check_edit_members(org_path).is_ok()
        }
        Stage::Town => {
            actor.role == Role::TownAdmin
                || (actor.role == Role::DistrictAdmin && path::depth(org_path) <= 2)
        }
        Stage::District => actor.role == Role::DistrictAdmin,
    }
}

/// The moves on one rating the actor may make now (publication is the district's, for many
/// ratings at once, and not listed here).
pub fn actions(actor: &Actor, org_path: &str, state: RatingState) -> Vec<StarAction> {
    StarAction::ALL
        .into_iter()
        .filter(|a| *a != StarAction::Publish && a.next(state).is_some())
        .filter(|a| {
            let stage = match a {
                StarAction::Save => state.scoring_stage(),
                StarAction::Submit => Some(Stage::Own),
                StarAction::Review | StarAction::Return => Some(Stage::Town),
                StarAction::Confirm | StarAction::Publish => Some(Stage::District),
            };
            stage.is_some_and(|s| may_score(actor, org_path, s))
        })
        .collect()
}

pub fn check_act(
    actor: &Actor,
    org_path: &str,
    state: RatingState,
    action: StarAction,
) -> ServiceResult<()> {
    if actions(actor, org_path, state).contains(&action) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("当前环节不由您评分或办理"))
    }
}

/// What only the district decides: star schemes, confirmation, publication and answers to
/// objections; weak-list decisions, flags, acceptance, red flags; contact points, the
/// calendar: its organization department.
pub fn check_district(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::DistrictAdmin && path::depth(&actor.scope_path) <= 1 {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("此项由区委组织部办理"))
    }
}

pub fn is_district(actor: &Actor) -> bool {
    check_district(actor).is_ok()
}

/// A town proposes its weak-and-lax list (the district may for any town).
pub fn check_propose_weak(actor: &Actor, town_path: &str) -> ServiceResult<()> {
    actor.check_visible(town_path)?;
    if matches!(actor.role, Role::TownAdmin | Role::DistrictAdmin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "软弱涣散名单由镇街推荐、区委组织部确定",
        ))
    }
}

pub fn may_propose_weak(actor: &Actor, town_path: &str) -> bool {
    check_propose_weak(actor, town_path).is_ok()
}

/// The plan, its items and progress: the organization itself and the levels above it.
pub fn check_work_on_plan(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

pub fn may_work_on_plan(actor: &Actor, org_path: &str) -> bool {
    check_work_on_plan(actor, org_path).is_ok()
}

/// The files of 组织建设 are the work of those who keep the organization: a plain member's
/// account reads none (as it exports none), whatever its branch.
pub fn check_read_files(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)?;
    if actor.member_home() {
        return Err(ServiceError::Forbidden("党员账号不能查看考核材料"));
    }
    Ok(())
}

/// A secretary's report and its materials: the rated organization itself (its secretary
/// writes the report) and the levels above it.
pub fn check_keep_report(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)?;
    if actor.check_edit_members(org_path).is_ok() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("述职材料由本人所在组织及上级上传"))
    }
}

/// The support of a listed organization: its town or the district.
pub fn check_assign_support(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    check_propose_weak(actor, org_path)
}

/// Visits and the problem ledger of an organization: whoever edits it (its own staff and the
/// levels above, whose organization departments keep the leaders' contact points).
pub fn check_handle_problem(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)?;
    if actor.check_edit_members(org_path).is_ok() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "联系点走访和问题台账由本级及上级组织记录",
        ))
    }
}

pub fn may_handle_problem(actor: &Actor, org_path: &str) -> bool {
    check_handle_problem(actor, org_path).is_ok()
}

/// Rating the secretaries of the organizations directly below a level: that level's own
/// administrator (the district rates the towns, a town its villages and communities).
pub fn check_rate_below(actor: &Actor, level_path: &str) -> ServiceResult<()> {
    actor.check_visible(level_path)?;
    let own_level = actor.scope_path == level_path;
    if own_level
        && matches!(
            actor.role,
            Role::DistrictAdmin | Role::TownAdmin | Role::VillageAdmin
        )
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("书记述职由上一级党组织评议"))
    }
}

pub fn may_rate_below(actor: &Actor, level_path: &str) -> bool {
    check_rate_below(actor, level_path).is_ok()
}

/// Service-centre projects: the town and the district.
pub fn check_keep_projects(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)?;
    if matches!(actor.role, Role::DistrictAdmin | Role::TownAdmin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "党群服务中心建设项目由镇街和区委组织部登记",
        ))
    }
}

pub fn may_keep_projects(actor: &Actor, org_path: &str) -> bool {
    check_keep_projects(actor, org_path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_read_by_those_who_keep_the_organization() {
        let branch = "/1/7/311/";
        let member = Actor::for_test(Role::Member, branch);
        let secretary = Actor::for_test(Role::BranchSecretary, branch);
        let town = Actor::for_test(Role::TownAdmin, "/1/7/");
        let other_town = Actor::for_test(Role::TownAdmin, "/1/8/");
        assert!(matches!(
            check_read_files(&member, branch),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(check_read_files(&secretary, branch).is_ok());
        assert!(check_read_files(&town, branch).is_ok());
        assert!(check_keep_report(&town, branch).is_ok());
        assert!(check_keep_report(&secretary, branch).is_ok());
        assert!(check_keep_report(&member, branch).is_err());
        assert!(check_read_files(&other_town, branch).is_err());
    }

    #[test]
    fn each_level_scores_its_own_stage() {
        let branch = "/1/7/311/";
        let secretary = Actor::for_test(Role::BranchSecretary, branch);
        let town = Actor::for_test(Role::TownAdmin, "/1/7/");
        let other_town = Actor::for_test(Role::TownAdmin, "/1/8/");
        let district = Actor::for_test(Role::DistrictAdmin, "/1/");
        let member = Actor::for_test(Role::Member, branch);
        assert!(may_score(&secretary, branch, Stage::Own));
        assert!(
            !may_score(&town, branch, Stage::Own),
            "the town reviews, it does not self-score"
        );
        assert!(may_score(&town, branch, Stage::Town));
        assert!(!may_score(&other_town, branch, Stage::Town));
        assert!(!may_score(&district, branch, Stage::Town));
        assert!(
            may_score(&district, "/1/9/", Stage::Town),
            "no town above it"
        );
        assert!(may_score(&district, branch, Stage::District));
        assert!(!may_score(&member, branch, Stage::Own));
        assert_eq!(
            actions(&secretary, branch, RatingState::SelfScoring),
            vec![StarAction::Save, StarAction::Submit]
        );
        assert_eq!(
            actions(&town, branch, RatingState::Submitted),
            vec![StarAction::Save, StarAction::Review, StarAction::Return]
        );
        assert!(actions(&secretary, branch, RatingState::Submitted).is_empty());
        assert_eq!(
            actions(&district, branch, RatingState::Reviewed),
            vec![StarAction::Save, StarAction::Confirm]
        );
        assert!(is_district(&district));
        assert!(!is_district(&Actor::for_test(Role::DistrictAdmin, "/1/7/")));
    }
}
