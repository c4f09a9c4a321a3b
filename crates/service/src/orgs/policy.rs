//! Who may do what with the organization tree: every role but the auditor reads its scope;
//! the district, towns and villages create, rename, move and close organizations inside it;
//! a branch secretary manages people, not the shape of the tree.

use crate::{Actor, ServiceResult};

/// Creating, renaming, moving and closing the org at `org_path` or below it.
pub fn check_edit(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_orgs(org_path)
}

pub fn can_edit(actor: &Actor, org_path: &str) -> bool {
    check_edit(actor, org_path).is_ok()
}

/// Appointing and relieving a branch's committee: people, so whoever edits the members there.
pub fn check_edit_committee(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

pub fn can_edit_committee(actor: &Actor, org_path: &str) -> bool {
    check_edit_committee(actor, org_path).is_ok()
}

/// A level's to-do list: the staff of the level; a plain member's own things are on 我的.
pub fn check_read_to_do(actor: &Actor) -> ServiceResult<()> {
    if actor.member_home() {
        Err(crate::ServiceError::Forbidden("党员的待办事项在“我的”页面"))
    } else {
        Ok(())
    }
}
