//! Account administration, used by the command line (`dangjian user …`) and the demo.

use dangjian_domain::role::Role;
use dangjian_store::org;
use dangjian_store::user::{self, NewUser, UserRow};
use dangjian_store::{StoreError, member, session};

use crate::audit::Entry;
use crate::auth::hash_password;
use crate::model::read_model;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

read_model! {
    /// An account as listed; its password hash stays inside the service.
    pub struct User from UserRow {
        pub id: i64,
        pub username: String,
        pub display_name: String,
        pub role: String,
        pub scope_org_id: i64,
        pub scope_path: String,
        pub scope_name: String,
        pub member_id: Option<i64>,
        pub disabled: bool,
        pub failed_logins: i64,
    }
}

pub struct UserSpec<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: &'a str,
    /// An org id or code.
    pub scope: &'a str,
    pub member_id: Option<i64>,
}

fn check_username(u: &str) -> ServiceResult<()> {
    let ok = (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::field(
            "username",
            "invalid_username",
            "用户名应为 3–32 位小写字母、数字或 . _ -",
        ))
    }
}

impl App {
    pub fn check_password(&self, p: &str) -> ServiceResult<()> {
        let n = p.chars().count();
        if n < self.config.min_password_chars {
            return Err(ServiceError::field(
                "password",
                "too_short",
                format!("密码至少 {} 个字符", self.config.min_password_chars),
            ));
        }
        if n > 256 {
            return Err(ServiceError::field(
                "password",
                "too_long",
                "密码不能超过 256 个字符",
            ));
        }
        Ok(())
    }

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
        let role = Role::parse(spec.role).ok_or_else(|| {
            let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            ServiceError::field(
                "role",
                "invalid_choice",
                format!("角色应为：{}", all.join(", ")),
            )
        })?;
        let scope = self.find_org(spec.scope).await?;
        if role == Role::Member {
            let Some(mid) = spec.member_id else {
                return Err(ServiceError::field(
                    "member_id",
                    "required",
                    "党员账号须关联党员档案（--member）",
                ));
            };
            let mut conn = self.db.conn().await?;
            let m = member::get(&mut conn, mid).await?.ok_or_else(|| {
                ServiceError::field("member_id", "unknown_member", "找不到该党员")
            })?;
            if !dangjian_domain::path::contains(&scope.path, &m.org_path) {
                return Err(ServiceError::field(
                    "member_id",
                    "outside_scope",
                    "党员不在该账号的组织范围内",
                ));
            }
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
        let id = user::insert(tx.conn(), &new).await.map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ServiceError::field("username", "duplicate", "用户名已存在")
            }
            other => other.into(),
        })?;
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

    /// Sets a new password and ends the user's sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> ServiceResult<()> {
        self.check_password(password)?;
        let u = self.user_named(username).await?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.begin_audited().await?;
        user::set_password(tx.conn(), u.id, &hash).await?;
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
        tx.commit(actor, Entry::ok(action, "user", u.id)).await
    }

    pub async fn users(&self) -> ServiceResult<Vec<User>> {
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(user::list(&mut conn).await?))
    }
}
