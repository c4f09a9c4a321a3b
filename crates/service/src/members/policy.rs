//! Who may do what with the member registry: every role but the auditor reads the members of
//! its scope (a member's own account those of its own branch); the district, towns, villages
//! and branch secretaries create, change and move members and reveal identifiers inside their
//! scope; members never edit.

use crate::{Actor, ServiceResult};

/// Reading a member of the org at `org_path` (out of scope answers as missing).
pub fn check_read(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_visible(org_path)
}

/// Creating, changing, moving members of the org at `org_path`, and revealing their
/// identifiers with a reason.
pub fn check_edit(actor: &Actor, org_path: &str) -> ServiceResult<()> {
    actor.check_edit_members(org_path)
}

pub fn can_edit(actor: &Actor, org_path: &str) -> bool {
    check_edit(actor, org_path).is_ok()
}
