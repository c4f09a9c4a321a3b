//! Accounts: who may log in, with which role over which subtree. Account managers (the
//! system administrators of their level) manage them from the web, the operator from the
//! command line; the security administrator sets the rules they follow.

mod manage;
mod operator;
mod own;
mod password;
mod policy;
pub mod second_factor;
pub mod security;

use dangjian_domain::role::Role;
use dangjian_store::user::{self, NewUser, UserRow};
use dangjian_store::{Conn, StoreError, member};

pub use manage::{
    Account, AccountActions, AccountDetail, AccountFilter, AccountPage, IssuedPassword, NewAccount,
    RoleChoice,
};
pub use own::MyAccount;

use crate::model::read_model;
use crate::{ServiceError, ServiceResult};

read_model! {
    /// An account as the operator lists it; its password hash stays inside the service.
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

read_model! {
    /// A session as its owner and the account's managers see it: where and when, never its
    /// secret. The handle names it for ending it.
    pub struct SessionView from dangjian_store::session::SessionLine {
        pub handle: String,
        /// `web` (a browser) or `api` (a token).
        pub kind: String,
        pub created_at: i64,
        pub last_seen_at: i64,
        pub ip: String,
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

fn check_display_name(name: &str) -> ServiceResult<()> {
    let n = name.trim().chars().count();
    if (1..=40).contains(&n) {
        Ok(())
    } else {
        Err(ServiceError::field(
            "display_name",
            "invalid_length",
            "姓名应为 1–40 个字",
        ))
    }
}

fn parse_role(s: &str) -> ServiceResult<Role> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        ServiceError::field(
            "role",
            "invalid_choice",
            format!("角色应为：{}", all.join(", ")),
        )
    })
}

/// A member account points at a member record inside its scope; other roles at none.
async fn check_member_link(
    conn: &mut Conn,
    role: Role,
    scope_path: &str,
    member_id: Option<i64>,
) -> ServiceResult<()> {
    if role != Role::Member {
        return Ok(());
    }
    let Some(mid) = member_id else {
        return Err(ServiceError::field(
            "member_id",
            "required",
            "党员账号须关联党员档案",
        ));
    };
    let m = member::get(conn, mid)
        .await?
        .ok_or_else(|| ServiceError::field("member_id", "unknown_member", "找不到该党员"))?;
    if !dangjian_domain::path::contains(scope_path, &m.org_path) {
        return Err(ServiceError::field(
            "member_id",
            "outside_scope",
            "党员不在该账号的组织范围内",
        ));
    }
    Ok(())
}

/// Writes the account row and the first password of its history.
async fn insert(conn: &mut Conn, new: &NewUser<'_>, must_change: bool) -> ServiceResult<i64> {
    let id = user::insert(conn, new).await.map_err(|e| match e {
        StoreError::Duplicate(_) => ServiceError::field("username", "duplicate", "用户名已存在"),
        other => other.into(),
    })?;
    user::set_password(conn, id, new.password_hash, must_change).await?;
    Ok(id)
}
