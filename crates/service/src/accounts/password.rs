//! The password rules of the security policy: a length, and none of the account's last few.

use dangjian_store::user::{self, UserRow};

use crate::auth::verify_password;
use crate::{App, ServiceError, ServiceResult};

impl App {
    /// The length rule of the policy in force.
    pub fn check_password(&self, p: &str) -> ServiceResult<()> {
        self.security
            .get()
            .check_password(p)
            .map_err(|e| ServiceError::Invalid(vec![e]))
    }

    /// The length rule, and not the current password nor one of the last
    /// `password_history` (checked against their hashes; none is kept in clear).
    pub(crate) async fn check_new_password(&self, u: &UserRow, p: &str) -> ServiceResult<()> {
        self.check_password(p)?;
        let keep = i64::from(self.security.get().password_history);
        if keep == 0 {
            return Ok(());
        }
        let mut hashes = {
            let mut conn = self.db.conn().await?;
            user::recent_hashes(&mut conn, u.id, keep).await?
        };
        // Accounts older than the history have only their current hash.
        if !hashes.contains(&u.password_hash) {
            hashes.push(u.password_hash.clone());
        }
        for h in hashes {
            if verify_password(p.to_string(), h).await {
                return Err(ServiceError::field(
                    "password",
                    "reused",
                    format!("不能使用最近 {keep} 次用过的密码"),
                ));
            }
        }
        Ok(())
    }
}
