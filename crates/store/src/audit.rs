//! The append-only audit log. Each row carries the hash of the previous one; the single
//! `audit_head` row is updated first in every audited transaction, which serialises
//! writers on both engines and hands out gap-free sequence numbers.

use sqlx::AssertSqlSafe;
use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::row::row;
use crate::sql::Sql;

row! {
    #[derive(Debug, Clone)]
    pub struct AuditRow {
        pub seq: i64,
        pub at: i64,
        pub actor_id: Option<i64>,
        pub actor_name: String,
        pub ip: String,
        pub action: String,
        pub object_type: String,
        pub object_id: String,
        pub result: String,
        pub detail: String,
        pub prev_hash: String,
        pub hash: String,
    }
}

/// Takes the next sequence number and the previous hash; locks the head until commit.
pub async fn reserve(conn: &mut AnyConnection) -> Result<(i64, String)> {
    let r = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(conn)
        .await?;
    Ok((r.try_get("seq")?, r.try_get("hash")?))
}

pub async fn append(conn: &mut AnyConnection, row: &AuditRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, object_type, object_id, result, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(row.seq)
    .bind(row.at)
    .bind(row.actor_id)
    .bind(&row.actor_name)
    .bind(&row.ip)
    .bind(&row.action)
    .bind(&row.object_type)
    .bind(&row.object_id)
    .bind(&row.result)
    .bind(&row.detail)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&row.hash)
        .execute(conn)
        .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<AuditRow> {
    AuditRow::read(r)
}

const COLS: &str = "seq, at, actor_id, actor_name, ip, action, object_type, object_id, result, detail, prev_hash, hash";

/// Rows in sequence order starting after `after_seq`, at most `limit`.
pub async fn page(conn: &mut AnyConnection, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rs = sqlx::query(AssertSqlSafe(sql))
        .bind(after_seq)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rs.iter().map(from_row).collect()
}

/// Rows written in `[from_ms, to_ms)` after `after_seq`, in sequence order, at most `limit`
/// (the auditor's export, page by page).
pub async fn page_between(
    conn: &mut AnyConnection,
    after_seq: i64,
    from_ms: i64,
    to_ms: i64,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let sql = format!(
        "SELECT {COLS} FROM audit_log WHERE seq > $1 AND at >= $2 AND at < $3 ORDER BY seq LIMIT $4"
    );
    let rs = sqlx::query(AssertSqlSafe(sql))
        .bind(after_seq)
        .bind(from_ms)
        .bind(to_ms)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rs.iter().map(from_row).collect()
}

/// The newest rows first, optionally only one action, for the auditor's page.
pub async fn recent(
    conn: &mut AnyConnection,
    action: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let mut sql = Sql::new(&format!("SELECT {COLS} FROM audit_log WHERE 1 = 1"));
    if let Some(a) = action {
        sql.push(" AND action = ").text(a);
    }
    if let Some(b) = before_seq {
        sql.push(" AND seq < ").int(b);
    }
    sql.push(" ORDER BY seq DESC LIMIT ").int(limit);
    sql.fetch_all(conn).await?.iter().map(from_row).collect()
}

pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String)> {
    let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok((r.try_get("seq")?, r.try_get("hash")?))
}
