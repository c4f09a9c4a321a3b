//! Accounts managed by the operator on the server's command line (`dangjian user …`) and by
//! the demo: the only way to create the security and audit duties (三权分立).

use dangjian_store::user::{self, NewUser, UserRow};
use dangjian_store::{org, session};

use super::{User, UserSpec, check_member_link, check_username, insert, parse_role};
use crate::audit::Entry;
use crate::auth::hash_password;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

impl App {
    /// Finds an org by numeric id or by code.
    pub async fn find_org(&self, id_or_code: &str) -> ServiceResult<Org> {
        let mut conn = self.db.conn().await?;
        let by_id = match id_or_code.parse::<i64>() {
            Ok(id) => org::get(&mut conn, id).await?,
            Err(_) => None,
        };
        match by_id {
            Some(o) => Ok(o.into()),
            None => org::get_by_code(&mut conn, id_or_code)
                .await?
                .map(Org::from)
                .ok_or_else(|| {
                    ServiceError::field("scope", "unknown_org", format!("找不到组织“{id_or_code}”"))
                }),
        }
    }

    pub async fn add_user(&self, actor: &Actor, spec: &UserSpec<'_>) -> ServiceResult<i64> {
        check_username(spec.username)?;
        self.check_password(spec.password)?;
        let role = parse_role(spec.role)?;
        let scope = self.find_org(spec.scope).await?;
        {
            let mut conn = self.db.conn().await?;
            check_member_link(&mut conn, role, &scope.path, spec.member_id).await?;
        }
        let hash = hash_password(spec.password.to_string()).await?;
        let mut tx = self.begin_audited().await?;
        let new = NewUser {
            username: spec.username,
            display_name: spec.display_name,
            password_hash: &hash,
            role: role.as_str(),
            scope_org_id: scope.id,
            member_id: spec.member_id,
        };
        let id = insert(tx.conn(), &new, false).await?;
        tx.commit(
            actor,
            Entry::ok("user.create", "user", id).detail(format!(
                "{} {} @{}",
                spec.username,
                role.as_str(),
                scope.code
            )),
        )
        .await?;
        Ok(id)
    }

    async fn user_named(&self, username: &str) -> ServiceResult<UserRow> {
        let mut conn = self.db.conn().await?;
        user::by_username(&mut conn, username)
            .await?
            .ok_or_else(|| ServiceError::field("username", "unknown_user", "用户不存在"))
    }

    /// Sets a new password (by the rules, not one of the last few) and ends the user's
    /// sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> ServiceResult<()> {
        let u = self.user_named(username).await?;
        self.check_new_password(&u, password).await?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.begin_audited().await?;
        user::set_password(tx.conn(), u.id, &hash, false).await?;
        session::delete_for_user(tx.conn(), u.id).await?;
        tx.commit(actor, Entry::ok("user.password", "user", u.id))
            .await
    }

    pub async fn set_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> ServiceResult<()> {
        let u = self.user_named(username).await?;
        self.write_disabled(actor, &u, disabled).await
    }

    pub(super) async fn write_disabled(
        &self,
        actor: &Actor,
        u: &UserRow,
        disabled: bool,
    ) -> ServiceResult<()> {
        let mut tx = self.begin_audited().await?;
        user::set_disabled(tx.conn(), u.id, disabled).await?;
        if disabled {
            session::delete_for_user(tx.conn(), u.id).await?;
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        tx.commit(actor, Entry::ok(action, "user", u.id).detail(&u.username))
            .await
    }

    pub async fn users(&self) -> ServiceResult<Vec<User>> {
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(user::list(&mut conn).await?))
    }
}
