//! Who is calling: the account, its role and the subtree it acts in.

use dangjian_domain::role::{Role, in_scope};

use crate::{ServiceError, ServiceResult};

/// The user behind a call, with the subtree they act in.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_org_id: i64,
    pub scope_path: String,
    pub scope_name: String,
    /// For a member: the member record and the path of their own branch.
    pub member_id: Option<i64>,
    pub member_org_path: Option<String>,
    pub ip: String,
    /// The session acting, for a logged-in account.
    pub session: Option<SessionInfo>,
}

/// The session an account acts through: its handle, and the account's login before it
/// (shown to the account, so that a login it did not make stands out).
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub handle: String,
    /// What the session may do yet (everything, or one page first).
    pub stage: crate::auth::Stage,
    pub previous_login_at: Option<i64>,
    pub previous_login_ip: Option<String>,
}

impl Actor {
    /// The command line acts as the system, over the whole tree.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: format!("system:{what}"),
            display_name: "系统".into(),
            role: Role::DistrictAdmin,
            scope_org_id: 0,
            scope_path: "/".into(),
            scope_name: "全部".into(),
            member_id: None,
            member_org_path: None,
            ip: "local".into(),
            session: None,
        }
    }

    /// A resident using the public pages: no account and no scope, so that every staff
    /// check refuses it; it names the network address in the audit log.
    pub fn resident(ip: &str) -> Actor {
        Actor {
            user_id: None,
            username: "resident".into(),
            display_name: "群众".into(),
            role: Role::Member,
            scope_org_id: 0,
            scope_path: String::new(),
            scope_name: String::new(),
            member_id: None,
            member_org_path: None,
            ip: ip.to_string(),
            session: None,
        }
    }

    /// The root of what this actor may read: a member reads their own branch only.
    pub fn read_root(&self) -> ServiceResult<&str> {
        if !self.role.reads_registry() {
            return Err(ServiceError::Forbidden(
                "安全管理员、审计管理员和大屏展示账号不查看组织和党员信息",
            ));
        }
        match (self.role, &self.member_org_path) {
            (Role::Member, Some(p)) => Ok(p),
            (Role::Member, None) => Err(ServiceError::Forbidden("该账号未关联党员档案")),
            _ => Ok(&self.scope_path),
        }
    }

    /// Whether the account reads organizations and members at all (auditors do not).
    pub fn reads_registry(&self) -> bool {
        self.role.reads_registry()
    }

    /// Whether the account's pages are a member's own (我的) rather than a level's: a plain
    /// member sees their own figures, not the branch's statistics.
    pub fn member_home(&self) -> bool {
        self.role == Role::Member
    }

    /// Whether the account reads the audit log (auditors only).
    pub fn reads_audit(&self) -> bool {
        self.role.reads_audit()
    }

    /// The page an account starts from: the big screen of its scope for a display account,
    /// the audit log for auditors, the security policy for the security administrator, a
    /// member's own page for a member, else the level's 云中心 (`None`).
    pub fn landing(&self) -> Option<&'static str> {
        if self.role == Role::Display {
            Some("/screen")
        } else if self.reads_audit() {
            Some("/audit")
        } else if self.role.manages_security() {
            Some("/security")
        } else if self.member_home() {
            Some("/me")
        } else {
            None
        }
    }

    /// Fails with NotFound, not Forbidden, so that nothing outside the scope is revealed.
    pub fn check_visible(&self, path: &str) -> ServiceResult<()> {
        if in_scope(self.read_root()?, path) {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    pub fn check_edit_members(&self, org_path: &str) -> ServiceResult<()> {
        self.check_visible(org_path)?;
        if self.role.edits_members() {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("您的角色不能修改党员信息"))
        }
    }

    pub fn check_edit_orgs(&self, org_path: &str) -> ServiceResult<()> {
        self.check_visible(org_path)?;
        if self.role.edits_orgs() {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("您的角色不能调整组织架构"))
        }
    }
}

#[cfg(test)]
impl Actor {
    /// An account of `role` scoped at `scope_path`, for the policies' unit tests.
    pub(crate) fn for_test(role: Role, scope_path: &str) -> Actor {
        Actor {
            user_id: Some(1),
            username: "test".into(),
            display_name: "测试".into(),
            role,
            scope_org_id: 1,
            scope_path: scope_path.into(),
            scope_name: "测试".into(),
            member_id: None,
            member_org_path: (role == Role::Member).then(|| scope_path.to_string()),
            ip: "test".into(),
            session: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_starts_from_its_own_page() {
        let landing = |role| Actor::for_test(role, "/1/").landing();
        assert_eq!(landing(Role::Auditor), Some("/audit"));
        assert_eq!(landing(Role::Display), Some("/screen"));
        assert_eq!(landing(Role::SecurityAdmin), Some("/security"));
        assert_eq!(landing(Role::Member), Some("/me"));
        for staff in [
            Role::DistrictAdmin,
            Role::TownAdmin,
            Role::VillageAdmin,
            Role::BranchSecretary,
        ] {
            assert_eq!(landing(staff), None, "{staff:?} reads the level's 云中心");
        }
    }
}
