//! Kinds of nodes in the organization tree and which may sit under which.

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// What a node of the tree is. Groups live inside a branch and are not counted as organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    DistrictCommittee,
    TownCommittee,
    PartyCommittee,
    GeneralBranch,
    Branch,
    JointBranch,
    PartyGroup,
    GridGroup,
}

impl OrgKind {
    pub const ALL: [OrgKind; 8] = [
        OrgKind::DistrictCommittee,
        OrgKind::TownCommittee,
        OrgKind::PartyCommittee,
        OrgKind::GeneralBranch,
        OrgKind::Branch,
        OrgKind::JointBranch,
        OrgKind::PartyGroup,
        OrgKind::GridGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::DistrictCommittee => "district_committee",
            OrgKind::TownCommittee => "town_committee",
            OrgKind::PartyCommittee => "party_committee",
            OrgKind::GeneralBranch => "general_branch",
            OrgKind::Branch => "branch",
            OrgKind::JointBranch => "joint_branch",
            OrgKind::PartyGroup => "party_group",
            OrgKind::GridGroup => "grid_group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::DistrictCommittee => "区委",
            OrgKind::TownCommittee => "镇街党(工)委",
            OrgKind::PartyCommittee => "党委",
            OrgKind::GeneralBranch => "党总支",
            OrgKind::Branch => "党支部",
            OrgKind::JointBranch => "联合支部",
            OrgKind::PartyGroup => "党小组",
            OrgKind::GridGroup => "网格党小组",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Party groups and grid groups: parts of a branch, not organizations of their own.
    pub fn is_group(self) -> bool {
        matches!(self, OrgKind::PartyGroup | OrgKind::GridGroup)
    }

    /// 基层党组织: the organizations the district counts (党委, 党总支, 党支部, 联合支部).
    pub fn is_grassroots(self) -> bool {
        matches!(
            self,
            OrgKind::PartyCommittee
                | OrgKind::GeneralBranch
                | OrgKind::Branch
                | OrgKind::JointBranch
        )
    }

    /// Members are registered in a branch; a group only further places them inside it.
    pub fn holds_members(self) -> bool {
        matches!(self, OrgKind::Branch | OrgKind::JointBranch)
    }

    pub fn may_contain(self, child: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            DistrictCommittee => matches!(
                child,
                TownCommittee | PartyCommittee | GeneralBranch | Branch | JointBranch
            ),
            TownCommittee | PartyCommittee => {
                matches!(child, PartyCommittee | GeneralBranch | Branch | JointBranch)
            }
            GeneralBranch => matches!(child, Branch | JointBranch),
            Branch | JointBranch => child.is_group(),
            PartyGroup | GridGroup => false,
        }
    }
}

/// Who an organization belongs to: the unit it is set up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgOwner {
    None,
    Village,
    Community,
    Agency,
    PublicInstitution,
    PrivateEnterprise,
    SocialOrg,
}

impl OrgOwner {
    pub const ALL: [OrgOwner; 7] = [
        OrgOwner::None,
        OrgOwner::Village,
        OrgOwner::Community,
        OrgOwner::Agency,
        OrgOwner::PublicInstitution,
        OrgOwner::PrivateEnterprise,
        OrgOwner::SocialOrg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgOwner::None => "none",
            OrgOwner::Village => "village",
            OrgOwner::Community => "community",
            OrgOwner::Agency => "agency",
            OrgOwner::PublicInstitution => "public_institution",
            OrgOwner::PrivateEnterprise => "private_enterprise",
            OrgOwner::SocialOrg => "social_org",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgOwner::None => "—",
            OrgOwner::Village => "村",
            OrgOwner::Community => "社区",
            OrgOwner::Agency => "机关",
            OrgOwner::PublicInstitution => "事业单位",
            OrgOwner::PrivateEnterprise => "非公企业",
            OrgOwner::SocialOrg => "社会组织",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Names as the tree shows them: trimmed, 1 to 60 characters.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(FieldError::new("name", "required", "请填写组织名称"));
    }
    if len > 60 {
        return Err(FieldError::new(
            "name",
            "too_long",
            "组织名称不能超过 60 个字",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            "name",
            "invalid_character",
            "组织名称含有不可见字符",
        ));
    }
    Ok(name.to_string())
}

/// Codes are the org's registry code: digits, letters and '-', 1 to 32 characters.
pub fn check_code(code: &str) -> Result<String, FieldError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(FieldError::new("code", "required", "请填写组织代码"));
    }
    let ok = code.len() <= 32 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(code.to_string())
    } else {
        Err(FieldError::new(
            "code",
            "invalid_code",
            "组织代码只能由字母、数字和“-”组成，最多 32 位",
        ))
    }
}

/// The place a party organization is named after, as residents know it: "音观社区党委" is
/// 音观社区, "白涛街道党工委" is 白涛街道. A name with no party suffix is returned whole.
pub fn place_name(org_name: &str) -> &str {
    const SUFFIXES: [&str; 6] = ["联合党支部", "党工委", "党总支", "党支部", "党委", "党组织"];
    SUFFIXES
        .iter()
        .find_map(|s| org_name.strip_suffix(s).filter(|rest| !rest.is_empty()))
        .unwrap_or(org_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_named_without_the_party_suffix() {
        assert_eq!(place_name("音观社区党委"), "音观社区");
        assert_eq!(place_name("白涛街道党工委"), "白涛街道");
        assert_eq!(place_name("红岩村党支部"), "红岩村");
        assert_eq!(place_name("马武镇"), "马武镇");
        assert_eq!(place_name("党委"), "党委", "nothing is left: keep the name");
    }

    #[test]
    fn groups_only_inside_branches() {
        for parent in OrgKind::ALL {
            assert_eq!(
                parent.may_contain(OrgKind::GridGroup),
                matches!(parent, OrgKind::Branch | OrgKind::JointBranch)
            );
        }
        assert!(!OrgKind::GridGroup.may_contain(OrgKind::Branch));
        assert!(!OrgKind::Branch.may_contain(OrgKind::Branch));
        assert!(
            OrgKind::ALL
                .iter()
                .all(|k| !k.may_contain(OrgKind::DistrictCommittee))
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        for o in OrgOwner::ALL {
            assert_eq!(OrgOwner::parse(o.as_str()), Some(o));
        }
    }

    #[test]
    fn names_and_codes() {
        assert!(check_name("罗云镇党委").is_ok());
        assert_eq!(check_name("  ").unwrap_err().code, "required");
        assert_eq!(check_name(&"党".repeat(61)).unwrap_err().code, "too_long");
        assert!(check_code("500102131").is_ok());
        assert_eq!(check_code("5001 02").unwrap_err().code, "invalid_code");
    }
}
