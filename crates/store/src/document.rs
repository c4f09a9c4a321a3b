//! Documents made in the background: the job, its progress, and the file once made.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct DocumentJobRow {
        pub id: i64,
        pub user_id: Option<i64>,
        pub org_id: i64,
        pub kind: String,
        pub year: i64,
        /// running, done, failed.
        pub state: String,
        pub done: i64,
        pub total: i64,
        pub file_name: String,
        pub message: String,
        pub created_at: i64,
        pub finished_at: Option<i64>,
    }
}

const COLS: &str = "id, user_id, org_id, kind, year, state, done, total, file_name, message, created_at, finished_at";

/// A job begun: running, with the number of parts it will make.
pub async fn insert(
    conn: &mut AnyConnection,
    user_id: Option<i64>,
    org_id: i64,
    (kind, year): (&str, i64),
    total: i64,
) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO document_job (user_id, org_id, kind, year, state, total, created_at) \
         VALUES ($1, $2, $3, $4, 'running', $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(kind)
    .bind(year)
    .bind(total)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<DocumentJobRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM document_job WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(DocumentJobRow::read).transpose()
}

/// How many parts are made.
pub async fn progress(conn: &mut AnyConnection, id: i64, done: i64) -> Result<()> {
    sqlx::query("UPDATE document_job SET done = $1 WHERE id = $2 AND state = 'running'")
        .bind(done)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The file made.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    file_name: &str,
    body: &[u8],
    message: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE document_job SET state = 'done', done = total, file_name = $1, body = $2, message = $3, \
         finished_at = $4 WHERE id = $5",
    )
    .bind(file_name)
    .bind(body)
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn fail(conn: &mut AnyConnection, id: i64, message: &str) -> Result<()> {
    sqlx::query(
        "UPDATE document_job SET state = 'failed', message = $1, finished_at = $2 WHERE id = $3",
    )
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn body(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT body FROM document_job WHERE id = $1 AND state = 'done'")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(r.map(|r| r.try_get::<Option<Vec<u8>>, _>("body"))
        .transpose()?
        .flatten())
}

/// Jobs a stopped process left running made nothing: marked so at the next start.
pub async fn fail_interrupted(conn: &mut AnyConnection) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE document_job SET state = 'failed', message = '服务重启，生成中断，请重新生成', finished_at = $1 \
         WHERE state = 'running'",
    )
    .bind(now_ms())
    .execute(conn)
    .await?
    .rows_affected())
}

/// Files made before `before` (epoch ms) are dropped; the job's row stays.
pub async fn drop_stale(conn: &mut AnyConnection, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE document_job SET body = NULL, state = 'expired', message = '文件已超过 7 天，已删除，请重新生成' \
         WHERE state = 'done' AND finished_at < $1",
    )
    .bind(before)
    .execute(conn)
    .await?
    .rows_affected())
}

/// A user's latest jobs, newest first.
pub async fn recent(
    conn: &mut AnyConnection,
    user_id: i64,
    limit: i64,
) -> Result<Vec<DocumentJobRow>> {
    let rs = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM document_job WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
    )))
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rs.iter().map(DocumentJobRow::read).collect()
}
