//! Server-side sessions (browser) and API tokens, stored by the hash of their secret.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::Result;
use crate::row::row;

row! {
    #[derive(Debug, Clone)]
    pub struct SessionRow {
        pub user_id: i64,
        pub kind: String,
        pub csrf: String,
        pub created_at: i64,
        pub last_seen_at: i64,
        pub ip: String,
        /// `ok`, or what the account must do before anything else (`password`).
        pub stage: String,
        /// The account's login before this one, shown to it.
        pub prev_login_at: Option<i64>,
        pub prev_login_ip: Option<String>,
    }
}

row! {
    /// A session as its owner and administrators see it, named by a short handle (the start
    /// of its hash), never by its secret.
    #[derive(Debug, Clone)]
    pub struct SessionLine {
        pub handle: String,
        pub kind: String,
        pub created_at: i64,
        pub last_seen_at: i64,
        pub ip: String,
    }
}

const COLUMNS: &str =
    "user_id, kind, csrf, created_at, last_seen_at, ip, stage, prev_login_at, prev_login_ip";

pub async fn insert(conn: &mut AnyConnection, token_hash: &str, s: &SessionRow) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO session (token_hash, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )))
    .bind(token_hash)
    .bind(s.user_id)
    .bind(&s.kind)
    .bind(&s.csrf)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(&s.ip)
    .bind(&s.stage)
    .bind(s.prev_login_at)
    .bind(s.prev_login_ip.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRow>> {
    let r = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM session WHERE token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(SessionRow::read).transpose()
}

/// The account's sessions, the latest used first.
pub async fn list_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<SessionLine>> {
    sqlx::query(
        "SELECT substr(token_hash, 1, 16) AS handle, kind, created_at, last_seen_at, ip FROM session \
         WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(SessionLine::read)
    .collect()
}

/// Ends one of the account's sessions by its handle; whether there was one.
pub async fn delete_by_handle(
    conn: &mut AnyConnection,
    user_id: i64,
    handle: &str,
) -> Result<bool> {
    let r =
        sqlx::query("DELETE FROM session WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2")
            .bind(user_id)
            .bind(handle)
            .execute(conn)
            .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn touch(conn: &mut AnyConnection, token_hash: &str, at: i64) -> Result<()> {
    sqlx::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(at)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM session WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM session WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends the account's other sessions: after a password change, the sessions that knew the
/// old one end.
pub async fn keep_only(conn: &mut AnyConnection, user_id: i64, handle: &str) -> Result<()> {
    sqlx::query("DELETE FROM session WHERE user_id = $1 AND substr(token_hash, 1, 16) <> $2")
        .bind(user_id)
        .bind(handle)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves one of the account's sessions (by handle) to its next stage.
pub async fn set_stage(
    conn: &mut AnyConnection,
    user_id: i64,
    handle: &str,
    stage: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE session SET stage = $1 WHERE user_id = $2 AND substr(token_hash, 1, 16) = $3",
    )
    .bind(stage)
    .bind(user_id)
    .bind(handle)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops sessions idle since `idle_before` or created before `created_before`.
pub async fn purge(conn: &mut AnyConnection, idle_before: i64, created_before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM session WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}
