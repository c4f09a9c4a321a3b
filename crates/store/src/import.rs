//! Import jobs: the file between its check and the user's decision, and the outcome.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::now_ms;

row! {
    #[derive(Debug, Clone)]
    pub struct JobRow {
        pub id: i64,
        pub user_id: Option<i64>,
        pub org_id: i64,
        pub kind: String,
        pub file_name: String,
        pub state: String,
        pub total: i64,
        pub valid: i64,
        pub invalid: i64,
        /// JSON: the row errors found by the check.
        pub errors: String,
        pub imported: i64,
        pub message: String,
        pub created_at: i64,
        pub finished_at: Option<i64>,
    }
}

const COLS: &str = "id, user_id, org_id, kind, file_name, state, total, valid, invalid, errors, imported, message, created_at, finished_at";

pub struct NewJob<'a> {
    pub user_id: Option<i64>,
    pub org_id: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub body: &'a [u8],
    pub total: i64,
    pub valid: i64,
    pub invalid: i64,
    pub errors: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, j: &NewJob<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO import_job (user_id, org_id, kind, file_name, body, state, total, valid, invalid, errors, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'checked', $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(j.user_id)
    .bind(j.org_id)
    .bind(j.kind)
    .bind(j.file_name)
    .bind(j.body)
    .bind(j.total)
    .bind(j.valid)
    .bind(j.invalid)
    .bind(j.errors)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<JobRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM import_job WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(JobRow::read).transpose()
}

pub async fn body(conn: &mut AnyConnection, id: i64) -> Result<Option<Vec<u8>>> {
    let r = sqlx::query("SELECT body FROM import_job WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(r.map(|r| r.try_get::<Option<Vec<u8>>, _>("body"))
        .transpose()?
        .flatten())
}

/// Moves a job from `from` to `to`; false when it was no longer in `from` (a double click).
pub async fn claim(conn: &mut AnyConnection, id: i64, from: &str, to: &str) -> Result<bool> {
    let n = sqlx::query("UPDATE import_job SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Ends a job: its state, what was imported and a message; the file is dropped.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    imported: i64,
    message: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE import_job SET state = $1, imported = $2, message = $3, finished_at = $4, body = NULL WHERE id = $5",
    )
    .bind(state)
    .bind(imported)
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Jobs a restart interrupted: nothing of theirs was written, since each runs in one
/// transaction; they are marked so that their users know.
pub async fn fail_interrupted(conn: &mut AnyConnection) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE import_job SET state = 'failed', message = '服务重启，导入未完成，数据未写入，请重新导入', finished_at = $1, body = NULL WHERE state = 'importing'",
    )
    .bind(now_ms())
    .execute(conn)
    .await?
    .rows_affected())
}

/// Checked files nobody imported or discarded: dropped after `before` (epoch ms).
pub async fn drop_stale(conn: &mut AnyConnection, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE import_job SET state = 'discarded', message = '超过 7 天未确认，已自动放弃，未写入任何数据', finished_at = $1, body = NULL \
         WHERE state = 'checked' AND created_at < $2",
    )
    .bind(now_ms())
    .bind(before)
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn recent(conn: &mut AnyConnection, user_id: i64, limit: i64) -> Result<Vec<JobRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM import_job WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
    )))
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(JobRow::read).collect()
}
