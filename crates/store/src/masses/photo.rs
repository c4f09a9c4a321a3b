//! Photos kept with a card or a deed, by kind and owner id.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::sql::now_ms;

pub const CARD: &str = "card";
pub const DEED: &str = "deed";

/// Stores a photo, replacing the one before.
pub async fn save(
    conn: &mut AnyConnection,
    kind: &str,
    owner_id: i64,
    mime: &str,
    body: &[u8],
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO photo (kind, owner_id, mime, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (kind, owner_id) DO UPDATE SET mime = excluded.mime, body = excluded.body, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(kind)
    .bind(owner_id)
    .bind(mime)
    .bind(body)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(
    conn: &mut AnyConnection,
    kind: &str,
    owner_id: i64,
) -> Result<Option<(String, Vec<u8>)>> {
    let r = sqlx::query("SELECT mime, body FROM photo WHERE kind = $1 AND owner_id = $2")
        .bind(kind)
        .bind(owner_id)
        .fetch_optional(conn)
        .await?;
    Ok(match r {
        Some(r) => Some((r.try_get("mime")?, r.try_get("body")?)),
        None => None,
    })
}

/// Which of some owners have a photo.
pub async fn owners_with(conn: &mut AnyConnection, kind: &str, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new("SELECT owner_id FROM photo WHERE kind = ");
    sql.text(kind).push(" AND owner_id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.int(*id);
    }
    sql.push(")");
    sql.fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("owner_id")?))
        .collect()
}
