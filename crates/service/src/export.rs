//! What every export shares: who may export at all, and a cap on its size, checked before a
//! row is read.

use crate::{Actor, ServiceError, ServiceResult};

/// Exports are lists of a level's records: a plain member's account exports nothing (their
/// own figures are on 我的). Checked once, by `App::audit_export`, which every export passes.
pub(crate) fn check_may_export(actor: &Actor) -> ServiceResult<()> {
    if actor.member_home() {
        return Err(ServiceError::Forbidden("党员账号不能导出名单"));
    }
    Ok(())
}

/// Rows one export may hold: larger lists are cut by organization or period instead.
pub const MAX_EXPORT: i64 = 200_000;

/// Refuses an export of `total` rows over the cap (422 `too_many` on `org`); `unit` is what
/// a row is, counted in Chinese (`名党员`, `户`, `条诉求`).
pub(crate) fn check_size(total: i64, unit: &str) -> ServiceResult<()> {
    check_size_under(total, unit, MAX_EXPORT)
}

fn check_size_under(total: i64, unit: &str, max: i64) -> ServiceResult<()> {
    if total > max {
        return Err(ServiceError::field(
            "org",
            "too_many",
            format!("一次最多导出 {max} {unit}（当前 {total} {unit}），请缩小范围"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_over_the_cap_is_refused_on_the_org_field() {
        assert!(check_size_under(3, "户", 3).is_ok());
        match check_size_under(4, "户", 3) {
            Err(ServiceError::Invalid(errs)) => {
                assert_eq!(errs.len(), 1);
                assert_eq!((errs[0].field, errs[0].code), ("org", "too_many"));
                assert!(
                    errs[0].message.contains("最多导出 3 户"),
                    "{}",
                    errs[0].message
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(check_size(MAX_EXPORT, "户").is_ok());
    }
}
