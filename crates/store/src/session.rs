//! Server-side sessions (browser) and API tokens, stored by the hash of their secret.

use sqlx::AnyConnection;

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
    }
}

pub async fn insert(conn: &mut AnyConnection, token_hash: &str, s: &SessionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO session (token_hash, user_id, kind, csrf, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(s.user_id)
    .bind(&s.kind)
    .bind(&s.csrf)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRow>> {
    let r = sqlx::query(
        "SELECT user_id, kind, csrf, created_at, last_seen_at FROM session WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(SessionRow::read).transpose()
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

/// Drops sessions idle since `idle_before` or created before `created_before`.
pub async fn purge(conn: &mut AnyConnection, idle_before: i64, created_before: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM session WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}
