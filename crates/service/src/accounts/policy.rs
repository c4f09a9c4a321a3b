//! Who may manage which account (三权分立): account managers manage the line accounts of
//! their subtree at or below their own level; the security and audit duties are managed
//! only by the operator on the server's command line; nobody manages their own account here
//! (their own password is changed on 我的账号).

use dangjian_domain::role::{Role, in_scope};
use dangjian_store::user::UserRow;

use crate::{Actor, ServiceError, ServiceResult};

/// The account list and the creation form.
pub(crate) fn check_manage_accounts(actor: &Actor) -> ServiceResult<()> {
    if actor.role.manages_accounts() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("您的角色不能管理账号"))
    }
}

/// Reading an account: it must lie in the manager's subtree (else it is missing).
pub(crate) fn check_read(actor: &Actor, target: &UserRow) -> ServiceResult<()> {
    check_manage_accounts(actor)?;
    if in_scope(&actor.scope_path, &target.scope_path) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Changing an account: readable, a line role the manager may grant, and not their own.
pub(crate) fn check_change(actor: &Actor, target: &UserRow) -> ServiceResult<()> {
    check_read(actor, target)?;
    if !may_change(actor, target) {
        return Err(ServiceError::Forbidden(
            "不能管理本人、上级或安全、审计管理员的账号",
        ));
    }
    Ok(())
}

/// The same rule as a flag, for the actions a read model offers.
pub(crate) fn may_change(actor: &Actor, target: &UserRow) -> bool {
    actor.user_id != Some(target.id)
        && Role::parse(&target.role).is_some_and(|r| actor.role.may_grant(r))
        && in_scope(&actor.scope_path, &target.scope_path)
}

/// Creating an account of `role` scoped at `scope_path`.
pub(crate) fn check_create(actor: &Actor, role: Role, scope_path: &str) -> ServiceResult<()> {
    check_manage_accounts(actor)?;
    if !in_scope(&actor.scope_path, scope_path) {
        return Err(ServiceError::field(
            "scope",
            "outside_scope",
            "只能在本级及下级组织中开设账号",
        ));
    }
    if !actor.role.may_grant(role) {
        return Err(ServiceError::field(
            "role",
            "role_above_own",
            "不能开设高于本人级别或安全、审计管理员的账号",
        ));
    }
    Ok(())
}

/// The security policy is the security administrator's alone.
pub(crate) fn check_security(actor: &Actor) -> ServiceResult<()> {
    if actor.role.manages_security() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("只有安全管理员可以设置安全策略"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, role: Role, scope_path: &str) -> UserRow {
        UserRow {
            id,
            username: format!("u{id}"),
            display_name: String::new(),
            password_hash: String::new(),
            role: role.as_str().into(),
            scope_org_id: 1,
            scope_path: scope_path.into(),
            scope_name: String::new(),
            member_id: None,
            disabled: false,
            failed_logins: 0,
            must_change_password: false,
            last_login_at: None,
            last_login_ip: None,
        }
    }

    #[test]
    fn a_town_manages_its_own_level_and_below_inside_its_subtree() {
        let town = Actor::for_test(Role::TownAdmin, "/1/2/");
        assert!(check_change(&town, &row(7, Role::BranchSecretary, "/1/2/5/")).is_ok());
        assert!(check_change(&town, &row(7, Role::TownAdmin, "/1/2/")).is_ok());
        assert!(matches!(
            check_change(&town, &row(7, Role::BranchSecretary, "/1/3/")),
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            check_change(&town, &row(7, Role::DistrictAdmin, "/1/2/")),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(
            matches!(
                check_change(&town, &row(1, Role::TownAdmin, "/1/2/")),
                Err(ServiceError::Forbidden(_))
            ),
            "not oneself"
        );
        assert!(check_create(&town, Role::VillageAdmin, "/1/2/9/").is_ok());
        assert!(check_create(&town, Role::VillageAdmin, "/1/").is_err());
        assert!(check_create(&town, Role::DistrictAdmin, "/1/2/").is_err());
    }

    #[test]
    fn the_duties_stay_apart() {
        let district = Actor::for_test(Role::DistrictAdmin, "/1/");
        assert!(check_create(&district, Role::Auditor, "/1/").is_err());
        assert!(check_create(&district, Role::SecurityAdmin, "/1/").is_err());
        assert!(check_change(&district, &row(7, Role::Auditor, "/1/")).is_err());
        assert!(check_security(&district).is_err());
        for duty in [Role::SecurityAdmin, Role::Auditor] {
            let a = Actor::for_test(duty, "/1/");
            assert!(check_manage_accounts(&a).is_err(), "{duty:?}");
        }
        assert!(check_security(&Actor::for_test(Role::SecurityAdmin, "/1/")).is_ok());
        assert!(check_manage_accounts(&Actor::for_test(Role::BranchSecretary, "/1/2/3/")).is_err());
    }
}
