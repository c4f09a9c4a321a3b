//! Accounts: role, scope org, password hash and the count of failed logins.

use sqlx::AssertSqlSafe;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct UserRow {
        pub id: i64,
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: String,
        pub scope_org_id: i64,
        pub scope_path: String,
        pub scope_name: String,
        pub member_id: Option<i64>,
        pub disabled: bool,
        pub failed_logins: i64,
    }
}

const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.scope_org_id, o.path AS scope_path, \
    o.name AS scope_name, u.member_id, u.disabled, u.failed_logins FROM app_user u JOIN org o ON o.id = u.scope_org_id";

pub async fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT} WHERE u.username = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(UserRow::read).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    let r = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    r.as_ref().map(UserRow::read).transpose()
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserRow>> {
    let sql = format!("{SELECT} ORDER BY u.id");
    sqlx::query(AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?
        .iter()
        .map(UserRow::read)
        .collect()
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub scope_org_id: i64,
    pub member_id: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, u: &NewUser<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO app_user (username, display_name, password_hash, role, scope_org_id, member_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role)
    .bind(u.scope_org_id)
    .bind(u.member_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn set_password(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<()> {
    sqlx::query(
        "UPDATE app_user SET password_hash = $1, failed_logins = 0, locked_until = 0 WHERE id = $2",
    )
    .bind(hash)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_disabled(conn: &mut AnyConnection, id: i64, disabled: bool) -> Result<()> {
    sqlx::query("UPDATE app_user SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts a failed login against the account (shown to its administrators; it locks nothing:
/// the service slows the address that fails instead).
pub async fn record_failure(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_success(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE app_user SET failed_logins = 0, locked_until = 0 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
