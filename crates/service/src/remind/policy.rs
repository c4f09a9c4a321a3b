//! Who reads which reminders: the staff of an org read all of its reminders; a member's own
//! account reads only those meant for every member (when the branch meets), never the ones
//! that name colleagues (arrears, a poor evaluation, a recruit's step); an auditor and a display
//! account read none.

use dangjian_domain::remind::FOR_EVERYONE;
use dangjian_domain::role::Role;
use dangjian_store::notification::Kinds;

use crate::{Actor, ServiceError, ServiceResult};

/// The reader's account and the kinds of its org's reminders it may read.
pub(super) fn readable(actor: &Actor) -> ServiceResult<(i64, Kinds<'static>)> {
    let user = actor.user_id.ok_or(ServiceError::Unauthenticated)?;
    let kinds = match actor.role {
        Role::Auditor | Role::SecurityAdmin | Role::Display => {
            return Err(ServiceError::Forbidden(
                "安全管理员、审计管理员和大屏展示账号没有工作提醒",
            ));
        }
        Role::Member => Kinds::Only(&FOR_EVERYONE),
        Role::DistrictAdmin | Role::TownAdmin | Role::VillageAdmin | Role::BranchSecretary => {
            Kinds::All
        }
    };
    Ok((user, kinds))
}
