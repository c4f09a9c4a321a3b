//! Accounts: role, scope org, password hash and the count of failed logins.

use sqlx::AssertSqlSafe;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::{Sql, now_ms};
use dangjian_domain::path;

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
        pub must_change_password: bool,
        pub last_login_at: Option<i64>,
        pub last_login_ip: Option<String>,
    }
}

const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.scope_org_id, o.path AS scope_path, \
    o.name AS scope_name, u.member_id, u.disabled, u.failed_logins, u.must_change_password, u.last_login_at, u.last_login_ip \
    FROM app_user u JOIN org o ON o.id = u.scope_org_id";

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

/// Accounts whose scope lies in the subtree at `root`, filtered, newest first.
pub struct UserFilter {
    pub root: String,
    /// Matches the start of the username or of the display name.
    pub q: Option<String>,
    pub role: Option<String>,
}

impl UserFilter {
    fn push_where(&self, sql: &mut Sql) {
        sql.push(" WHERE o.path >= ")
            .text(self.root.clone())
            .push(" AND o.path < ")
            .text(path::upper(&self.root));
        if let Some(q) = &self.q {
            let end = format!("{q}\u{10FFFF}");
            sql.push(" AND ((u.username >= ")
                .text(q.clone())
                .push(" AND u.username < ")
                .text(end.clone())
                .push(") OR (u.display_name >= ")
                .text(q.clone())
                .push(" AND u.display_name < ")
                .text(end)
                .push("))");
        }
        if let Some(r) = &self.role {
            sql.push(" AND u.role = ").text(r.clone());
        }
    }
}

pub async fn list_under(
    conn: &mut AnyConnection,
    f: &UserFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64)> {
    let mut count =
        Sql::new("SELECT COUNT(*) AS n FROM app_user u JOIN org o ON o.id = u.scope_org_id");
    f.push_where(&mut count);
    let total: i64 = count.fetch_one(conn).await?.try_get("n")?;
    let mut sql = Sql::new(SELECT);
    f.push_where(&mut sql);
    sql.push(" ORDER BY o.path, u.username LIMIT ")
        .int(limit)
        .push(" OFFSET ")
        .int(offset);
    let rows = sql
        .fetch_all(conn)
        .await?
        .iter()
        .map(UserRow::read)
        .collect::<Result<_>>()?;
    Ok((rows, total))
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

/// Sets a password and keeps its hash in the account's history; `must_change` makes the
/// next login ask for a new one (a password an administrator chose).
pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    hash: &str,
    must_change: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE app_user SET password_hash = $1, failed_logins = 0, locked_until = 0, must_change_password = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(i64::from(must_change))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(hash)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// The account's last `n` password hashes, newest first.
pub async fn recent_hashes(conn: &mut AnyConnection, id: i64, n: i64) -> Result<Vec<String>> {
    sqlx::query(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT $2",
    )
    .bind(id)
    .bind(n)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok(r.try_get("password_hash")?))
    .collect()
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

pub async fn record_success(conn: &mut AnyConnection, id: i64, at: i64, ip: &str) -> Result<()> {
    sqlx::query(
        "UPDATE app_user SET failed_logins = 0, locked_until = 0, last_login_at = $1, last_login_ip = $2 WHERE id = $3",
    )
    .bind(at)
    .bind(ip)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears the failed-login count (an administrator's unlock).
pub async fn clear_failures(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE app_user SET failed_logins = 0 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
