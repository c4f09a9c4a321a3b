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
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::DistrictAdmin,
        Role::TownAdmin,
        Role::VillageAdmin,
        Role::BranchSecretary,
        Role::Member,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::TownAdmin => "town_admin",
            Role::VillageAdmin => "village_admin",
            Role::BranchSecretary => "branch_secretary",
            Role::Member => "member",
            Role::Auditor => "auditor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区委组织部管理员",
            Role::TownAdmin => "镇街管理员",
            Role::VillageAdmin => "村(社区)管理员",
            Role::BranchSecretary => "支部书记",
            Role::Member => "党员",
            Role::Auditor => "审计员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May read the organizations and members of the scope subtree.
    pub fn reads_registry(self) -> bool {
        !matches!(self, Role::Auditor)
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
