//! Roles and what each may do inside its scope (the subtree of its scope org).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    DistrictAdmin,
    TownAdmin,
    VillageAdmin,
    BranchSecretary,
    Member,
    /// 安全管理员: sets the security policy; reads no registry data and manages no accounts.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit log only.
    Auditor,
    /// 大屏展示账号: the big screen of its scope in a lobby or a meeting room; aggregate
    /// figures only, never a name, a list or a personal record.
    Display,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::DistrictAdmin,
        Role::TownAdmin,
        Role::VillageAdmin,
        Role::BranchSecretary,
        Role::Member,
        Role::SecurityAdmin,
        Role::Auditor,
        Role::Display,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::TownAdmin => "town_admin",
            Role::VillageAdmin => "village_admin",
            Role::BranchSecretary => "branch_secretary",
            Role::Member => "member",
            Role::SecurityAdmin => "security_admin",
            Role::Auditor => "auditor",
            Role::Display => "display",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区委组织部管理员",
            Role::TownAdmin => "镇街管理员",
            Role::VillageAdmin => "村(社区)管理员",
            Role::BranchSecretary => "支部书记",
            Role::Member => "党员",
            Role::SecurityAdmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::Display => "大屏展示账号",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May read the organizations and members of the scope subtree.
    pub fn reads_registry(self) -> bool {
        !self.is_duty() && self != Role::Display
    }

    /// May open the big screen (大屏) of an organization in the scope: the staff of a level
    /// and the display accounts; a member reads their own record instead.
    pub fn reads_screen(self) -> bool {
        self == Role::Display || (self.reads_registry() && self != Role::Member)
    }

    /// The security and audit duties of 三权分立: held apart from the system administrators
    /// (who manage accounts and the tree), created only at installation or from the command
    /// line, never from the web (where an administrator could make one for themselves).
    pub fn is_duty(self) -> bool {
        matches!(self, Role::SecurityAdmin | Role::Auditor)
    }

    /// The level of a line role, highest first; an account manager never creates or changes
    /// an account above their own level. None for the duties. A display account ranks below
    /// every person: any account manager may open one for a screen of their subtree.
    pub fn rank(self) -> Option<u8> {
        match self {
            Role::DistrictAdmin => Some(5),
            Role::TownAdmin => Some(4),
            Role::VillageAdmin => Some(3),
            Role::BranchSecretary => Some(2),
            Role::Member => Some(1),
            Role::Display => Some(0),
            Role::SecurityAdmin | Role::Auditor => None,
        }
    }

    /// 系统管理员 of its subtree: creates, disables and resets the accounts below it.
    pub fn manages_accounts(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin | Role::TownAdmin | Role::VillageAdmin
        )
    }

    /// Whether an account manager of this role may hold or create an account of `other`:
    /// a line role at or below its own level.
    pub fn may_grant(self, other: Role) -> bool {
        self.manages_accounts()
            && matches!((self.rank(), other.rank()), (Some(a), Some(b)) if b <= a)
    }

    /// Must log in with a second factor (TOTP): every administrative duty (account managers,
    /// the security administrator and the auditor); optional for secretaries and members.
    pub fn requires_second_factor(self) -> bool {
        self.manages_accounts() || self.is_duty()
    }

    /// Sets the security policy (password rules, sessions, login throttling, retention).
    pub fn manages_security(self) -> bool {
        matches!(self, Role::SecurityAdmin)
    }

    /// May create and change members inside the scope subtree.
    pub fn edits_members(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin | Role::TownAdmin | Role::VillageAdmin | Role::BranchSecretary
        )
    }

    /// May create, rename, move and close organizations inside the scope subtree.
    /// A branch secretary manages people, not the shape of the tree.
    pub fn edits_orgs(self) -> bool {
        matches!(
            self,
            Role::DistrictAdmin | Role::TownAdmin | Role::VillageAdmin
        )
    }

    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Auditor)
    }
}

/// Whether an actor whose scope is rooted at `scope_path` may see the node at `path`.
pub fn in_scope(scope_path: &str, path: &str) -> bool {
    crate::path::contains(scope_path, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn auditor_reads_only_audit() {
        assert!(!Role::Auditor.reads_registry());
        assert!(!Role::Auditor.edits_members());
        assert!(Role::Auditor.reads_audit());
        assert!(Role::ALL.iter().filter(|r| r.reads_audit()).count() == 1);
    }

    #[test]
    fn the_three_duties_are_held_apart() {
        for r in Role::ALL {
            let duties = [r.manages_accounts(), r.manages_security(), r.reads_audit()];
            assert!(duties.iter().filter(|d| **d).count() <= 1, "{r:?}");
        }
        assert!(!Role::SecurityAdmin.reads_registry());
        assert!(!Role::DistrictAdmin.may_grant(Role::Auditor));
        assert!(!Role::DistrictAdmin.may_grant(Role::SecurityAdmin));
        assert!(Role::DistrictAdmin.may_grant(Role::DistrictAdmin));
        assert!(Role::TownAdmin.may_grant(Role::BranchSecretary));
        assert!(!Role::TownAdmin.may_grant(Role::DistrictAdmin));
        assert!(!Role::BranchSecretary.may_grant(Role::Member));
        assert!(!Role::SecurityAdmin.may_grant(Role::Member));
        let two_factor: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.requires_second_factor())
            .collect();
        assert_eq!(
            two_factor,
            [
                Role::DistrictAdmin,
                Role::TownAdmin,
                Role::VillageAdmin,
                Role::SecurityAdmin,
                Role::Auditor
            ]
        );
    }

    #[test]
    fn a_display_account_reads_the_screen_only() {
        let d = Role::Display;
        assert!(d.reads_screen());
        assert!(!d.reads_registry());
        assert!(!d.edits_members() && !d.edits_orgs() && !d.manages_accounts());
        assert!(
            !d.requires_second_factor(),
            "a wall screen cannot type a code"
        );
        assert!(Role::VillageAdmin.may_grant(d));
        assert!(!Role::BranchSecretary.may_grant(d));
        assert!(Role::BranchSecretary.reads_screen());
        assert!(!Role::Member.reads_screen());
        assert!(!Role::Auditor.reads_screen() && !Role::SecurityAdmin.reads_screen());
    }

    #[test]
    fn member_reads_but_never_edits() {
        assert!(Role::Member.reads_registry());
        assert!(!Role::Member.edits_members());
        assert!(!Role::Member.edits_orgs());
    }

    proptest! {
        #[test]
        fn scope_is_closed_under_descent(a in proptest::collection::vec(1i64..50, 1..5), b in proptest::collection::vec(1i64..50, 0..3)) {
            let scope = a.iter().fold(String::from("/"), |p, id| format!("{p}{id}/"));
            let below = b.iter().fold(scope.clone(), |p, id| format!("{p}{id}/"));
            prop_assert!(in_scope(&scope, &below));
            // The parent of a scope root is never inside it.
            let parent = a[..a.len() - 1].iter().fold(String::from("/"), |p, id| format!("{p}{id}/"));
            prop_assert!(!in_scope(&scope, &parent));
        }
    }
}
